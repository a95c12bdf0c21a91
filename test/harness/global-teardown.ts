import { adminQuery } from '../../scripts/lib/scratch-postgres';

export default async function globalTeardown(): Promise<void> {
  const server = globalThis.__linguaTestServer;
  const template = process.env.LINGUA_TEST_TEMPLATE;
  if (server && template) {
    // On a shared server (TEST_DATABASE_URL) leave nothing behind: the template and any per-file
    // database a crashed test file did not drop.
    const databases = await adminQuery(
      server.adminUrl,
      `SELECT datname FROM pg_database WHERE datname = '${template}' OR datname LIKE 'lingua_t_${process.env.LINGUA_TEST_RUN}_%'`,
    );
    for (const { datname } of databases) await adminQuery(server.adminUrl, `DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
  }
  globalThis.__linguaTestPooler?.stop();
  await server?.stop();
}
