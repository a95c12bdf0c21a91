import { Injectable, Logger } from '@nestjs/common';
import { notFound, validationFailed } from '../common/api-error';
import { offsetOf, Page, PageQuery, toPage } from '../common/pagination';
import { TransactionRunner, WriteOptions } from '../database/transaction-runner';
import type { EntityManager } from 'typeorm';
import { CompileLessonDto, CreateLessonDto, LessonDetailDto, LessonDto, LessonListQuery, LessonVersionDto } from './dto/lesson.dto';
import { compileLessonPlan, PlanRejected } from './lesson-plan.compiler';
import { LessonsCache } from './lessons.cache';
import { toLessonDetailDto, toLessonDto, toLessonVersionDto } from './lessons.mapper';
import { LessonsRepository } from './lessons.repository';
import { ReadRouter } from '../database/replicas/read-router';
import { WritePositions } from '../database/replicas/write-positions';
import { LinguaScoped } from '../database/statement-scope';

/**
 * Lessons and their compiled versions. Reads are cached (LessonsCache); writes invalidate after
 * commit. Every write method joins the caller's transaction: `{ manager }`, else the host's ambient
 * one (option `transaction`).
 */
@Injectable()
@LinguaScoped()
export class LessonsService {
  private readonly logger = new Logger('LessonsService');

  /** @internal Built by Nest's DI from lingua-core's own providers. */
  constructor(
    private readonly repo: LessonsRepository,
    private readonly tx: TransactionRunner,
    private readonly cache: LessonsCache,
    private readonly reads: ReadRouter,
    private readonly positions: WritePositions,
  ) {}

  async create(dto: CreateLessonDto, options: WriteOptions = {}): Promise<LessonDto> {
    const manager = this.tx.joined(options);
    const lesson = await this.repo.insertLesson(dto.title.trim(), dto.canDo ?? null, manager);
    await this.positions.catalogueWrote(manager);
    await this.cache.listChanged(manager);
    return toLessonDto(lesson);
  }

  get(id: number): Promise<LessonDetailDto> {
    return this.cache.lesson(id, 'detail', async () => {
      const row = await this.reads.catalogue((m) => this.repo.findDetail(id, m));
      if (!row) throw notFound('Lesson');
      return toLessonDetailDto(row);
    });
  }

  list(query: LessonListQuery): Promise<Page<LessonDto>> {
    const key = { status: query.status ?? null, plan: query.plan ?? null, page: query.page, perPage: query.perPage };
    return this.cache.list(key, async () => {
      const [rows, total] = await this.reads.catalogue((m) => this.repo.page(query, offsetOf(query), query.perPage, m));
      return toPage(rows.map(toLessonDto), total, query);
    });
  }

  listVersions(lessonId: number, query: PageQuery): Promise<Page<LessonVersionDto>> {
    return this.cache.lesson(lessonId, `versions:${query.page}:${query.perPage}`, async () => {
      const [rows, total] = await this.reads.catalogue(async (m) => {
        const page = await this.repo.versionPage(lessonId, offsetOf(query), query.perPage, m);
        return page[1] === 0 && !(await this.repo.exists(lessonId, m)) ? ([page[0], -1] as const) : page;
      });
      if (total === -1) throw notFound('Lesson');
      return toPage(rows.map(toLessonVersionDto), total, query);
    });
  }

  getVersion(lessonId: number, version: number): Promise<LessonVersionDto> {
    return this.cache.lesson(lessonId, `version:${version}`, async () => {
      const row = await this.reads.catalogue((m) => this.repo.findVersion(lessonId, version, m));
      if (!row) throw notFound('Lesson version');
      return toLessonVersionDto(row);
    });
  }

  /**
   * Compiles a new version. The attempt first sets status compiling in a statement of its own (so
   * readers see it) and keeps the row version it wrote as its token. A compiled plan is stored in
   * one transaction that sets completed, takes the lesson's row lock and inserts version =
   * previous + 1. A rejected plan (400 with the compiler's findings) or any other failure stores no
   * version and sets failed — under the row lock, and only if nothing touched the lesson since this
   * attempt began, so a failure never hides a compile that began or completed after it. Inside the
   * caller's transaction every step is a statement (or savepoint) of it, seen once it commits.
   */
  async compile(lessonId: number, dto: CompileLessonDto, options: WriteOptions = {}): Promise<LessonVersionDto> {
    const caller = this.tx.joined(options);
    const token = await this.repo.beginCompile(lessonId, caller);
    if (token === null) throw notFound('Lesson');
    await this.lessonChanged(lessonId, caller);
    try {
      const plan = compileLessonPlan(dto.lessonPlan);
      const version = await this.tx.run(
        async (manager) => {
          if (!(await this.repo.completeCompile(manager, lessonId))) throw notFound('Lesson');
          return this.repo.insertNextVersion(manager, lessonId, plan);
        },
        { manager: caller },
      );
      await this.lessonChanged(lessonId, caller);
      return toLessonVersionDto(version);
    } catch (err) {
      await this.recordFailure(lessonId, token, caller);
      if (err instanceof PlanRejected) throw validationFailed('The lesson plan was rejected by the compiler.', err.problems);
      throw err;
    }
  }

  private async recordFailure(lessonId: number, token: string, caller: EntityManager | undefined): Promise<void> {
    try {
      await this.tx.run((manager) => this.repo.failCompile(manager, lessonId, token), { manager: caller });
    } catch (err) {
      this.logger.warn({ msg: 'could not record a failed compile', lessonId, err: String(err) });
    }
    await this.lessonChanged(lessonId, caller);
  }

  /**
   * The write position first, then the invalidation: a cache fill it causes waits for that position.
   * Both wait for the commit of `manager`'s transaction when there is one.
   */
  private async lessonChanged(lessonId: number, manager: EntityManager | undefined): Promise<void> {
    await this.positions.catalogueWrote(manager);
    await this.cache.lessonChanged(lessonId, manager);
  }
}
