/**
 * npm run bench:capacity — how many concurrent virtual learners each server sustains within a p99 SLO
 * (docs/benchmarks.md, "Capacity benchmark"): lingua-core's reference host, the naive baseline (the
 * legacy data layer's patterns) and the raw floor, on the same database, one server at a time.
 *
 *   npm run bench:capacity                                   1m rows, think 200 ms, SLO p99 250 ms, 2 rounds
 *   npm run bench:capacity -- --size 10k --steps 2,5,10 --step-seconds 5 --rounds 1
 */
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../scripts/lib/free-port';
import { DEFAULT_SERVER_URL, prepareDatabase } from '../http/database';
import { send } from '../http/load';
import { canonical } from '../http/routes';
import { buildHost, RunningServer } from '../http/servers';
import { gitCommit } from '../lib/git';
import { quantile } from '../lib/measure';
import { progressBar } from '../lib/progress';
import { chooseLearners, CapacityFixtures } from './fixtures';
import { runLadder, sustained } from './ladder';
import { parseCapacityOptions } from './options';
import { CapacityRun, LadderRun, renderTables, summarise, writeCapacityReport } from './report';
import { CapacityServer, startServer } from './servers';
import { ANSWERS_PER_SESSION, readCalls, REQUESTS_PER_SESSION } from './session';

const REPORT_DIR = path.join(__dirname, '..', 'reports');
const DOCS_DIR = path.join(__dirname, '..', '..', 'docs');
/** A Redis database index of its own, flushed before each ladder of ours: no cache survives from another run or server's writes. */
const REDIS_URL = 'redis://127.0.0.1:6379/11';
const log = (line: string) => console.error(`[bench:capacity] ${line}`);

