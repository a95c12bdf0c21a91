import { Client } from 'pg';

export default async function globalTeardown(): Promise<void> {
  const server = globalThis.__linguaTestServer;
  const template = process.env.LINGUA_TEST_TEMPLATE;
  if (server && template) {
    // On a shared server (TEST_DATABASE_URL) leave nothing behind: the template and any per-file
    // database a crashed test file did not drop.
    const admin = new Client({ connectionString: server.adminUrl });
    await admin.connect();
    const { rows } = await admin.query<{ datname: string }>(
      `SELECT datname FROM pg_database WHERE datname = $1 OR datname LIKE $2`,
      [template, `lingua_t_${process.env.LINGUA_TEST_RUN}_%`],
    );
    for (const { datname } of rows) await admin.query(`DROP DATABASE IF EXISTS ${datname} WITH (FORCE)`);
    await admin.end();
  }
  await server?.stop();
}
