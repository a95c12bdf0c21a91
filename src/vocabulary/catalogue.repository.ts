import { Injectable } from '@nestjs/common';
import { InjectLinguaRepository, repositoryOn } from '../database/lingua-repositories';
import { EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { pageAndTotal } from '../database/page-with-total';
import { orderBySort } from '../common/pagination';
import { fromRawRow, toInt } from '../database/raw-rows';
import { WordSortField } from './dto/catalogue.dto';
import { Category } from './entities/category.entity';
import { Word } from './entities/word.entity';

export interface CategoryWithCount {
  category: Category;
  wordCount: number;
}

export interface WordFilter {
  categoryId?: number;
  difficulty?: number;
  /** Case-insensitive term prefix. */
  q?: string;
}

export type NewWord = Pick<Word, 'term' | 'translation' | 'categoryId' | 'difficultyLevel'>;

/** What the database says about each row of a bulk insert before it runs (for per-row reporting). */
export interface BulkRowCheck {
  i: number;
  categoryName: string | null;
  termTaken: boolean;
}

const SORT_COLUMNS: Record<WordSortField, string> = {
  term: 'w.term',
  difficultyLevel: 'w.difficulty_level',
  createdAt: 'w.created_at',
  id: 'w.id',
};

const likePrefix = (q: string) => `${q.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`;

/** SQL for categories and words: single-purpose QueryBuilder methods, no business rules. */
@Injectable()
export class CatalogueRepository {
  constructor(
    @InjectLinguaRepository(Category) private readonly categories: Repository<Category>,
    @InjectLinguaRepository(Word) private readonly words: Repository<Word>,
  ) {}

  /** Every category with its word count, in one statement (counts via uq_words_category_id_term). */
  async findCategoriesWithCounts(manager?: EntityManager): Promise<CategoryWithCount[]> {
    const rows: Array<Record<string, unknown>> = await repositoryOn(this.categories, manager)
      .createQueryBuilder('c')
      .select(['c.id AS id', 'c.name AS name', 'c.description AS description', 'c.created_at AS created_at', 'c.updated_at AS updated_at'])
      .addSelect('(SELECT count(*) FROM words w WHERE w.category_id = c.id)', 'word_count')
      .orderBy('lower(c.name)', 'ASC')
      .addOrderBy('c.id', 'ASC')
      .getRawMany();
    return rows.map(({ word_count, ...row }) => ({ category: fromRawRow<Category>(row), wordCount: toInt(word_count) }));
  }

  async countWordsInCategory(categoryId: number, manager?: EntityManager): Promise<number> {
    return (manager?.getRepository(Word) ?? this.words)
      .createQueryBuilder('w')
      .where('w.category_id = :categoryId', { categoryId })
      .getCount();
  }

  async insertCategory(values: Pick<Category, 'name' | 'description'>, manager?: EntityManager): Promise<Category> {
    const result = await (manager?.getRepository(Category) ?? this.categories)
      .createQueryBuilder()
      .insert()
      .values(values)
      .returning('*')
      .execute();
    return fromRawRow<Category>(result.raw[0]);
  }

  async updateCategory(
    id: number,
    changes: Partial<Pick<Category, 'name' | 'description'>>,
    manager?: EntityManager,
  ): Promise<Category | null> {
    const result = await (manager?.getRepository(Category) ?? this.categories)
      .createQueryBuilder()
      .update()
      .set(changes)
      .where('id = :id', { id })
      .returning('*')
      .execute();
    return result.raw.length ? fromRawRow<Category>(result.raw[0]) : null;
  }

  /** A category with words raises the RESTRICT violation on fk_words_category_id (→ 409). */
  async deleteCategory(id: number, manager?: EntityManager): Promise<boolean> {
    const result = await (manager?.getRepository(Category) ?? this.categories)
      .createQueryBuilder()
      .delete()
      .where('id = :id', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** One page of words with their category and the total, in one statement (pageAndTotal). */
  async findWordPage(
    filter: WordFilter,
    sort: [WordSortField, 'ASC' | 'DESC'],
    offset: number,
    limit: number,
    manager?: EntityManager,
  ): Promise<[Word[], number]> {
    const page = orderBySort(
      this.filteredWords(filter, manager).innerJoinAndSelect('w.category', 'c'),
      [SORT_COLUMNS[sort[0]], sort[1]],
      'w.id',
    )
      .offset(offset)
      .limit(limit);
    const count = this.filteredWords(filter).select('count(*)').getQuery();
    return pageAndTotal(page, count, offset, () => this.filteredWords(filter, manager).getCount());
  }

  async findWord(id: number, manager?: EntityManager): Promise<Word | null> {
    return repositoryOn(this.words, manager)
      .createQueryBuilder('w')
      .innerJoinAndSelect('w.category', 'c')
      .where('w.id = :id', { id })
      .getOne();
  }

  async insertWord(values: NewWord, manager?: EntityManager): Promise<number> {
    const result = await (manager?.getRepository(Word) ?? this.words)
      .createQueryBuilder()
      .insert()
      .values(values)
      .returning(['id'])
      .execute();
    return result.raw[0].id as number;
  }

  async updateWord(id: number, changes: Partial<NewWord>, manager?: EntityManager): Promise<boolean> {
    const result = await (manager?.getRepository(Word) ?? this.words)
      .createQueryBuilder()
      .update()
      .set(changes as QueryDeepPartialEntity<Word>)
      .where('id = :id', { id })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /**
   * Deletes the word and, explicitly rather than by ON DELETE CASCADE, the learners' vocabulary
   * rows for it (via ix_user_vocabulary_word_id), so the caller learns whose stats changed.
   */
  async deleteWord(manager: EntityManager, id: number): Promise<{ deleted: boolean; learnerIds: number[] }> {
    // Lock the word first: a concurrent PUT /me/vocabulary/:wordId then waits on its foreign-key
    // check and fails (409) after we commit, instead of slipping a row in between our two DELETEs
    // that the cascade would remove without its learner's stats being invalidated.
    await manager.query(`SELECT 1 FROM words WHERE id = $1 FOR UPDATE`, [id]);
    // Raw SQL: TypeORM 1.1's DeleteQueryBuilder drops RETURNING rows on PostgreSQL (raw comes back empty).
    const [learners]: [Array<{ user_id: number }>, number] = await manager.query(
      `DELETE FROM user_vocabulary WHERE word_id = $1 RETURNING user_id`,
      [id],
    );
    const result = await repositoryOn(this.words, manager).createQueryBuilder().delete().where('id = :id', { id }).execute();
    return { deleted: (result.affected ?? 0) > 0, learnerIds: learners.map((r) => r.user_id) };
  }

  /**
   * For each row of a bulk insert: its category's name (null: no such category) and whether its
   * term is already taken in that category. One statement, whatever the batch size.
   */
  async checkBulkRows(manager: EntityManager, rows: NewWord[]): Promise<BulkRowCheck[]> {
    const input = JSON.stringify(rows.map((r, i) => ({ i, category_id: r.categoryId, term: r.term })));
    const result: Array<{ i: number; category_name: string | null; term_taken: boolean }> = await manager.query(
      `SELECT r.i, c.name AS category_name,
              EXISTS (SELECT 1 FROM words w WHERE w.category_id = r.category_id AND lower(w.term) = lower(r.term)) AS term_taken
         FROM jsonb_to_recordset($1::jsonb) AS r(i int, category_id int, term text)
         LEFT JOIN categories c ON c.id = r.category_id
        ORDER BY r.i`,
      [input],
    );
    return result.map((r) => ({ i: r.i, categoryName: r.category_name, termTaken: r.term_taken }));
  }

  /**
   * Inserts all rows in one statement with a single jsonb parameter (a 1000-row VALUES list would
   * carry 4000 bind parameters and plan far slower); returns them in input order.
   */
  async insertWords(manager: EntityManager, rows: NewWord[]): Promise<Word[]> {
    const input = JSON.stringify(
      rows.map((r, i) => ({ i, term: r.term, translation: r.translation, category_id: r.categoryId, difficulty_level: r.difficultyLevel })),
    );
    const inserted: Array<Record<string, unknown>> = await manager.query(
      `WITH input AS (SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(i int, term text, translation text, category_id int, difficulty_level int)),
            ins AS (INSERT INTO words (term, translation, category_id, difficulty_level)
                    SELECT term, translation, category_id, difficulty_level FROM input ORDER BY i
                    RETURNING *)
       SELECT ins.* FROM ins JOIN input ON input.category_id = ins.category_id AND input.term = ins.term ORDER BY input.i`,
      [input],
    );
    return inserted.map((r) => fromRawRow<Word>(r));
  }

  private filteredWords({ categoryId, difficulty, q }: WordFilter, manager?: EntityManager): SelectQueryBuilder<Word> {
    const qb = repositoryOn(this.words, manager).createQueryBuilder('w');
    if (categoryId !== undefined) qb.andWhere('w.category_id = :categoryId', { categoryId });
    if (difficulty !== undefined) qb.andWhere('w.difficulty_level = :difficulty', { difficulty });
    if (q !== undefined) qb.andWhere(`lower(w.term) LIKE :prefix`, { prefix: likePrefix(q) });
    return qb;
  }
}
