import { HttpStatus, Injectable } from '@nestjs/common';
import { ApiError, FieldErrors, notFound, validationFailed } from '../common/api-error';
import { offsetOf, Page, parseSort, toPage } from '../common/pagination';
import { TransactionRunner, WriteOptions } from '../database/transaction-runner';
import type { EntityManager } from 'typeorm';
import { CatalogueRepository, NewWord } from './catalogue.repository';
import {
  BulkCreateWordsDto,
  CategoryDto,
  CategoryListDto,
  CreateCategoryDto,
  CreateWordDto,
  UpdateCategoryDto,
  UpdateWordDto,
  WordDto,
  WordListDto,
  WordQuery,
  WordSortField,
} from './dto/catalogue.dto';
import { definedOnly } from '../common/defined-only';
import { toCategoryDto, toWordDto } from './vocabulary.mapper';
import { VocabularyCache } from './vocabulary.cache';
import { ReadRouter } from '../database/replicas/read-router';
import { WritePositions } from '../database/replicas/write-positions';
import { LinguaScoped } from '../database/statement-scope';

/**
 * The catalogue: categories and words. Reads are cached as DTOs; every write invalidates the
 * `categories` and `words` namespaces once it has committed. Every write method joins the caller's
 * transaction: `{ manager }`, else the host's ambient one (option `transaction`).
 */
@Injectable()
@LinguaScoped()
export class CatalogueService {
  /** @internal Built by Nest's DI from lingua-core's own providers. */
  constructor(
    private readonly repo: CatalogueRepository,
    private readonly cache: VocabularyCache,
    private readonly tx: TransactionRunner,
    private readonly reads: ReadRouter,
    private readonly positions: WritePositions,
  ) {}

  listCategories(): Promise<CategoryListDto> {
    return this.cache.categories(async () => ({
      items: (await this.reads.catalogue((m) => this.repo.findCategoriesWithCounts(m))).map((r) => toCategoryDto(r.category, r.wordCount)),
    }));
  }

  /** A duplicate name (any case) raises uq_categories_name → 409. */
  async createCategory(dto: CreateCategoryDto, options: WriteOptions = {}): Promise<CategoryDto> {
    const manager = this.tx.joined(options);
    const category = await this.repo.insertCategory({ name: dto.name, description: dto.description ?? null }, manager);
    await this.changed(manager);
    return toCategoryDto(category, 0);
  }

  async updateCategory(id: number, dto: UpdateCategoryDto, options: WriteOptions = {}): Promise<CategoryDto> {
    const changes = definedOnly(dto);
    if (Object.keys(changes).length === 0) throw validationFailed('Nothing to update: send name and/or description.');
    const manager = this.tx.joined(options);
    const category = await this.repo.updateCategory(id, changes, manager);
    if (!category) throw notFound('Category');
    await this.changed(manager);
    return toCategoryDto(category, await this.repo.countWordsInCategory(id, manager));
  }

  /** A category that still has words cannot be deleted: fk_words_category_id (RESTRICT) → 409. */
  async deleteCategory(id: number, options: WriteOptions = {}): Promise<void> {
    const manager = this.tx.joined(options);
    if (!(await this.repo.deleteCategory(id, manager))) throw notFound('Category');
    await this.changed(manager);
  }

  listWords(query: WordQuery): Promise<Page<WordDto>> {
    const sort = parseSort<WordSortField>(query.sort, 'term');
    const filter = { categoryId: query.categoryId, difficulty: query.difficulty, q: query.q };
    const key = JSON.stringify({ ...filter, q: query.q?.toLowerCase(), sort, page: query.page, perPage: query.perPage });
    return this.cache.words(key, async () => {
      const [words, total] = await this.reads.catalogue((m) => this.repo.findWordPage(filter, sort, offsetOf(query), query.perPage, m));
      return toPage(
        words.map((w) => toWordDto(w)),
        total,
        query,
      );
    });
  }

  async getWord(id: number): Promise<WordDto> {
    const word = await this.cache.words(`id:${id}`, async () => {
      const found = await this.reads.catalogue((m) => this.repo.findWord(id, m));
      return found ? toWordDto(found) : null;
    });
    if (!word) throw notFound('Word');
    return word;
  }

  /** Unknown category → fk_words_category_id; same term in the category (any case) → uq_words_category_id_term. */
  async createWord(dto: CreateWordDto, options: WriteOptions = {}): Promise<WordDto> {
    const manager = this.tx.joined(options);
    const id = await this.repo.insertWord(this.newWord(dto), manager);
    await this.changed(manager);
    return this.loadWord(id, manager);
  }

