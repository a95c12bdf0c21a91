import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { LINGUA_MIGRATIONS } from '../../migrations';
import { validateEnv } from '../../src/config/env';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { createEmptyDatabase, dropDatabase } from './context';

/**
 * A legacy database for repair tests: an empty database with only the baseline migration applied
 * (the legacy schema), a raw client to insert defective rows, and the rest of the chain up and down.
 */
export class LegacyDatabase {
  private constructor(
    readonly name: string,
    readonly url: string,
    readonly sql: Client,
  ) {}

  static async create(): Promise<LegacyDatabase> {
    const { name, url } = await createEmptyDatabase();
    const baseline = await LegacyDatabase.dataSource(url, [LINGUA_MIGRATIONS[0]]);
    await baseline.runMigrations({ transaction: 'each' });
    await baseline.destroy();
    const sql = new Client({ connectionString: url });
    await sql.connect();
    await sql.query(`SET TimeZone = 'UTC'`);
    return new LegacyDatabase(name, url, sql);
  }

  private static async dataSource(url: string, migrations = LINGUA_MIGRATIONS): Promise<DataSource> {
    const ds = new DataSource({ ...buildDataSourceOptions(validateEnv({ DATABASE_URL: url }), { role: 'migrations', logging: false }), migrations });
    return ds.initialize();
  }

  async rows(table: string): Promise<Array<Record<string, unknown>>> {
    return (await this.sql.query(`SELECT to_jsonb(t) AS r FROM ${table} t ORDER BY id`)).rows.map((x) => x.r);
  }

  /** Runs the rest of the chain. */
  async migrateUp(): Promise<void> {
    const ds = await LegacyDatabase.dataSource(this.url);
    try {
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
  }

  /** undoLastMigration until only the baseline is left. */
  async revertToBaseline(): Promise<void> {
    const ds = await LegacyDatabase.dataSource(this.url);
    try {
      for (;;) {
        const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM migrations`);
        if (n <= 1) return;
        await ds.undoLastMigration({ transaction: 'each' });
      }
    } finally {
      await ds.destroy();
    }
  }

  async close(): Promise<void> {
    await this.sql.end();
    await dropDatabase(this.name);
  }
}
