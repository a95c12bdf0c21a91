import { Injectable } from '@nestjs/common';
import { InjectLinguaRepository } from '../database/lingua-repositories';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { fromRawRow, rowMapper } from '../database/raw-rows';
import { prepared } from '../database/pg-driver';
import {
  CardReview,
  CardSnapshot,
  cardSnapshotColumns,
  cardSnapshotJoin,
  cardSnapshotOf,
  compareAndSetReview,
  REVIEW_PARAM_COUNT,
  reviewParams,
} from '../vocabulary/card-writes';
import { PracticeAnswer } from './entities/practice-answer.entity';
import { PracticeSession } from './entities/practice-session.entity';

export type NewAnswer = Omit<PracticeAnswer, 'id' | 'session' | 'user' | 'word'>;

/** What an answer depends on, read together without locks: the first statement of the answer's fast path. */
export interface AnswerSnapshot {
  sessionFound: boolean;
  sessionFinished: boolean;
  /** The stored result when this answerId was already applied. */
  previous: PracticeAnswer | undefined;
  /** The learner's card for the word, and its row version (xmin) for the compare-and-set. */
  card: CardSnapshot | undefined;
}

const ANSWER_COLUMNS = [
  'id',
  'session_id',
  'user_id',
  'word_id',
  'answer_id',
  'rating',
  'response_ms',
  'answered_at',
  'state',
  'due_at',
  'stability',
  'difficulty',
  'mastery_level',
];
/** The answer's columns of the two fast-path statements, as entity fields. */
const answerRow = rowMapper<PracticeAnswer>(ANSWER_COLUMNS);
const snapshotAnswer = rowMapper<PracticeAnswer>(ANSWER_COLUMNS, 'a_');

/** Session, previous answer and card in one statement (each lookup is by a unique index); the card's part is vocabulary's. */
export const ANSWER_SNAPSHOT_SQL = prepared(`
SELECT s.id IS NOT NULL AS session_found, s.finished_at IS NOT NULL AS session_finished,
       ${ANSWER_COLUMNS.map((c) => `a.${c} AS a_${c}`).join(', ')},
       ${cardSnapshotColumns('uv')}
  FROM (SELECT $1::int AS session_id, $2::int AS user_id) p
  LEFT JOIN practice_sessions s ON s.id = p.session_id AND s.user_id = p.user_id
  LEFT JOIN practice_answers a ON a.session_id = s.id AND a.answer_id = $3::uuid
  ${cardSnapshotJoin('uv', 'p.user_id', '$4::int')}`);

/** APPLY_ANSWER_SQL's parameters: $1–$4 the answer's keys and the card's version, the card review's from $5 (vocabulary's reviewParams), then these. */
const REVIEW_FIRST = 5;
const [ANSWER_ID, RATING, RESPONSE_MS, ANSWERED_AT, STATE, DUE_AT, STABILITY, DIFFICULTY, MASTERY_LEVEL, CORRECT] = Array.from(
  { length: 10 },
  (_, i) => `$${REVIEW_FIRST + REVIEW_PARAM_COUNT + i}`,
);

/**
 * The whole answer in one statement (one transaction): lock the open session, update the card only
 * if it is still the version the schedule was computed from (vocabulary's xmin compare-and-set), count
 * the answer, append the log row. Each step feeds the next through RETURNING, so either all apply or
 * none does; no row back means something changed since the snapshot (the caller takes the locking path).
 */
export const APPLY_ANSWER_SQL = prepared(`
WITH open_session AS (
  SELECT id FROM practice_sessions WHERE id = $1 AND user_id = $2 AND finished_at IS NULL FOR UPDATE
), card AS (
  ${compareAndSetReview({ userId: '$2', wordId: '$3', rowVersion: '$4', first: REVIEW_FIRST, when: 'EXISTS (SELECT 1 FROM open_session)' })}
), counted AS (
  UPDATE practice_sessions SET total_questions = total_questions + 1, correct_answers = correct_answers + ${CORRECT}::int
   WHERE id = (SELECT id FROM open_session) AND EXISTS (SELECT 1 FROM card)
  RETURNING id
)
INSERT INTO practice_answers (session_id, user_id, word_id, answer_id, rating, response_ms, answered_at, state, due_at, stability, difficulty, mastery_level)
SELECT $1, $2, $3, ${ANSWER_ID}::uuid, ${RATING}::smallint, ${RESPONSE_MS}::int, ${ANSWERED_AT}::timestamptz, ${STATE}::smallint,
       ${DUE_AT}::timestamptz, ${STABILITY}::float8, ${DIFFICULTY}::float8, ${MASTERY_LEVEL}::smallint FROM counted
RETURNING ${ANSWER_COLUMNS.join(', ')}`);

/** APPLY_ANSWER_SQL's parameters, in order; `rowVersion` is the snapshot's card version. */
export function applyAnswerParams(answer: NewAnswer, review: CardReview, rowVersion: string): unknown[] {
  return [
    answer.sessionId,
    answer.userId,
    answer.wordId,
    rowVersion,
    ...reviewParams(review),
    answer.answerId,
    answer.rating,
    answer.responseMs,
    answer.answeredAt,
    answer.state,
    answer.dueAt,
    answer.stability,
    answer.difficulty,
    answer.masteryLevel,
    review.correct ? 1 : 0,
  ];
}

