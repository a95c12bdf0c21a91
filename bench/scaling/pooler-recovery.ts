/**
 * How long writes take to come back through PgBouncer (transaction mode) after each kind of stall,
 * under the pooler settings that decide it (docs/scaling.md, "Pooler settings and recovery time"):
 *
 *   npx ts-node --transpile-only bench/scaling/pooler-recovery.ts
 *
 * A private PostgreSQL (embedded) and PgBouncer of its own; clients are plain pg clients that give
 * up after a lingua-like deadline (1 s) and retry every 50 ms. Prints one line per measurement and
 * the machine's `uptime`. Takes about a minute.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { BlackholeProxy } from '../../scripts/lib/blackhole-proxy';
import { EmbeddedPostgres } from '../../dev/embedded-postgres';
import { PrivatePgBouncer } from '../../scripts/lib/private-pgbouncer';

const DEADLINE_MS = 1_000;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** One write through `url` within the deadline: true when it committed an answer. */
async function write(url: string): Promise<boolean> {
  const client = new Client({ connectionString: url, connectionTimeoutMillis: DEADLINE_MS, query_timeout: DEADLINE_MS });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('INSERT INTO recovery_probe DEFAULT VALUES');
    return true;
  } catch {
    return false;
  } finally {
    client.end().catch(() => undefined);
  }
}

/** Ms from `since` until each of `writers` concurrent writers has committed once: first and last. */
async function untilWritesSucceed(url: string, since: number, writers: number): Promise<{ firstMs: number; lastMs: number }> {
  const done: number[] = [];
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (!(await write(url))) await sleep(50);
      done.push(Date.now() - since);
    }),
  );
  return { firstMs: Math.min(...done), lastMs: Math.max(...done) };
}

async function withBouncer<T>(
  target: { host: string; port: number },
  settings: Record<string, string | number>,
  poolSize: number,
  run: (bouncer: PrivatePgBouncer) => Promise<T>,
): Promise<T> {
  const bouncer = await PrivatePgBouncer.start(target, { poolSize, settings });
  try {
    return await run(bouncer);
  } finally {
    bouncer.admin('RESUME');
    bouncer.stop();
  }
}

async function main(): Promise<void> {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'lingua-bench-recovery-'));
  let server = await EmbeddedPostgres.start({ dataDir, settings: { fsync: 'off' } });
  const port = server.port;
  const target = { host: '127.0.0.1', port };
  const setup = new Client({ connectionString: server.url });
  await setup.connect();
  await setup.query('CREATE TABLE IF NOT EXISTS recovery_probe (id bigserial PRIMARY KEY, at timestamptz NOT NULL DEFAULT now())');
  await setup.end();
  const line = (what: string, figures: Record<string, unknown>) => console.log(`[recovery] ${what}: ${JSON.stringify(figures)}`);

  try {
    // 1. Primary restarted: PgBouncer's failed login makes it wait server_login_retry before the next.
    for (const [serverLoginRetry, poolSize, writers] of [
      [15, 20, 8],
      [5, 20, 8],
      [2, 20, 8],
      [1, 20, 8],
      [1, 2, 16],
      [1, 20, 16],
    ]) {
      await withBouncer(target, { server_login_retry: serverLoginRetry }, poolSize, async (bouncer) => {
        const url = bouncer.urlFor(server.url);
        await untilWritesSucceed(url, Date.now(), writers);
        await server.stop();
        await write(url); // a client during the outage: PgBouncer's login fails
        await sleep(300);
        server = await EmbeddedPostgres.start({ dataDir, port, settings: { fsync: 'off' } });
        line(`primary restarted, server_login_retry=${serverLoginRetry}s default_pool_size=${poolSize} writers=${writers}`, {
          ...(await untilWritesSucceed(url, Date.now(), writers)),
        });
      });
    }

    // 2. PAUSE, clients giving up at their deadline meanwhile, then RESUME.
    await withBouncer(target, {}, 20, async (bouncer) => {
      const url = bouncer.urlFor(server.url);
      await untilWritesSucceed(url, Date.now(), 8);
      bouncer.admin('PAUSE');
      await Promise.all(Array.from({ length: 8 }, () => write(url)));
      bouncer.admin('RESUME');
      line('PAUSE then RESUME, 8 writers', await untilWritesSucceed(url, Date.now(), 8));
    });

    // 3. query_wait_timeout: how long PgBouncer itself keeps a client (without a deadline) queued.
    await withBouncer(target, { query_wait_timeout: 3 }, 20, async (bouncer) => {
      const url = bouncer.urlFor(server.url);
      await untilWritesSucceed(url, Date.now(), 1);
      bouncer.admin('PAUSE');
      const client = new Client({ connectionString: url });
      client.on('error', () => undefined);
      await client.connect();
      const started = Date.now();
      const outcome = await client.query('SELECT 1').then(
        () => 'answered',
        (err: Error) => err.message,
      );
      line('PAUSEd, query_wait_timeout=3s, a client without a deadline', { erroredAfterMs: Date.now() - started, outcome });
      await client.end().catch(() => undefined);
    });

    // 4. server_connect_timeout: the path to the server goes dark, PgBouncer's new server connection hangs in login.
    for (const serverConnectTimeout of [15, 2]) {
      const proxy = await BlackholeProxy.start(target);
      try {
        await withBouncer(
          { host: '127.0.0.1', port: proxy.port },
          { server_connect_timeout: serverConnectTimeout, server_login_retry: 1 },
          20,
          async (bouncer) => {
            const url = bouncer.urlFor(server.url);
            await untilWritesSucceed(url, Date.now(), 1);
            proxy.silenceNew(true);
            proxy.blackhole();
            bouncer.admin('KILL postgres');
            bouncer.admin('RESUME postgres');
            await write(url); // PgBouncer opens a server connection into the dark
            await sleep(1_000);
            proxy.silenceNew(false);
            line(`path dark 1 s, server_connect_timeout=${serverConnectTimeout}s`, await untilWritesSucceed(url, Date.now(), 4));
          },
        );
      } finally {
        await proxy.stop();
      }
    }
  } finally {
    await server.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  }
  console.log(
    `[recovery] ${new Date().toISOString()} ${os.cpus().length} cores; uptime: ${execFileSync('uptime', { encoding: 'utf8' }).trim()}`,
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
