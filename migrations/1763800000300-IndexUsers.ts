import { ConcurrentIndexMigration, IndexDefinition } from './lib/v1/ddl';

/**
 * Indexes for the users module (see createIndexesConcurrently). Each index and the query it serves:
 * docs/schema.md.
 */
const INDEXES: IndexDefinition[] = [
  ['ix_learning_paths_user_id_id', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_learning_paths_user_id_id ON learning_paths (user_id, id)'],
  ['ix_user_profiles_learning_goals', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_user_profiles_learning_goals ON user_profiles USING gin (learning_goals jsonb_path_ops)'],
  ['ix_user_profiles_previous_knowledge', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_user_profiles_previous_knowledge ON user_profiles USING gin (previous_knowledge jsonb_path_ops)'],
  ['ix_user_profiles_usage_context', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_user_profiles_usage_context ON user_profiles USING gin (usage_context jsonb_path_ops)'],
  ['ix_learning_paths_path_data', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_learning_paths_path_data ON learning_paths USING gin (path_data jsonb_path_ops)'],
  ['ix_learning_paths_progress_data', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_learning_paths_progress_data ON learning_paths USING gin (progress_data jsonb_path_ops)'],
];

export class IndexUsers1763800000300 extends ConcurrentIndexMigration {
  name = 'IndexUsers1763800000300';
  protected readonly indexes = INDEXES;
}
