import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { freePort } from '../../scripts/lib/free-port';
import { PrivatePgBouncer } from '../../scripts/lib/private-pgbouncer';
import { HttpSizeLabel } from '../data';
import { prepareDatabase } from '../http/database';
import { chooseFixtures } from '../http/fixtures';
import { send } from '../http/load';
import { buildRoutes, canonical, Route } from '../http/routes';
import { RunningServer, startHost } from '../http/servers';
import { Cleanup, LoadSampler, LoadSummary, log, pairedRounds, PairedRoute } from './common';
import type { ScalingOptions } from './options';

/** Autocommit defaults of the documented pooled deployment (docs/operations.md): what the host itself sets per session when direct. */
const DATABASE_DEFAULTS: Record<string, string> = {
  statement_timeout: '10000ms',
  lock_timeout: '5000ms',
  idle_in_transaction_session_timeout: '30000ms',
  TimeZone: 'UTC',
};

export interface PoolerResult {
  size: HttpSizeLabel;
  database: string;
  pgVersion: string;
  rows: Record<string, number>;
  poolSize: number;
  /** Which database defaults this run added (and reset at the end) and which were already there. */
  databaseDefaults: { added: string[]; present: string[] };
  /** The pooled host's own readiness report (session settings in force, listener state). */
  pooledReadiness: unknown;
  /** PgBouncer's SHOW STATS line for the database after the run: proof the pooled traffic went through it. */
  bouncerStats: Record<string, string>;
  routes: Array<PairedRoute<'pooled' | 'direct'>>;
  load: LoadSummary;
  durationMs: number;
}

/**
 * Part A: the reference host through a transaction-mode PgBouncer against the same host direct, on the
 * machine's PostgreSQL and a bench:http database, route by route in interleaved rounds.
 */
export async function runPoolerPart(serverUrl: string, o: ScalingOptions, cleanup: Cleanup): Promise<PoolerResult> {
  const started = Date.now();
  const db = await prepareDatabase(serverUrl, o.size, { fresh: o.fresh, log });
  log(
    `part A database ${db.name} (PostgreSQL ${db.pgVersion}${db.reused ? ', reused' : ''}): ${Object.entries(db.rows)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')}`,
  );
  const databaseDefaults = await applyDatabaseDefaults(db.url, db.name, cleanup);
  log(
    `database defaults for autocommit statements: added ${databaseDefaults.added.join(', ') || 'none'}${databaseDefaults.present.length ? `; already set: ${databaseDefaults.present.join(', ')}` : ''}`,
  );

  const target = new URL(serverUrl);
  const poolSize = 20;
  const bouncer = await PrivatePgBouncer.start({ host: target.hostname, port: Number(target.port || 5432) }, { poolSize });
  cleanup.add('pgbouncer', () => bouncer.stop());
  log(`PgBouncer (transaction mode, default_pool_size ${poolSize}) on port ${bouncer.port}`);

  const secret = randomBytes(32).toString('base64url');
  const fixtures = await chooseFixtures(db.url, secret, o.learners);
  const routes = buildRoutes(fixtures).filter((r) => r.name !== 'health');
  const [direct, pooled] = await Promise.all([
    startHost({ databaseUrl: db.url, jwtSecret: secret, port: await freePort(), extra: hostEnv({}) }),
    startHost({
      databaseUrl: bouncer.urlFor(db.url),
      jwtSecret: secret,
      port: await freePort(),
      extra: hostEnv({ DATABASE_DIRECT_URL: db.url }),
    }),
  ]);
  cleanup.add('host direct', () => direct.stop());
  cleanup.add('host pooled', () => pooled.stop());
  log(`hosts: direct ${direct.url} (pid ${direct.pid}), pooled ${pooled.url} (pid ${pooled.pid})`);

  const pooledReadiness = (await send(pooled.url, { method: 'GET', path: '/health/ready', headers: {} })).body;
  log(`pooled host readiness: ${JSON.stringify(pooledReadiness)}`);
  for (const route of routes) await sameAnswer(route, { pooled, direct });
  log('both hosts answer every route alike');

  const sampler = new LoadSampler();
  const results = await pairedRounds('A pooled vs direct', { pooled, direct }, routes, o).finally(() => sampler.stop());
  const load = sampler.stop();
  const bouncerStats = parseShowStats(bouncer.admin('SHOW STATS'), db.name);
  await cleanup.now('host pooled');
  await cleanup.now('host direct');
  await cleanup.now('pgbouncer');
  await cleanup.now('database defaults');
  return {
    size: o.size,
    database: db.name,
    pgVersion: db.pgVersion,
    rows: db.rows,
    poolSize,
    databaseDefaults,
    pooledReadiness,
    bouncerStats,
    routes: results,
    load,
    durationMs: Date.now() - started,
  };
}

