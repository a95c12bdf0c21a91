import { LINGUA_ENTITIES, LINGUA_MIGRATIONS } from 'lingua-core';
import type { DataSourceOptions } from 'typeorm';
import { CreateHostNotes1795000000000 } from './migrations/1795000000000-CreateHostNotes';
import { Note } from './notes/note.entity';

/**
 * The app's one TypeORM connection, shared by its own entities and lingua-core's. Used by both
 * `TypeOrmModule.forRootAsync` (app.module.ts) and the CLI's DataSource (ormconfig.ts), so the two
 * cannot drift. TypeORM's default naming strategy: none is set.
 */
export function dataSourceOptions(url: string): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: [...LINGUA_ENTITIES, Note],
    migrations: [...LINGUA_MIGRATIONS, CreateHostNotes1795000000000],
    // lingua-core builds some indexes CONCURRENTLY, outside a transaction: run each migration in its own.
    migrationsTransactionMode: 'each',
    migrationsRun: false,
    synchronize: false,
  };
}

export function databaseUrl(): string {
  const url = process.env.DATABASE_URL;
  if (!url) throw new Error('Set DATABASE_URL, e.g. postgres://postgres@127.0.0.1:5432/monolith');
  return url;
}
