import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres } from '../../src/host/embedded-postgres';

export interface BenchDatabase {
  /** URL of the benchmark's own database. */
  url: string;
  /** Where it runs, for the report. */
  kind: string;
  /** Drops the database (BENCH_DATABASE_URL) or stops the embedded server and removes its directory. */
  dispose(): Promise<void>;
}

const TEMP_PREFIX = 'lingua-bench-pg-';

/** Settings for the embedded server: durability off (the data is throwaway; reads are what is timed). */
const EMBEDDED_SETTINGS = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', shared_buffers: '256MB' };

/**
 * BENCH_DATABASE_URL: a database of our own is created on that server and dropped at the end.
 * Otherwise an embedded PostgreSQL runs in a temp directory that is removed at the end.
 */
export async function provisionDatabase(log: (line: string) => void): Promise<BenchDatabase> {
  const serverUrl = process.env.BENCH_DATABASE_URL;
  if (serverUrl) {
    const name = `lingua_bench_${process.pid}_${Date.now().toString(36)}`;
    await adminQuery(serverUrl, `CREATE DATABASE ${name}`);
    const url = new URL(serverUrl);
    url.pathname = `/${name}`;
    return {
      url: url.toString(),
      kind: `BENCH_DATABASE_URL (database ${name}, dropped afterwards)`,
      dispose: () => adminQuery(serverUrl, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
    };
  }
  sweepStaleDirs(log);
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${TEMP_PREFIX}${process.pid}-`));
  // The launcher may run PostgreSQL as the `postgres` user: let it traverse the temp dir.
  fs.chmodSync(dataDir, 0o755);
  const server = await EmbeddedPostgres.start({ dataDir: path.join(dataDir, 'cluster'), settings: EMBEDDED_SETTINGS });
  return {
    url: server.url,
    kind: `embedded PostgreSQL (${Object.entries(EMBEDDED_SETTINGS).map(([k, v]) => `${k}=${v}`).join(', ')})`,
    dispose: async () => {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function adminQuery(url: string, sql: string): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

/** Directories left by a benchmark that was killed (its pid is gone) are removed. */
function sweepStaleDirs(log: (line: string) => void): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    const match = new RegExp(`^${TEMP_PREFIX}(\\d+)-`).exec(name);
    if (!match) continue;
    try {
      process.kill(Number(match[1]), 0);
    } catch {
      stopOrphanServer(path.join(os.tmpdir(), name, 'cluster'));
      fs.rmSync(path.join(os.tmpdir(), name), { recursive: true, force: true });
      log(`removed a stale benchmark cluster ${name}`);
    }
  }
}

/** A killed benchmark leaves its PostgreSQL running (own process group): stop it before removing its files. */
function stopOrphanServer(clusterDir: string): void {
  const pidFile = path.join(clusterDir, 'postmaster.pid');
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').split('\n')[0]);
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGINT');
  } catch {
    // already gone
  }
}
