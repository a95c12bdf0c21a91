import { DataSource } from 'typeorm';
import { LINGUA_MIGRATIONS } from '../../migrations';
import { buildDataSourceOptions } from '../../src/data-source-options';
import { withMigrationLock } from '../../src/database/migration-lock';
import { createEmptyDatabase, dropDatabase } from '../harness/context';

/** issue 7: several instances running `migration:run` at once on one database. */
describe('migration runs hold an advisory lock', () => {
  it('two runs started together: one migrates, the other waits and finds nothing pending', async () => {
    const db = await createEmptyDatabase();
    const sources = [0, 1].map(() => withMigrationLock(new DataSource(buildDataSourceOptions({ url: db.url }, { role: 'migrations', logging: false }))));
    try {
      await Promise.all(sources.map((ds) => ds.initialize()));
      const applied = await Promise.all(sources.map((ds) => ds.runMigrations({ transaction: 'each' })));
      expect(applied.map((a) => a.length).sort((x, y) => x - y)).toEqual([0, LINGUA_MIGRATIONS.length]);
      const rows: Array<{ name: string; runs: string }> = await sources[0].query(`SELECT name, count(*) AS runs FROM migrations GROUP BY name`);
      expect(rows).toHaveLength(LINGUA_MIGRATIONS.length);
      expect(rows.every((r) => Number(r.runs) === 1)).toBe(true);
      // The lock is released: a later run takes it at once and finds nothing to do.
      expect(await sources[1].runMigrations({ transaction: 'each' })).toEqual([]);
      // This database's advisory locks: another database of the same server may be migrating meanwhile.
      const [{ held }] = await sources[0].query(
        `SELECT count(*)::int AS held FROM pg_locks
          WHERE locktype = 'advisory' AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
      );
      expect(held).toBe(0);
    } finally {
      await Promise.all(sources.map((ds) => (ds.isInitialized ? ds.destroy() : undefined)));
      await dropDatabase(db.name);
    }
  });
});
