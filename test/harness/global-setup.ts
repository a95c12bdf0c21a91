import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../../src/data-source-options';
import { startTestServer, TestServer } from './servers';
import { adminQuery, withDatabase } from '../../scripts/lib/scratch-postgres';
import { hasPgBouncer, PrivatePgBouncer } from '../../scripts/lib/private-pgbouncer';

declare global {
  var __linguaTestServer: TestServer | undefined;
  var __linguaTestPooler: PrivatePgBouncer | undefined;
}

/**
 * One database server per run; the migration chain is applied once to a template database, and each
 * test file clones it (CREATE DATABASE … TEMPLATE), which takes milliseconds.
 */
export default async function globalSetup(): Promise<void> {
  const started = Date.now();
  const server = await startTestServer((line) => console.log(`[test-db] ${line}`));
  globalThis.__linguaTestServer = server;
  const run = `${process.pid}_${Date.now().toString(36)}`;
  const template = `lingua_tpl_${run}`;
  await adminQuery(server.adminUrl, `CREATE DATABASE ${template}`);

  const templateUrl = withDatabase(server.adminUrl, template);
  const dataSource = new DataSource(buildDataSourceOptions({ url: templateUrl }, { role: 'migrations', logging: false }));
  await dataSource.initialize();
  await dataSource.runMigrations({ transaction: 'each' });
  const [{ server_version: version }] = await dataSource.query(`SHOW server_version`);
  await dataSource.destroy();

  process.env.LINGUA_TEST_ADMIN_URL = server.adminUrl;
  process.env.LINGUA_TEST_TEMPLATE = template;
  process.env.LINGUA_TEST_RUN = run;
  process.env.LINGUA_TEST_SERVER = `${server.kind} (PostgreSQL ${version})`;
  if (hasPgBouncer()) {
    // The `pooler` jest project runs the HTTP suites through it (transaction mode, as deployed).
    const { hostname, port } = new URL(server.adminUrl);
    const pooler = await PrivatePgBouncer.start({ host: hostname, port: Number(port || 5432) });
    globalThis.__linguaTestPooler = pooler;
    process.env.LINGUA_TEST_POOLER_PORT = String(pooler.port);
  }
  console.log(`\n[test-db] ${server.kind}: PostgreSQL ${version}; template ${template} migrated in ${Date.now() - started} ms`);
}
