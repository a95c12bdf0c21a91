import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres, isProcessAlive, stopOrphan } from '../../dev/embedded-postgres';

/**
 * Throw-away PostgreSQL for the test harness, the tooling scripts and the benchmark: an embedded
 * cluster in a temp dir named `<prefix><pid>-…`, and fresh databases created on it (or on a server
 * the caller names) and dropped after. Clusters left by a run that was killed (its pid is gone) are
 * stopped and removed on the next start.
 */

export type Log = (line: string) => void;
export type ServerSettings = Record<string, string | number>;

export interface ScratchServer {
  url: string;
  stop(): Promise<void>;
}

export async function startScratchServer(prefix: string, settings: ServerSettings, log: Log = () => undefined): Promise<ScratchServer> {
  await sweepStaleClusters(prefix, log);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${prefix}${process.pid}-`));
  const server = await EmbeddedPostgres.start({ dataDir, settings });
  return {
    url: server.url,
    stop: async () => {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export interface ScratchDatabase {
  url: string;
  /** Where it lives, for logs and reports. */
  description: string;
  /** Drops the database, and stops the scratch server when one was started for it. */
  drop(): Promise<void>;
}

/**
 * A new empty database named `<purpose>_<pid>_<time>` on `serverUrl` when given, else on a scratch
 * server started for it.
 */
export async function scratchDatabase(
  purpose: string,
  serverUrl: string | undefined,
  { prefix, settings, log = () => undefined }: { prefix: string; settings: ServerSettings; log?: Log },
): Promise<ScratchDatabase> {
  const name = `lingua_${purpose}_${process.pid}_${Date.now().toString(36)}`;
  const server = serverUrl ? undefined : await startScratchServer(prefix, settings, log);
  const adminUrl = serverUrl ?? server!.url;
  await adminQuery(adminUrl, `CREATE DATABASE ${name}`);
  const version = (await adminQuery(adminUrl, 'SHOW server_version'))[0].server_version;
  const where = serverUrl ? 'the server of the given URL' : 'a scratch embedded server';
  log(`scratch database ${name} on ${where}, PostgreSQL ${version}`);
  return {
    url: withDatabase(adminUrl, name),
    description: `${serverUrl ? 'given server' : 'embedded PostgreSQL'} ${version}, database ${name} (dropped afterwards)`,
    drop: async () => {
      await adminQuery(adminUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await server?.stop();
    },
  };
}

/** One statement on its own connection (CREATE/DROP DATABASE cannot run in a pooled transaction). */
export async function adminQuery(url: string, sql: string): Promise<Array<Record<string, string>>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql)).rows;
  } finally {
    await client.end();
  }
}

/** The same server URL pointing at another database. */
export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function sweepStaleClusters(prefix: string, log: Log): Promise<void> {
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith(prefix)) continue;
    const pid = Number(/^(\d+)-/.exec(name.slice(prefix.length))?.[1]);
    if (!pid || isProcessAlive(pid)) continue;
    const dir = path.join(os.tmpdir(), name);
    await stopOrphan(dir, log).catch(() => undefined);
    fs.rmSync(dir, { recursive: true, force: true });
    log(`removed a stale scratch cluster ${name}`);
  }
}
