import { DataSource } from 'typeorm';
import { buildDataSourceOptions, withMigrationLock } from '../src/index';
import { AppEnv, migrationDatabaseOptionsFromEnv } from './env';

/** Applies pending migrations with one line of progress per migration (what `npm start` runs). */
export async function runPendingMigrations(env: AppEnv, log: (line: string) => void): Promise<number> {
  const dataSource = withMigrationLock(
    new DataSource(
      buildDataSourceOptions(migrationDatabaseOptionsFromEnv(env), {
        role: 'migrations',
        logging: false,
        migrationBatchSize: env.LINGUA_MIGRATION_BATCH_SIZE,
        migrationProgressSeconds: env.LINGUA_MIGRATION_PROGRESS_SECONDS,
        migrationAssumeFree: env.LINGUA_MIGRATION_ASSUME_FREE,
      }),
    ),
    log,
  );
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const m of applied) log(`migration applied: ${m.name}`);
    return applied.length;
  } finally {
    await dataSource.destroy();
  }
}
