import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import type { Client } from 'pg';
import { connect, migrationDataSource } from './database';

/**
 * `npm run migration:run` as a child process (what a deploy runs), timed per migration from the
 * outside: a poller reads the `migrations` table, so each migration's time is from the previous
 * one's record (the first: from the chain's first connection) to its own (± the poll interval).
 */
export interface MigrationTiming {
  name: string;
  seconds: number;
}

export interface ChainRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  seconds: number;
  migrations: MigrationTiming[];
  output: string;
  resources: ChainResources;
}

/** Sampled while the chain runs (every poll): the migration process's memory, the server's disk. */
export interface ChainResources {
  /** Highest resident set of the migration's node process (VmHWM), bytes. */
  peakRssBytes: number;
  /** Database + WAL + temporary files at the start, bytes. */
  startDiskBytes: number;
  /** Highest (database + WAL + temporary files) − start, bytes: what the chain needs beyond the legacy database. */
  peakExtraDiskBytes: number;
  /** Database size at the end − start, bytes. */
  endExtraDatabaseBytes: number;
  /** The machine's 1-minute load average, sampled every second while the chain ran: median and max. */
  loadMedian: number;
  loadMax: number;
}

export interface RunningChain {
  child: ChildProcess;
  done: Promise<ChainRun>;
  /** SIGKILL to the whole process group (npm, its shell, node), as a crash would. */
  kill(): void;
}

export const CHAIN_APPLICATION_NAME = 'lingua-core';

/** Chains still running: killed with this process, since they run in their own process group. */
const running = new Set<RunningChain>();
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    for (const chain of running) chain.kill();
    process.exit(130);
  });
}
process.once('exit', () => {
  for (const chain of running) chain.kill();
});

export interface ChainOptions {
  pollMs?: number;
  echo?: boolean;
  /** Extra environment for migration:run (e.g. LINGUA_MIGRATION_ASSUME_FREE, LINGUA_MIGRATION_PROGRESS_SECONDS). */
  env?: Record<string, string>;
}

