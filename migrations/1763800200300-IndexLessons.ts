import { ConcurrentIndexMigration, IndexDefinition } from './lib/v1/ddl';

/** Indexes for the lessons module; each one's query: docs/modules/conversations-lessons.md, "Index map". */
const INDEXES: IndexDefinition[] = [
  ['ix_lessons_status_id', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_lessons_status_id ON lessons (status, id)'],
  ['ix_lesson_versions_lesson_plan',
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_lesson_versions_lesson_plan ON lesson_versions USING gin (lesson_plan jsonb_path_ops)'],
  ['ix_lesson_sessions_user_id_id', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_lesson_sessions_user_id_id ON lesson_sessions (user_id, id)'],
  ['ix_lesson_sessions_lesson_id', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_lesson_sessions_lesson_id ON lesson_sessions (lesson_id)'],
  ['ix_lesson_sessions_lesson_version_id',
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_lesson_sessions_lesson_version_id ON lesson_sessions (lesson_version_id)'],
];

export class IndexLessons1763800200300 extends ConcurrentIndexMigration {
  name = 'IndexLessons1763800200300';
  protected readonly indexes = INDEXES;
}
