import { Injectable, Logger } from '@nestjs/common';
import { ApiError, notFound, validationFailed } from '../common/api-error';
import { offsetOf, Page, PageQuery, toPage } from '../common/pagination';
import { TransactionRunner } from '../database/transaction-runner';
import { CompileLessonDto, CreateLessonDto, LessonDetailDto, LessonDto, LessonListQuery, LessonVersionDto } from './dto/lesson.dto';
import { compileLessonPlan, PlanRejected } from './lesson-plan.compiler';
import { LessonsCache } from './lessons.cache';
import { toLessonDetailDto, toLessonDto, toLessonVersionDto } from './lessons.mapper';
import { LessonsRepository } from './lessons.repository';

/** Lessons and their compiled versions. Reads are cached (LessonsCache); writes invalidate after commit. */
@Injectable()
export class LessonsService {
  private readonly logger = new Logger('LessonsService');

  constructor(
    private readonly repo: LessonsRepository,
    private readonly tx: TransactionRunner,
    private readonly cache: LessonsCache,
  ) {}

  async create(dto: CreateLessonDto): Promise<LessonDto> {
    const lesson = await this.repo.insertLesson(dto.title.trim(), dto.canDo ?? null);
    await this.cache.listChanged();
    return toLessonDto(lesson);
  }

  get(id: number): Promise<LessonDetailDto> {
    return this.cache.lesson(id, 'detail', async () => {
      const row = await this.repo.findDetail(id);
      if (!row) throw notFound('Lesson');
      return toLessonDetailDto(row);
    });
  }

  list(query: LessonListQuery): Promise<Page<LessonDto>> {
    const key = { status: query.status ?? null, plan: query.plan ?? null, page: query.page, perPage: query.perPage };
    return this.cache.list(key, async () => {
      const [rows, total] = await this.repo.page(query, offsetOf(query), query.perPage);
      return toPage(rows.map(toLessonDto), total, query);
    });
  }

  listVersions(lessonId: number, query: PageQuery): Promise<Page<LessonVersionDto>> {
    return this.cache.lesson(lessonId, `versions:${query.page}:${query.perPage}`, async () => {
      const [rows, total] = await this.repo.versionPage(lessonId, offsetOf(query), query.perPage);
      if (total === 0 && !(await this.repo.exists(lessonId))) throw notFound('Lesson');
      return toPage(rows.map(toLessonVersionDto), total, query);
    });
  }

  getVersion(lessonId: number, version: number): Promise<LessonVersionDto> {
    return this.cache.lesson(lessonId, `version:${version}`, async () => {
      const row = await this.repo.findVersion(lessonId, version);
      if (!row) throw notFound('Lesson version');
      return toLessonVersionDto(row);
    });
  }

  /**
   * Compiles a new version in one transaction: the lesson row is locked and set compiling, the plan
   * compiled, version = previous + 1 inserted and the status set completed. Any failure rolls all
   * of it back (no version row) and then records status failed; a rejected plan answers 400 with
   * the compiler's findings.
   */
  async compile(lessonId: number, dto: CompileLessonDto): Promise<LessonVersionDto> {
    try {
      const version = await this.tx.run(async (manager) => {
        if (!(await this.repo.lockForCompile(manager, lessonId))) throw notFound('Lesson');
        const plan = compileLessonPlan(dto.lessonPlan);
        const created = await this.repo.insertNextVersion(manager, lessonId, plan);
        await this.repo.setStatus(manager, lessonId, 'completed');
        return created;
      });
      await this.cache.lessonChanged(lessonId);
      return toLessonVersionDto(version);
    } catch (err) {
      if (err instanceof ApiError && err.code === 'not_found') throw err;
      await this.markFailed(lessonId);
      if (err instanceof PlanRejected) throw validationFailed('The lesson plan was rejected by the compiler.', err.problems);
      throw err;
    }
  }

  private async markFailed(lessonId: number): Promise<void> {
    try {
      await this.repo.setStatus(undefined, lessonId, 'failed');
    } catch (err) {
      this.logger.warn({ lessonId, err: String(err) }, 'could not record a failed compile');
    }
    await this.cache.lessonChanged(lessonId);
  }
}
