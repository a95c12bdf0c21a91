import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from './src/data-source-options';
import { withMigrationLock } from './src/database/migration-lock';
import { ConfigError, migrationDatabaseOptionsFromEnv, hasExternalDatabase, validateEnv } from './host/env';

// The typeorm CLI's DataSource: `npx typeorm-ts-node-commonjs -d ormconfig.ts migration:run`.
// Reads DATABASE_URL (or PG* variables) and the same pool settings as the reference host. Runs hold an
// advisory lock, so several instances migrating at once are safe.
const env = validateEnv(process.env);
if (!hasExternalDatabase(env)) {
  throw new ConfigError('Set DATABASE_URL (or PGHOST, PGUSER, …) to the database to migrate.');
}
export default withMigrationLock(
  new DataSource(
    buildDataSourceOptions(migrationDatabaseOptionsFromEnv(env), {
      role: 'migrations',
      migrationBatchSize: env.LINGUA_MIGRATION_BATCH_SIZE,
      migrationProgressSeconds: env.LINGUA_MIGRATION_PROGRESS_SECONDS,
      migrationAssumeFree: env.LINGUA_MIGRATION_ASSUME_FREE,
    }),
  ),
  (line) => console.warn(`[lingua-core] ${line}`),
);