/** SQL for practice sessions and the review log. Every session query is scoped to its learner. */
@Injectable()
export class PracticeRepository {
  constructor(
    @InjectLinguaRepository(PracticeSession) private readonly sessions: Repository<PracticeSession>,
    @InjectLinguaRepository(PracticeAnswer) private readonly answers: Repository<PracticeAnswer>,
  ) {}

  async insertSession(userId: number, manager?: EntityManager): Promise<PracticeSession> {
    const result = await (manager?.getRepository(PracticeSession) ?? this.sessions)
      .createQueryBuilder()
      .insert()
      .values({ userId })
      .returning('*')
      .execute();
    return fromRawRow<PracticeSession>(result.raw[0]);
  }

  /** Newest first; keyset on id over ix_practice_sessions_user_id_id. */
  async findSessions(userId: number, beforeId: number | undefined, limit: number, manager?: EntityManager): Promise<PracticeSession[]> {
    const qb = (manager?.getRepository(PracticeSession) ?? this.sessions).createQueryBuilder('s').where('s.user_id = :userId', { userId });
    if (beforeId !== undefined) qb.andWhere('s.id < :beforeId', { beforeId });
    return qb.orderBy('s.id', 'DESC').limit(limit).getMany();
  }

  async findSession(userId: number, id: number, manager?: EntityManager): Promise<PracticeSession | null> {
    return (manager?.getRepository(PracticeSession) ?? this.sessions)
      .createQueryBuilder('s')
      .where('s.id = :id AND s.user_id = :userId', { id, userId })
      .getOne();
  }

  /** Locks the learner's session row: answers to one session are applied one at a time. */
  async lockSession(manager: EntityManager, userId: number, id: number): Promise<PracticeSession | null> {
    return manager
      .getRepository(PracticeSession)
      .createQueryBuilder('s')
      .where('s.id = :id AND s.user_id = :userId', { id, userId })
      .setLock('pessimistic_write')
      .getOne();
  }

  async findAnswer(manager: EntityManager, sessionId: number, answerId: string): Promise<PracticeAnswer | null> {
    return manager
      .getRepository(PracticeAnswer)
      .createQueryBuilder('a')
      .where('a.session_id = :sessionId AND a.answer_id = :answerId', { sessionId, answerId })
      .getOne();
  }

  async insertAnswer(manager: EntityManager, answer: NewAnswer): Promise<PracticeAnswer> {
    const result = await manager
      .getRepository(PracticeAnswer)
      .createQueryBuilder()
      .insert()
      .values(answer as QueryDeepPartialEntity<PracticeAnswer>)
      .returning('*')
      .execute();
    return fromRawRow<PracticeAnswer>(result.raw[0]);
  }

  async answerSnapshot(userId: number, sessionId: number, answerId: string, wordId: number): Promise<AnswerSnapshot> {
    const [row] = (await this.sessions.query(ANSWER_SNAPSHOT_SQL, [sessionId, userId, answerId, wordId])) as Record<string, unknown>[];
    return {
      sessionFound: row.session_found === true,
      sessionFinished: row.session_finished === true,
      previous: row.a_id === null ? undefined : snapshotAnswer(row),
      card: cardSnapshotOf(row),
    };
  }

  /** APPLY_ANSWER_SQL: the stored answer, or undefined when the session or the card changed since `rowVersion` was read. */
  async applyAnswer(answer: NewAnswer, review: CardReview, rowVersion: string): Promise<PracticeAnswer | undefined> {
    const rows = (await this.sessions.query(APPLY_ANSWER_SQL, applyAnswerParams(answer, review, rowVersion))) as Record<string, unknown>[];
    return rows.length ? answerRow(rows[0]) : undefined;
  }

  async countAnswer(manager: EntityManager, sessionId: number, correct: boolean): Promise<void> {
    await manager
      .getRepository(PracticeSession)
      .createQueryBuilder()
      .update()
      .set({ totalQuestions: () => 'total_questions + 1', correctAnswers: () => (correct ? 'correct_answers + 1' : 'correct_answers') })
      .where('id = :sessionId', { sessionId })
      .execute();
  }

  /** Sets finished_at and the duration once; null when the session is not the learner's or was already finished. */
  async finishSession(userId: number, id: number, manager?: EntityManager): Promise<PracticeSession | null> {
    const result = await (manager?.getRepository(PracticeSession) ?? this.sessions)
      .createQueryBuilder()
      .update()
      .set({
        finishedAt: () => 'now()',
        durationSeconds: () => 'greatest(0, round(extract(epoch FROM now() - started_at)))::int',
      })
      .where('id = :id AND user_id = :userId AND finished_at IS NULL', { id, userId })
      .returning('*')
      .execute();
    return result.raw.length ? fromRawRow<PracticeSession>(result.raw[0]) : null;
  }
}
