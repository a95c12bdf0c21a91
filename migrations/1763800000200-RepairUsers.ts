import { MigrationInterface, QueryRunner } from 'typeorm';
import {
  addCheck,
  addForeignKey,
  addUpdatedAtTrigger,
  columnExists,
  createIndexesConcurrently,
  dropUpdatedAtTrigger,
  renameConstraint,
  setNotNull,
  timestampsNotNull,
  toTimestamp,
  toTimestamptz,
} from './lib/v1/ddl';
import { backfillInBatches, batchMarker, forEachKeyRange, inRange } from './lib/v1/keyset-batches';
import { applyRepairSteps, isMapDuplicate, MergeMap, RepairStep, repairInPlace, revertRepairSteps } from './lib/v1/repair-steps';
import { prepareMigrationSession, run } from './lib/v1/session';
import { rebuildWithColumnFirst } from './lib/v1/table-rebuild';

const NAME = 'RepairUsers1763800000200';

const EMAILS: MergeMap = { name: 'lingua_merge_users_email', table: 'users', key: (a) => `lower(${a}.email)`, where: (a) => `${a}.email IS NOT NULL` };
const createdAt = (table: string) => repairInPlace(table, `${table}.created_at`, 'NULL created_at → migration time', 't.created_at IS NULL', 'created_at = now()');
const updatedAt = (table: string) => repairInPlace(table, `${table}.updated_at`, 'NULL updated_at → created_at', 't.updated_at IS NULL', 'updated_at = t.created_at');

export const USER_REPAIRS: RepairStep[] = [
  createdAt('users'),
  { kind: 'map', map: EMAILS },
  { kind: 'repair', table: 'users', label: 'users.duplicate_email', reason: 'duplicate_email: an older account keeps this email',
    where: isMapDuplicate(EMAILS), set: 'email = NULL' },
];
export const PROFILE_REPAIRS: RepairStep[] = [
  { kind: 'quarantine', table: 'user_profiles', label: 'user_profiles.no_owner', reason: 'no_owner: user_id is null', where: 't.user_id IS NULL' },
  createdAt('user_profiles'),
  updatedAt('user_profiles'),
];
export const PATH_REPAIRS: RepairStep[] = [
  { kind: 'quarantine', table: 'learning_paths', label: 'learning_paths.no_owner', reason: 'no_owner: user_id is null', where: 't.user_id IS NULL' },
  repairInPlace('learning_paths', 'learning_paths.path_data', 'NULL path_data → {}', 't.path_data IS NULL', `path_data = '{}'::jsonb`),
  repairInPlace('learning_paths', 'learning_paths.progress_data', 'NULL progress_data → {}', 't.progress_data IS NULL', `progress_data = '{}'::jsonb`),
  createdAt('learning_paths'),
  updatedAt('learning_paths'),
];

/** The display name a legacy row gets (backfill), and a row the legacy app still inserts without one (trigger). */
const displayNameOf = (row: string) =>
  `left(coalesce(nullif(${row}.username, ''), nullif(split_part(${row}.email, '@', 1), ''), 'learner ' || ${row}.id), 100)`;

