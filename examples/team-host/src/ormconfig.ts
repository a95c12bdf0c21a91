import 'reflect-metadata';
import { withMigrationLock } from 'lingua-core';
import { DataSource } from 'typeorm';
import { databaseUrl, dataSourceOptions } from './database';

// npx typeorm -d dist/ormconfig.js migration:run — lingua-core's chain, then the team's own.
export default withMigrationLock(new DataSource(dataSourceOptions(databaseUrl())));
