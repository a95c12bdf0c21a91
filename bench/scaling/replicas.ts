import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import { freePort } from '../../scripts/lib/free-port';
import { signToken } from '../http/jwt';
import { startHost } from '../http/servers';
import { Cleanup, LoadSampler, LoadSummary, log, metricSamples, scrape } from './common';
import type { PrivateCluster } from './cluster';
import { MixResult, runLearnerMix } from './learner-mix';
import type { ScalingOptions } from './options';
import { hostEnv } from './pooler';

export const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface ReadCounts {
  replica: number;
  primary: number;
  byReason: Record<string, number>;
}

export interface MixRun {
  probeIntervalMs: number;
  thinkMs: number;
  learners: number;
  reads: ReadCounts;
  /** replica / (replica + primary) over the steady window. */
  replicaShare: number;
  /** Max of the replica gauges sampled every 2 s in the steady window. */
  maxLagBytes: number;
  maxLagSeconds: number;
  replicaUpSamples: number[];
  mix: MixResult;
  load: LoadSummary;
  durationMs: number;
}

export interface ReplicasResult {
  size: string;
  runs: MixRun[];
}

function readCounts(text: string): Map<string, number> {
  return new Map(metricSamples(text, 'lingua_db_reads_total').map((s) => [`${s.labels.target}/${s.labels.reason}`, s.value]));
}

/**
 * Part B: the host reading from the private replica (DATABASE_REPLICA_URLS) with Redis for the write
 * positions, under the closed-loop learner mix; lingua_db_reads_total read from /metrics before and
 * after the steady window (warm-up excluded). One run per (probe interval, think time) pair.
 */
export async function runReplicasPart(pc: PrivateCluster, o: ScalingOptions, cleanup: Cleanup): Promise<ReplicasResult> {
  const secret = randomBytes(32).toString('base64url');
  const client = new Client({ connectionString: pc.primaryUrl });
  await client.connect();
  // Learners with the most due cards: every loop answers one, and each run needs fresh ones.
  const learnerIds = (
    await client.query<{ user_id: number }>(
      `SELECT user_id FROM user_vocabulary WHERE due_at <= now() GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT $1`,
      [o.virtualLearners * o.probeIntervals.length],
    )
  ).rows.map((r) => r.user_id);
  const categoryIds = (
    await client.query<{ category_id: number }>(
      `SELECT category_id FROM words GROUP BY category_id HAVING count(*) >= 40 ORDER BY category_id LIMIT 20`,
    )
  ).rows.map((r) => r.category_id);
  await client.end();

  const runs: MixRun[] = [];
  for (const [i, probeIntervalMs] of o.probeIntervals.entries()) {
    const started = Date.now();
    const thinkMs = o.thinkMs[i];
    // A distinct set of learners per run when the data has enough (their due queues are fresh).
    const ids =
      learnerIds.length >= o.virtualLearners * (i + 1)
        ? learnerIds.slice(o.virtualLearners * i, o.virtualLearners * (i + 1))
        : learnerIds.slice(0, o.virtualLearners);
    const learners = ids.map((userId) => ({ userId, token: signToken(secret, userId) }));
    const name = `host replicas ${i}`;
    const host = await startHost({
      databaseUrl: pc.primaryUrl,
      jwtSecret: secret,
      port: await freePort(),
      extra: hostEnv({
        DATABASE_REPLICA_URLS: pc.replicaUrl,
        REDIS_URL,
        CACHE_KEY_PREFIX: `bench-scaling-${process.pid}-b${i}`,
        DB_REPLICA_PROBE_INTERVAL_MS: String(probeIntervalMs),
      }),
    });
    cleanup.add(name, () => host.stop());
    log(
      `B run ${i + 1}/${o.probeIntervals.length}: host ${host.url} (pid ${host.pid}), DB_REPLICA_PROBE_INTERVAL_MS=${probeIntervalMs}, think ${thinkMs} ms, ${learners.length} virtual learners`,
    );
    let before = new Map<string, number>();
    let after = new Map<string, number>();
    const lagBytes: number[] = [];
    const lagSeconds: number[] = [];
    const up: number[] = [];
    let gauges: NodeJS.Timeout | undefined;
    const sampleGauges = async () => {
      const text = await scrape(host.url).catch(() => '');
      for (const s of metricSamples(text, 'lingua_db_replica_lag_bytes')) lagBytes.push(s.value);
      for (const s of metricSamples(text, 'lingua_db_replica_lag_seconds')) lagSeconds.push(s.value);
      for (const s of metricSamples(text, 'lingua_db_replica_up')) up.push(s.value);
    };
    const sampler = new LoadSampler();
    const mix = await runLearnerMix(host.url, pc.primaryUrl, learners, {
      warmupSeconds: o.mixWarmupSeconds,
      seconds: o.mixSeconds,
      thinkMs,
      categoryIds,
      onSteadyStart: async () => {
        before = readCounts(await scrape(host.url));
        gauges = setInterval(() => void sampleGauges(), 2_000);
      },
      onSteadyEnd: async () => {
        clearInterval(gauges);
        after = readCounts(await scrape(host.url));
      },
    }).finally(() => {
      clearInterval(gauges);
      sampler.stop();
    });
    const load = sampler.stop();
    await cleanup.now(name);
    const byReason: Record<string, number> = {};
    for (const [key, value] of after) {
      const d = value - (before.get(key) ?? 0);
      if (d) byReason[key] = d;
    }
    const sum = (target: string) => Object.entries(byReason).reduce((s, [k, v]) => (k.startsWith(`${target}/`) ? s + v : s), 0);
    const reads = { replica: sum('replica'), primary: sum('primary'), byReason };
    const run: MixRun = {
      probeIntervalMs,
      thinkMs,
      learners: learners.length,
      reads,
      replicaShare: reads.replica / Math.max(1, reads.replica + reads.primary),
      maxLagBytes: Math.max(0, ...lagBytes),
      maxLagSeconds: Math.max(0, ...lagSeconds),
      replicaUpSamples: up,
      mix,
      load,
      durationMs: Date.now() - started,
    };
    log(
      `B run ${i + 1}: replica share ${(run.replicaShare * 100).toFixed(1)}% (${reads.replica} replica / ${reads.primary} primary: ${JSON.stringify(byReason)}), ` +
        `${mix.loops} loops, RYW violations ${mix.ryw.violations.length}`,
    );
    runs.push(run);
  }
  return { size: pc.db.name, runs };
}
