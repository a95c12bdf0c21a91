import { Injectable } from '@nestjs/common';
import { notFound, stateConflict } from '../common/api-error';
import { CursorPage, CursorQuery, decodeCursor, toCursorPage } from '../common/pagination';
import { TransactionRunner, WriteOptions } from '../database/transaction-runner';
import { isCorrect } from '../vocabulary/srs';
import { VocabularyService } from '../vocabulary/vocabulary.service';
import { AnswerResultDto, PracticeSessionDto, SubmitAnswerDto } from './dto/practice.dto';
import { toAnswerResultDto, toSessionDto } from './practice.mapper';
import { PracticeRepository } from './practice.repository';
import { ReadRouter } from '../database/replicas/read-router';
import { WritePositions } from '../database/replicas/write-positions';
import { LinguaScoped } from '../database/statement-scope';

/** Practice sessions and their answers. Learner word state goes through VocabularyService. */
@Injectable()
@LinguaScoped()
export class PracticeService {
  constructor(
    private readonly repo: PracticeRepository,
    private readonly vocabulary: VocabularyService,
    private readonly tx: TransactionRunner,
    private readonly reads: ReadRouter,
    private readonly positions: WritePositions,
  ) {}

  async start(userId: number, { manager }: WriteOptions = {}): Promise<PracticeSessionDto> {
    const session = await this.repo.insertSession(userId, manager);
    await this.positions.learnerWrote(userId, manager);
    return toSessionDto(session);
  }

  async list(userId: number, { limit, cursor }: CursorQuery): Promise<CursorPage<PracticeSessionDto>> {
    const beforeId = cursor ? decodeCursor(cursor, ['int'] as const)[0] : undefined;
    const rows = await this.reads.learner(userId, (m) => this.repo.findSessions(userId, beforeId, limit + 1, m));
    return toCursorPage(rows, limit, toSessionDto, (s) => [s.id]);
  }

  async get(userId: number, id: number): Promise<PracticeSessionDto> {
    const session = await this.reads.learner(userId, (m) => this.repo.findSession(userId, id, m));
    if (!session) throw notFound('Practice session');
    return toSessionDto(session);
  }

  /**
   * One transaction: lock the session (answers to a session apply one at a time, so the
   * idempotency check below cannot race), return the stored result if this answerId was already
   * applied, refuse a finished session, then update the learner's card (FSRS), the session counters
   * and append the log row. Stats are invalidated after commit — the caller's, when `{ manager }`
   * makes the answer part of the caller's transaction.
   */
  async answer(userId: number, sessionId: number, dto: SubmitAnswerDto, options: WriteOptions = {}): Promise<AnswerResultDto> {
    const { result, applied } = await this.tx.run(async (manager) => {
      const session = await this.repo.lockSession(manager, userId, sessionId);
      if (!session) throw notFound('Practice session');
      const previous = await this.repo.findAnswer(manager, sessionId, dto.answerId);
      if (previous) return { result: previous, applied: false };
      if (session.finishedAt) throw stateConflict('The practice session is finished.');
      const now = new Date();
      const card = await this.vocabulary.recordReview(manager, userId, dto.wordId, dto.rating, now);
      await this.repo.countAnswer(manager, sessionId, isCorrect(dto.rating));
      const answer = await this.repo.insertAnswer(manager, {
        sessionId,
        userId,
        wordId: dto.wordId,
        answerId: dto.answerId,
        rating: dto.rating,
        responseMs: dto.responseMs,
        answeredAt: now,
        state: card.state,
        dueAt: card.dueAt,
        stability: card.stability,
        difficulty: card.difficulty,
        masteryLevel: card.masteryLevel,
      });
      return { result: answer, applied: true };
    }, options);
    // reviewsCommitted records the write position too (the session counters are in the same transaction).
    if (applied) await this.tx.afterCommit(options, () => this.vocabulary.reviewsCommitted(userId));
    return toAnswerResultDto(result);
  }

  /** Idempotent: finishing a finished session returns it unchanged. */
  async finish(userId: number, id: number): Promise<PracticeSessionDto> {
    const finished = await this.repo.finishSession(userId, id);
    if (finished) {
      await this.positions.learnerWrote(userId);
      return toSessionDto(finished);
    }
    // Already finished, or not the learner's: read-after-write, on the primary.
    const session = await this.repo.findSession(userId, id);
    if (!session) throw notFound('Practice session');
    return toSessionDto(session);
  }
}
