import { ConcurrentIndexMigration, IndexDefinition } from './lib/v1/ddl';

/**
 * Indexes for the conversations module, each serving one query (docs/modules/conversations-lessons.md,
 * "Index map", which also lists the seed indexes folded into these). The unique (session_id,
 * message_order) is built concurrently and then attached as a constraint (`USING INDEX`, a brief lock).
 */
const INDEXES: IndexDefinition[] = [
  ['uq_conversation_messages_session_id_message_order',
    'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_conversation_messages_session_id_message_order ON conversation_messages (session_id, message_order)'],
  ['ix_conversation_sessions_user_id_id', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_conversation_sessions_user_id_id ON conversation_sessions (user_id, id)'],
  ['ix_conversation_sessions_user_id_status_id',
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_conversation_sessions_user_id_status_id ON conversation_sessions (user_id, status, id)'],
  ['ix_conversation_sessions_user_id_session_type_id',
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_conversation_sessions_user_id_session_type_id ON conversation_sessions (user_id, session_type, id)'],
  ['ix_conversation_sessions_conversation_context',
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_conversation_sessions_conversation_context ON conversation_sessions USING gin (conversation_context jsonb_path_ops)'],
  ['ix_conversation_interactions_user_id_id',
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_conversation_interactions_user_id_id ON conversation_interactions (user_id, id)'],
  ['ix_conversation_interactions_user_id_concept_id_id',
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_conversation_interactions_user_id_concept_id_id ON conversation_interactions (user_id, concept_id, id)'],
  ['ix_conversation_interactions_user_id_next_review_date',
    `CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_conversation_interactions_user_id_next_review_date
       ON conversation_interactions (user_id, next_review_date, id) WHERE next_review_date IS NOT NULL`],
  ['ix_conversation_interactions_session_id',
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_conversation_interactions_session_id ON conversation_interactions (session_id)'],
  ['ix_conversation_interactions_message_id',
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_conversation_interactions_message_id ON conversation_interactions (message_id)'],
  ['ix_conversation_interactions_metadata',
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_conversation_interactions_metadata ON conversation_interactions USING gin (metadata jsonb_path_ops)'],
];

export class IndexConversations1763800200100 extends ConcurrentIndexMigration {
  name = 'IndexConversations1763800200100';
  protected readonly indexes = INDEXES;
  protected readonly uniqueConstraints: Array<[string, string]> = [['conversation_messages', 'uq_conversation_messages_session_id_message_order']];
}
