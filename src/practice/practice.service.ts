import { Injectable } from '@nestjs/common';
import { notFound, stateConflict } from '../common/api-error';
import { CursorPage, CursorQuery, decodeCursor, toCursorPage } from '../common/pagination';
import { TransactionRunner, WriteOptions } from '../database/transaction-runner';
import { isCorrect, scheduleReview, ScheduledCard } from '../vocabulary/srs';
import { VocabularyService } from '../vocabulary/vocabulary.service';
import { AnswerResultDto, PracticeSessionDto, SubmitAnswerDto } from './dto/practice.dto';
import { toAnswerResultDto, toSessionDto } from './practice.mapper';
import { NewAnswer, PracticeRepository } from './practice.repository';
import { PracticeAnswer } from './entities/practice-answer.entity';
import { violates } from '../database/db-errors';
import { ReadRouter } from '../database/replicas/read-router';
import { WritePositions } from '../database/replicas/write-positions';
import { LinguaScoped } from '../database/statement-scope';

const ANSWER_ID_UNIQUE = 'uq_practice_answers_session_id_answer_id';

/** Practice sessions and their answers. Learner word state goes through VocabularyService. */
@Injectable()
@LinguaScoped()
export class PracticeService {
  /** @internal Built by Nest's DI from lingua-core's own providers. */
  constructor(
    private readonly repo: PracticeRepository,
    private readonly vocabulary: VocabularyService,
    private readonly tx: TransactionRunner,
    private readonly reads: ReadRouter,
    private readonly positions: WritePositions,
  ) {}

  /** Like every write method here, joins the caller's transaction: `{ manager }`, else the host's ambient one. */
  async start(userId: number, options: WriteOptions = {}): Promise<PracticeSessionDto> {
    const manager = this.tx.joined(options);
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
   * Applies an answer: updates the learner's card (FSRS), the session counters and appends the log
   * row, all or nothing; the same answerId again returns the stored result and counts nothing.
   *
   * Fast path, two statements and no transaction of our own: a lock-free snapshot (session, previous
   * answer, card with its row version), the schedule computed from it, then one statement that
   * applies everything only if the card is still that version and the session still open. When it
   * does not apply (a concurrent answer to the same card, a finish, a duplicate answerId racing this
   * one), or the card does not exist yet, the locking transaction below decides — so contention costs
   * a retry, never a wrong count. Inside the caller's transaction (`{ manager }` or the ambient one)
   * there is no fast path: the locking transaction runs in a savepoint of the caller's, without
   * retries. Stats are invalidated after commit (the caller's, when joined).
   */
  async answer(userId: number, sessionId: number, dto: SubmitAnswerDto, options: WriteOptions = {}): Promise<AnswerResultDto> {
    const caller = this.tx.joined(options);
    if (!caller) {
      const fast = await this.answerWithoutLocks(userId, sessionId, dto);
      if (fast) return toAnswerResultDto(fast);
    }
    const { result, applied } = await this.tx.run(
      async (manager) => {
        const session = await this.repo.lockSession(manager, userId, sessionId);
        if (!session) throw notFound('Practice session');
        const previous = await this.repo.findAnswer(manager, sessionId, dto.answerId);
        if (previous) return { result: previous, applied: false };
        if (session.finishedAt) throw stateConflict('The practice session is finished.');
        const now = new Date();
        const card = await this.vocabulary.recordReview(manager, userId, dto.wordId, dto.rating, now);
        await this.repo.countAnswer(manager, sessionId, isCorrect(dto.rating));
        const answer = await this.repo.insertAnswer(manager, this.newAnswer(userId, sessionId, dto, card, now));
        return { result: answer, applied: true };
      },
      { manager: caller },
    );
    // reviewsCommitted records the write position too (the session counters are in the same transaction).
    if (applied) await this.tx.afterCommit({ manager: caller }, () => this.vocabulary.reviewsCommitted(userId));
    return toAnswerResultDto(result);
  }

  /** The fast path of `answer`; undefined hands the answer to the locking transaction. */
  private async answerWithoutLocks(userId: number, sessionId: number, dto: SubmitAnswerDto): Promise<PracticeAnswer | undefined> {
    const snapshot = await this.repo.answerSnapshot(userId, sessionId, dto.answerId, dto.wordId);
    if (!snapshot.sessionFound) throw notFound('Practice session');
    if (snapshot.previous) return snapshot.previous;
    if (snapshot.sessionFinished) throw stateConflict('The practice session is finished.');
    if (!snapshot.card) return undefined; // the locking path starts learning the word first
    const now = new Date();
    const card = scheduleReview(snapshot.card, dto.rating, now);
    let applied: PracticeAnswer | undefined;
    try {
      const review = { card, correct: isCorrect(dto.rating) };
      applied = await this.repo.applyAnswer(this.newAnswer(userId, sessionId, dto, card, now), review, snapshot.card.rowVersion);
    } catch (err) {
      // The same answerId committed by a concurrent request: the locking path returns its result.
      if (violates(err, ANSWER_ID_UNIQUE)) return undefined;
      throw err;
    }
    if (applied) await this.vocabulary.reviewsCommitted(userId);
    return applied;
  }

  private newAnswer(userId: number, sessionId: number, dto: SubmitAnswerDto, card: ScheduledCard, now: Date): NewAnswer {
    return {
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
    };
  }

  /** Idempotent: finishing a finished session returns it unchanged. */
  async finish(userId: number, id: number, options: WriteOptions = {}): Promise<PracticeSessionDto> {
    const manager = this.tx.joined(options);
    const finished = await this.repo.finishSession(userId, id, manager);
    if (finished) {
      await this.positions.learnerWrote(userId, manager);
      return toSessionDto(finished);
    }
    // Already finished, or not the learner's: read-after-write, on the primary.
    const session = await this.repo.findSession(userId, id, manager);
    if (!session) throw notFound('Practice session');
    return toSessionDto(session);
  }
}
