/**
 * CPU µs per request of the write routes (answer, append; or any bench:http route with --route): the reference host on Fastify against the
 * raw floor, and optionally a second build of the host (`--before <entry.js>`, e.g. the previous
 * commit built elsewhere), over HTTP, interleaved and repeated, medians. CPU per request (the server
 * process's utime + stime over a window, divided by its requests) moves far less with other load on
 * the machine than req/s does, so this is the measure to use on a busy machine
 * (docs/benchmarks.md, "Write path CPU (issue 22)").
 *
 *   npx ts-node --transpile-only bench/http/write-cpu.ts [--size 10k] [-c 8] [--rounds 5] [--seconds 5]
 *     [--route answer,append] [--shape hot,spread] [--before /path/to/dist/host/main.js] [--express] [--bare]
 *
 * `--bare` adds bare Nest on Fastify (bench/http/bare-nest.ts: the host's logging and guard, the floor's
 * handlers): ours − bare is what lingua-core's own layers cost per write.
 *
 * Same database, fixtures, routes and correctness check as `npm run bench:http` (reuses its
 * `lingua_bench_http_<size>` on BENCH_DATABASE_URL's server); the hosts use the in-process cache
 * (the `npm start` default) and write their request lines to log files.
 */
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { quantile } from '../lib/measure';
import { readFlags } from '../lib/flags';
import { DEFAULT_SERVER_URL, prepareDatabase } from './database';
import { chooseShapedFixtures } from './fixtures';
import { runLoad, send } from './load';
import { buildRoutes, canonical, Route } from './routes';
import { buildHost, RunningServer, startBareNest, startDeployedHost, startFloor } from './servers';
import type { HttpSizeLabel } from '../data';

const LOG_DIR = path.join(__dirname, '..', 'reports', 'logs');
const log = (line: string) => console.error(`[write-cpu] ${line}`);
const USAGE =
  'write-cpu.ts [--size 10k] [-c 8] [--rounds 5] [--seconds 5] [--route answer,append] [--shape hot,spread] [--before entry.js] [--express] [--bare]';