export function startChain(url: string, { pollMs = 250, echo = false, env = {} }: ChainOptions = {}): RunningChain {
  const started = Date.now();
  const child = spawn('npm', ['run', '--silent', 'migration:run'], {
    env: { ...process.env, ...env, DATABASE_URL: url },
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  // TypeORM's own lines time each migration to the moment it is printed (the poller below: ± pollMs).
  const printed: MigrationTiming[] = [];
  let lastPrinted: number | undefined;
  const collector = () => {
    let partial = '';
    return (chunk: Buffer) => {
      const text = chunk.toString();
      output += text;
      if (echo) process.stdout.write(chunk);
      const lines = (partial + text).split('\n');
      partial = lines.pop() ?? '';
      for (const line of lines) {
        if (/migrations are new migrations must be executed/.test(line)) lastPrinted = Date.now();
        const done = /^Migration (\w+) has been executed successfully/.exec(line);
        if (done && lastPrinted !== undefined) {
          printed.push({ name: done[1], seconds: (Date.now() - lastPrinted) / 1000 });
          lastPrinted = Date.now();
        }
      }
    };
  };
  child.stdout!.on('data', collector());
  child.stderr!.on('data', collector());
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  const done = (async () => {
    const poll = await connect(url, 'lingua-legacy-chain-timer');
    const timings: MigrationTiming[] = [];
    const startDisk = await diskBytes(poll);
    const resources: ChainResources = {
      peakRssBytes: 0,
      startDiskBytes: startDisk.total,
      peakExtraDiskBytes: 0,
      endExtraDatabaseBytes: 0,
      loadMedian: 0,
      loadMax: 0,
    };
    const loads: number[] = [];
    let lastSample = 0;
    const sample = async () => {
      resources.peakRssBytes = Math.max(resources.peakRssBytes, peakRss(child.pid!));
      if (Date.now() - lastSample < 1000) return;
      lastSample = Date.now();
      loads.push(os.loadavg()[0]);
      resources.peakExtraDiskBytes = Math.max(resources.peakExtraDiskBytes, (await diskBytes(poll)).total - startDisk.total);
    };
    try {
      const seen = new Set((await appliedMigrations(poll)).map((m) => m));
      let last = 0;
      let finished = false;
      void exited.then(() => (finished = true));
      for (;;) {
        const now = Date.now();
        if (!last && (await chainConnected(poll))) last = now;
        for (const name of await appliedMigrations(poll)) {
          if (seen.has(name)) continue;
          seen.add(name);
          timings.push({ name, seconds: (now - (last || started)) / 1000 });
          last = now;
        }
        if (finished) break;
        await sample();
        await new Promise((r) => setTimeout(r, pollMs));
      }
      resources.endExtraDatabaseBytes = (await diskBytes(poll)).database - startDisk.database;
      loads.sort((a, b) => a - b);
      resources.loadMedian = loads[Math.floor(loads.length / 2)] ?? os.loadavg()[0];
      resources.loadMax = loads[loads.length - 1] ?? os.loadavg()[0];
    } finally {
      await poll.end();
    }
    const { code, signal } = await exited;
    const migrations = printed.length === timings.length ? printed : timings;
    return { exitCode: code, signal, seconds: (Date.now() - started) / 1000, migrations, output, resources };
  })();
  const chain: RunningChain = {
    child,
    done,
    kill: () => {
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    },
  };
  running.add(chain);
  void exited.then(() => running.delete(chain));
  return chain;
}

/** The database's files, the server's WAL and its temporary files (sorts of index builds), bytes. */
async function diskBytes(client: Client): Promise<{ database: number; total: number }> {
  const { rows } = await client.query(
    `SELECT pg_database_size(current_database())::float8 AS database,
            (SELECT coalesce(sum(size), 0) FROM pg_ls_waldir())::float8 AS wal,
            (SELECT coalesce(sum(size), 0) FROM pg_ls_tmpdir())::float8 AS tmp`,
  );
  return { database: rows[0].database, total: rows[0].database + rows[0].wal + rows[0].tmp };
}

/** The highest VmHWM among `pid` and its descendants (npm → sh → node): the migration process's peak. */
function peakRss(pid: number): number {
  let peak = 0;
  const visit = (p: number) => {
    try {
      const status = fs.readFileSync(`/proc/${p}/status`, 'utf8');
      peak = Math.max(peak, Number(/VmHWM:\s+(\d+) kB/.exec(status)?.[1] ?? 0) * 1024);
      for (const task of fs.readdirSync(`/proc/${p}/task`)) {
        const children = fs.readFileSync(`/proc/${p}/task/${task}/children`, 'utf8').trim();
        for (const c of children ? children.split(/\s+/) : []) visit(Number(c));
      }
    } catch {
      // exited meanwhile
    }
  };
  visit(pid);
  return peak;
}

async function appliedMigrations(client: Client): Promise<string[]> {
  const { rows } = await client.query(`SELECT name FROM migrations ORDER BY id`);
  return rows.map((r) => r.name);
}

async function chainConnected(client: Client): Promise<boolean> {
  const { rows } = await client.query(
    `SELECT 1 FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 LIMIT 1`,
    [CHAIN_APPLICATION_NAME],
  );
  return rows.length > 0;
}

/** Ends the chain's server sessions (a crashed client's connection drops; its statement stops). */
export async function terminateChainBackends(client: Client): Promise<number> {
  const { rows } = await client.query(
    `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
      WHERE datname = current_database() AND application_name = $1`,
    [CHAIN_APPLICATION_NAME],
  );
  return rows[0].n;
}

/** Reverts every migration but the baseline, one `down` at a time (as `migration:revert` does), timed. */
export async function revertToBaseline(url: string, onEach?: (t: MigrationTiming) => void): Promise<MigrationTiming[]> {
  const ds = await migrationDataSource(url);
  const timings: MigrationTiming[] = [];
  try {
    for (;;) {
      const [last] = await ds.query(`SELECT name FROM migrations ORDER BY id DESC LIMIT 1`);
      const [{ n }] = await ds.query(`SELECT count(*)::int AS n FROM migrations`);
      if (n <= 1) return timings;
      const t0 = Date.now();
      await ds.undoLastMigration({ transaction: 'each' });
      const timing = { name: last.name, seconds: (Date.now() - t0) / 1000 };
      timings.push(timing);
      onEach?.(timing);
    }
  } finally {
    await ds.destroy();
  }
}
