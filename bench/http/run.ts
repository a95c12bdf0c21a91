/**
 * npm run bench:http — lingua-core's reference host against a raw floor over HTTP (docs/benchmarks.md,
 * "HTTP benchmark").
 *
 *   npm run bench:http                         10k rows, 3 rounds of 5 s per route and server, -c 32
 *   npm run bench:http -- --size 1m            ~1M user_vocabulary and ~1M conversation_messages rows
 *   npm run bench:http -- --route vocab-list,answer --rounds 5
 *   npm run bench:http -- --profile            both hosts run under node --cpu-prof (bench/reports/profiles/)
 *   npm run bench:http -- --shape hot --no-redis  one traffic shape; the hosts' in-process cache instead of Redis
 *
 * As users deploy: the hosts run with NODE_ENV=production, REDIS_URL (the machine's Redis, shared by
 * both hosts) and write their logs to files (bench/reports/logs/, git-ignored). Five servers: the
 * reference host on Express and on Fastify, bare Nest on each (bench/http/bare-nest.ts, four routes)
 * and the raw floor (bench/http/floor.ts); two traffic shapes, hot (the busiest learner) and spread.
 *
 * The database is lingua_bench_http_<size> on BENCH_DATABASE_URL's server (default
 * postgres://postgres@127.0.0.1:5432/postgres), created, migrated and filled on first use and reused after.
 */
import { randomBytes } from 'node:crypto';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { gitCommit } from '../lib/git';
import { quantile } from '../lib/measure';
import { progressBar } from '../lib/progress';
import { writeCharts } from './charts';
import { DEFAULT_SERVER_URL, prepareDatabase } from './database';
import * as fs from 'node:fs';
import { chooseShapedFixtures } from './fixtures';
import { LoadResult, runLoad, send } from './load';
import { parseHttpOptions, TrafficShape } from './options';
import {
  HttpRun,
  renderOverheadTable,
  renderPlatformSummary,
  renderTable,
  RouteResult,
  ServerName,
  SERVERS,
  summarise,
  writeHttpReport,
} from './report';
import { buildRoutes, canonical, Route } from './routes';
import { buildHost, RunningServer, startBareNest, startDeployedHost, startFloor } from './servers';

const REPORT_DIR = path.join(__dirname, '..', 'reports');
const DOCS_DIR = path.join(__dirname, '..', '..', 'docs');
const LOG_DIR = path.join(REPORT_DIR, 'logs');
const REDIS_URL = process.env.BENCH_REDIS_URL ?? 'redis://127.0.0.1:6379';
const log = (line: string) => console.error(`[bench:http] ${line}`);

