import type { DataSourceOptions } from 'typeorm';
import type { PostgresDataSourceOptions as PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { LINGUA_MIGRATIONS } from '../../migrations';
import type { AppEnv } from '../config/env';
import { LINGUA_ENTITIES } from './entities';
import { linguaPgDriver } from './pg-driver';
import { QueryObserverSubscriber } from './query-observer';
import { TypeOrmNestLogger } from './typeorm-logger';

/**
 * The one place connection options are built: `TypeOrmModule.forRootAsync` (DatabaseModule) and
 * `ormconfig.ts` (the typeorm CLI) both call this, so the app and the deploy tooling cannot drift.
 */
export function buildDataSourceOptions(
  env: AppEnv,
  { role = 'app', ...overrides }: Partial<PostgresConnectionOptions> & { role?: 'app' | 'migrations' } = {},
): DataSourceOptions {
  // Migrations set their own lock_timeout and may build indexes for minutes: no statement cap for them.
  const statementTimeout = role === 'migrations' ? 0 : env.DB_STATEMENT_TIMEOUT_MS;
  const sessionSettings = [
    `-c statement_timeout=${statementTimeout}`,
    `-c lock_timeout=${env.DB_LOCK_TIMEOUT_MS}`,
    `-c idle_in_transaction_session_timeout=${env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS}`,
    '-c TimeZone=UTC',
  ].join(' ');
  const options: PostgresConnectionOptions = {
    type: 'postgres',
    // With no URL, pg reads PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE itself.
    url: env.DATABASE_URL,
    driver: linguaPgDriver,
    entities: LINGUA_ENTITIES,
    migrations: LINGUA_MIGRATIONS,
    subscribers: [QueryObserverSubscriber],
    synchronize: false,
    migrationsRun: false,
    migrationsTransactionMode: 'each',
    applicationName: 'lingua-core',
    // The CLI prints migration progress and failing statements to the console; the app logs through Nest.
    logging: role === 'migrations' ? ['error', 'warn', 'migration'] : ['warn', 'migration'],
    logger: role === 'migrations' ? 'simple-console' : new TypeOrmNestLogger(),
    extra: {
      max: env.DB_POOL_MAX,
      connectionTimeoutMillis: env.DB_POOL_ACQUIRE_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      options: sessionSettings,
    },
    ...overrides,
  };
  return options;
}
