import 'reflect-metadata';
import { withMigrationLock } from 'lingua-core';
import { DataSource } from 'typeorm';
import { databaseUrl, dataSourceOptions } from './database';

// The TypeORM CLI's DataSource, compiled to dist/ormconfig.js:
//   npx typeorm -d dist/ormconfig.js migration:run
// runs lingua-core's migrations and the app's own. withMigrationLock makes several instances
// running it at once safe: one migrates, the others wait, then find nothing pending.
export default withMigrationLock(new DataSource(dataSourceOptions(databaseUrl())));