async function main(): Promise<void> {
  const options = parseHttpOptions(process.argv.slice(2));
  const started = Date.now();
  const loadAtStart = os.loadavg();
  const servers: RunningServer[] = [];
  let closing: Promise<void> | undefined;
  const cleanup = () => (closing ??= Promise.all(servers.map((s) => s.stop().catch(() => undefined))).then(() => undefined));
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: stopping the servers`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    const db = await prepareDatabase(process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL, options.size, { fresh: options.fresh, log });
    log(
      `database ${db.name} (PostgreSQL ${db.pgVersion}): ${Object.entries(db.rows)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')}`,
    );
    buildHost(log);

    const secret = randomBytes(32).toString('base64url');
    const fixtures = await chooseShapedFixtures(db.url, secret, options.learners);
    const spread = fixtures.spread;
    log(
      `spread: ${spread.learners.length} learners, ${spread.readConversations.length} + ${spread.openConversations.length} conversations, ${spread.categoryIds.length} categories; ` +
        `hot: learner ${fixtures.hotLearner.id} (${fixtures.hotLearner.words} words)`,
    );
    const wanted = (r: Route) => !options.routes.length || options.routes.includes(r.name);
    const routesOf: Record<TrafficShape, Route[]> = {
      spread: buildRoutes(fixtures.spread).filter(wanted),
      hot: buildRoutes(fixtures.hot).filter((r) => wanted(r) && !r.anyLearner),
    };
    const shapes = options.shapes.filter((shape) => routesOf[shape].length);
    if (!shapes.length) throw new Error(`no route matches --route ${options.routes.join(',')} under --shape ${options.shapes.join(',')}`);

    const profileDir = path.join(REPORT_DIR, 'profiles');
    const hostFlags = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    // The previous run's logs go (they are hundreds of MB at 1m rows); this run's stay for reading.
    fs.rmSync(LOG_DIR, { recursive: true, force: true });
    fs.mkdirSync(LOG_DIR, { recursive: true });
    const stamp = new Date().toISOString().replace(/[:.]/g, '-');
    const serverEnv = async () => ({ databaseUrl: db.url, jwtSecret: secret, port: await freePort(), extra: options.hostEnv });
    const deployed = (name: ServerName, platform: 'express' | 'fastify') => ({
      name,
      platform,
      logFile: path.join(LOG_DIR, `${stamp}-${name}.log`),
      redisUrl: options.redis ? REDIS_URL : undefined,
    });
    const byName = {} as Record<ServerName, RunningServer>;
    const add = (server: RunningServer) => (servers.push(server), (byName[server.name as ServerName] = server));
    add(await startFloor(await serverEnv()));
    add(await startDeployedHost(await serverEnv(), deployed('ours-express', 'express'), hostFlags, options.hostEntry));
    add(await startDeployedHost(await serverEnv(), deployed('ours-fastify', 'fastify'), hostFlags, options.hostEntry));
    add(await startBareNest(await serverEnv(), deployed('bare-express', 'express')));
    add(await startBareNest(await serverEnv(), deployed('bare-fastify', 'fastify')));
    for (const s of servers) log(`${s.name} ${s.url} (pid ${s.pid})`);
    log(
      `logs: ${path.relative(process.cwd(), LOG_DIR)}/${stamp}-*.log; cache: ${options.redis ? REDIS_URL : 'in-process memory (--no-redis)'}`,
    );
    const serversFor = (route: Route): ServerName[] => SERVERS.filter((name) => (name.startsWith('bare-') ? route.bare : true));

    for (const shape of shapes)
      for (const route of routesOf[shape])
        await checkSameAnswer(
          route,
          serversFor(route).map((name) => byName[name]),
        );
    log('correctness check passed: every server answers every route like the floor');

    const loadSamples: number[] = [];
    const sampler = setInterval(() => loadSamples.push(os.loadavg()[0]), 1_000);
    const samples = new Map<string, Partial<Record<ServerName, LoadResult[]>>>();
    const key = (shape: TrafficShape, route: Route) => `${shape} ${route.name}`;
    const windows = shapes.reduce((n, shape) => n + routesOf[shape].reduce((m, r) => m + serversFor(r).length, 0), 0);
    const bar = progressBar('rounds', options.rounds * windows);
    const load = { connections: options.connections, seconds: options.seconds };
    try {
      for (let round = 0; round < options.rounds; round++) {
        // Alternate the shape order by round too: neither shape always runs in the same part of a round.
        for (const shape of round % 2 === 0 ? shapes : [...shapes].reverse()) {
          for (const [i, route] of routesOf[shape].entries()) {
            // Rotate which server goes first, by round and by route.
            const names = serversFor(route);
            const first = (round + i) % names.length;
            const order = [...names.slice(first), ...names.slice(0, first)];
            for (const name of order) {
              bar.update({ step: `${shape} ${route.name} on ${name}` });
              if (route.prime) await primeAll(byName[name].url, route);
              if (round === 0) await runLoad(byName[name], route, { ...load, seconds: options.warmupSeconds });
              const result = await runLoad(byName[name], route, load);
              const bucket = samples.get(key(shape, route)) ?? {};
              (bucket[name] ??= []).push(result);
              samples.set(key(shape, route), bucket);
              bar.increment();
            }
          }
        }
      }
    } finally {
      clearInterval(sampler);
      bar.stop();
    }
    await cleanup();

    const results: RouteResult[] = shapes.flatMap((shape) =>
      routesOf[shape].map((r) => {
        const rounds = samples.get(key(shape, r)) ?? {};
        const summaries = Object.fromEntries(Object.entries(rounds).map(([name, list]) => [name, summarise(list)]));
        return { route: r.name, label: r.label, kind: r.kind, shape, servers: summaries, rounds };
      }),
    );
    const sorted = [...loadSamples].sort((a, b) => a - b);
    const run: HttpRun = {
      meta: {
        date: new Date().toISOString(),
        commit: gitCommit(),
        size: options.size,
        rows: db.rows,
        machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB (shared: the load average includes other work)`,
        runtime: `Node ${process.version}, PostgreSQL ${db.pgVersion} (given server), reference host as deployed: NODE_ENV=production, defaults (pool 10, LOG_LEVEL info), request lines written to a log file, ${options.redis ? `cache in Redis (${REDIS_URL}, shared by both hosts)` : 'in-process cache (--no-redis)'}${options.profile ? ', under --cpu-prof' : ''}${Object.keys(options.hostEnv).length ? `, with ${JSON.stringify(options.hostEnv)}` : ''}${options.hostEntry ? `, entry ${options.hostEntry}` : ''}`,
        method:
          `autocannon -c ${options.connections}, ${options.rounds} rounds × ${options.seconds} s per route and server, interleaved (route by route, ` +
          `the server order rotating), ${options.warmupSeconds} s warm-up per route and server; shapes ${shapes.join(' and ')}: spread = ${spread.learners.length} learners' tokens round-robin, hot = the busiest learner alone; ` +
          `cached routes primed (one request per learner or category) before each window; load generator, both servers and PostgreSQL on the same machine`,
        load: {
          cpus: os.cpus().length,
          atStart: loadAtStart,
          during: { min: sorted[0] ?? NaN, median: quantile(sorted, 0.5), max: sorted[sorted.length - 1] ?? NaN },
          atEnd: os.loadavg(),
        },
        duration: `${((Date.now() - started) / 1000).toFixed(0)} s`,
        hotLearner: fixtures.hotLearner,
      },
      results,
    };
    console.log(`\n${renderTable(results)}\n\n${renderPlatformSummary(results)}\n\n${renderOverheadTable(results)}\n`);
    log(
      `load average (1 min) during the run: median ${run.meta.load.during.median.toFixed(2)}, max ${run.meta.load.during.max.toFixed(2)} on ${run.meta.load.cpus} CPUs`,
    );
    const complete =
      !options.routes.length &&
      options.shapes.length === 2 &&
      options.redis &&
      !options.profile &&
      !Object.keys(options.hostEnv).length &&
      !options.hostEntry;
    const files = writeHttpReport(REPORT_DIR, run, { complete });
    if (complete) files.push(...writeCharts(run, REPORT_DIR, DOCS_DIR));
    log(
      `wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}${complete ? '' : ' (a partial or profiled run: http-latest.md, http-<size>.json and the charts left as they were)'}`,
    );
    if (options.profile)
      log(
        `CPU profiles of the hosts: ${path.relative(process.cwd(), profileDir)}/CPU.*.<pid>.*.cpuprofile — ours-express pid ${byName['ours-express'].pid}, ours-fastify pid ${byName['ours-fastify'].pid}`,
      );
  } catch (err) {
    for (const s of servers) if (s.tail()) log(`${s.name}'s last stderr lines:\n${s.tail()}`);
    throw err;
  } finally {
    await cleanup();
  }
}

