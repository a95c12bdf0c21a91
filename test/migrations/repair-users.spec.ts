import { DataSource } from 'typeorm';
import { createEmptyDatabase, dropDatabase } from '../harness/context';
import { Client } from 'pg';
import { migrateThrough, migrationDataSource, revertDownTo, schemaSnapshot } from '../harness/migrations';

/** A legacy database with the users-side defects LEGACY.md lists, repaired and reverted. */
describe('repairing legacy users, profiles and learning paths', () => {
  let ds: DataSource;
  let db: { name: string; url: string };

  beforeAll(async () => {
    db = await createEmptyDatabase();
    ds = await migrationDataSource(db.url);
    await migrateThrough(ds, 'CreateLegacyBaseline1763800000000');
    await ds.query(`
      INSERT INTO users (id, username, email, created_at) VALUES
        (1, 'ana', 'Ana@Example.com', '2024-01-01 10:00'),
        (2, 'ana2', 'ana@example.COM', '2024-02-01 10:00'),
        (3, NULL, 'bo@example.com', NULL),
        (4, NULL, NULL, '2024-03-01 00:00');
      SELECT setval('users_id_seq', 4);
      INSERT INTO user_profiles (id, user_id, learning_goals) VALUES (7, NULL, '{"orphan": true}'), (8, 1, '{"travel": true}'), (1, 3, '{"bo": 1}');
      SELECT setval('user_profiles_id_seq', 8);
      INSERT INTO learning_paths (user_id, path_data) VALUES (2, '{"a": 1}'), (NULL, '{"orphan": 1}'), (3, NULL);`);
    await ds.runMigrations({ transaction: 'each' });
  });
  afterAll(async () => {
    await ds.destroy();
    await dropDatabase(db.name);
  });

  it('keeps every account; the oldest keeps a duplicated email, later ones are recorded and cleared', async () => {
    const users = await ds.query(`SELECT id, email, display_name, created_at IS NOT NULL AS has_created FROM users ORDER BY id`);
    expect(users).toEqual([
      { id: 1, email: 'Ana@Example.com', display_name: 'ana', has_created: true },
      { id: 2, email: null, display_name: 'ana2', has_created: true },
      { id: 3, email: 'bo@example.com', display_name: 'bo', has_created: true },
      { id: 4, email: null, display_name: 'learner 4', has_created: true },
    ]);
    const recorded = await ds.query(`SELECT reason, row_data->>'id' AS id, row_data->>'email' AS email, repaired_in_place FROM quarantined_rows
                                      WHERE source_table = 'users' ORDER BY reason`);
    expect(recorded).toEqual([
      { reason: 'duplicate_email: an older account keeps this email', id: '2', email: 'ana@example.COM', repaired_in_place: true },
      { reason: 'repaired: NULL created_at → migration time', id: '3', email: 'bo@example.com', repaired_in_place: true },
    ]);
    // the legacy timestamp (UTC) is the same instant as timestamptz
    const [{ created }] = await ds.query(`SELECT to_char(created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI') AS created FROM users WHERE id = 1`);
    expect(created).toBe('2024-01-01 10:00');
  });

  it('quarantines ownerless profiles and paths, backfills empty path documents', async () => {
    const quarantined = await ds.query(`SELECT source_table, reason FROM quarantined_rows WHERE NOT repaired_in_place ORDER BY source_table`);
    expect(quarantined).toEqual([
      { source_table: 'learning_paths', reason: 'no_owner: user_id is null' },
      { source_table: 'user_profiles', reason: 'no_owner: user_id is null' },
    ]);
    expect(await ds.query(`SELECT user_id, path_data FROM learning_paths ORDER BY user_id`)).toEqual([
      { user_id: 2, path_data: { a: 1 } },
      { user_id: 3, path_data: {} },
    ]);
  });

  it('enforces the new rules: case-insensitive email, cascade delete', async () => {
    await expect(ds.query(`INSERT INTO users (email, display_name) VALUES ('BO@example.com', 'x')`)).rejects.toMatchObject({ driverError: { constraint: 'uq_users_email' } });
    await ds.query(`DELETE FROM users WHERE id = 3`);
    await ds.query(`INSERT INTO user_profiles (user_id, usage_context) VALUES (2, '{"new": true}')`);
    expect(await ds.query(`SELECT count(*)::int AS n FROM learning_paths WHERE user_id = 3`)).toEqual([{ n: 0 }]);
  });

  it('reverts to the legacy shape with the quarantined and repaired rows and the legacy profile ids put back', async () => {
    await revertDownTo(ds, 1);
    const users = await ds.query(`SELECT id, email FROM users ORDER BY id`);
    expect(users).toEqual([
      { id: 1, email: 'Ana@Example.com' },
      { id: 2, email: 'ana@example.COM' },
      { id: 4, email: null },
    ]);
    // every surviving legacy profile has its own id back, the ownerless one too
    // and one created after the repair gets the next free id
    expect(await ds.query(`SELECT id, user_id FROM user_profiles ORDER BY id`)).toEqual([
      { id: 7, user_id: null },
      { id: 8, user_id: 1 },
      { id: 9, user_id: 2 },
    ]);
    expect(await ds.query(`SELECT nextval('user_profiles_id_seq')::int AS next`)).toEqual([{ next: 10 }]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM learning_paths WHERE user_id IS NULL`)).toEqual([{ n: 1 }]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM quarantined_rows`).catch(() => [{ n: 'table gone' }])).toEqual([{ n: 'table gone' }]);
  });
});


