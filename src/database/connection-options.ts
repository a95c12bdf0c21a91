import type { DataSourceOptions } from 'typeorm';
import type { PostgresDataSourceOptions as PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { LINGUA_MIGRATIONS } from '../../migrations';
import { LinguaDatabaseOptions, LinguaOptionsError, resolveDatabaseOptions } from '../lingua-core.options';
import type { LinguaEntityList } from './entity-list';
import { DEADLINE_OPTION } from './deadline';
import { linguaPgDriver, PREPARE_STATEMENTS_OPTION } from './pg-driver';
import { QueryObserverSubscriber } from './query-observer';
import { TypeOrmNestLogger } from './typeorm-logger';

/** What `buildDataSourceOptions` (src/data-source-options.ts) takes besides the database. */
export type ConnectionOptionsInput = Partial<PostgresConnectionOptions> & {
  role?: 'app' | 'migrations';
  migrationBatchSize?: number;
  /** Seconds between the migrations' progress lines (lingua.migration_progress_seconds; 0–10, default 5). */
  migrationProgressSeconds?: number;
  /** Free disk the migrations may assume, e.g. `40GB` (lingua.migration_assume_free; default: measured where visible). */
  migrationAssumeFree?: string;
};

/**
 * lingua-core's connection options for `entities` (the body of the public `buildDataSourceOptions`, which
 * passes LINGUA_ENTITIES; database/ takes the list as a parameter, so it imports no feature).
 */
export function connectionOptions(
  database: LinguaDatabaseOptions,
  entities: LinguaEntityList,
  { role = 'app', migrationBatchSize, migrationProgressSeconds, migrationAssumeFree, ...overrides }: ConnectionOptionsInput = {},
): DataSourceOptions {
  const db = resolveDatabaseOptions(database);
  if (migrationBatchSize !== undefined && (!Number.isInteger(migrationBatchSize) || migrationBatchSize < 1)) {
    throw new LinguaOptionsError(`the migration batch size must be a positive integer, got ${migrationBatchSize}`);
  }
  if (migrationProgressSeconds !== undefined && !(migrationProgressSeconds >= 0 && migrationProgressSeconds <= 10)) {
    throw new LinguaOptionsError(`the migration progress interval must be 0–10 seconds, got ${migrationProgressSeconds}`);
  }
  if (migrationAssumeFree !== undefined && !/^\d+(\.\d+)?(B|kB|KB|MB|GB|TB)?$/i.test(migrationAssumeFree)) {
    throw new LinguaOptionsError(`the free disk to assume must be a size such as 40GB, got '${migrationAssumeFree}'`);
  }
  // Migrations set their own lock_timeout and may build indexes for minutes: no statement cap for them.
  const statementTimeout = role === 'migrations' ? 0 : db.statementTimeoutMs;
  // Behind a transaction pooler no startup parameter gets through: timeouts go per transaction (SET LOCAL).
  const sessionSettings =
    db.pooler === 'transaction'
      ? undefined
      : [
          `-c statement_timeout=${statementTimeout}`,
          `-c lock_timeout=${db.lockTimeoutMs}`,
          `-c idle_in_transaction_session_timeout=${db.idleInTransactionTimeoutMs}`,
          '-c TimeZone=UTC',
          // Rows per keyset batch of the repair migrations: a setting of the session they run in, which
          // they read themselves (docs/migrations.md, "Batch size").
          ...(migrationBatchSize === undefined ? [] : [`-c lingua.migration_batch_size=${migrationBatchSize}`]),
          ...(migrationProgressSeconds === undefined ? [] : [`-c lingua.migration_progress_seconds=${migrationProgressSeconds}`]),
          ...(migrationAssumeFree === undefined ? [] : [`-c lingua.migration_assume_free=${migrationAssumeFree}`]),
        ].join(' ');
  const options: PostgresConnectionOptions = {
    type: 'postgres',
    // With no URL, pg reads PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE itself.
    url: db.url,
    driver: linguaPgDriver,
    entities,
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
      max: db.poolMax,
      connectionTimeoutMillis: db.acquireTimeoutMs,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      ...(sessionSettings ? { options: sessionSettings } : {}),
      // Named prepared statements need the same server connection from one statement to the next.
      [PREPARE_STATEMENTS_OPTION]: db.pooler !== 'transaction',
      // Every statement of a lingua operation answers within its deadline, or its connection is destroyed.
      [DEADLINE_OPTION]: role === 'migrations' ? 0 : db.deadlineMs,
    },
    ...overrides,
  };
  return options;
}
