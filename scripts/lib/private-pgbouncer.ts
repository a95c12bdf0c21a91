import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';

const BINARY = ['/usr/sbin/pgbouncer', '/usr/bin/pgbouncer'].find((p) => fs.existsSync(p));

/** True when Debian's `pgbouncer` is installed (`.ci/run` installs it; pooler tests skip without it). */
export function hasPgBouncer(): boolean {
  return BINARY !== undefined;
}

/**
 * A PgBouncer of the test's own in `pool_mode = transaction` (the mode managed poolers use), on a
 * free loopback port, in front of `target` (`host:port`, any database name): started with `-d`,
 * stopped by its pid file. As root it runs as the `postgres` user (PgBouncer refuses root).
 */
export class PrivatePgBouncer {
  private constructor(
    readonly port: number,
    private readonly dir: string,
  ) {}

  /** `settings`: more `[pgbouncer]` lines (`server_login_retry`, `query_wait_timeout`, `server_connect_timeout`…). */
  static async start(
    target: { host: string; port: number },
    { poolSize = 20, settings = {} }: { poolSize?: number; settings?: Record<string, string | number> } = {},
  ): Promise<PrivatePgBouncer> {
    if (!BINARY) throw new Error('pgbouncer is not installed (apt-get install -y pgbouncer)');
    const port = await freePort();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lingua-test-pgbouncer-'));
    fs.writeFileSync(path.join(dir, 'userlist.txt'), '"postgres" ""\n');
    fs.writeFileSync(
      path.join(dir, 'pgbouncer.ini'),
      [
        '[databases]',
        `* = host=${target.host} port=${target.port}`,
        '[pgbouncer]',
        'listen_addr = 127.0.0.1',
        `listen_port = ${port}`,
        'unix_socket_dir =',
        'auth_type = trust',
        `auth_file = ${dir}/userlist.txt`,
        'pool_mode = transaction',
        `default_pool_size = ${poolSize}`,
        'max_client_conn = 1000',
        'admin_users = postgres',
        `logfile = ${dir}/pgbouncer.log`,
        `pidfile = ${dir}/pgbouncer.pid`,
        ...Object.entries(settings).map(([key, value]) => `${key} = ${value}`),
        '',
      ].join('\n'),
    );
    const asRoot = process.getuid?.() === 0;
    if (asRoot) execFileSync('chown', ['-R', 'postgres', dir]);
    execFileSync(BINARY, [...(asRoot ? ['-u', 'postgres'] : []), '-d', path.join(dir, 'pgbouncer.ini')]);
    const bouncer = new PrivatePgBouncer(port, dir);
    await bouncer.waitUntilAnswering();
    return bouncer;
  }

  /** The same database as `directUrl`, through this pooler. */
  urlFor(directUrl: string): string {
    const url = new URL(directUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  /** Rows of an admin-console command (`SHOW SERVERS`, `SHOW CLIENTS`). */
  admin(command: string): string {
    const result = spawnSync('psql', ['-h', '127.0.0.1', '-p', String(this.port), '-U', 'postgres', '-At', 'pgbouncer', '-c', command], {
      encoding: 'utf8',
    });
    return result.stdout ?? '';
  }

  stop(): void {
    const pidFile = path.join(this.dir, 'pgbouncer.pid');
    if (fs.existsSync(pidFile)) {
      try {
        process.kill(Number(fs.readFileSync(pidFile, 'utf8').trim()), 'SIGINT');
      } catch {
        // already gone
      }
    }
    if (!process.env.LINGUA_TEST_KEEP_PGBOUNCER_LOG) fs.rmSync(this.dir, { recursive: true, force: true });
  }

  private async waitUntilAnswering(): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const client = new Client({ host: '127.0.0.1', port: this.port, user: 'postgres', database: 'pgbouncer' });
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.end();
        return;
      } catch (err) {
        if (attempt > 200) throw new Error(`pgbouncer on port ${this.port} did not start`, { cause: err });
        await new Promise((r) => setTimeout(r, 25));
      }
    }
  }
}