/**
 * users, user_profiles, learning_paths → SPEC §2, safe on a live database: no wrapping transaction,
 * so every step holds its locks briefly (lock_timeout) and every step can be re-run after a failure
 * or a kill; data repairs run in keyset batches (repair-steps.ts). Repair rules (docs/migrations.md):
 * - duplicate emails (case-insensitive): found once with a window function; the oldest account keeps
 *   the email; each later account's original row is recorded in quarantined_rows (reason
 *   duplicate_email, repaired_in_place) and its email set to NULL. The accounts and everything they
 *   own stay. Then uq_users_email is built concurrently (a duplicate the legacy app adds meanwhile
 *   fails the build; the re-run de-duplicates it and rebuilds the index).
 * - display_name backfilled from username, else the email's local part, else "learner <id>"; a
 *   BEFORE INSERT trigger gives the same name to users the legacy app still inserts without one.
 * - profiles and learning paths with no user_id cannot belong to anyone: moved to quarantine.
 * - learning paths' NULL path_data/progress_data → {} (originals recorded, so `down` gives NULL back).
 * - user_profiles' surrogate id (referenced by nothing) is dropped: user_id becomes the key; each
 *   profile's legacy id is kept in lingua_legacy_user_profile_ids and its sequence is kept (detached)
 *   so `down` rebuilds the legacy table exactly, id first.
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
    await run(qr, `-- the length bound is part of the contract (the API validates it too); widening later is metadata-only
      -- squawk-ignore prefer-text-field
      ALTER TABLE users ADD COLUMN IF NOT EXISTS display_name varchar(100), ADD COLUMN IF NOT EXISTS native_language varchar(16), ADD COLUMN IF NOT EXISTS target_language varchar(16), ADD COLUMN IF NOT EXISTS updated_at timestamptz DEFAULT now()`);
    // From the moment the column exists: legacy registrations get their display name too.
    await run(qr, `CREATE OR REPLACE FUNCTION lingua_users_default_display_name() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.display_name IS NULL THEN NEW.display_name := ${displayNameOf('NEW')}; END IF;
        RETURN NEW;
      END
      $$`);
    await run(qr, `CREATE OR REPLACE TRIGGER trg_users_default_display_name BEFORE INSERT ON users
      FOR EACH ROW EXECUTE FUNCTION lingua_users_default_display_name()`);
    await applyRepairSteps(qr, NAME, USER_REPAIRS);
    // Built right after the de-duplication, so a legacy writer has the shortest window to add a new one.
    await createIndexesConcurrently(qr, [['uq_users_email', 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS uq_users_email ON users (lower(email))']]);
    await backfillInBatches(qr, 'users', 'display_name', displayNameOf('t'), 't.display_name IS NULL');
    await timestampsNotNull(qr, 'users');
    await setNotNull(qr, 'users', 'display_name');
    await addCheck(qr, 'users', 'ck_users_display_name_not_blank', `btrim(display_name) <> ''`);
    await addUpdatedAtTrigger(qr, 'users');
  }

  private async repairProfiles(qr: QueryRunner): Promise<void> {
    await toTimestamptz(qr, 'user_profiles', ['created_at', 'updated_at']);
    // Until user_id becomes the primary key, the legacy id is (and these walks run along it).
    const [swapped] = await run(qr, `SELECT 1 FROM pg_constraint WHERE conname = 'pk_user_profiles'`);
    const legacyId = !swapped && (await columnExists(qr, 'user_profiles', 'id'));
    if (legacyId) await applyRepairSteps(qr, NAME, PROFILE_REPAIRS);
    await setNotNull(qr, 'user_profiles', 'user_id');
    await createIndexesConcurrently(qr, [['pk_user_profiles', 'CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS pk_user_profiles ON user_profiles (user_id)']]);
    if (legacyId) {
      // The surrogate id goes (user_id becomes the key). Its values are kept for `down`, in batches
      // along the legacy primary key while it still exists (a profile the legacy app adds after
      // this gets a new id on revert).
      await run(qr, `CREATE TABLE IF NOT EXISTS lingua_legacy_user_profile_ids (
        user_id integer CONSTRAINT pk_lingua_legacy_user_profile_ids PRIMARY KEY, id integer NOT NULL)`);
      await backfillLegacyProfileIds(qr);
    }
    if (!swapped) {
      // One statement: the key moves from id to user_id at once (a kill cannot leave the table without one).
      await run(qr, `ALTER TABLE user_profiles DROP CONSTRAINT IF EXISTS user_profiles_pkey, DROP CONSTRAINT IF EXISTS user_profiles_user_id_key,
                        ADD CONSTRAINT pk_user_profiles PRIMARY KEY USING INDEX pk_user_profiles`);
    }
    if (await columnExists(qr, 'user_profiles', 'id')) {
      // Its sequence is detached first, so dropping the column does not drop it: `down` resumes it.
      await run(qr, `ALTER SEQUENCE IF EXISTS user_profiles_id_seq OWNED BY NONE`);
      await run(qr, `-- a surrogate key nothing references; user_id is the key now
        -- squawk-ignore ban-drop-column
        ALTER TABLE user_profiles DROP COLUMN IF EXISTS id`);
    }
    await run(qr, `ALTER TABLE user_profiles DROP CONSTRAINT IF EXISTS user_profiles_user_id_fkey`);
    await addForeignKey(qr, 'user_profiles', 'fk_user_profiles_user_id', 'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE');
    await timestampsNotNull(qr, 'user_profiles');
    await addUpdatedAtTrigger(qr, 'user_profiles');
  }

  private async repairLearningPaths(qr: QueryRunner): Promise<void> {
    await toTimestamptz(qr, 'learning_paths', ['created_at', 'updated_at']);
    // progress_data's default first: a path the legacy app inserts without one is valid from now on.
    await run(qr, `ALTER TABLE learning_paths ALTER COLUMN progress_data SET DEFAULT '{}'::jsonb`);
    await applyRepairSteps(qr, NAME, PATH_REPAIRS);
    await renameConstraint(qr, 'learning_paths', 'learning_paths_pkey', 'pk_learning_paths');
    await run(qr, `ALTER TABLE learning_paths DROP CONSTRAINT IF EXISTS learning_paths_user_id_fkey`);
    await addForeignKey(qr, 'learning_paths', 'fk_learning_paths_user_id', 'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE');
    await setNotNull(qr, 'learning_paths', 'user_id');
    await setNotNull(qr, 'learning_paths', 'path_data');
    await setNotNull(qr, 'learning_paths', 'progress_data');
    await timestampsNotNull(qr, 'learning_paths');
    await addUpdatedAtTrigger(qr, 'learning_paths');
  }

  async down(qr: QueryRunner): Promise<void> {
    await prepareMigrationSession(qr);
    await dropUpdatedAtTrigger(qr, 'learning_paths');
    await run(qr, `ALTER TABLE learning_paths
      ALTER COLUMN user_id DROP NOT NULL, ALTER COLUMN path_data DROP NOT NULL, ALTER COLUMN progress_data DROP NOT NULL,
      ALTER COLUMN progress_data DROP DEFAULT, ALTER COLUMN created_at DROP NOT NULL, ALTER COLUMN updated_at DROP NOT NULL,
      ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP, ALTER COLUMN updated_at SET DEFAULT CURRENT_TIMESTAMP`);
    await run(qr, `ALTER TABLE learning_paths DROP CONSTRAINT fk_learning_paths_user_id`);
    await run(qr, `ALTER TABLE learning_paths ADD CONSTRAINT learning_paths_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id)`);
    await run(qr, `ALTER TABLE learning_paths RENAME CONSTRAINT pk_learning_paths TO learning_paths_pkey`);
    await toTimestamp(qr, 'learning_paths', ['created_at', 'updated_at']);
    await revertRepairSteps(qr, NAME, PATH_REPAIRS);

    await dropUpdatedAtTrigger(qr, 'user_profiles');
    await run(qr, `ALTER TABLE user_profiles DROP CONSTRAINT fk_user_profiles_user_id`);
    await run(qr, `ALTER TABLE user_profiles DROP CONSTRAINT pk_user_profiles`);
    await run(qr, `ALTER TABLE user_profiles ALTER COLUMN user_id DROP NOT NULL, ADD COLUMN id integer`);
    await run(qr, `UPDATE user_profiles p SET id = l.id FROM lingua_legacy_user_profile_ids l WHERE l.user_id = p.user_id`);
    await run(qr, `ALTER TABLE user_profiles ALTER COLUMN created_at DROP NOT NULL, ALTER COLUMN updated_at DROP NOT NULL,
      ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP, ALTER COLUMN updated_at SET DEFAULT CURRENT_TIMESTAMP`);
    await toTimestamp(qr, 'user_profiles', ['created_at', 'updated_at']);
    await revertRepairSteps(qr, NAME, PROFILE_REPAIRS);
    // The legacy sequence was kept (detached); profiles created since the repair never had a legacy
    // id: they get its next values (moved past the highest id first if it lags behind).
    await run(qr, `CREATE SEQUENCE IF NOT EXISTS user_profiles_id_seq AS integer`);
    await run(qr, `ALTER SEQUENCE user_profiles_id_seq OWNED BY user_profiles.id`);
    await run(qr, `SELECT setval('user_profiles_id_seq', m) FROM (SELECT max(id) AS m FROM user_profiles) x
                     WHERE m > (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END FROM user_profiles_id_seq)`);
    await run(qr, `UPDATE user_profiles SET id = nextval('user_profiles_id_seq') WHERE id IS NULL`);
    await run(qr, `ALTER TABLE user_profiles ALTER COLUMN id SET DEFAULT nextval('user_profiles_id_seq'::regclass), ALTER COLUMN id SET NOT NULL`);
    await run(qr, `ALTER TABLE user_profiles ADD CONSTRAINT user_profiles_pkey PRIMARY KEY (id)`);
    await run(qr, `ALTER TABLE user_profiles ADD CONSTRAINT user_profiles_user_id_key UNIQUE (user_id)`);
    await run(qr, `ALTER TABLE user_profiles ADD CONSTRAINT user_profiles_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id)`);
    await run(qr, `DROP TABLE lingua_legacy_user_profile_ids`);
    // id came back as the last column; the legacy table had it first.
    await rebuildWithColumnFirst(qr, 'user_profiles', 'id');

    await dropUpdatedAtTrigger(qr, 'users');
    await run(qr, `DROP TRIGGER IF EXISTS trg_users_default_display_name ON users`);
    await run(qr, `DROP FUNCTION IF EXISTS lingua_users_default_display_name()`);
    await run(qr, `DROP INDEX IF EXISTS uq_users_email`);
    await run(qr, `ALTER TABLE users DROP CONSTRAINT ck_users_display_name_not_blank`);
    await run(qr, `ALTER TABLE users DROP COLUMN display_name, DROP COLUMN native_language, DROP COLUMN target_language, DROP COLUMN updated_at`);
    await run(qr, `ALTER TABLE users ALTER COLUMN created_at DROP NOT NULL, ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP`);
    await run(qr, `ALTER TABLE users RENAME CONSTRAINT uq_users_username TO users_username_key`);
    await run(qr, `ALTER TABLE users RENAME CONSTRAINT pk_users TO users_pkey`);
    await toTimestamp(qr, 'users', ['created_at']);
    await revertRepairSteps(qr, NAME, USER_REPAIRS);
  }
}

/** Copies each profile's legacy id (user_id → id) for `down`, in keyset batches. */
async function backfillLegacyProfileIds(qr: QueryRunner): Promise<void> {
  await forEachKeyRange(qr, 'user_profiles', 'id', async (lo, hi) => {
    await run(qr, `${batchMarker('user_profiles:legacy ids')}
      INSERT INTO lingua_legacy_user_profile_ids (user_id, id) SELECT t.user_id, t.id FROM user_profiles t WHERE ${inRange('id')}
      ON CONFLICT (user_id) DO NOTHING`, [lo, hi]);
  });
}
