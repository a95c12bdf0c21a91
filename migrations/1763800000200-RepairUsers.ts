import { MigrationInterface, QueryRunner } from 'typeorm';
import {
  addCheck,
  addForeignKey,
  addUpdatedAtTrigger,
  atomically,
  backfillInBatches,
  columnExists,
  createIndexesConcurrently,
  dropUpdatedAtTrigger,
  quarantineRows,
  recordOriginals,
  renameConstraint,
  restoreQuarantined,
  prepareMigrationSession,
  setNotNull,
  toTimestamp,
  toTimestamptz,
} from '../src/database/migration-helpers';

const NAME = 'RepairUsers1763800000200';

/**
 * users, user_profiles, learning_paths → SPEC §2, safe on a live database: no wrapping transaction,
 * so every step holds its locks briefly (lock_timeout 5 s) and every step can be re-run after a
 * failure. Repair rules (docs/migrations.md):
 * - duplicate emails (case-insensitive): the oldest account keeps the email; each later account's
 *   original row is recorded in quarantined_rows (reason duplicate_email, repaired_in_place) and its
 *   email set to NULL. The accounts and everything they own stay.
 * - display_name backfilled from username, else the email's local part, else "learner <id>".
 * - profiles and learning paths with no user_id cannot belong to anyone: moved to quarantine.
 * - user_profiles' surrogate id (referenced by nothing) is dropped: user_id becomes the key; each
 *   profile's legacy id is kept in lingua_legacy_user_profile_ids so `down` restores it.
 */
export class RepairUsers1763800000200 implements MigrationInterface {
  name = NAME;
  transaction = false as const;

  async up(qr: QueryRunner): Promise<void> {
    await prepareMigrationSession(qr, { guardedSteps: true });
    await this.repairUsers(qr);
    await this.repairProfiles(qr);
    await this.repairLearningPaths(qr);
  }

