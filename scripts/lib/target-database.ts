import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres } from '../../src/host/embedded-postgres';

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

/**
 * A fresh, empty database for the tooling scripts (migration:check, migration:lint): on the server
 * named by DATABASE_URL when set (a new database beside the one it names, dropped after), else on a
 * throw-away embedded PostgreSQL.
 */
export async function scratchDatabase(purpose: string, log: (line: string) => void): Promise<ScratchDatabase> {
  const name = `lingua_${purpose}_${process.pid}_${Date.now().toString(36)}`;
  let adminUrl = process.env.DATABASE_URL;
  let embedded: EmbeddedPostgres | undefined;
  let dataDir: string | undefined;
  if (!adminUrl) {
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `lingua-test-pg-${process.pid}-`));
    embedded = await EmbeddedPostgres.start({ dataDir, settings: { fsync: 'off' } });
    adminUrl = embedded.url;
    log(`using embedded PostgreSQL on port ${embedded.port}`);
  }
  const admin = new Client({ connectionString: adminUrl });
  await admin.connect();
  const [{ server_version }] = (await admin.query(`SHOW server_version`)).rows;
  await admin.query(`CREATE DATABASE ${name}`);
  await admin.end();
  log(`scratch database ${name} on PostgreSQL ${server_version}`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    drop: async () => {
      const c = new Client({ connectionString: adminUrl });
      await c.connect();
      await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await c.end();
      await embedded?.stop();
      if (dataDir) fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
