import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/data-source-options';

/**
 * A migrations DataSource on `url`, as the typeorm CLI would build it from ormconfig.ts; `batchSize`
 * sets the repair migrations' keyset batch size (the session setting lingua.migration_batch_size),
 * `progressSeconds` and `assumeFree` their progress interval and the free disk they may assume.
 */
export async function migrationDataSource(
  url: string,
  { batchSize, progressSeconds, assumeFree }: { batchSize?: number; progressSeconds?: number; assumeFree?: string } = {},
): Promise<DataSource> {
  const ds = new DataSource(
    buildDataSourceOptions(
      { url },
      {
        role: 'migrations',
        logging: false,
        migrationBatchSize: batchSize,
        migrationProgressSeconds: progressSeconds,
        migrationAssumeFree: assumeFree,
      },
    ),
  );
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

export { schemaSnapshot } from '../../scripts/lib/schema-snapshot';
