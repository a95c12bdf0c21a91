import { MigrationInterface, QueryRunner } from 'typeorm';
import { createIndexesConcurrently, dropIndexes, IndexDefinition, setMigrationTimeouts } from '../src/database/migration-helpers';

/**
 * `ix_practice_sessions_user_id_id` serves the learner's session list (newest first, keyset on id)
 * and the ON DELETE CASCADE from users; it replaces the seed's idx_practice_sessions_user_date.
 */
const INDEXES: IndexDefinition[] = [
  ['ix_practice_sessions_user_id_id', 'CREATE INDEX CONCURRENTLY IF NOT EXISTS ix_practice_sessions_user_id_id ON practice_sessions (user_id, id)'],
];

export class IndexPractice1763800100400 implements MigrationInterface {
  name = 'IndexPractice1763800100400';
  transaction = false as const;

  async up(qr: QueryRunner): Promise<void> {
    await setMigrationTimeouts(qr);
    await createIndexesConcurrently(qr, INDEXES);
  }

  async down(qr: QueryRunner): Promise<void> {
    await setMigrationTimeouts(qr);
    await dropIndexes(qr, INDEXES);
  }
}