  async updateWord(id: number, dto: UpdateWordDto, options: WriteOptions = {}): Promise<WordDto> {
    const changes = definedOnly(dto);
    if (Object.keys(changes).length === 0) throw validationFailed('Nothing to update.');
    const manager = this.tx.joined(options);
    if (!(await this.repo.updateWord(id, changes, manager))) throw notFound('Word');
    await this.changed(manager);
    return this.loadWord(id, manager);
  }

  /** Also drops the word from every learner's vocabulary, and (one bump for all) the learners' cached stats. */
  async deleteWord(id: number, options: WriteOptions = {}): Promise<void> {
    const caller = this.tx.joined(options);
    const { deleted } = await this.tx.run((manager) => this.repo.deleteWord(manager, id), { manager: caller });
    if (!deleted) throw notFound('Word');
    await this.positions.catalogueWrote(caller);
    await this.cache.wordDeleted(caller);
  }

  /**
   * Up to 1000 words in one transaction, all or nothing. Rows the database would reject (unknown
   * category, term already in the category, the same term twice in the batch) are all reported, by
   * index, in one 409 whose code and constraint are those of the first bad row. The constraints
   * stay the authority: a concurrent writer still gets its 409 from the INSERT itself. Inside the
   * caller's transaction it runs in a savepoint: a rejected batch leaves the caller's transaction usable.
   */
  async bulkCreateWords(dto: BulkCreateWordsDto, options: WriteOptions = {}): Promise<WordListDto> {
    const rows = dto.words.map((w) => this.newWord(w));
    const caller = this.tx.joined(options);
    const items = await this.tx.run(
      async (manager) => {
        const checks = await this.repo.checkBulkRows(manager, rows);
        const problems: BulkProblem[] = [];
        const seen = new Map<string, number>();
        checks.forEach(({ i, categoryName, termTaken }) => {
          const key = `${rows[i].categoryId}:${rows[i].term.toLowerCase()}`;
          const first = seen.get(key);
          if (categoryName === null) {
            problems.push({
              field: `words.${i}.categoryId`,
              messages: ['no such category (fk_words_category_id)'],
              constraint: 'fk_words_category_id',
              code: 'foreign_key_violation',
            });
          } else if (termTaken) {
            problems.push({
              field: `words.${i}.term`,
              messages: ['already in this category (uq_words_category_id_term)'],
              constraint: 'uq_words_category_id_term',
              code: 'unique_violation',
            });
          } else if (first !== undefined) {
            problems.push({
              field: `words.${i}.term`,
              messages: [`same term as words.${first} (uq_words_category_id_term)`],
              constraint: 'uq_words_category_id_term',
              code: 'unique_violation',
            });
          }
          if (first === undefined) seen.set(key, i);
        });
        if (problems.length > 0) throw bulkRowsRejected(problems);
        const names = new Map(checks.map((c) => [rows[c.i].categoryId, c.categoryName as string]));
        const inserted = await this.repo.insertWords(manager, rows);
        return inserted.map((w) => toWordDto(w, names.get(w.categoryId)));
      },
      { manager: caller },
    );
    await this.changed(caller);
    return { items };
  }

  /**
   * The write position first, then the invalidation: a cache fill it causes waits for that position.
   * Both wait for the commit of `manager`'s transaction when there is one.
   */
  private async changed(manager: EntityManager | undefined): Promise<void> {
    await this.positions.catalogueWrote(manager);
    await this.cache.catalogueChanged(manager);
  }

  private async loadWord(id: number, manager: EntityManager | undefined): Promise<WordDto> {
    const word = await this.repo.findWord(id, manager);
    if (!word) throw notFound('Word');
    return toWordDto(word);
  }

  private newWord(dto: CreateWordDto): NewWord {
    return { term: dto.term, translation: dto.translation, categoryId: dto.categoryId, difficultyLevel: dto.difficultyLevel ?? 1 };
  }
}

type BulkProblem = FieldErrors & { constraint: string; code: 'unique_violation' | 'foreign_key_violation' };

/** 409 listing every rejected row of a bulk insert; code and constraint are the first row's. */
const bulkRowsRejected = (problems: BulkProblem[]) =>
  new ApiError(
    HttpStatus.CONFLICT,
    problems[0].code,
    `${problems.length} row(s) of the batch would violate a constraint; nothing was inserted.`,
    problems.map(({ field, messages }) => ({ field, messages })),
    problems[0].constraint,
  );
