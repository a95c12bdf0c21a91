import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { notFound } from '../common/api-error';
import { TransactionRunner, WriteOptions } from '../database/transaction-runner';
import { CursorPage, decodeCursor, toCursorPage } from '../common/pagination';
import { DueListDto, LearnerVocabularyQuery, VocabularyItemDto, VocabularyStatsDto } from './dto/learner-vocabulary.dto';
import { LearnerVocabularyRepository } from './learner-vocabulary.repository';
import { isCorrect, ReviewRating, scheduleReview, ScheduledCard } from './srs';
import { VocabularyCache } from './vocabulary.cache';
import { ReadRouter } from '../database/replicas/read-router';
import { WritePositions } from '../database/replicas/write-positions';
import { toStatsDto, toVocabularyItemDto } from './vocabulary.mapper';
import { LinguaScoped } from '../database/statement-scope';

/**
 * A learner's vocabulary and its spaced-repetition cards. Other modules (practice) inject this;
 * `recordReview` joins the caller's transaction. The one exception is the practice answer's fast
 * path (PracticeRepository.applyAnswer), which writes the card in the same statement as the log row,
 * with this module's compare-and-set (card-writes.ts: the same columns as recordReview writes).
 */
@Injectable()
@LinguaScoped()
export class VocabularyService {
  /** @internal Built by Nest's DI from lingua-core's own providers. */
  constructor(
    private readonly repo: LearnerVocabularyRepository,
    private readonly cache: VocabularyCache,
    private readonly reads: ReadRouter,
    private readonly positions: WritePositions,
    private readonly tx: TransactionRunner,
  ) {}

  async list(userId: number, { categoryId, mastery, limit, cursor }: LearnerVocabularyQuery): Promise<CursorPage<VocabularyItemDto>> {
    const afterWordId = cursor ? decodeCursor(cursor, ['int'] as const)[0] : undefined;
    const rows = await this.reads.learner(userId, (m) => this.repo.list(userId, { categoryId, mastery, afterWordId }, limit + 1, m));
    return toCursorPage(rows, limit, toVocabularyItemDto, (r) => [r.word_id]);
  }

  /**
   * Idempotent: starting a word already being learned changes nothing. Unknown word → 409
   * fk_user_vocabulary_word_id. Like `stopLearning`, it joins the caller's transaction: `{ manager }`,
   * else the host's ambient one (option `transaction`).
   */
  async startLearning(userId: number, wordId: number, options: WriteOptions = {}): Promise<{ created: boolean; item: VocabularyItemDto }> {
    const manager = this.tx.joined(options);
    const created = await this.repo.insertIfAbsent(userId, wordId, manager);
    if (created) await this.wrote(userId, manager);
    const [row] = await this.repo.list(userId, { wordId }, 1, manager);
    // Only a concurrent DELETE between the two statements gets here.
    if (!row) throw notFound('Vocabulary word');
    return { created, item: toVocabularyItemDto(row) };
  }

  async stopLearning(userId: number, wordId: number, options: WriteOptions = {}): Promise<void> {
    const manager = this.tx.joined(options);
    if (!(await this.repo.delete(userId, wordId, manager))) throw notFound('Vocabulary word');
    await this.wrote(userId, manager);
  }

  async due(userId: number, limit: number): Promise<DueListDto> {
    const rows = await this.reads.learner(userId, (m) => this.repo.due(userId, new Date(), limit, m));
    return { items: rows.map(toVocabularyItemDto) };
  }

  /**
   * Cached per learner and invalidated by every write to the learner's vocabulary. `dueNow` also
   * changes with the clock alone, so an entry is dropped once its `nextDueAt` has passed.
   */
  async stats(userId: number): Promise<VocabularyStatsDto> {
    const load = async () => toStatsDto(await this.reads.learner(userId, (m) => this.repo.stats(userId, new Date(), m)));
    const cached = await this.cache.stats(userId, load);
    if (cached.nextDueAt === null || Date.parse(cached.nextDueAt) > Date.now()) return cached;
    await this.cache.statsChanged(userId);
    return this.cache.stats(userId, load);
  }

  /**
   * Records one answer on the learner's card inside the caller's transaction: locks the card row
   * (creating it first if the learner was not learning the word yet), schedules the next review
   * with FSRS and counts the answer. Call `reviewsCommitted` after the transaction commits.
   */
  async recordReview(manager: EntityManager, userId: number, wordId: number, rating: ReviewRating, now: Date): Promise<ScheduledCard> {
    let card = await this.repo.lockCard(manager, userId, wordId);
    if (!card) {
      await this.repo.insertIfAbsent(userId, wordId, manager);
      card = await this.repo.lockCard(manager, userId, wordId);
      if (!card) throw notFound('Vocabulary word');
    }
    const next = scheduleReview(card, rating, now);
    await this.repo.saveReview(manager, card.id, next, isCorrect(rating));
    return next;
  }

  /**
   * Invalidates the learner's cached stats: call after the transaction with recordReview commits
   * (or pass its `manager` to have it run when that transaction commits).
   */
  reviewsCommitted(userId: number, manager?: EntityManager): Promise<void> {
    return this.wrote(userId, manager);
  }

  /** The write position first, then the invalidation: a cache fill it causes waits for that position. */
  private async wrote(userId: number, manager?: EntityManager): Promise<void> {
    await this.positions.learnerWrote(userId, manager);
    await this.cache.statsChanged(userId, manager);
  }
}