async function main(): Promise<void> {
  const flags = readFlags(process.argv.slice(2), {
    known: ['size', 'c', 'rounds', 'seconds', 'route', 'shape', 'before', 'express', 'bare', 'help'],
    booleans: ['express', 'bare', 'help'],
    usage: USAGE,
  });
  const num = (name: string, fallback: number) => Number(flags.get(name) ?? fallback);
  const list = (name: string, fallback: string) => String(flags.get(name) ?? fallback).split(',');
  const size = String(flags.get('size') ?? '10k') as HttpSizeLabel;
  const [connections, rounds, seconds] = [num('c', 8), num('rounds', 5), num('seconds', 5)];
  const before = flags.get('before') as string | undefined;

  const db = await prepareDatabase(process.env.BENCH_DATABASE_URL ?? DEFAULT_SERVER_URL, size, { fresh: false, log });
  buildHost(log);
  const secret = randomBytes(32).toString('base64url');
  const fixtures = await chooseShapedFixtures(db.url, secret, 200);
  fs.mkdirSync(LOG_DIR, { recursive: true });
  const stamp = new Date().toISOString().replace(/[:.]/g, '-');
  const env = async () => ({ databaseUrl: db.url, jwtSecret: secret, port: await freePort() });
  const host = async (name: string, platform: 'express' | 'fastify', entry?: string) =>
    startDeployedHost(await env(), { name, platform, logFile: path.join(LOG_DIR, `${stamp}-write-cpu-${name}.log`) }, [], entry);

  const servers: RunningServer[] = [await startFloor(await env()), await host('ours-fastify', 'fastify')];
  if (before) servers.push(await host('before-fastify', 'fastify', before));
  if (flags.has('bare'))
    servers.push(
      await startBareNest(await env(), {
        name: 'bare-fastify',
        platform: 'fastify',
        logFile: path.join(LOG_DIR, `${stamp}-write-cpu-bare.log`),
      }),
    );
  if (flags.has('express')) servers.push(await host('ours-express', 'express'));
  const stopAll = () => Promise.all(servers.map((s) => s.stop().catch(() => undefined)));
  process.once('SIGINT', () => void stopAll().finally(() => process.exit(130)));

  try {
    const wanted = list('route', 'answer,append');
    const shapes = list('shape', 'hot,spread') as Array<'hot' | 'spread'>;
    const routes = shapes.flatMap((shape) =>
      buildRoutes(fixtures[shape])
        .filter((r) => wanted.includes(r.name))
        .map((route) => ({ shape, route })),
    );
    for (const { route } of routes) await sameShape(route, servers);
    const loads: number[] = [];
    const sampler = setInterval(() => loads.push(os.loadavg()[0]), 1_000);
    const cpu = new Map<string, number[]>();
    const rps = new Map<string, number[]>();
    for (const { route } of routes) for (const s of servers) await runLoad(s, route, { connections, seconds: 1 }); // warm-up
    for (let round = 0; round < rounds; round++) {
      for (const [i, { shape, route }] of routes.entries()) {
        const first = (round + i) % servers.length;
        for (const s of [...servers.slice(first), ...servers.slice(0, first)]) {
          const r = await runLoad(s, route, { connections, seconds });
          const key = `${route.name}\t${shape}\t${s.name}`;
          cpu.set(key, [...(cpu.get(key) ?? []), r.cpuUsPerRequest]);
          rps.set(key, [...(rps.get(key) ?? []), r.rps]);
          if (r.failures) log(`${key}: ${r.failures} failures`);
        }
      }
      log(`round ${round + 1}/${rounds} done (load ${os.loadavg()[0].toFixed(2)})`);
    }
    clearInterval(sampler);
    const median = (xs: number[]) =>
      quantile(
        [...xs].sort((a, b) => a - b),
        0.5,
      );
    console.log(`| route | shape | server | CPU µs/req median | (per round) | req/s median | × floor CPU |`);
    console.log(`|---|---|---|---:|---|---:|---:|`);
    for (const { shape, route } of routes) {
      const floor = median(cpu.get(`${route.name}\t${shape}\tfloor`) ?? []);
      for (const s of servers) {
        const key = `${route.name}\t${shape}\t${s.name}`;
        const c = cpu.get(key) ?? [];
        console.log(
          `| ${route.name} | ${shape} | ${s.name} | ${median(c).toFixed(0)} | ${c.map((x) => x.toFixed(0)).join(', ')} | ${median(rps.get(key) ?? []).toFixed(0)} | ${(median(c) / floor).toFixed(2)}× |`,
        );
      }
    }
    const sorted = [...loads].sort((a, b) => a - b);
    console.log(
      `\nload average (1 min) during the windows: median ${median(sorted).toFixed(2)} (${sorted[0]?.toFixed(2)}–${sorted[sorted.length - 1]?.toFixed(2)}) on ${os.cpus().length} CPUs; -c ${connections}, ${rounds} rounds × ${seconds} s, size ${size}`,
    );
  } finally {
    await stopAll();
  }
}

/** Every server answers one request of the route like the floor (a read: the same request; a write: one each, same fields and types). */
async function sameShape(route: Route, servers: RunningServer[]): Promise<void> {
  const spec = route.next();
  const bodies = await Promise.all(
    servers.map(async (s) => ({ s, answer: await send(s.url, route.kind === 'write' ? route.next() : spec) })),
  );
  const [floor] = bodies;
  for (const { s, answer } of bodies) {
    if (answer.status >= 300 || canonical(route.sameAnswer(answer.body)) !== canonical(route.sameAnswer(floor.answer.body)))
      throw new Error(`${route.label}: ${s.name} answers ${answer.status} ${JSON.stringify(answer.body).slice(0, 400)}`);
  }
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
