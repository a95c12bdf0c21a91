import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { EmbeddedPostgres, freePort, isProcessAlive } from '../../dev/embedded-postgres';
import { isPostmasterOf } from '../../dev/postmaster-lock';
import { TEST_CLUSTER_PREFIX } from '../harness/servers';

/**
 * issue 9: the embedded launcher's orphan clean-up signals only a process it has proven to be this
 * cluster's postmaster. A stale postmaster.pid naming an unrelated live process leaves it alone
 * (and the launcher still starts); a real orphaned postmaster of the cluster is still stopped.
 */
describe('issue 9: embedded launcher and a stale postmaster.pid', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${TEST_CLUSTER_PREFIX}${process.pid}-launcher-`));
  let postgresBinary: string;
  let clusterDir: string; // where the launcher really keeps the cluster (it may relocate it as root)
  const started: EmbeddedPostgres[] = [];
  const strays: number[] = [];

  const start = async () => {
    const server = await EmbeddedPostgres.start({ dataDir, settings: { fsync: 'off' } });
    started.push(server);
    return server;
  };
  const selectOne = async (url: string) => {
    const client = new Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query('SELECT 1 AS one')).rows[0].one;
    } finally {
      await client.end();
    }
  };

  beforeAll(async () => {
    const server = await start(); // initialises the cluster
    const argv = fs.readFileSync(`/proc/${server.pid}/cmdline`, 'utf8').split('\0');
    postgresBinary = argv[0];
    clusterDir = server.dataDir;
    await server.stop();
  });
  afterAll(async () => {
    for (const server of started) await server.stop();
    for (const pid of strays) if (isProcessAlive(pid)) process.kill(pid, 'SIGKILL');
    fs.rmSync(dataDir, { recursive: true, force: true });
    if (clusterDir !== dataDir) fs.rmSync(clusterDir, { recursive: true, force: true });
  });

  /** A postmaster.pid as PostgreSQL writes it, naming `pid`. */
  const writeLock = (pid: number, port: number) =>
    fs.writeFileSync(
      path.join(clusterDir, 'postmaster.pid'),
      [pid, clusterDir, Math.floor(Date.now() / 1000), port, '', '127.0.0.1', '0 0', 'ready', ''].join('\n'),
    );

  /** Runs `command` in the background of a shell that exits at once: init adopts it (a real orphan). */
  const spawnOrphan = (command: string, options: { uid?: number; gid?: number } = {}): number => {
    const pid = Number(execFileSync('sh', ['-c', `${command} >/dev/null 2>&1 & echo $!`], { encoding: 'utf8', ...options }).trim());
    strays.push(pid);
    return pid;
  };

  /**
   * `sleep 600` adopted by init, with default signal dispositions (a shell's `&` would start it
   * ignoring SIGINT, hiding a wrongly sent signal): an intermediate node spawns it and exits.
   */
  const orphanedSleep = (): number => {
    const script =
      "const c = require('child_process').spawn('sleep', ['600'], { detached: true, stdio: 'ignore' }); c.unref(); console.log(c.pid)";
    const pid = Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }).trim());
    strays.push(pid);
    return pid;
  };

  /** Alive and not a zombie (a killed orphan can linger as one until init reaps it). */
  const running = (pid: number) => {
    try {
      return fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ')[0] !== 'Z';
    } catch {
      return false;
    }
  };

  const unrelated: Array<[string, () => { pid: number; child?: ChildProcess }]> = [
    ['an orphaned unrelated process (parent: init)', () => ({ pid: orphanedSleep() })],
    [
      'an unrelated child of this process',
      () => {
        const child = spawn('sleep', ['600'], { stdio: 'ignore' });
        strays.push(child.pid!);
        return { pid: child.pid!, child };
      },
    ],
  ];

  it.each(unrelated)('a stale postmaster.pid naming %s: it is not signalled and the launcher starts', async (_name, make) => {
    const { pid, child } = make();
    writeLock(pid, await freePort());
    const server = await start();
    try {
      expect(running(pid)).toBe(true);
      if (child) expect({ exitCode: child.exitCode, signal: child.signalCode }).toEqual({ exitCode: null, signal: null });
      expect(await selectOne(server.url)).toBe(1);
    } finally {
      await server.stop();
      process.kill(pid, 'SIGKILL');
    }
  });

  it('a real orphaned postmaster of the cluster is still stopped before the launcher starts', async () => {
    const port = await freePort();
    const owner =
      process.getuid?.() === 0
        ? {
            uid: Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' })),
            gid: Number(execFileSync('id', ['-g', 'postgres'], { encoding: 'utf8' })),
          }
        : {};
    const orphan = spawnOrphan(
      `${postgresBinary} -D ${clusterDir} -p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off`,
      owner,
    );
    // Wait until the orphan has started (written its lock file and accepts connections); the
    // deadline only turns a hang into a failure.
    for (const deadline = Date.now() + 30_000; ;) {
      const ok = await selectOne(`postgres://postgres@127.0.0.1:${port}/postgres`).then(
        () => true,
        () => false,
      );
      if (ok) break;
      if (Date.now() > deadline) throw new Error('the orphan postmaster did not start');
      await new Promise((r) => setTimeout(r, 100));
    }
    expect(fs.readFileSync(`/proc/${orphan}/stat`, 'utf8').split(') ')[1].split(' ')[1]).toBe('1'); // adopted by init

    const server = await start();
    try {
      expect(running(orphan)).toBe(false);
      expect(server.pid).not.toBe(orphan);
      expect(await selectOne(server.url)).toBe(1);
    } finally {
      await server.stop();
    }
  });

  it('recognises a postmaster by binary and data directory, not by pid', () => {
    expect(isPostmasterOf(['/opt/pg/bin/postgres', '-D', clusterDir, '-p', '5544'], clusterDir, 5544)).toBe(true);
    expect(isPostmasterOf(['/opt/pg/bin/postgres', '-D', clusterDir, '-p', '5544'], clusterDir, 5545)).toBe(false);
    expect(isPostmasterOf(['/opt/pg/bin/postgres', '-D', '/elsewhere'], clusterDir, 5544)).toBe(false);
    expect(isPostmasterOf(['sleep', '600'], clusterDir, 5544)).toBe(false);
    expect(isPostmasterOf(['/usr/bin/python3', 'postgres', '-D', clusterDir], clusterDir, 5544)).toBe(false);
    expect(isPostmasterOf([], clusterDir, 5544)).toBe(false);
  });
});
