import { Injectable } from '@nestjs/common';
import { notFound, stateConflict, validationFailed } from '../common/api-error';
import { CursorPage, decodeCursor, toCursorPage } from '../common/pagination';
import { LessonSessionDto, LessonSessionListQuery, StartLessonSessionDto, UpdateLessonSessionDto } from './dto/lesson.dto';
import { LessonSessionsRepository } from './lesson-sessions.repository';
import { TransactionRunner, WriteOptions } from '../database/transaction-runner';
import { toLessonSessionDto } from './lessons.mapper';
import { LessonsRepository } from './lessons.repository';
import { ReadRouter } from '../database/replicas/read-router';
import { WritePositions } from '../database/replicas/write-positions';
import { LinguaScoped } from '../database/statement-scope';

/**
 * A learner's lesson sessions; another learner's session is a 404. Every write method joins the
 * caller's transaction: `{ manager }`, else the host's ambient one (option `transaction`).
 */
@Injectable()
@LinguaScoped()
export class LessonSessionsService {
  /** @internal Built by Nest's DI from lingua-core's own providers. */
  constructor(
    private readonly repo: LessonSessionsRepository,
    private readonly lessons: LessonsRepository,
    private readonly reads: ReadRouter,
    private readonly positions: WritePositions,
    private readonly tx: TransactionRunner,
  ) {}

  async start(userId: number, dto: StartLessonSessionDto, options: WriteOptions = {}): Promise<LessonSessionDto> {
    const manager = this.tx.joined(options);
    const row = await this.repo.start(userId, dto.lessonId, dto.version ?? null, manager);
    if (row) {
      await this.positions.learnerWrote(userId, manager);
      return toLessonSessionDto(row);
    }
    if (!(await this.lessons.exists(dto.lessonId, manager))) throw notFound('Lesson');
    if (dto.version !== undefined) throw notFound('Lesson version');
    throw stateConflict('The lesson has no compiled version yet.');
  }

  async list(userId: number, query: LessonSessionListQuery): Promise<CursorPage<LessonSessionDto>> {
    const beforeId = query.cursor ? decodeCursor(query.cursor, ['int'] as const)[0] : undefined;
    const rows = await this.reads.learner(userId, (m) => this.repo.page(userId, query.status, beforeId, query.limit + 1, m));
    return toCursorPage(rows, query.limit, toLessonSessionDto, (s) => [s.id]);
  }

  async update(userId: number, id: number, dto: UpdateLessonSessionDto, options: WriteOptions = {}): Promise<LessonSessionDto> {
    if (dto.status === undefined && dto.score === undefined) throw validationFailed('Nothing to update: send status and/or score.');
    const manager = this.tx.joined(options);
    const row = await this.repo.update(userId, id, dto.status ?? null, dto.score ?? null, manager);
    if (row) {
      await this.positions.learnerWrote(userId, manager);
      return toLessonSessionDto(row);
    }
    const current = await this.repo.find(userId, id, manager);
    if (!current) throw notFound('Lesson session');
    throw stateConflict(`The lesson session is ${current.status}; it can no longer change.`);
  }
}