async function main(): Promise<void> {
  const options = parseCapacityOptions(process.argv.slice(2));
  const started = Date.now();
  const loadAtStart = os.loadavg();
  let current: RunningServer | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the server`);
    void (current?.stop() ?? Promise.resolve()).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const db = await prepareDatabase(process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL, options.size, { fresh: false, log });
  log(`database ${db.name} (PostgreSQL ${db.pgVersion}), ${db.reused ? 'reused' : 'generated'}`);
  if (options.servers.includes('ours')) buildHost(log);
  const secret = randomBytes(32).toString('base64url');
  const maxStep = options.steps[options.steps.length - 1];
  const fixtures = await chooseLearners(db.url, secret, maxStep);
  const steps = options.steps.filter((n) => n <= fixtures.learners.length);
  if (steps.length < options.steps.length)
    log(`only ${fixtures.learners.length} distinct learners in the data set: steps above it dropped`);
  if (!steps.length) throw new Error(`no step fits the ${fixtures.learners.length} learners available`);
  log(
    `${fixtures.learners.length} learners, ${fixtures.categories.length} categories; steps ${steps.join(', ')}; think ${options.thinkMs} ms, SLO p99 ${options.sloMs} ms`,
  );

  const order = Array.from({ length: options.rounds }, (_, r) => (r % 2 ? [...options.servers].reverse() : options.servers)).flat();
  const logDir = path.join(os.tmpdir(), `lingua-capacity-${process.pid}`);
  fs.mkdirSync(logDir, { recursive: true });
  const start = async (server: CapacityServer, logName: string) => {
    const redis = server === 'ours' && options.redis;
    if (redis) execFileSync('redis-cli', ['-u', REDIS_URL, 'FLUSHDB'], { stdio: 'ignore' });
    current = await startServer(server, {
      databaseUrl: db.url,
      jwtSecret: secret,
      port: await freePort(),
      redisUrl: redis ? REDIS_URL : undefined,
      logFile: path.join(logDir, `${logName}.log`),
    });
    return current;
  };
  const stop = async () => {
    await current?.stop();
    current = undefined;
  };

  // Correctness before any timing (and before any write): every server answers the session's reads alike.
  const answers = new Map<CapacityServer, string[]>();
  for (const server of options.servers) {
    try {
      answers.set(server, await readAnswers(await start(server, `${server}-check`), server, fixtures));
    } finally {
      await stop();
    }
  }
  const [first, ...others] = options.servers;
  for (const other of others) compareAnswers(first, answers.get(first)!, other, answers.get(other)!);
  log(`correctness: ${answers.get(first)!.length} read answers agree between ${options.servers.join(', ')}`);

  const loadSamples: number[] = [];
  const sampler = setInterval(() => loadSamples.push(os.loadavg()[0]), 1_000);
  const ladders: LadderRun[] = [];
  const bar = progressBar('ladders', order.length * steps.length);
  const rounds = new Map<CapacityServer, number>();
  try {
    for (const [i, server] of order.entries()) {
      const round = rounds.get(server) ?? 0;
      rounds.set(server, round + 1);
      try {
        const running = await start(server, `${server}-${round + 1}`);
        const result = await runLadder(
          running,
          fixtures,
          {
            steps,
            thinkMs: options.thinkMs,
            sloMs: options.sloMs,
            stepSeconds: options.stepSeconds,
            rampSeconds: options.rampSeconds,
            workers: options.workers,
          },
          bar,
          `${server} round ${round + 1}`,
        );
        ladders.push({ server, round, order: i, steps: result, sustained: sustained(result) });
        const last = result[result.length - 1];
        if (last.errorSamples.length) log(`${server}: errors at ${last.learners} learners, e.g. ${last.errorSamples.join(' | ')}`);
      } finally {
        await stop();
      }
    }
  } finally {
    clearInterval(sampler);
    bar.stop();
  }

  const sorted = [...loadSamples].sort((a, b) => a - b);
  const run: CapacityRun = summarise(
    {
      meta: {
        date: new Date().toISOString(),
        commit: gitCommit(),
        size: options.size,
        rows: db.rows as unknown as Record<string, number>,
        machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB (shared: the load average includes other work)`,
        runtime: `Node ${process.version}, PostgreSQL ${db.pgVersion}; reference host with its defaults${options.redis ? ' and REDIS_URL (Redis cache)' : ' (in-memory cache)'}, logs to a file`,
        method:
          `closed-loop virtual learners (one request in flight each, think ${options.thinkMs} ms ±50% between requests), each running a ${REQUESTS_PER_SESSION}-request session ` +
          `(GET /me, stats, due; start a practice session, ${ANSWERS_PER_SESSION} answers, finish; vocabulary list; 3 × message append + page read; 2 catalogue pages); ` +
          `steps ${steps.join(', ')} learners, ${options.rampSeconds} s ramp (plus a warm-up of 1.5 sessions before the first) then ${options.stepSeconds} s measured per step, stopping at the first step with p99 > ${options.sloMs} ms or any error; ` +
          `${options.rounds} round(s) per server, servers one at a time in the order below; medians per step over rounds (a round that stopped earlier counts as missing the step); ` +
          `latencies in an HDR histogram; ${options.workers} load-generator threads (undici keep-alive), all on the same machine as the servers and PostgreSQL`,
        sloMs: options.sloMs,
        thinkMs: options.thinkMs,
        learnersAvailable: fixtures.learners.length,
        order: order.map((s, i) => `${i + 1}. ${s}`),
        load: {
          cpus: os.cpus().length,
          atStart: loadAtStart,
          during: { min: sorted[0] ?? NaN, median: quantile(sorted, 0.5), max: sorted[sorted.length - 1] ?? NaN },
          atEnd: os.loadavg(),
        },
        duration: `${((Date.now() - started) / 1000).toFixed(0)} s`,
      },
      ladders,
    },
    options.servers,
  );
  console.log(`\n${renderTables(run)}\n`);
  log(
    `load average (1 min) during the run: median ${run.meta.load.during.median.toFixed(2)}, max ${run.meta.load.during.max.toFixed(2)} on ${run.meta.load.cpus} CPUs`,
  );
  const files = writeCapacityReport(run, REPORT_DIR, DOCS_DIR);
  log(`wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}; server logs in ${logDir}`);
}

/** The session's reads for three learners (one request each, in order): 2xx answers as canonical JSON. */
async function readAnswers(server: RunningServer, name: CapacityServer, fixtures: CapacityFixtures): Promise<string[]> {
  const checks = fixtures.learners.slice(0, 3).flatMap((learner, i) => {
    const category = fixtures.categories[i % fixtures.categories.length];
    return readCalls(learner, { id: category.id, page: Math.min(2, category.pages) }).map((call) => ({ learner, call }));
  });
  const out: string[] = [];
  for (const { learner, call } of checks) {
    const answer = await send(server.url, { method: 'GET', path: call.path, headers: { authorization: `Bearer ${learner.token}` } });
    if (answer.status !== 200)
      throw new Error(`${name}: GET ${call.path} answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 400)}`);
    out.push(`GET ${call.path} as learner ${learner.userId}\n${canonical(answer.body)}`);
  }
  return out;
}

/** Stops the run with both answers printed unless two servers answered every read alike (bench:http's canonical comparison). */
function compareAnswers(a: string, left: string[], b: string, right: string[]): void {
  left.forEach((answer, i) => {
    if (answer !== right[i])
      throw new Error(`${a} and ${b} answer differently:\n  ${a}: ${answer.slice(0, 900)}\n  ${b}: ${right[i].slice(0, 900)}`);
  });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
