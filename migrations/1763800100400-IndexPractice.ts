import { ConcurrentIndexMigration, IndexDefinition } from './lib/v1/ddl';

/**
 * `ix_practice_sessions_user_id_id` serves the learner's session list (newest first, keyset on id)
 * and the ON DELETE CASCADE from users; it replaces the seed's idx_practice_sessions_user_date.
 */
const INDEXES: IndexDefinition[] = [
  ['ix_practice_sessions_user_id_id', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_practice_sessions_user_id_id ON practice_sessions (user_id, id)'],
];

export class IndexPractice1763800100400 extends ConcurrentIndexMigration {
  name = 'IndexPractice1763800100400';
  protected readonly indexes = INDEXES;
}
