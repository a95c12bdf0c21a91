/**
 * npm run bench:scaling — issue 13 item 6, measured side by side in one run:
 *   A. throughput through a transaction-mode PgBouncer vs direct (target ≥ 0.9×), on the machine's
 *      PostgreSQL (BENCH_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres) and a
 *      bench:http database (--size, default 100k);
 *   B. the share of reads served by a replica under a closed-loop learner mix (target ≥ 80%), with
 *      read-your-writes checked on every loop, on a private primary + streaming replica;
 *   C. the cost of the write-position bookkeeping per write (hosts with and without replicas).
 *
 *   npm run bench:scaling                      all parts, 100k rows
 *   npm run bench:scaling -- --size 1m         part A at 1m (the private cluster stays at 100k)
 *   npm run bench:scaling -- --part replicas   one part (a partial run: scaling-partial.*)
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { gitCommit } from '../lib/git';
import { DEFAULT_SERVER_URL } from '../http/database';
import { buildHost } from '../http/servers';
import { runBookkeepingPart } from './bookkeeping';
import { scalingChart } from './chart';
import { startPrivateCluster } from './cluster';
import { Cleanup, log, seconds, summariseLoad } from './common';
import { parseScalingOptions, PARTS } from './options';
import { runPoolerPart } from './pooler';
import { REDIS_URL, runReplicasPart } from './replicas';
import { bookkeepingTable, poolerTable, ScalingRun, shareTable, stepTable, writeScalingReport } from './report';

const REPORT_DIR = path.join(__dirname, '..', 'reports');

async function main(): Promise<void> {
  const o = parseScalingOptions(process.argv.slice(2));
  const started = Date.now();
  const loadAtStart = os.loadavg();
  const loadSamples: number[] = [];
  const sampler = setInterval(() => loadSamples.push(os.loadavg()[0]), 1_000);
  const cleanup = new Cleanup();
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping every server this run started`);
    void cleanup.run().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  const durations: Record<string, string> = {};
  const run: ScalingRun = {
    meta: {
      date: new Date().toISOString(),
      commit: gitCommit(),
      size: o.size,
      replicaSize: o.replicaSize,
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB (shared: the load average includes other work)`,
      runtime: `Node ${process.version}; reference host (package.json's start) with its defaults but for the variables named per part; PgBouncer ${'1.18 (Debian)'}; Redis ${REDIS_URL}`,
      method: {
        pooler:
          `two reference hosts on one database: \`direct\` (DATABASE_URL the server) and \`pooled\` (DATABASE_URL a private PgBouncer in pool_mode = transaction, default_pool_size 20, ` +
          `DATABASE_DIRECT_URL the server for the cache listener and migrations); pool 10 each, in-memory cache; bench:http's routes (health left out) with its fixtures (${o.learners} learners' tokens round-robin); ` +
          `autocannon -c ${o.connections}, ${o.rounds} rounds × ${o.seconds} s per route and host, interleaved route by route with the host order alternating, ${o.warmupSeconds} s warm-up per route and host; ` +
          `cached routes primed before each window; medians over rounds.`,
        replicas:
          `one reference host per run with DATABASE_REPLICA_URLS (the private replica), REDIS_URL (its own CACHE_KEY_PREFIX) and DB_REPLICA_PROBE_INTERVAL_MS as given; ` +
          `${o.virtualLearners} virtual learners (the learners with the most due cards, distinct per run), closed loop on keep-alive fetch: answer the first due card (rating 4), ` +
          `[think time], GET stats, GET due (limit 20), GET vocabulary (limit 50), GET a words page (20 categories round-robin), GET categories. ${o.mixWarmupSeconds} s warm-up, then a ${o.mixSeconds} s steady window: ` +
          `replica share = Δ lingua_db_reads_total{target="replica"} ÷ Δ(replica + primary) between /metrics scrapes at the window's ends (the counter counts routed reads — one per learner/catalogue read ` +
          `that is not a cache hit — not SQL statements). RYW on every loop: the answered card must not be in the next due queue; stats.dueNow must drop (else excused only when the primary shows a card came due since the previous reading).`,
        bookkeeping:
          `two reference hosts on the private primary, both with REDIS_URL: \`on\` with DATABASE_REPLICA_URLS (after each learner write: SELECT pg_current_wal_insert_lsn() + Redis EVAL max-set), \`off\` without; ` +
          `bench:http's answer and append routes, autocannon -c ${o.connections}, ${o.rounds} rounds × ${o.seconds} s, interleaved as in A. Then each bookkeeping step alone from a Node loop (pg Client, @keyv/redis's client), 2,000 iterations after 200 warm-up.`,
      },
      load: { cpus: os.cpus().length, atStart: loadAtStart, during: { min: NaN, median: NaN, max: NaN }, atEnd: [] },
      durations,
      complete: PARTS.every((p) => o.parts.includes(p)),
    },
  };
  try {
    buildHost(log);
    if (o.parts.includes('pooler')) {
      const t = Date.now();
      run.pooler = await runPoolerPart(process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL, o, cleanup);
      durations['A (pooler vs direct, incl. data)'] = seconds(Date.now() - t);
      console.log(`\nA. pooled vs direct (${o.size})\n\n${poolerTable(run.pooler)}\n`);
    }
    if (o.parts.includes('replicas') || o.parts.includes('bookkeeping')) {
      const t = Date.now();
      const pc = await startPrivateCluster(o.replicaSize, cleanup);
      durations['private cluster set-up (incl. data)'] = seconds(Date.now() - t);
      if (o.parts.includes('replicas')) {
        const tb = Date.now();
        const b = await runReplicasPart(pc, o, cleanup);
        run.replicas = {
          ...b,
          cluster: { database: pc.db.name, rows: pc.db.rows, pgVersion: pc.db.pgVersion, setup: seconds(pc.setupMs) },
        };
        durations['B (learner mix)'] = seconds(Date.now() - tb);
        console.log(`\nB. replica share and read-your-writes (${o.replicaSize})\n\n${shareTable(b)}\n\n${stepTable(b)}\n`);
      }
      if (o.parts.includes('bookkeeping')) {
        const tc = Date.now();
        run.bookkeeping = await runBookkeepingPart(pc, o, cleanup);
        durations['C (bookkeeping)'] = seconds(Date.now() - tc);
        console.log(`\nC. LSN bookkeeping on vs off (${o.replicaSize})\n\n${bookkeepingTable(run.bookkeeping)}\n`);
      }
    }
  } finally {
    clearInterval(sampler);
    await cleanup.run();
  }
  durations.total = seconds(Date.now() - started);
  run.meta.load.during = summariseLoad(loadSamples);
  run.meta.load.atEnd = os.loadavg();
  const files = writeScalingReport(REPORT_DIR, run, scalingChart(run));
  log(
    `load average (1 min) during the run: median ${run.meta.load.during.median.toFixed(2)}, max ${run.meta.load.during.max.toFixed(2)} on ${run.meta.load.cpus} CPUs`,
  );
  log(
    `wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}${run.meta.complete ? '' : ' (a partial run: the latest report left alone)'}`,
  );
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
