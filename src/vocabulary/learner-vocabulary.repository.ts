import { Injectable } from '@nestjs/common';
import { InjectLinguaRepository } from '../database/lingua-repositories';
import { EntityManager, Repository } from 'typeorm';
import { isoText } from '../database/raw-rows';
import { prepared } from '../database/pg-driver';
import { UserVocabulary } from './entities/user-vocabulary.entity';
import { reviewParams, reviewSet } from './card-writes';
import { ScheduledCard } from './srs';

export interface LearnerListFilter {
  categoryId?: number;
  mastery?: number;
  afterWordId?: number;
  /** Only this word (single-item reads). */
  wordId?: number;
}

/** One vocabulary item as the hot reads select it: the columns the DTO returns, times as ISO text. */
export interface VocabularyItemRow {
  word_id: number;
  term: string;
  translation: string;
  difficulty_level: number;
  category_id: number;
  category_name: string;
  mastery_level: number;
  times_seen: number;
  times_correct: number;
  state: number;
  due_at: string;
  stability: number;
  difficulty: number;
  reps: number;
  lapses: number;
  last_reviewed_at: string | null;
  created_at: string;
}

const ITEM_COLUMNS = [
  'uv.word_id AS word_id',
  'w.term AS term',
  'w.translation AS translation',
  'w.difficulty_level AS difficulty_level',
  'w.category_id AS category_id',
  'c.name AS category_name',
  'uv.mastery_level AS mastery_level',
  'uv.times_seen AS times_seen',
  'uv.times_correct AS times_correct',
  'uv.state AS state',
  `${isoText('uv.due_at')} AS due_at`,
  'uv.stability AS stability',
  'uv.difficulty AS difficulty',
  'uv.reps AS reps',
  'uv.lapses AS lapses',
  `${isoText('uv.last_reviewed_at')} AS last_reviewed_at`,
  `${isoText('uv.created_at')} AS created_at`,
];

const DUE_QUEUE_SQL = prepared(`
  SELECT ${ITEM_COLUMNS.join(', ')}
    FROM user_vocabulary uv JOIN words w ON w.id = uv.word_id JOIN categories c ON c.id = w.category_id
   WHERE uv.user_id = $1 AND uv.due_at <= $2
   ORDER BY uv.due_at
   LIMIT $3`);

/** One review of a locked card: $1 the card's id, then reviewParams. */
const SAVE_REVIEW_SQL = prepared(`UPDATE user_vocabulary SET ${reviewSet(2)} WHERE id = $1`);

export interface StatsRow {
  by_mastery: Record<string, number>;
  due_now: number;
  next_due_at: Date | null;
}

/**
 * A learner's stats in one statement, each part an index-only range on that learner:
 * counts by mastery (ix_user_vocabulary_user_id_mastery_level_word_id), due now and the next due
 * time (ix_user_vocabulary_user_id_due_at). $1 user id, $2 now.
 */
export const LEARNER_STATS_SQL = prepared(`
  SELECT (SELECT coalesce(jsonb_object_agg(m.mastery_level, m.n), '{}'::jsonb)
            FROM (SELECT mastery_level, count(*)::int AS n FROM user_vocabulary WHERE user_id = $1 GROUP BY mastery_level) m) AS by_mastery,
         (SELECT count(*)::int FROM user_vocabulary WHERE user_id = $1 AND due_at <= $2) AS due_now,
         (SELECT min(due_at) FROM user_vocabulary WHERE user_id = $1 AND due_at > $2) AS next_due_at`);

/** SQL for a learner's words and their spaced-repetition cards. */
@Injectable()
export class LearnerVocabularyRepository {
  constructor(@InjectLinguaRepository(UserVocabulary) private readonly vocabulary: Repository<UserVocabulary>) {}

