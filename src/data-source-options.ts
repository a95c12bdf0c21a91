import type { DataSourceOptions } from 'typeorm';
import type { PostgresDataSourceOptions as PostgresConnectionOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { connectionOptions } from './database/connection-options';
import { LINGUA_ENTITIES } from './entities';
import { LinguaDatabaseOptions } from './lingua-core.options';

/**
 * The one place lingua-core's own connection options are built: its own connection
 * (`LinguaCoreModule` with `database`), the reference host, `ormconfig.ts`, the tests and scripts all
 * call this, so they cannot drift. A host that gives lingua-core its own TypeORM connection can spread
 * these options too. `migrationBatchSize` sets the session setting `lingua.migration_batch_size` the
 * repair migrations read (rows per keyset batch; 5,000 when unset). `database.pooler` must be resolved (see `detectPooler`) for a pooler URL: with
 * it unset, the session settings are sent as a startup parameter, which a transaction pooler refuses.
 * Built by database/connection-options.ts for LINGUA_ENTITIES (`input` as ConnectionOptionsInput there, which documents each setting).
 */
export function buildDataSourceOptions(
  database: LinguaDatabaseOptions,
  input: Partial<PostgresConnectionOptions> & {
    role?: 'app' | 'migrations';
    migrationBatchSize?: number;
    migrationProgressSeconds?: number;
    migrationAssumeFree?: string;
  } = {},
): DataSourceOptions {
  return connectionOptions(database, LINGUA_ENTITIES, input);
}
