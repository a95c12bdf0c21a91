import { Injectable } from '@nestjs/common';
import { InjectLinguaRepository } from '../database/lingua-repositories';
import { EntityManager, Repository } from 'typeorm';
import { pageWithTotalSql, splitPageRows } from '../database/page-with-total';
import { fromRawRow } from '../database/raw-rows';
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

/**
 * The two parts of GET /lessons: the page (newest first; ix_lessons_status_id with a status filter)
 * and the count. `params` serve the page; the count uses the first `countParams` of them.
 */
export function lessonListParts(filters: LessonFilters, offset: number, limit: number) {
  const { where, params } = lessonListWhere(filters);
  const pageSql = `
    SELECT l.*, lv.version AS latest_version
      FROM lessons l
      LEFT JOIN LATERAL (SELECT version FROM lesson_versions WHERE lesson_id = l.id ORDER BY version DESC LIMIT 1) lv ON true
      ${where}
     ORDER BY l.id DESC
     LIMIT $${params.length + 1} OFFSET $${params.length + 2}`;
  const countSql = `SELECT count(*) AS total FROM lessons l ${where}`;
  return { pageSql, countSql, countParams: params.length, params: [...params, limit, offset] };
}

/** The statement of GET /lessons: page and total in one statement (pageWithTotalSql). */
export function lessonPageSql(filters: LessonFilters, offset: number, limit: number): { sql: string; params: unknown[] } {
  const { pageSql, countSql, params } = lessonListParts(filters, offset, limit);
  return { sql: pageWithTotalSql(countSql, pageSql), params };
}

/** SQL for lessons and their versions. */
@Injectable()
export class LessonsRepository {
  constructor(
    private readonly dataSource: LinguaDataSource,
    @InjectLinguaRepository(Lesson) private readonly lessons: Repository<Lesson>,
    @InjectLinguaRepository(LessonVersion) private readonly versions: Repository<LessonVersion>,
  ) {}

  async insertLesson(title: string, canDo: string | null, manager?: EntityManager): Promise<Lesson> {
    const result = await (manager?.getRepository(Lesson) ?? this.lessons)
      .createQueryBuilder()
      .insert()
      .values({ title, canDo })
      .returning('*')
      .execute();
    return fromRawRow<Lesson>(result.raw[0]);
  }

  async findDetail(id: number, manager?: EntityManager): Promise<LessonDetailRow | null> {
    const rows: Record<string, unknown>[] = await (manager ?? this.dataSource.manager).query(LESSON_DETAIL_SQL, [id]);
    return rows.length ? fromRawRow<LessonDetailRow>(rows[0]) : null;
  }

  /** One statement: the page and the total in one snapshot (pageWithTotalSql). */
  async page(filters: LessonFilters, offset: number, limit: number, manager?: EntityManager): Promise<[LessonRow[], number]> {
    const { sql, params } = lessonPageSql(filters, offset, limit);
    const [rows, total] = splitPageRows(await (manager ?? this.dataSource.manager).query(sql, params));
    return [rows.map((r) => fromRawRow<LessonRow>(r)), total];
  }

  exists(id: number, manager?: EntityManager): Promise<boolean> {
    return (manager?.getRepository(Lesson) ?? this.lessons).exists({ where: { id } });
  }

  /** Versions newest first, with the total, in one statement (uq_lesson_versions_lesson_id_version). */
  async versionPage(lessonId: number, offset: number, limit: number, manager?: EntityManager): Promise<[LessonVersion[], number]> {
    const sql = pageWithTotalSql(
      `SELECT count(*) AS total FROM lesson_versions WHERE lesson_id = $1`,
      `SELECT * FROM lesson_versions WHERE lesson_id = $1 ORDER BY version DESC LIMIT $2 OFFSET $3`,
    );
    const [rows, total] = splitPageRows(await (manager ?? this.dataSource.manager).query(sql, [lessonId, limit, offset]));
    return [rows.map((r) => fromRawRow<LessonVersion>(r)), total];
  }

  findVersion(lessonId: number, version: number, manager?: EntityManager): Promise<LessonVersion | null> {
    return (manager?.getRepository(LessonVersion) ?? this.versions)
      .createQueryBuilder('v')
      .where('v.lesson_id = :lessonId AND v.version = :version', { lessonId, version })
      .getOne();
  }

  /**
   * Starts a compile attempt in its own committed statement, so readers see `compiling`. Returns the
   * attempt's token — the xmin of the lesson row version it wrote: while no other write has touched
   * the row since, the row's xmin is still this token. Null if no such lesson. With `manager` it is a
   * statement of the caller's transaction (readers see `compiling` once that commits).
   */
  async beginCompile(lessonId: number, manager?: EntityManager): Promise<string | null> {
    const rows: Array<{ token: string }> = await (manager ?? this.dataSource.manager).query(
      // (a SELECT over the UPDATE: TypeORM returns [rows, count] for a bare UPDATE … RETURNING)
      `WITH attempt AS (UPDATE lessons SET status = 'compiling' WHERE id = $1 RETURNING xmin::text AS token) SELECT token FROM attempt`,
      [lessonId],
    );
    return rows[0]?.token ?? null;
  }

  /**
   * First statement of a successful compile's transaction: sets status completed and takes the
   * lesson's row lock, so concurrent compiles of one lesson insert their versions one after another.
   * False if the lesson is gone.
   */
  async completeCompile(manager: EntityManager, lessonId: number): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `WITH done AS (UPDATE lessons SET status = 'completed' WHERE id = $1 RETURNING id) SELECT id FROM done`,
      [lessonId],
    );
    return rows.length > 0;
  }

  /**
   * Records a failed attempt: under the lesson's row lock, sets status failed only if no other write
   * touched the row since the attempt began (its xmin is still the attempt's token). Otherwise a
   * later attempt began or a compile completed since, and that one's outcome is the status.
   */
  async failCompile(manager: EntityManager, lessonId: number, token: string): Promise<boolean> {
    const locked: Array<{ token: string }> = await manager.query(`SELECT xmin::text AS token FROM lessons WHERE id = $1 FOR UPDATE`, [
      lessonId,
    ]);
    if (locked[0]?.token !== token) return false;
    await manager.query(`UPDATE lessons SET status = 'failed' WHERE id = $1`, [lessonId]);
    return true;
  }

  /** version = previous + 1; run under completeCompile's row lock, so it sees every committed earlier version. */
  async insertNextVersion(manager: EntityManager, lessonId: number, plan: Record<string, unknown>): Promise<LessonVersion> {
    const rows: Record<string, unknown>[] = await manager.query(
      `INSERT INTO lesson_versions (lesson_id, version, lesson_plan)
       SELECT $1, coalesce(max(version), 0) + 1, $2::jsonb FROM lesson_versions WHERE lesson_id = $1
       RETURNING *`,
      [lessonId, JSON.stringify(plan)],
    );
    return fromRawRow<LessonVersion>(rows[0]);
  }
}
