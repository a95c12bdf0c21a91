import { DataSource } from 'typeorm';
import { redundantIndexes } from '../../src/database/db-health';
import { createDatabaseFromTemplate, dropDatabase } from '../harness/context';
import { migrationDataSource } from '../harness/migrations';
import { withDatabase } from '../../scripts/lib/scratch-postgres';

/** Rules of SPEC §2 that hold for the whole migrated schema, whatever module a table belongs to. */
describe('schema rules', () => {
  let ds: DataSource;
  let name: string;
  beforeAll(async () => {
    name = await createDatabaseFromTemplate();
    ds = await migrationDataSource(withDatabase(process.env.LINGUA_TEST_ADMIN_URL!, name));
  });
  afterAll(async () => {
    await ds.destroy();
    await dropDatabase(name);
  });

  const OWN_TABLES = `c.relname NOT IN ('migrations', 'lingua_baseline_created')`;

  it('names every constraint and index explicitly: pk_, fk_, uq_, ck_, ix_ (no generated names)', async () => {
    const names: Array<{ name: string; kind: string; table: string }> = await ds.query(`
      SELECT con.conname AS name, 'constraint' AS kind, c.relname AS table
        FROM pg_constraint con JOIN pg_class c ON c.oid = con.conrelid JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND con.contype IN ('p', 'u', 'f', 'c', 'x') AND ${OWN_TABLES}
      UNION ALL
      SELECT i.relname, 'index', c.relname
        FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class c ON c.oid = x.indrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND ${OWN_TABLES}`);
    const badlyNamed = names.filter((n) => !/^(pk|fk|uq|ck|ix)_[a-z0-9_]+$/.test(n.name));
    expect(badlyNamed).toEqual([]);
  });

  it('keeps no index that is a leading prefix of another (db:report finds none)', async () => {
    expect(await redundantIndexes(ds)).toEqual([]);
  });

  it('maintains updated_at with the shared trigger on every table that has the column', async () => {
    const missing = await ds.query(`
      SELECT c.relname AS table FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.attname = 'updated_at' AND NOT a.attisdropped
         AND NOT EXISTS (SELECT 1 FROM pg_trigger t JOIN pg_proc p ON p.oid = t.tgfoid
                          WHERE t.tgrelid = c.oid AND p.proname = 'lingua_set_updated_at')`);
    expect(missing).toEqual([]);
  });

  it('stores every time as timestamptz', async () => {
    const naive = await ds.query(`
      SELECT c.relname AS table, a.attname AS column FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
       WHERE n.nspname = 'public' AND c.relkind = 'r' AND a.atttypid = 'timestamp'::regtype AND NOT a.attisdropped`);
    expect(naive).toEqual([]);
  });
});
