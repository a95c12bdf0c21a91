import { DataSource } from 'typeorm';
import { createEmptyDatabase, dropDatabase } from '../harness/context';
import { migrateThrough, migrationDataSource, revertDownTo, schemaSnapshot } from '../harness/migrations';

jest.setTimeout(240_000); // whole migration chains; on a loaded 2-core machine one took over 60 s

describe('migration chain', () => {
  it('runs up on an empty database, all the way down to nothing, and up again to the same schema', async () => {
    const db = await createEmptyDatabase();
    const ds = await migrationDataSource(db.url);
    try {
      await ds.runMigrations({ transaction: 'each' });
      const first = await schemaSnapshot(ds);
      expect(await ds.showMigrations()).toBe(false);

      await revertDownTo(ds, 0);
      const tables: Array<{ tablename: string }> = await ds.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename <> 'migrations'`);
      expect(tables).toEqual([]);

      await ds.runMigrations({ transaction: 'each' });
      expect(await schemaSnapshot(ds)).toBe(first);
    } finally {
      await ds.destroy();
      await dropDatabase(db.name);
    }
  });

  it('reverting the baseline on a database that already had the legacy tables leaves them and their rows', async () => {
    const db = await createEmptyDatabase();
    const ds: DataSource = await migrationDataSource(db.url);
    try {
      await ds.query(`CREATE TABLE users (id serial PRIMARY KEY, username varchar(80) UNIQUE, email varchar(120),
                        password_hash varchar(255), created_at timestamp DEFAULT CURRENT_TIMESTAMP)`);
      await ds.query(`INSERT INTO users (username, email) VALUES ('old', 'old@example.com')`);
      await migrateThrough(ds, 'CreateLegacyBaseline1763800000000');
      await revertDownTo(ds, 0);
      const rows = await ds.query(`SELECT username FROM users`);
      expect(rows).toEqual([{ username: 'old' }]);
      const others = await ds.query(`SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename NOT IN ('users', 'migrations')`);
      expect(others).toEqual([]);
    } finally {
      await ds.destroy();
      await dropDatabase(db.name);
    }
  });

  it('re-runs each non-transactional migration over its own completed result without error or change', async () => {
    const db = await createEmptyDatabase();
    const ds = await migrationDataSource(db.url);
    try {
      const qr = ds.createQueryRunner();
      try {
        // Each migration, right after it ran, runs again over its own result (as a deploy re-runs
        // a migration that failed part-way): no error, and the schema does not change.
        for (const migration of ds.migrations) {
          await migrateThrough(ds, migration.name);
          // A transactional migration that fails is rolled back whole; only these can stop half-way.
          if ((migration as { transaction?: boolean }).transaction !== false) continue;
          const after = await schemaSnapshot(ds);
          await migration.up(qr);
          expect({ migration: migration.name, schema: await schemaSnapshot(ds) }).toEqual({ migration: migration.name, schema: after });
        }
      } finally {
        await qr.release();
      }
    } finally {
      await ds.destroy();
      await dropDatabase(db.name);
    }
  });
});
