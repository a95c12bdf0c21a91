import 'reflect-metadata';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/data-source-options';
import { adminQuery, withDatabase } from '../lib/scratch-postgres';

/** The legacy tables of LEGACY.md, in dependency order. */
export const LEGACY_TABLES = [
  'users',
  'categories',
  'words',
  'user_vocabulary',
  'practice_sessions',
  'conversation_sessions',
  'conversation_messages',
  'conversation_interactions',
  'lessons',
  'lesson_versions',
  'lesson_sessions',
  'user_profiles',
  'learning_paths',
];

/** The server the tools default to (PostgreSQL 15 on this machine), or DATABASE_URL's. */
export const DEFAULT_SERVER_URL = 'postgres://postgres@127.0.0.1:5432/postgres';

export function databaseName(url: string): string {
  return decodeURIComponent(new URL(url).pathname.slice(1));
}

/** A connected client with the session settings every tool uses (UTC, ISO dates: row text is comparable). */
export async function connect(url: string, applicationName = 'lingua-legacy-tools'): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: applicationName });
  await client.connect();
  await client.query(`SET TimeZone = 'UTC'; SET DateStyle = 'ISO, YMD'; SET IntervalStyle = 'postgres'; SET extra_float_digits = 1`);
  return client;
}

export async function withClient<T>(url: string, work: (client: Client) => Promise<T>): Promise<T> {
  const client = await connect(url);
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Creates the database of `url` (dropping it first when `replace`); refuses to overwrite one silently. */
export async function createDatabase(url: string, { replace = false } = {}): Promise<void> {
  const name = databaseName(url);
  if (!/^[a-z_][a-z0-9_]*$/.test(name)) throw new Error(`database name ${name}: use lower-case letters, digits and _`);
  const admin = withDatabase(url, 'postgres');
  const [exists] = await adminQuery(admin, `SELECT 1 FROM pg_database WHERE datname = '${name}'`);
  if (exists && !replace) throw new Error(`database ${name} exists: pass --replace to drop and rebuild it`);
  if (exists) await adminQuery(admin, `DROP DATABASE ${name} WITH (FORCE)`);
  await adminQuery(admin, `CREATE DATABASE ${name}`);
}

/** A migrations DataSource on `url`, built as ormconfig.ts builds it for the typeorm CLI. */
export async function migrationDataSource(url: string): Promise<DataSource> {
  const options = buildDataSourceOptions({ url }, { role: 'migrations', logging: false });
  return new DataSource(options).initialize();
}

/** Applies only the baseline migration (the legacy schema of LEGACY.md). */
export async function applyBaseline(url: string): Promise<void> {
  const ds = await migrationDataSource(url);
  try {
    const view = ds as unknown as { migrations: typeof ds.migrations };
    const all = ds.migrations;
    view.migrations = all.slice(0, 1);
    await ds.runMigrations({ transaction: 'each' });
    view.migrations = all;
  } finally {
    await ds.destroy();
  }
}
