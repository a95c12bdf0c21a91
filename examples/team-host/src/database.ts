import { LINGUA_ENTITIES, LINGUA_MIGRATIONS, linguaPgDriver } from 'lingua-core';
import { SnakeNamingStrategy } from 'typeorm-naming-strategies';
import type { DataSourceOptions } from 'typeorm';
import { Account } from './accounts/account.entity';
import { CreateAccounts1796000000000 } from './migrations/1796000000000-CreateAccounts';

/**
 * The team's one TypeORM connection, with its own naming strategy (snake_case columns for its own
 * entities; lingua-core's name theirs explicitly). Shared by `TypeOrmModule.forRootAsync` and the
 * CLI's DataSource (ormconfig.ts). `driver: linguaPgDriver` answers a pool-acquire timeout 503 on
 * lingua's routes — and gives a bundler (esbuild) a static import of `pg`, which TypeORM otherwise
 * loads with a dynamic require.
 */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    driver: linguaPgDriver,
    namingStrategy: new SnakeNamingStrategy(),
    // UUID keys from PostgreSQL's built-in gen_random_uuid(): no extension to install.
    uuidExtension: 'pgcrypto',
    installExtensions: false,
    entities: [...LINGUA_ENTITIES, Account],
    migrations: [...LINGUA_MIGRATIONS, CreateAccounts1796000000000],
    migrationsTransactionMode: 'each',
    migrationsRun: false,
    synchronize: false,
    extra: { max: 10, connectionTimeoutMillis: 5_000 },
  };
}

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('Set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/team');
  return url;
}
