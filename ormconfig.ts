import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { validateEnv } from './src/config/env';
import { buildDataSourceOptions } from './src/database/data-source-options';

// The typeorm CLI's DataSource: `npx typeorm-ts-node-commonjs -d ormconfig.ts migration:run`.
// Reads DATABASE_URL (or PG* variables) and the same pool/timeout settings as the app.
export default new DataSource(buildDataSourceOptions(validateEnv(process.env), { role: 'migrations' }));
