import { Client } from 'pg';
import { LINGUA_MIGRATIONS } from '../../migrations';
import { createEmptyDatabase, dropDatabase } from './context';
import { migrateThrough, migrationDataSource, revertDownTo } from './migrations';

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
    const baseline = await migrationDataSource(url);
    await migrateThrough(baseline, LINGUA_MIGRATIONS[0].name);
    await baseline.destroy();
    const sql = new Client({ connectionString: url });
    await sql.connect();
    await sql.query(`SET TimeZone = 'UTC'`);
    return new LegacyDatabase(name, url, sql);
  }

  async rows(table: string): Promise<Array<Record<string, unknown>>> {
    return (await this.sql.query(`SELECT to_jsonb(t) AS r FROM ${table} t ORDER BY id`)).rows.map((x) => x.r);
  }

  /** Runs the rest of the chain. */
  async migrateUp(): Promise<void> {
    const ds = await migrationDataSource(this.url);
    try {
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
  }

  /** undoLastMigration until only the baseline is left. */
  async revertToBaseline(): Promise<void> {
    const ds = await migrationDataSource(this.url);
    try {
      await revertDownTo(ds, 1);
    } finally {
      await ds.destroy();
    }
  }

  async close(): Promise<void> {
    await this.sql.end();
    await dropDatabase(this.name);
  }
}