/** One request per route to each server (before any timing): each must answer like the floor. */
async function checkSameAnswer(route: Route, servers: RunningServer[]): Promise<void> {
  const write = route.kind === 'write';
  const spec = route.next();
  const floor = servers.find((s) => s.name === 'floor') as RunningServer;
  const expected = await send(floor.url, spec);
  const ok = (s: number) => s >= 200 && s < 300;
  for (const server of servers.filter((s) => s !== floor)) {
    // A write is sent afresh (a new answerId); a read is the very same request.
    const answer = await send(server.url, write ? route.next() : spec);
    const [a, b] = [canonical(route.sameAnswer(answer.body)), canonical(route.sameAnswer(expected.body))];
    if (!ok(answer.status) || !ok(expected.status) || a !== b) {
      throw new Error(
        `${route.label}: ${server.name} and the floor answer differently to ${spec.method} ${spec.path}\n` +
          `  ${server.name} (${answer.status}): ${JSON.stringify(answer.body).slice(0, 800)}\n` +
          `  floor (${expected.status}): ${JSON.stringify(expected.body).slice(0, 800)}`,
      );
    }
  }
}

/** Sends every distinct cached request once, 8 at a time, so the timed window measures hits. */
async function primeAll(baseUrl: string, route: Route): Promise<void> {
  const specs = route.prime!();
  for (let i = 0; i < specs.length; i += 8) await Promise.all(specs.slice(i, i + 8).map((s) => send(baseUrl, s)));
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