describe('RepairUsers interrupted part-way and run again', () => {
  it('fails on a held lock after repairing users and profiles, then completes on the re-run with nothing recorded twice', async () => {
    const db = await createEmptyDatabase();
    const clean = await createEmptyDatabase();
    const ds = await migrationDataSource(db.url);
    const reference = await migrationDataSource(clean.url);
    const blocker = new Client({ connectionString: db.url });
    try {
      await migrateThrough(ds, 'CreateSharedInfrastructure1763800000100');
      await ds.query(`INSERT INTO users (username, email) VALUES ('a', 'A@x.com'), ('b', 'a@X.com');
                      INSERT INTO user_profiles (user_id) VALUES (1); INSERT INTO learning_paths (user_id, path_data) VALUES (2, '{}')`);
      // learning_paths is repaired last: holding it makes the migration fail after users and profiles are done
      await blocker.connect();
      await blocker.query(`BEGIN; LOCK TABLE learning_paths IN ACCESS EXCLUSIVE MODE`);
      await expect(migrateThrough(ds, 'RepairUsers1763800000200')).rejects.toMatchObject({ driverError: { code: '55P03' } });
      expect(await ds.query(`SELECT count(*)::int AS n FROM migrations WHERE name = 'RepairUsers1763800000200'`)).toEqual([{ n: 0 }]);
      // really part-way: users were already repaired when it stopped
      expect(await ds.query(`SELECT email FROM users ORDER BY id`)).toEqual([{ email: 'A@x.com' }, { email: null }]);
      expect(await ds.query(`SELECT count(*)::int AS n FROM pg_constraint WHERE conname = 'pk_user_profiles'`)).toEqual([{ n: 1 }]);
      await blocker.query('ROLLBACK');

      await migrateThrough(ds, 'RepairUsers1763800000200');
      await migrateThrough(reference, 'RepairUsers1763800000200');
      expect(await schemaSnapshot(ds)).toBe(await schemaSnapshot(reference));
      expect(await ds.query(`SELECT reason FROM quarantined_rows ORDER BY id`)).toEqual([
        { reason: 'duplicate_email: an older account keeps this email' },
        { reason: 'repaired: NULL progress_data → {}' },
      ]);
      expect(await ds.query(`SELECT id, email FROM users ORDER BY id`)).toEqual([{ id: 1, email: 'A@x.com' }, { id: 2, email: null }]);
    } finally {
      await blocker.end().catch(() => undefined);
      await ds.destroy();
      await reference.destroy();
      await dropDatabase(db.name);
      await dropDatabase(clean.name);
    }
  });
});
