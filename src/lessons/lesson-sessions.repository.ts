import type { EntityManager } from 'typeorm';
import { Injectable } from '@nestjs/common';
import { fromRawRow } from '../database/raw-rows';
import { LessonSession, LessonSessionStatus } from './entities/lesson-session.entity';
import { LinguaDataSource } from '../database/lingua-data-source';

export interface LessonSessionRow extends LessonSession {
  lessonTitle: string;
  version: number | null;
}

/** Session columns plus the lesson title and version number, from a CTE named `ls`. */
const WITH_LESSON = `
  SELECT ls.*, l.title AS lesson_title, v.version
    FROM ls
    JOIN lessons l ON l.id = ls.lesson_id
    LEFT JOIN lesson_versions v ON v.id = ls.lesson_version_id`;

/**
 * Starts a session on a version of the lesson (the latest when $3 is NULL). The version is looked
 * up by the INSERT itself, so it always belongs to the lesson; no row back when there is none.
 */
export const START_SESSION_SQL = `
  WITH ls AS (
    INSERT INTO lesson_sessions (lesson_id, lesson_version_id, user_id)
    SELECT v.lesson_id, v.id, $2 FROM lesson_versions v
     WHERE v.lesson_id = $1
       AND v.version = coalesce($3::int, (SELECT max(x.version) FROM lesson_versions x WHERE x.lesson_id = $1))
    RETURNING *
  ) ${WITH_LESSON}`;

/** The learner's sessions newest first, keyset on id (ix_lesson_sessions_user_id_id); title and version joined. */
export function sessionPageSql(userId: number, status: LessonSessionStatus | undefined, beforeId: number | undefined, limit: number) {
  const params: unknown[] = [userId, limit];
  let where = 'user_id = $1';
  if (status) where += ` AND status = $${params.push(status)}`;
  if (beforeId !== undefined) where += ` AND id < $${params.push(beforeId)}`;
  const sql = `WITH ls AS (SELECT * FROM lesson_sessions WHERE ${where} ORDER BY id DESC LIMIT $2) ${WITH_LESSON} ORDER BY ls.id DESC`;
  return { sql, params };
}

/** Changes only the learner's in-progress session; completing it stamps completed_at. */
export const UPDATE_SESSION_SQL = `
  WITH ls AS (
    UPDATE lesson_sessions
       SET status = coalesce($3, status),
           score = coalesce($4, score),
           completed_at = CASE WHEN $3 = 'completed' THEN now() ELSE completed_at END
     WHERE id = $1 AND user_id = $2 AND status = 'in_progress'
    RETURNING *
  ) ${WITH_LESSON}`;

@Injectable()
export class LessonSessionsRepository {
  constructor(private readonly dataSource: LinguaDataSource) {}

  async start(userId: number, lessonId: number, version: number | null, manager?: EntityManager): Promise<LessonSessionRow | null> {
    return this.one(START_SESSION_SQL, [lessonId, userId, version], manager);
  }

  async page(
    userId: number,
    status: LessonSessionStatus | undefined,
    beforeId: number | undefined,
    limit: number,
    manager?: EntityManager,
  ): Promise<LessonSessionRow[]> {
    const { sql, params } = sessionPageSql(userId, status, beforeId, limit);
    const rows: Record<string, unknown>[] = await (manager ?? this.dataSource.manager).query(sql, params);
    return rows.map((r) => fromRawRow<LessonSessionRow>(r));
  }

  async update(
    userId: number,
    id: number,
    status: LessonSessionStatus | null,
    score: number | null,
    manager?: EntityManager,
  ): Promise<LessonSessionRow | null> {
    return this.one(UPDATE_SESSION_SQL, [id, userId, status, score], manager);
  }

  async find(userId: number, id: number, manager?: EntityManager): Promise<LessonSessionRow | null> {
    return this.one(`WITH ls AS (SELECT * FROM lesson_sessions WHERE id = $1 AND user_id = $2) ${WITH_LESSON}`, [id, userId], manager);
  }

  private async one(sql: string, params: unknown[], manager?: EntityManager): Promise<LessonSessionRow | null> {
    const rows: Record<string, unknown>[] = await (manager ?? this.dataSource.manager).query(sql, params);
    return rows.length ? fromRawRow<LessonSessionRow>(rows[0]) : null;
  }
}
