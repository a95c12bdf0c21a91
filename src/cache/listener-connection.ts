import type { ClientConfig } from 'pg';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { LinguaDataSource } from '../database/lingua-data-source';

/**
 * The invalidation listener's own connection: `directUrl` when given, else the primary's credentials
 * from the DataSource's (public) options — which, behind a transaction pooler, the session probe rejects.
 */
export function listenerConnection(directUrl: string | undefined, dataSource: LinguaDataSource): ClientConfig {
  if (directUrl) return { connectionString: directUrl };
  const options = dataSource.options as PostgresDataSourceOptions;
  const primary = options.replication?.master ?? options;
  return {
    connectionString: primary.url,
    host: primary.host,
    port: primary.port,
    user: primary.username,
    password: typeof primary.password === 'string' ? primary.password : undefined,
    database: primary.database,
    ssl: primary.ssl as ClientConfig['ssl'],
    options: (options.extra as { options?: string } | undefined)?.options,
  };
}
