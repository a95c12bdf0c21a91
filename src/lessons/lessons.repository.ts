import { Injectable } from '@nestjs/common';
import { InjectLinguaRepository } from '../database/lingua-repositories';
import { EntityManager, Repository } from 'typeorm';
import { fromRawRow, toInt } from '../database/raw-rows';
import { LessonVersion } from './entities/lesson-version.entity';
import { Lesson, LessonStatus } from './entities/lesson.entity';
import { LinguaDataSource } from '../database/lingua-data-source';

export interface LessonRow extends Lesson {
  latestVersion: number | null;
}
export interface LessonDetailRow extends LessonRow {
  lessonPlan: Record<string, unknown> | null;
}
export interface LessonFilters {
  status?: LessonStatus;
  plan?: Record<string, unknown>;
}

/** A lesson with its latest version's plan, in one statement (the unique index read backwards). */
export const LESSON_DETAIL_SQL = `
  SELECT l.*, v.version AS latest_version, v.lesson_plan
    FROM lessons l
    LEFT JOIN LATERAL (
      SELECT version, lesson_plan FROM lesson_versions WHERE lesson_id = l.id ORDER BY version DESC LIMIT 1
    ) v ON true
   WHERE l.id = $1`;

/**
 * WHERE clause and parameters of the lesson list. The plan filter looks in lesson_versions first
 * (GIN ix_lesson_versions_lesson_plan) and keeps lessons whose LATEST version matched.
 */
export function lessonListWhere(filters: LessonFilters): { where: string; params: unknown[] } {
  const conditions: string[] = [];
  const params: unknown[] = [];
  if (filters.status) {
    params.push(filters.status);
    conditions.push(`l.status = $${params.length}`);
  }
  if (filters.plan) {
    params.push(JSON.stringify(filters.plan));
    conditions.push(`l.id IN (SELECT v.lesson_id FROM lesson_versions v
       WHERE v.lesson_plan @> $${params.length}::jsonb
         AND v.version = (SELECT max(x.version) FROM lesson_versions x WHERE x.lesson_id = v.lesson_id))`);
  }
  return { where: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', params };
}

/** The page query of GET /lessons (newest first; ix_lessons_status_id with a status filter). */
export function lessonPageSql(filters: LessonFilters, offset: number, limit: number): { sql: string; params: unknown[] } {
  const { where, params } = lessonListWhere(filters);
  const sql = `
    SELECT l.*, lv.version AS latest_version
      FROM lessons l
      LEFT JOIN LATERAL (SELECT version FROM lesson_versions WHERE lesson_id = l.id ORDER BY version DESC LIMIT 1) lv ON true
      ${where}
     ORDER BY l.id DESC
     LIMIT $${params.length + 1} OFFSET $${params.length + 2}`;
  return { sql, params: [...params, limit, offset] };
}

/** SQL for lessons and their versions. */
@Injectable()
export class LessonsRepository {
  constructor(
    private readonly dataSource: LinguaDataSource,
    @InjectLinguaRepository(Lesson) private readonly lessons: Repository<Lesson>,
    @InjectLinguaRepository(LessonVersion) private readonly versions: Repository<LessonVersion>,
  ) {}

  async insertLesson(title: string, canDo: string | null): Promise<Lesson> {
    const result = await this.lessons.createQueryBuilder().insert().values({ title, canDo }).returning('*').execute();
    return fromRawRow<Lesson>(result.raw[0]);
  }

  async findDetail(id: number): Promise<LessonDetailRow | null> {
    const rows: Record<string, unknown>[] = await this.dataSource.query(LESSON_DETAIL_SQL, [id]);
    return rows.length ? fromRawRow<LessonDetailRow>(rows[0]) : null;
  }

  async page(filters: LessonFilters, offset: number, limit: number): Promise<[LessonRow[], number]> {
    const { sql, params } = lessonPageSql(filters, offset, limit);
    const { where, params: countParams } = lessonListWhere(filters);
    const [rows, [{ total }]] = await Promise.all([
      this.dataSource.query(sql, params) as Promise<Record<string, unknown>[]>,
      this.dataSource.query(`SELECT count(*) AS total FROM lessons l ${where}`, countParams) as Promise<Array<{ total: string }>>,
    ]);
    return [rows.map((r) => fromRawRow<LessonRow>(r)), toInt(total)];
  }

  exists(id: number): Promise<boolean> {
    return this.lessons.exists({ where: { id } });
  }

  /** Versions newest first. */
  versionPage(lessonId: number, offset: number, limit: number): Promise<[LessonVersion[], number]> {
    return this.versions
      .createQueryBuilder('v')
      .where('v.lesson_id = :lessonId', { lessonId })
      .orderBy('v.version', 'DESC')
      .offset(offset)
      .limit(limit)
      .getManyAndCount();
  }

  findVersion(lessonId: number, version: number): Promise<LessonVersion | null> {
    return this.versions.createQueryBuilder('v').where('v.lesson_id = :lessonId AND v.version = :version', { lessonId, version }).getOne();
  }

  /**
   * Starts a compile inside the caller's transaction: sets status compiling and takes the lesson's
   * row lock, so concurrent compiles of one lesson run one after another. False if no such lesson.
   */
  async lockForCompile(manager: EntityManager, lessonId: number): Promise<boolean> {
    const result = await manager
      .createQueryBuilder()
      .update(Lesson)
      .set({ status: 'compiling' })
      .where('id = :lessonId', { lessonId })
      .returning(['id'])
      .execute();
    return result.raw.length > 0;
  }

  /** version = previous + 1; run under lockForCompile, so it sees every committed earlier version. */
  async insertNextVersion(manager: EntityManager, lessonId: number, plan: Record<string, unknown>): Promise<LessonVersion> {
    const rows: Record<string, unknown>[] = await manager.query(
      `INSERT INTO lesson_versions (lesson_id, version, lesson_plan)
       SELECT $1, coalesce(max(version), 0) + 1, $2::jsonb FROM lesson_versions WHERE lesson_id = $1
       RETURNING *`,
      [lessonId, JSON.stringify(plan)],
    );
    return fromRawRow<LessonVersion>(rows[0]);
  }

  async setStatus(manager: EntityManager | undefined, lessonId: number, status: LessonStatus): Promise<void> {
    await (manager ?? this.dataSource.manager).createQueryBuilder().update(Lesson).set({ status }).where('id = :lessonId', { lessonId }).execute();
  }
}
