import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { Inventory, takeInventory } from '../../scripts/legacy/inventory';
import { verifyReverted } from '../../scripts/legacy/verify-reverted';
import { createEmptyDatabase, dropDatabase } from '../harness/context';
import { migrateThrough, migrationDataSource, revertDownTo } from '../harness/migrations';

/**
 * Issue 10, "revert is not exact": after the whole chain and a full revert the database equals the
 * legacy one — the three defects the issue names, each checked on its own, and then the inventory
 * (rows, values, column order, tables, indexes, constraints, triggers) compared as a whole.
 */
describe('reverting the whole chain gives back exactly the legacy database', () => {
  let db: { name: string; url: string };
  let ds: DataSource;
  let sql: Client;
  let legacy: Inventory;
  const rows = async (text: string) => (await sql.query(text)).rows;
  const indexesOf = async (table: string) =>
    (await rows(`SELECT indexname, indexdef FROM pg_indexes WHERE tablename = '${table}' ORDER BY 1`)).map((r) => `${r.indexname}: ${r.indexdef}`);
  const columnsOf = async (table: string) =>
    (await rows(`SELECT attname FROM pg_attribute WHERE attrelid = '${table}'::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`)).map((r) => r.attname);

  beforeAll(async () => {
    db = await createEmptyDatabase();
    sql = new Client({ connectionString: db.url });
    await sql.connect();
    // A legacy database whose unique index on lesson_versions has another name than the baseline's.
    await sql.query(`
      CREATE TABLE lessons (id serial PRIMARY KEY, title varchar(255), can_do text, status varchar(20) DEFAULT 'draft',
                            created_at timestamp DEFAULT CURRENT_TIMESTAMP, updated_at timestamp DEFAULT CURRENT_TIMESTAMP);
      CREATE TABLE lesson_versions (id serial PRIMARY KEY, lesson_id integer REFERENCES lessons(id), version integer,
                                    lesson_plan jsonb, created_at timestamp DEFAULT CURRENT_TIMESTAMP);
      CREATE UNIQUE INDEX lesson_versions_lesson_id_version_idx ON lesson_versions (lesson_id, version)`);
    ds = await migrationDataSource(db.url);
    await migrateThrough(ds, 'CreateLegacyBaseline1763800000000');
    await sql.query(`
      INSERT INTO users (id, username, email) VALUES (1, 'ana', 'ana@example.com'), (2, 'ben', 'BEN@example.com'), (3, 'ben2', 'ben@example.com');
      SELECT setval('users_id_seq', 3);
      INSERT INTO user_profiles (id, user_id, learning_goals, created_at) VALUES (5, 1, '{"travel": true}', NULL), (9, 2, NULL, '2024-01-01 10:00'), (11, NULL, '{}', NULL);
      SELECT setval('user_profiles_id_seq', 20);
      INSERT INTO learning_paths (id, user_id, path_data, progress_data) VALUES
        (1, 1, NULL, NULL), (2, 2, '{"a": 1}', NULL), (3, 3, NULL, '{"done": 2}'), (4, NULL, NULL, NULL);
      INSERT INTO lessons (id, title, status) VALUES (1, 'Greetings', 'published'), (2, NULL, NULL);
      INSERT INTO lesson_versions (lesson_id, version, lesson_plan) VALUES (1, 0, '{}'), (1, 1, NULL), (2, NULL, '{"x": 1}')`);
    legacy = await takeInventory(db.url, { defects: false });
  });
  afterAll(async () => {
    await sql?.end();
    await ds?.destroy();
    if (db) await dropDatabase(db.name);
  });

  it('adopts the legacy unique index on lesson_versions by definition: no second index is built', async () => {
    expect(await indexesOf('lesson_versions')).toEqual([
      'lesson_versions_lesson_id_version_idx: CREATE UNIQUE INDEX lesson_versions_lesson_id_version_idx ON public.lesson_versions USING btree (lesson_id, version)',
      'lesson_versions_pkey: CREATE UNIQUE INDEX lesson_versions_pkey ON public.lesson_versions USING btree (id)',
    ]);
    await ds.runMigrations({ transaction: 'each' });
    expect(await indexesOf('lesson_versions')).toEqual([
      'ix_lesson_versions_lesson_plan: CREATE INDEX ix_lesson_versions_lesson_plan ON public.lesson_versions USING gin (lesson_plan jsonb_path_ops)',
      'pk_lesson_versions: CREATE UNIQUE INDEX pk_lesson_versions ON public.lesson_versions USING btree (id)',
      'uq_lesson_versions_lesson_id_version: CREATE UNIQUE INDEX uq_lesson_versions_lesson_id_version ON public.lesson_versions USING btree (lesson_id, version)',
    ]);
    // a profile created after the repair: on revert it gets the legacy sequence's next id
    await sql.query(`INSERT INTO user_profiles (user_id, usage_context) VALUES (3, '{"new": true}')`);
  });

  it('gives the legacy index its own name back, and builds nothing the legacy database did not have', async () => {
    await revertDownTo(ds, 1);
    expect(await indexesOf('lesson_versions')).toEqual([
      'lesson_versions_lesson_id_version_idx: CREATE UNIQUE INDEX lesson_versions_lesson_id_version_idx ON public.lesson_versions USING btree (lesson_id, version)',
      'lesson_versions_pkey: CREATE UNIQUE INDEX lesson_versions_pkey ON public.lesson_versions USING btree (id)',
    ]);
  });

  it('gives NULL path_data/progress_data back as NULL', async () => {
    expect(await rows(`SELECT id, path_data, progress_data FROM learning_paths ORDER BY id`)).toEqual([
      { id: 1, path_data: null, progress_data: null },
      { id: 2, path_data: { a: 1 }, progress_data: null },
      { id: 3, path_data: null, progress_data: { done: 2 } },
      { id: 4, path_data: null, progress_data: null },
    ]);
  });

  it('gives user_profiles its columns back in the legacy order, id first, with the legacy ids and sequence', async () => {
    expect(await columnsOf('user_profiles')).toEqual(['id', 'user_id', 'learning_goals', 'previous_knowledge', 'usage_context', 'created_at', 'updated_at']);
    expect(await rows(`SELECT id, user_id, created_at FROM user_profiles ORDER BY id`)).toEqual([
      { id: 5, user_id: 1, created_at: null },
      { id: 9, user_id: 2, created_at: expect.any(Date) },
      { id: 11, user_id: null, created_at: null },
      { id: 21, user_id: 3, created_at: expect.any(Date) },
    ]);
    expect(await rows(`SELECT column_default FROM information_schema.columns WHERE table_name = 'user_profiles' AND column_name = 'id'`))
      .toEqual([{ column_default: `nextval('user_profiles_id_seq'::regclass)` }]);
  });

  it('equals the legacy inventory once the row created since is gone: rows, values, columns, indexes, constraints, triggers', async () => {
    await sql.query(`DELETE FROM user_profiles WHERE id = 21`);
    const reverted = await verifyReverted(db.url, legacy);
    expect(reverted.problems).toEqual([]);
  });
});