/** Every lingua variable not given is set empty (the host ignores empty ones): nothing leaks in from the shell. */
export function hostEnv(extra: Record<string, string>): Record<string, string> {
  return { DATABASE_DIRECT_URL: '', DATABASE_REPLICA_URLS: '', DATABASE_POOLER: '', ...extra };
}

/** ALTER DATABASE … SET for the defaults not already set; the cleanup resets exactly those. */
async function applyDatabaseDefaults(url: string, name: string, cleanup: Cleanup): Promise<{ added: string[]; present: string[] }> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ setconfig: string[] | null }>(
      `SELECT setconfig FROM pg_db_role_setting WHERE setrole = 0 AND setdatabase = (SELECT oid FROM pg_database WHERE datname = $1)`,
      [name],
    );
    const present = new Set((rows[0]?.setconfig ?? []).map((s) => s.split('=')[0].toLowerCase()));
    const added: string[] = [];
    for (const [setting, value] of Object.entries(DATABASE_DEFAULTS)) {
      if (present.has(setting.toLowerCase())) continue;
      await client.query(`ALTER DATABASE ${name} SET ${setting} = '${value}'`);
      added.push(`${setting} = '${value}'`);
    }
    cleanup.add('database defaults', async () => {
      if (!added.length) return;
      const c = new Client({ connectionString: url });
      await c.connect();
      try {
        for (const a of added) await c.query(`ALTER DATABASE ${name} RESET ${a.split(' ')[0]}`);
      } finally {
        await c.end();
      }
    });
    return { added, present: [...present] };
  } finally {
    await client.end();
  }
}

async function sameAnswer(route: Route, hosts: { pooled: RunningServer; direct: RunningServer }): Promise<void> {
  const write = route.kind === 'write';
  const spec = route.next();
  const a = await send(hosts.pooled.url, spec);
  const b = await send(hosts.direct.url, write ? route.next() : spec);
  const ok = (s: number) => s >= 200 && s < 300;
  if (!ok(a.status) || !ok(b.status) || canonical(route.sameAnswer(a.body)) !== canonical(route.sameAnswer(b.body))) {
    throw new Error(
      `${route.label}: the pooled and the direct host answer differently\n  pooled (${a.status}): ${JSON.stringify(a.body).slice(0, 600)}\n  direct (${b.status}): ${JSON.stringify(b.body).slice(0, 600)}`,
    );
  }
}

function parseShowStats(out: string, database: string): Record<string, string> {
  // psql -At: no header; PgBouncer 1.18's SHOW STATS columns, in order.
  const columns = [
    'database',
    'total_xact_count',
    'total_query_count',
    'total_received',
    'total_sent',
    'total_xact_time',
    'total_query_time',
    'total_wait_time',
    'avg_xact_count',
    'avg_query_count',
    'avg_recv',
    'avg_sent',
    'avg_xact_time',
    'avg_query_time',
    'avg_wait_time',
  ];
  const line = out.split('\n').find((l) => l.startsWith(`${database}|`));
  if (!line) return { note: `no SHOW STATS line for ${database}: ${out.slice(0, 200)}` };
  const values = line.split('|');
  return Object.fromEntries(columns.map((c, i) => [c, values[i] ?? '']));
}
