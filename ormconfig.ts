import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { ConfigError, hasExternalDatabase, validateEnv } from './src/config/env';
import { buildDataSourceOptions } from './src/database/data-source-options';

// The typeorm CLI's DataSource: `npx typeorm-ts-node-commonjs -d ormconfig.ts migration:run`.
// Reads DATABASE_URL (or PG* variables) and the same pool settings as the app.
const env = validateEnv(process.env);
if (!hasExternalDatabase(env)) {
  throw new ConfigError('Set DATABASE_URL (or PGHOST, PGUSER, …) to the database to migrate.');
}
export default new DataSource(buildDataSourceOptions(env, { role: 'migrations' }));
