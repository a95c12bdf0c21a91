import { ConcurrentIndexMigration, IndexDefinition } from './lib/v1/ddl';

/**
 * Indexes for the vocabulary module, built CONCURRENTLY (see createIndexesConcurrently). Each index
 * and the query it serves: docs/modules/vocabulary-practice.md, "Index map". The unique
 * (user_id, word_id) index becomes a constraint with ADD CONSTRAINT … USING INDEX (a brief lock, no
 * scan). A live legacy writer can add a new duplicate only in the moment between RepairVocabulary's
 * merge and its column renames (after the renames legacy code cannot write these tables at all). If
 * that happens the unique build fails (its INVALID index is dropped on the next run): move the
 * duplicate to quarantined_rows by hand and run this migration again (it is re-runnable).
 */
const INDEXES: IndexDefinition[] = [
  ['uq_categories_name', 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_categories_name ON categories (lower(name))'],
  ['uq_words_category_id_term', 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_words_category_id_term ON words (category_id, lower(term))'],
  ['ix_words_term_prefix', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_words_term_prefix ON words (lower(term) text_pattern_ops)'],
  ['uq_user_vocabulary_user_id_word_id',
    'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_user_vocabulary_user_id_word_id ON user_vocabulary (user_id, word_id)'],
  ['ix_user_vocabulary_user_id_mastery_level_word_id',
    'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_user_vocabulary_user_id_mastery_level_word_id ON user_vocabulary (user_id, mastery_level, word_id)'],
  ['ix_user_vocabulary_user_id_due_at', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_user_vocabulary_user_id_due_at ON user_vocabulary (user_id, due_at)'],
  ['ix_user_vocabulary_word_id', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_user_vocabulary_word_id ON user_vocabulary (word_id)'],
];

export class IndexVocabulary1763800100100 extends ConcurrentIndexMigration {
  name = 'IndexVocabulary1763800100100';
  protected readonly indexes = INDEXES;
  protected readonly uniqueConstraints: Array<[string, string]> = [['user_vocabulary', 'uq_user_vocabulary_user_id_word_id']];
}