  private async repairUsers(qr: QueryRunner): Promise<void> {
    await toTimestamptz(qr, 'users', ['created_at']);
    await renameConstraint(qr, 'users', 'users_pkey', 'pk_users');
    await renameConstraint(qr, 'users', 'users_username_key', 'uq_users_username');
    await qr.query(`-- the length bound is part of the contract (the API validates it too); widening later is metadata-only
      -- squawk-ignore prefer-text-field
      ALTER TABLE users ADD COLUMN IF NOT EXISTS display_name varchar(100), ADD COLUMN IF NOT EXISTS native_language varchar(16), ADD COLUMN IF NOT EXISTS target_language varchar(16), ADD COLUMN IF NOT EXISTS updated_at timestamptz DEFAULT now()`);
    const laterDuplicate = `t.email IS NOT NULL
       AND t.id <> (SELECT min(id) FROM users u WHERE lower(u.email) = lower(t.email))`;
    await atomically(qr, async () => {
      await recordOriginals(qr, 'users', laterDuplicate, 'duplicate_email: an older account keeps this email', NAME);
      await qr.query(`UPDATE users t SET email = NULL WHERE ${laterDuplicate}`);
    });
    // Built right after the de-duplication, so a legacy writer has the shortest window to add a new one.
    await createIndexesConcurrently(qr, [['uq_users_email', 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_users_email ON users (lower(email))']]);
    await backfillInBatches(
      qr,
      'users',
      `display_name = left(coalesce(nullif(username, ''), nullif(split_part(email, '@', 1), ''), 'learner ' || id), 100)`,
      'display_name IS NULL',
    );
    await this.timestampsNotNull(qr, 'users');
    await setNotNull(qr, 'users', 'display_name');
    await addCheck(qr, 'users', 'ck_users_display_name_not_blank', `btrim(display_name) <> ''`);
    await addUpdatedAtTrigger(qr, 'users');
  }

  private async repairProfiles(qr: QueryRunner): Promise<void> {
    await toTimestamptz(qr, 'user_profiles', ['created_at', 'updated_at']);
    await quarantineRows(qr, 'user_profiles', 't.user_id IS NULL', 'no_owner: user_id is null', NAME);
    if (await columnExists(qr, 'user_profiles', 'id')) {
      // The surrogate id goes (user_id becomes the key); keep each profile's legacy id for `down`.
      await qr.query(`CREATE TABLE IF NOT EXISTS lingua_legacy_user_profile_ids (
        user_id integer CONSTRAINT pk_lingua_legacy_user_profile_ids PRIMARY KEY, id integer NOT NULL)`);
      await qr.query(`INSERT INTO lingua_legacy_user_profile_ids (user_id, id) SELECT user_id, id FROM user_profiles ON CONFLICT (user_id) DO NOTHING`);
    }
    await setNotNull(qr, 'user_profiles', 'user_id');
    await createIndexesConcurrently(qr, [['pk_user_profiles', 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS pk_user_profiles ON user_profiles (user_id)']]);
    const [hasPk] = await qr.query(`SELECT 1 FROM pg_constraint WHERE conname = 'pk_user_profiles'`);
    if (!hasPk) {
      await qr.query(`ALTER TABLE user_profiles DROP CONSTRAINT IF EXISTS user_profiles_pkey`);
      await qr.query(`ALTER TABLE user_profiles DROP CONSTRAINT IF EXISTS user_profiles_user_id_key,
                        ADD CONSTRAINT pk_user_profiles PRIMARY KEY USING INDEX pk_user_profiles`);
    }
    await qr.query(`-- a surrogate key nothing references; user_id is the key now
      -- squawk-ignore ban-drop-column
      ALTER TABLE user_profiles DROP COLUMN IF EXISTS id`);
    await qr.query(`ALTER TABLE user_profiles DROP CONSTRAINT IF EXISTS user_profiles_user_id_fkey`);
    await addForeignKey(qr, 'user_profiles', 'fk_user_profiles_user_id', 'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE');
    await this.timestampsNotNull(qr, 'user_profiles', 'user_id');
    await addUpdatedAtTrigger(qr, 'user_profiles');
  }

  private async repairLearningPaths(qr: QueryRunner): Promise<void> {
    await toTimestamptz(qr, 'learning_paths', ['created_at', 'updated_at']);
    await quarantineRows(qr, 'learning_paths', 't.user_id IS NULL', 'no_owner: user_id is null', NAME);
    await backfillInBatches(qr, 'learning_paths', `path_data = '{}'::jsonb`, 'path_data IS NULL');
    await backfillInBatches(qr, 'learning_paths', `progress_data = '{}'::jsonb`, 'progress_data IS NULL');
    await renameConstraint(qr, 'learning_paths', 'learning_paths_pkey', 'pk_learning_paths');
    await qr.query(`ALTER TABLE learning_paths DROP CONSTRAINT IF EXISTS learning_paths_user_id_fkey`);
    await addForeignKey(qr, 'learning_paths', 'fk_learning_paths_user_id', 'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE');
    await setNotNull(qr, 'learning_paths', 'user_id');
    await setNotNull(qr, 'learning_paths', 'path_data');
    await setNotNull(qr, 'learning_paths', 'progress_data');
    await qr.query(`ALTER TABLE learning_paths ALTER COLUMN progress_data SET DEFAULT '{}'::jsonb`);
    await this.timestampsNotNull(qr, 'learning_paths');
    await addUpdatedAtTrigger(qr, 'learning_paths');
  }

  private async timestampsNotNull(qr: QueryRunner, table: string, key = 'id'): Promise<void> {
    await backfillInBatches(qr, table, 'created_at = now()', 'created_at IS NULL', { key });
    await backfillInBatches(qr, table, 'updated_at = created_at', 'updated_at IS NULL', { key });
    await setNotNull(qr, table, 'created_at');
    await setNotNull(qr, table, 'updated_at');
    await qr.query(`ALTER TABLE ${table} ALTER COLUMN created_at SET DEFAULT now(), ALTER COLUMN updated_at SET DEFAULT now()`);
  }

  async down(qr: QueryRunner): Promise<void> {
    await prepareMigrationSession(qr);
    await dropUpdatedAtTrigger(qr, 'learning_paths');
    await qr.query(`ALTER TABLE learning_paths
      ALTER COLUMN user_id DROP NOT NULL, ALTER COLUMN path_data DROP NOT NULL, ALTER COLUMN progress_data DROP NOT NULL,
      ALTER COLUMN progress_data DROP DEFAULT, ALTER COLUMN created_at DROP NOT NULL, ALTER COLUMN updated_at DROP NOT NULL,
      ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP, ALTER COLUMN updated_at SET DEFAULT CURRENT_TIMESTAMP`);
    await qr.query(`ALTER TABLE learning_paths DROP CONSTRAINT fk_learning_paths_user_id`);
    await qr.query(`ALTER TABLE learning_paths ADD CONSTRAINT learning_paths_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id)`);
    await qr.query(`ALTER TABLE learning_paths RENAME CONSTRAINT pk_learning_paths TO learning_paths_pkey`);
    await toTimestamp(qr, 'learning_paths', ['created_at', 'updated_at']);
    await restoreQuarantined(qr, 'learning_paths', NAME);

    await dropUpdatedAtTrigger(qr, 'user_profiles');
    await qr.query(`ALTER TABLE user_profiles DROP CONSTRAINT fk_user_profiles_user_id`);
    await qr.query(`ALTER TABLE user_profiles DROP CONSTRAINT pk_user_profiles`);
    await qr.query(`ALTER TABLE user_profiles ALTER COLUMN user_id DROP NOT NULL, ADD COLUMN id integer`);
    await qr.query(`UPDATE user_profiles p SET id = l.id FROM lingua_legacy_user_profile_ids l WHERE l.user_id = p.user_id`);
    await qr.query(`ALTER TABLE user_profiles ALTER COLUMN created_at DROP NOT NULL, ALTER COLUMN updated_at DROP NOT NULL,
      ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP, ALTER COLUMN updated_at SET DEFAULT CURRENT_TIMESTAMP`);
    await toTimestamp(qr, 'user_profiles', ['created_at', 'updated_at']);
    await restoreQuarantined(qr, 'user_profiles', NAME, 'user_id');
    // Profiles created since the repair never had a legacy id: they get new ones after the highest.
    await qr.query(`CREATE SEQUENCE user_profiles_id_seq AS integer OWNED BY user_profiles.id`);
    await qr.query(`SELECT setval('user_profiles_id_seq', greatest((SELECT max(id) FROM user_profiles), 1))`);
    await qr.query(`UPDATE user_profiles SET id = nextval('user_profiles_id_seq') WHERE id IS NULL`);
    await qr.query(`ALTER TABLE user_profiles ALTER COLUMN id SET DEFAULT nextval('user_profiles_id_seq'::regclass), ALTER COLUMN id SET NOT NULL`);
    await qr.query(`ALTER TABLE user_profiles ADD CONSTRAINT user_profiles_pkey PRIMARY KEY (id)`);
    await qr.query(`ALTER TABLE user_profiles ADD CONSTRAINT user_profiles_user_id_key UNIQUE (user_id)`);
    await qr.query(`ALTER TABLE user_profiles ADD CONSTRAINT user_profiles_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id)`);
    await qr.query(`DROP TABLE lingua_legacy_user_profile_ids`);

    await dropUpdatedAtTrigger(qr, 'users');
    await qr.query(`DROP INDEX IF EXISTS uq_users_email`);
    await qr.query(`ALTER TABLE users DROP CONSTRAINT ck_users_display_name_not_blank`);
    await qr.query(`ALTER TABLE users DROP COLUMN display_name, DROP COLUMN native_language, DROP COLUMN target_language, DROP COLUMN updated_at`);
    await qr.query(`ALTER TABLE users ALTER COLUMN created_at DROP NOT NULL, ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP`);
    await qr.query(`ALTER TABLE users RENAME CONSTRAINT uq_users_username TO users_username_key`);
    await qr.query(`ALTER TABLE users RENAME CONSTRAINT pk_users TO users_pkey`);
    await toTimestamp(qr, 'users', ['created_at']);
    await restoreQuarantined(qr, 'users', NAME);
  }
}
