import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Client } from 'pg';

/**
 * What a cluster's `postmaster.pid` says, and whether the process it names provably is that
 * cluster's postmaster. After a crash or a reboot the file stays behind and its pid can belong to
 * any process: nothing is signalled on the file's word alone (issue 9).
 */
export interface PostmasterLock {
  pid: number;
  /** Line 2: the data directory the postmaster was started on. */
  dataDir: string;
  /** Line 3: the postmaster's start time, epoch seconds. */
  startTime: number;
  /** Line 4: its port. */
  port: number;
}

export function readPostmasterLock(dataDir: string): PostmasterLock | undefined {
  const file = path.join(dataDir, 'postmaster.pid');
  if (!fs.existsSync(file)) return undefined;
  const lines = fs.readFileSync(file, 'utf8').split('\n');
  return { pid: Number(lines[0]), dataDir: lines[1] ?? '', startTime: Number(lines[2]), port: Number(lines[3]) };
}

/**
 * `ours`: the pid runs a `postgres` binary on this data directory (its command line, read from
 * /proc on Linux or `ps` elsewhere), or — when no command line can be read — the server on the
 * lock's port reports this data directory and the lock's start time. `other`: the command line
 * shows any other program or directory. `unknown`: neither could be established.
 */
export async function postmasterIdentity(dataDir: string, lock: PostmasterLock): Promise<'ours' | 'other' | 'unknown'> {
  const argv = commandLineOf(lock.pid);
  if (argv) return isPostmasterOf(argv, dataDir, lock.port) ? 'ours' : 'other';
  return (await serverOnPortIs(dataDir, lock)) ? 'ours' : 'unknown';
}

/** `postgres -D <dataDir> [-p <port>] …` — the way the launcher (and pg_ctl) start a postmaster. */
export function isPostmasterOf(argv: string[], dataDir: string, port: number): boolean {
  if (!['postgres', 'postmaster'].includes(path.basename(argv[0] ?? ''))) return false;
  const dir = argv[argv.indexOf('-D') + 1];
  if (argv.indexOf('-D') < 0 || !dir || !samePath(dir, dataDir)) return false;
  const portArg = argv.indexOf('-p');
  return portArg < 0 || Number(argv[portArg + 1]) === port;
}

/** A process's argv: /proc/<pid>/cmdline on Linux, `ps` on other POSIX systems; undefined if unreadable. */
function commandLineOf(pid: number): string[] | undefined {
  try {
    if (process.platform === 'linux') {
      // Empty for a kernel thread or a zombie: readable, and not a postmaster.
      const raw = fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8');
      return raw.split('\0').filter((arg, i, all) => arg !== '' || i < all.length - 1);
    }
    if (process.platform === 'win32') return undefined;
    // No NUL-separated argv here: split on spaces (the launcher's data directories have none).
    const line = execFileSync('ps', ['-ww', '-o', 'command=', '-p', String(pid)], { encoding: 'utf8' }).trim();
    return line ? line.split(/\s+/) : undefined;
  } catch {
    return undefined;
  }
}

async function serverOnPortIs(dataDir: string, lock: PostmasterLock): Promise<boolean> {
  if (!Number.isInteger(lock.port) || lock.port <= 0) return false;
  const client = new Client({ host: '127.0.0.1', port: lock.port, user: 'postgres', database: 'postgres', connectionTimeoutMillis: 2_000 });
  try {
    await client.connect();
    const { rows } = await client.query<{ dir: string; started: string }>(
      `SELECT current_setting('data_directory') AS dir, floor(extract(epoch FROM pg_postmaster_start_time()))::text AS started`,
    );
    return samePath(rows[0].dir, dataDir) && Number(rows[0].started) === lock.startTime;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

function samePath(a: string, b: string): boolean {
  const real = (p: string) => {
    try {
      return fs.realpathSync(p);
    } catch {
      return path.resolve(p);
    }
  };
  return real(a) === real(b);
}

/** The parent pid of a live process (Linux /proc, `ps` elsewhere); undefined if unknown. */
export function parentPidOf(pid: number): number | undefined {
  try {
    if (process.platform === 'linux') return Number(fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1]);
    return Number(execFileSync('ps', ['-o', 'ppid=', '-p', String(pid)], { encoding: 'utf8' }).trim()) || undefined;
  } catch {
    return undefined;
  }
}
