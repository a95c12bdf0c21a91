import type { DataSourceOptions } from 'typeorm';
import type { PostgresDataSourceOptions as PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { LINGUA_MIGRATIONS } from '../../migrations';
import { LinguaDatabaseOptions, resolveDatabaseOptions } from '../lingua-core.options';
import { LINGUA_ENTITIES } from './entities';
import { linguaPgDriver } from './pg-driver';
import { QueryObserverSubscriber } from './query-observer';
import { TypeOrmNestLogger } from './typeorm-logger';

/**
 * The one place lingua-core's own connection options are built: its own connection
 * (`LinguaCoreModule` with `database`), the reference host, `ormconfig.ts`, the tests and scripts all
 * call this, so they cannot drift. A host that gives lingua-core its own TypeORM connection can spread
 * these options too. `database.pooler` must be resolved (see `detectPooler`) for a pooler URL: with
 * it unset, the session settings are sent as a startup parameter, which a transaction pooler refuses.
 */
export function buildDataSourceOptions(
  database: LinguaDatabaseOptions,
  { role = 'app', ...overrides }: Partial<PostgresConnectionOptions> & { role?: 'app' | 'migrations' } = {},
): DataSourceOptions {
  const db = resolveDatabaseOptions(database);
  // Migrations set their own lock_timeout and may build indexes for minutes: no statement cap for them.
  const statementTimeout = role === 'migrations' ? 0 : db.statementTimeoutMs;
  // Behind a transaction pooler no startup parameter gets through: timeouts go per transaction (SET LOCAL).
  const sessionSettings = db.pooler === 'transaction' ? undefined : [
    `-c statement_timeout=${statementTimeout}`,
    `-c lock_timeout=${db.lockTimeoutMs}`,
    `-c idle_in_transaction_session_timeout=${db.idleInTransactionTimeoutMs}`,
    '-c TimeZone=UTC',
  ].join(' ');
  const options: PostgresConnectionOptions = {
    type: 'postgres',
    // With no URL, pg reads PGHOST/PGPORT/PGUSER/PGPASSWORD/PGDATABASE itself.
    url: db.url,
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
      max: db.poolMax,
      connectionTimeoutMillis: db.acquireTimeoutMs,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      ...(sessionSettings ? { options: sessionSettings } : {}),
    },
    ...overrides,
  };
  return options;
}
