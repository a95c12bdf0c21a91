import { DataSource } from 'typeorm';
import { createEmptyDatabase, dropDatabase } from '../harness/context';
import { migrateThrough, migrationDataSource, revertDownTo } from '../harness/migrations';

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
      INSERT INTO user_profiles (user_id, learning_goals) VALUES (1, '{"travel": true}'), (NULL, '{"orphan": true}');
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
    const [q] = await ds.query(`SELECT reason, row_data->>'email' AS email, repaired_in_place FROM quarantined_rows WHERE source_table = 'users'`);
    expect(q).toMatchObject({ email: 'ana@example.COM', repaired_in_place: true });
    expect(q.reason).toMatch(/^duplicate_email/);
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
    expect(await ds.query(`SELECT count(*)::int AS n FROM learning_paths WHERE user_id = 3`)).toEqual([{ n: 0 }]);
  });

  it('reverts to the legacy shape with the quarantined and repaired rows put back', async () => {
    await revertDownTo(ds, 1);
    const users = await ds.query(`SELECT id, email FROM users ORDER BY id`);
    expect(users).toEqual([
      { id: 1, email: 'Ana@Example.com' },
      { id: 2, email: 'ana@example.COM' },
      { id: 4, email: null },
    ]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM user_profiles WHERE user_id IS NULL`)).toEqual([{ n: 1 }]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM learning_paths WHERE user_id IS NULL`)).toEqual([{ n: 1 }]);
    expect(await ds.query(`SELECT count(*)::int AS n FROM quarantined_rows`).catch(() => [{ n: 'table gone' }])).toEqual([{ n: 'table gone' }]);
  });
});

