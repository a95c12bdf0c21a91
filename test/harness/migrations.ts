import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/database/data-source-options';
import { setMigrationBatchSize } from '../../src/database/keyset-batches';

/** A migrations DataSource on `url`, as the typeorm CLI would build it from ormconfig.ts. */
export async function migrationDataSource(url: string): Promise<DataSource> {
  const ds = new DataSource(buildDataSourceOptions({ url }, { role: 'migrations', logging: false }));
  return ds.initialize();
}

/** Runs the chain up to and including the migration named `last` (all when omitted). */
export async function migrateThrough(ds: DataSource, last?: string): Promise<void> {
  const all = ds.migrations;
  const end = last ? all.findIndex((m) => m.name === last) + 1 : all.length;
  if (end === 0) throw new Error(`no migration named ${last}`);
  // TypeORM runs every pending migration at once: to stop part-way, hide the later ones.
  const view = ds as unknown as { migrations: typeof all };
  view.migrations = all.slice(0, end);
  try {
    await ds.runMigrations({ transaction: 'each' });
  } finally {
    view.migrations = all;
  }
}

/** Reverts migrations until only the first `keepCount` remain executed. */
export async function revertDownTo(ds: DataSource, keepCount: number): Promise<void> {
  for (;;) {
    const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM migrations`);
    if (n <= keepCount) return;
    await ds.undoLastMigration({ transaction: 'each' });
  }
}

export { schemaSnapshot } from '../../src/database/schema-snapshot';

/** Within a describe block: the migrations' keyset batch size is `size`, then the default again. */
export function useMigrationBatchSize(size: number): void {
  beforeAll(() => setMigrationBatchSize(size));
  afterAll(() => setMigrationBatchSize());
}
