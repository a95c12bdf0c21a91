import { randomBytes } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import KeyvRedis from '@keyv/redis';
import { Client } from 'pg';
import { freePort } from '../../scripts/lib/free-port';
import { quantile } from '../lib/measure';
import { progressBar } from '../lib/progress';
import { chooseFixtures } from '../http/fixtures';
import { buildRoutes } from '../http/routes';
import { startHost } from '../http/servers';
import type { PrivateCluster } from './cluster';
import { Cleanup, LoadSampler, LoadSummary, log, metricSamples, pairedRounds, PairedRoute, scrape } from './common';
import type { ScalingOptions } from './options';
import { hostEnv } from './pooler';
import { REDIS_URL } from './replicas';

/** The script lingua-core's WritePositions runs on Redis (src/database/replicas/write-positions.ts), copied: an atomic max-set. */
const MAX_SET_SCRIPT = `local c = redis.call('GET', KEYS[1])
if (not c) or tonumber(c) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1`;

export interface MicroTiming {
  name: string;
  iterations: number;
  medianUs: number;
  p99Us: number;
}

export interface BookkeepingResult {
  routes: Array<PairedRoute<'on' | 'off'>>;
  /** lingua_db_write_positions_total of each host after the rounds (on: recorded; off: none). */
  writePositions: Record<'on' | 'off', Record<string, number>>;
  micro: MicroTiming[];
  load: LoadSummary;
  durationMs: number;
}

/**
 * Part C: the cost of the write-position bookkeeping. Two hosts on the same private primary, both with
 * Redis: `on` has DATABASE_REPLICA_URLS (every learner write then runs `SELECT pg_current_wal_insert_lsn()`
 * and a Redis EVAL before it answers), `off` has none; interleaved rounds of the answer and the message
 * append. Then the bookkeeping alone, from a Node loop.
 */
export async function runBookkeepingPart(pc: PrivateCluster, o: ScalingOptions, cleanup: Cleanup): Promise<BookkeepingResult> {
  const started = Date.now();
  const secret = randomBytes(32).toString('base64url');
  const fixtures = await chooseFixtures(pc.primaryUrl, secret, o.learners);
  const routes = buildRoutes(fixtures).filter((r) => r.name === 'answer' || r.name === 'append');
  const common = { REDIS_URL };
  const [on, off] = await Promise.all([
    startHost({
      databaseUrl: pc.primaryUrl,
      jwtSecret: secret,
      port: await freePort(),
      extra: hostEnv({ ...common, DATABASE_REPLICA_URLS: pc.replicaUrl, CACHE_KEY_PREFIX: `bench-scaling-${process.pid}-c-on` }),
    }),
    startHost({
      databaseUrl: pc.primaryUrl,
      jwtSecret: secret,
      port: await freePort(),
      extra: hostEnv({ ...common, CACHE_KEY_PREFIX: `bench-scaling-${process.pid}-c-off` }),
    }),
  ]);
  cleanup.add('host bookkeeping on', () => on.stop());
  cleanup.add('host bookkeeping off', () => off.stop());
  log(`C hosts: on ${on.url} (pid ${on.pid}, DATABASE_REPLICA_URLS set), off ${off.url} (pid ${off.pid})`);
  const sampler = new LoadSampler();
  const results = await pairedRounds('C bookkeeping on/off', { on, off }, routes, o).finally(() => sampler.stop());
  const writePositions = {
    on: Object.fromEntries(metricSamples(await scrape(on.url), 'lingua_db_write_positions_total').map((s) => [s.labels.result, s.value])),
    off: Object.fromEntries(metricSamples(await scrape(off.url), 'lingua_db_write_positions_total').map((s) => [s.labels.result, s.value])),
  };
  await cleanup.now('host bookkeeping on');
  await cleanup.now('host bookkeeping off');
  const micro = await microTimings(pc.primaryUrl);
  const load = sampler.stop();
  return { routes: results, writePositions, micro, load, durationMs: Date.now() - started };
}

/** Round trips of the bookkeeping's two steps, one at a time, against a `SELECT 1` baseline. */
async function microTimings(primaryUrl: string, iterations = 2_000): Promise<MicroTiming[]> {
  const pg = new Client({ connectionString: primaryUrl });
  await pg.connect();
  const keyv = new KeyvRedis(REDIS_URL);
  const redis = await keyv.getClient();
  const key = `bench-scaling-${process.pid}:lsn:learner:1`;
  let counter = 0;
  const steps: Array<[string, () => Promise<unknown>]> = [
    ['SELECT 1 (baseline round trip to the primary)', () => pg.query('SELECT 1')],
    ['SELECT pg_current_wal_insert_lsn()::text', () => pg.query('SELECT pg_current_wal_insert_lsn()::text AS lsn')],
    ['Redis EVAL max-set', () => redis.eval(MAX_SET_SCRIPT, { keys: [key], arguments: [String(++counter), '60000'] })],
    [
      'both, in sequence (what a write pays)',
      async () => {
        const { rows } = await pg.query<{ lsn: string }>('SELECT pg_current_wal_insert_lsn()::text AS lsn');
        const [hi, lo] = rows[0].lsn.split('/');
        return redis.eval(MAX_SET_SCRIPT, {
          keys: [key],
          arguments: [((BigInt(`0x${hi}`) << 32n) | BigInt(`0x${lo}`)).toString(), '60000'],
        });
      },
    ],
  ];
  const bar = progressBar('C bookkeeping alone', steps.length);
  const out: MicroTiming[] = [];
  try {
    for (const [name, run] of steps) {
      bar.update({ step: name });
      for (let i = 0; i < 200; i++) await run();
      const times: number[] = [];
      for (let i = 0; i < iterations; i++) {
        const t0 = performance.now();
        await run();
        times.push((performance.now() - t0) * 1000);
      }
      times.sort((a, b) => a - b);
      out.push({ name, iterations, medianUs: quantile(times, 0.5), p99Us: quantile(times, 0.99) });
      bar.increment();
    }
  } finally {
    bar.stop();
    await redis.del(key).catch(() => undefined);
    await keyv.disconnect().catch(() => undefined);
    await pg.end();
  }
  return out;
}
