/**
 * npm run bench:http — lingua-core's reference host against a raw floor over HTTP (docs/benchmarks.md,
 * "HTTP benchmark").
 *
 *   npm run bench:http                         10k rows, 3 rounds of 5 s per route and server, -c 32
 *   npm run bench:http -- --size 1m            ~1M user_vocabulary and ~1M conversation_messages rows
 *   npm run bench:http -- --route vocab-list,answer --rounds 5
 *   npm run bench:http -- --profile            the host runs under node --cpu-prof (bench/reports/profiles/)
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
import { chooseFixtures } from './fixtures';
import { LoadResult, runLoad, send } from './load';
import { parseHttpOptions } from './options';
import { HttpRun, renderTable, RouteResult, ServerName, summarise, writeHttpReport } from './report';
import { buildRoutes, canonical, Route } from './routes';
import { buildHost, RunningServer, startFloor, startHost } from './servers';

const REPORT_DIR = path.join(__dirname, '..', 'reports');
const DOCS_DIR = path.join(__dirname, '..', '..', 'docs');
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
    const fixtures = await chooseFixtures(db.url, secret, options.learners);
    log(
      `${fixtures.learners.length} learners, ${fixtures.readConversations.length} + ${fixtures.openConversations.length} conversations, ${fixtures.categoryIds.length} categories`,
    );
    const routes = buildRoutes(fixtures).filter((r) => !options.routes.length || options.routes.includes(r.name));
    if (!routes.length) throw new Error(`no route matches --route ${options.routes.join(',')}`);

    const profileDir = path.join(REPORT_DIR, 'profiles');
    const hostFlags = options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [];
    const [floorPort, hostPort] = [await freePort(), await freePort()];
    servers.push(await startFloor({ databaseUrl: db.url, jwtSecret: secret, port: floorPort }));
    servers.push(
      await startHost({ databaseUrl: db.url, jwtSecret: secret, port: hostPort, extra: options.hostEnv }, hostFlags, options.hostEntry),
    );
    const [floor, ours] = servers;
    const base: Record<ServerName, string> = { ours: ours.url, floor: floor.url };
    const byName: Record<ServerName, RunningServer> = { ours, floor };
    log(`ours ${ours.url} (pid ${ours.pid}), floor ${floor.url} (pid ${floor.pid})`);

    for (const route of routes) await checkSameAnswer(route, base);
    log('correctness check passed: ours and the floor answer every route alike');

    const loadSamples: number[] = [];
    const sampler = setInterval(() => loadSamples.push(os.loadavg()[0]), 1_000);
    const samples = new Map(routes.map((r) => [r.name, { ours: [] as LoadResult[], floor: [] as LoadResult[] }]));
    const bar = progressBar('rounds', options.rounds * routes.length * 2);
    const load = { connections: options.connections, seconds: options.seconds };
    try {
      for (let round = 0; round < options.rounds; round++) {
        for (const [i, route] of routes.entries()) {
          // Alternate which server goes first, by round and by route.
          const order: ServerName[] = (round + i) % 2 === 0 ? ['ours', 'floor'] : ['floor', 'ours'];
          for (const server of order) {
            bar.update({ step: `${route.name} on ${server}` });
            if (route.prime) await primeAll(base[server], route);
            if (round === 0) await runLoad(byName[server], route, { ...load, seconds: options.warmupSeconds });
            samples.get(route.name)![server].push(await runLoad(byName[server], route, load));
            bar.increment();
          }
        }
      }
    } finally {
      clearInterval(sampler);
      bar.stop();
    }
    await cleanup();

    const results: RouteResult[] = routes.map((r) => {
      const s = samples.get(r.name)!;
      return { route: r.name, label: r.label, kind: r.kind, ours: summarise(s.ours), floor: summarise(s.floor), rounds: s };
    });
    const sorted = [...loadSamples].sort((a, b) => a - b);
    const run: HttpRun = {
      meta: {
        date: new Date().toISOString(),
        commit: gitCommit(),
        size: options.size,
        rows: db.rows,
        machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB (shared: the load average includes other work)`,
        runtime: `Node ${process.version}, PostgreSQL ${db.pgVersion} (given server), reference host with its defaults (pool 10, LOG_LEVEL info, in-memory cache)${options.profile ? ', under --cpu-prof' : ''}${Object.keys(options.hostEnv).length ? `, with ${JSON.stringify(options.hostEnv)}` : ''}${options.hostEntry ? `, entry ${options.hostEntry}` : ''}`,
        method:
          `autocannon -c ${options.connections}, ${options.rounds} rounds × ${options.seconds} s per route and server, interleaved (route by route, ` +
          `the server order alternating), ${options.warmupSeconds} s warm-up per route and server; ${fixtures.learners.length} learners' tokens round-robin; ` +
          `cached routes primed (one request per learner or category) before each window; load generator, both servers and PostgreSQL on the same machine`,
        load: {
          cpus: os.cpus().length,
          atStart: loadAtStart,
          during: { min: sorted[0] ?? NaN, median: quantile(sorted, 0.5), max: sorted[sorted.length - 1] ?? NaN },
          atEnd: os.loadavg(),
        },
        duration: `${((Date.now() - started) / 1000).toFixed(0)} s`,
      },
      results,
    };
    console.log(`\n${renderTable(results)}\n`);
    log(
      `load average (1 min) during the run: median ${run.meta.load.during.median.toFixed(2)}, max ${run.meta.load.during.max.toFixed(2)} on ${run.meta.load.cpus} CPUs`,
    );
    const complete = !options.routes.length && !options.profile && !Object.keys(options.hostEnv).length && !options.hostEntry;
    const files = writeHttpReport(REPORT_DIR, run, { complete });
    if (complete) files.push(...writeCharts(run, REPORT_DIR, DOCS_DIR));
    log(
      `wrote ${files.map((f) => path.relative(process.cwd(), f)).join(', ')}${complete ? '' : ' (a partial or profiled run: http-latest.md, http-<size>.json and the charts left as they were)'}`,
    );
    if (options.profile)
      log(`CPU profiles of the host: ${path.relative(process.cwd(), profileDir)}/ (open in Chrome DevTools or speedscope)`);
  } catch (err) {
    for (const s of servers) if (s.tail()) log(`${s.name}'s last stderr lines:\n${s.tail()}`);
    throw err;
  } finally {
    await cleanup();
  }
}

/** One request per route to each server (before any timing): the answers must agree. */
async function checkSameAnswer(route: Route, base: Record<ServerName, string>): Promise<void> {
  const write = route.kind === 'write';
  const spec = route.next();
  const answers = {
    ours: await send(base.ours, spec),
    // A write is sent afresh (a new answerId); a read is the very same request.
    floor: await send(base.floor, write ? route.next() : spec),
  };
  const ok = (s: number) => s >= 200 && s < 300;
  const [a, b] = [canonical(route.sameAnswer(answers.ours.body)), canonical(route.sameAnswer(answers.floor.body))];
  if (!ok(answers.ours.status) || !ok(answers.floor.status) || a !== b) {
    throw new Error(
      `${route.label}: ours and the floor answer differently to ${spec.method} ${spec.path}\n` +
        `  ours  (${answers.ours.status}): ${JSON.stringify(answers.ours.body).slice(0, 800)}\n` +
        `  floor (${answers.floor.status}): ${JSON.stringify(answers.floor.body).slice(0, 800)}`,
    );
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
