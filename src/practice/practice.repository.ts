import { Injectable } from '@nestjs/common';
import { InjectLinguaRepository } from '../database/lingua-repositories';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { fromRawRow } from '../database/raw-rows';
import { PracticeAnswer } from './entities/practice-answer.entity';
import { PracticeSession } from './entities/practice-session.entity';

export type NewAnswer = Omit<PracticeAnswer, 'id' | 'session' | 'user' | 'word'>;

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
  async finishSession(userId: number, id: number): Promise<PracticeSession | null> {
    const result = await this.sessions
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