  /**
   * The learner's words with word and category, ordered by word id, keyset after `afterWordId`, in
   * one statement: the page of the learner's rows first (a range on uq_user_vocabulary_user_id_word_id,
   * or, filtered by mastery, on ix_user_vocabulary_user_id_mastery_level_word_id; a category filter
   * checks each row's word by primary key), then each row's word and category by primary key (a LATERAL lookup
   * the planner cannot turn into a merge join walking pk_words up to the page's last word id — 13,737
   * index entries for a 51-row page at 1M rows). Selects `VocabularyItemRow` columns only.
   */
  listStatement(userId: number, filter: LearnerListFilter, limit: number): [string, unknown[]] {
    const params: unknown[] = [userId, limit];
    const where = ['uv.user_id = $1'];
    const add = (condition: (p: string) => string, value: unknown) => {
      params.push(value);
      where.push(condition(`$${params.length}`));
    };
    if (filter.mastery !== undefined) add((p) => `uv.mastery_level = ${p}`, filter.mastery);
    if (filter.categoryId !== undefined)
      add((p) => `EXISTS (SELECT 1 FROM words wc WHERE wc.id = uv.word_id AND wc.category_id = ${p})`, filter.categoryId);
    if (filter.wordId !== undefined) add((p) => `uv.word_id = ${p}`, filter.wordId);
    if (filter.afterWordId !== undefined) add((p) => `uv.word_id > ${p}`, filter.afterWordId);
    const sql = prepared(`
      SELECT ${ITEM_COLUMNS.map((c) => c.replace('c.name', 'w.category_name')).join(', ')}
        FROM (SELECT * FROM user_vocabulary uv WHERE ${where.join(' AND ')} ORDER BY uv.word_id LIMIT $2) uv
       CROSS JOIN LATERAL (SELECT w.term, w.translation, w.difficulty_level, w.category_id,
                                  (SELECT c.name FROM categories c WHERE c.id = w.category_id) AS category_name
                             FROM words w WHERE w.id = uv.word_id OFFSET 0) w
       ORDER BY uv.word_id`);
    return [sql, params];
  }

  list(userId: number, filter: LearnerListFilter, limit: number, manager?: EntityManager): Promise<VocabularyItemRow[]> {
    return this.repo(manager).query(...this.listStatement(userId, filter, limit));
  }

  /**
   * Earliest due first, one range scan on ix_user_vocabulary_user_id_due_at, then word and category by
   * primary key; `VocabularyItemRow`s. Constant SQL text (built once, prepared where the pool allows).
   */
  dueStatement(userId: number, now: Date, limit: number): [string, unknown[]] {
    return [DUE_QUEUE_SQL, [userId, now, limit]];
  }

  due(userId: number, now: Date, limit: number, manager?: EntityManager): Promise<VocabularyItemRow[]> {
    return this.repo(manager).query(...this.dueStatement(userId, now, limit));
  }

  async stats(userId: number, now: Date, manager?: EntityManager): Promise<StatsRow> {
    const [row] = await this.repo(manager).query(LEARNER_STATS_SQL, [userId, now]);
    return row as StatsRow;
  }

  /** Starts learning a word; false when the learner already had it. Unknown word → fk_user_vocabulary_word_id. */
  async insertIfAbsent(userId: number, wordId: number, manager?: EntityManager): Promise<boolean> {
    const result = await this.repo(manager).createQueryBuilder().insert().values({ userId, wordId }).orIgnore().returning(['id']).execute();
    return result.raw.length > 0;
  }

  async delete(userId: number, wordId: number, manager?: EntityManager): Promise<boolean> {
    const result = await this.repo(manager)
      .createQueryBuilder()
      .delete()
      .where('user_id = :userId AND word_id = :wordId', { userId, wordId })
      .execute();
    return (result.affected ?? 0) > 0;
  }

  /** The learner's card for a word, row-locked until the transaction ends. */
  async lockCard(manager: EntityManager, userId: number, wordId: number): Promise<UserVocabulary | null> {
    return this.repo(manager)
      .createQueryBuilder('uv')
      .where('uv.user_id = :userId AND uv.word_id = :wordId', { userId, wordId })
      .setLock('pessimistic_write')
      .getOne();
  }

  /** Writes the scheduled card and counts the answer (the row is locked by lockCard); the same columns as the answer's compare-and-set. */
  async saveReview(manager: EntityManager, id: number, card: ScheduledCard, correct: boolean): Promise<void> {
    await this.repo(manager).query(SAVE_REVIEW_SQL, [id, ...reviewParams({ card, correct })]);
  }

  private repo(manager?: EntityManager): Repository<UserVocabulary> {
    return manager?.getRepository(UserVocabulary) ?? this.vocabulary;
  }
}
