import * as fs from 'node:fs';
import * as path from 'node:path';
import { quantile } from '../lib/measure';
import type { LoadResult } from './load';
import type { TrafficShape } from './options';
import type { RouteKind } from './routes';

/** The servers of a run: the reference host on each platform, bare Nest on each platform, the raw floor. */
export const SERVERS = ['ours-express', 'ours-fastify', 'bare-express', 'bare-fastify', 'floor'] as const;
export type ServerName = (typeof SERVERS)[number];
export const PLATFORMS = ['express', 'fastify'] as const;
export type Platform = (typeof PLATFORMS)[number];

/** Medians over the rounds of one route on one server. */
export interface Summary {
  rps: number;
  p50: number;
  p99: number;
  failures: number;
  cpuUsPerRequest: number;
}

/** One route under one traffic shape: every server that ran it. */
export interface RouteResult {
  route: string;
  label: string;
  kind: RouteKind;
  shape: TrafficShape;
  servers: Partial<Record<ServerName, Summary>>;
  rounds: Partial<Record<ServerName, LoadResult[]>>;
}

export interface HttpRun {
  meta: {
    date: string;
    commit: string;
    size: string;
    rows: Record<string, number>;
    machine: string;
    runtime: string;
    method: string;
    load: { cpus: number; atStart: number[]; during: { min: number; median: number; max: number }; atEnd: number[] };
    duration: string;
    /** The hot shape's learner. */
    hotLearner?: { id: number; words: number };
  };
  results: RouteResult[];
}

/** The targets (issue 15): minimum ours/floor req/s by kind; p99 at most 2.5× the floor's. */
export const TARGETS: Record<RouteKind, number | undefined> = { read: 0.6, cached: 1.0, write: 0.6, overhead: undefined };
export const P99_TARGET = 2.5;

export function summarise(samples: LoadResult[]): Summary {
  const med = (pick: (r: LoadResult) => number) =>
    quantile(
      samples.map(pick).sort((a, b) => a - b),
      0.5,
    );
  return {
    rps: med((r) => r.rps),
    p50: med((r) => r.p50),
    p99: med((r) => r.p99),
    failures: samples.reduce((s, r) => s + r.failures, 0),
    cpuUsPerRequest: med((r) => r.cpuUsPerRequest),
  };
}

const num = (n: number | undefined) =>
  n === undefined || Number.isNaN(n) ? '–' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2);
const ratio = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '–' : `${(a / b).toFixed(2)}×`);
const failuresOf = (r: RouteResult) => SERVERS.reduce((sum, name) => sum + (r.servers[name]?.failures ?? 0), 0);

function verdict(r: RouteResult, ours: Summary | undefined, floor: Summary | undefined): string {
  const target = TARGETS[r.kind];
  if (target === undefined || !ours || !floor) return '';
  const rpsOk = ours.rps / floor.rps >= target;
  const p99Ok = ours.p99 <= P99_TARGET * floor.p99;
  return `${rpsOk ? 'met' : 'missed'}${p99Ok ? '' : ', p99 missed'}`;
}

/** ours ÷ floor per route and shape, on each platform: req/s, p99 and CPU per request. */
export function renderTable(results: RouteResult[]): string {
  const lines = [
    '| route | shape | express req/s | fastify req/s | floor req/s | **express/floor** | **fastify/floor** | fastify/express | p99 express/floor | p99 fastify/floor | CPU µs/req express | fastify | floor | target (≥ by kind) express · fastify |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of results) {
    const [e, f, fl] = [r.servers['ours-express'], r.servers['ours-fastify'], r.servers.floor];
    const failures = failuresOf(r) ? ` ⚠ ${failuresOf(r)} failed` : '';
    const target = TARGETS[r.kind];
    lines.push(
      `| \`${r.label}\` | ${r.shape} | ${num(e?.rps)} | ${num(f?.rps)} | ${num(fl?.rps)} | ${ratio(e?.rps, fl?.rps)} | ${ratio(f?.rps, fl?.rps)} | ${ratio(f?.rps, e?.rps)} | ` +
        `${ratio(e?.p99, fl?.p99)} | ${ratio(f?.p99, fl?.p99)} | ${num(e?.cpuUsPerRequest)} | ${num(f?.cpuUsPerRequest)} | ${num(fl?.cpuUsPerRequest)} | ` +
        `${target === undefined ? '(reference)' : `${target}×: ${verdict(r, e, fl)} · ${verdict(r, f, fl)}`}${failures} |`,
    );
  }
  return lines.join('\n');
}

/**
 * What lingua-core's own layers cost per request (CPU µs, medians): ours − bare Nest on the same
 * platform (same logging and guard, the floor's SQL), and bare Nest − floor (Nest, the platform, logging).
 */
export function renderOverheadTable(results: RouteResult[]): string {
  const rows = results.filter((r) => r.servers['bare-express'] || r.servers['bare-fastify']);
  if (!rows.length) return '';
  const lines = [
    '| route | shape | ours-express | bare-express | **lingua on Express** | ours-fastify | bare-fastify | **lingua on Fastify** | floor | Nest+Express+logging | Nest+Fastify+logging | bare-express/floor req/s | bare-fastify/floor req/s |',
    '|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  const cpu = (r: RouteResult, name: ServerName) => r.servers[name]?.cpuUsPerRequest;
  const diff = (a: number | undefined, b: number | undefined) => (a === undefined || b === undefined ? '–' : `${(a - b).toFixed(0)} µs`);
  for (const r of rows) {
    lines.push(
      `| \`${r.label}\` | ${r.shape} | ${num(cpu(r, 'ours-express'))} | ${num(cpu(r, 'bare-express'))} | ${diff(cpu(r, 'ours-express'), cpu(r, 'bare-express'))} | ` +
        `${num(cpu(r, 'ours-fastify'))} | ${num(cpu(r, 'bare-fastify'))} | ${diff(cpu(r, 'ours-fastify'), cpu(r, 'bare-fastify'))} | ${num(cpu(r, 'floor'))} | ` +
        `${diff(cpu(r, 'bare-express'), cpu(r, 'floor'))} | ${diff(cpu(r, 'bare-fastify'), cpu(r, 'floor'))} | ` +
        `${ratio(r.servers['bare-express']?.rps, r.servers.floor?.rps)} | ${ratio(r.servers['bare-fastify']?.rps, r.servers.floor?.rps)} |`,
    );
  }
  return lines.join('\n');
}

/** Per shape: the median over routes (health aside) of Fastify ÷ Express req/s and CPU per request. */
export function platformSummary(results: RouteResult[]): Array<{ shape: TrafficShape; rps: number; cpu: number; routes: number }> {
  const shapes = [...new Set(results.map((r) => r.shape))];
  return shapes.map((shape) => {
    const pairs = results
      .filter((r) => r.shape === shape && r.kind !== 'overhead' && r.servers['ours-express'] && r.servers['ours-fastify'])
      .map((r) => [r.servers['ours-express'] as Summary, r.servers['ours-fastify'] as Summary]);
    const med = (xs: number[]) =>
      quantile(
        [...xs].sort((a, b) => a - b),
        0.5,
      );
    return {
      shape,
      rps: med(pairs.map(([e, f]) => f.rps / e.rps)),
      cpu: med(pairs.map(([e, f]) => f.cpuUsPerRequest / e.cpuUsPerRequest)),
      routes: pairs.length,
    };
  });
}

export function renderPlatformSummary(results: RouteResult[]): string {
  return platformSummary(results)
    .map(
      (p) =>
        `- ${p.shape}: Fastify ÷ Express, median over ${p.routes} routes (health aside): req/s **${p.rps.toFixed(2)}×**, CPU µs/request ${p.cpu.toFixed(2)}×`,
    )
    .join('\n');
}

export function renderMarkdown(run: HttpRun): string {
  const { meta } = run;
  const l = meta.load;
  return [
    `# lingua-core HTTP benchmark — ${meta.size} rows, ${meta.date}`,
    '',
    `- commit: ${meta.commit}`,
    `- rows: ${Object.entries(meta.rows)
      .map(([t, n]) => `${t} ${n.toLocaleString('en')}`)
      .join(', ')}`,
    `- machine: ${meta.machine}`,
    `- load average (1 min) on ${l.cpus} CPUs: ${l.atStart[0].toFixed(2)} at start; during the run min ${l.during.min.toFixed(2)}, median ${l.during.median.toFixed(2)}, max ${l.during.max.toFixed(2)}; ${l.atEnd[0].toFixed(2)} at the end`,
    `- runtime: ${meta.runtime}`,
    `- method: ${meta.method}`,
    `- duration: ${meta.duration}`,
    '',
    ...(meta.hotLearner ? [`- hot shape: learner ${meta.hotLearner.id} (${meta.hotLearner.words} words, the busiest)`, ''] : ['']),
    'Req/s, p50 and p99 are medians over the rounds; ratios are ours ÷ floor from the same run. Targets',
    '(issue 15): uncached reads ≥ 0.6× the floor, cached reads ≥ 1.0× (the floor runs the query), writes ≥ 0.6×, p99 ≤ 2.5× the floor.',
    "CPU µs/req is the server process's own CPU time (user + system, from /proc) per request, median over",
    "the rounds: what the server costs per request whatever else the machine is doing (PostgreSQL's CPU not included).",
    '',
    renderTable(run.results),
    '',
    '## Express or Fastify',
    '',
    renderPlatformSummary(run.results),
    '',
    "## lingua-core's own cost per request (CPU µs/request)",
    '',
    "bare-<platform> = Nest on that platform with the host's request logging and JWT guard and one plain",
    "controller running the floor's SQL (bench/http/bare-nest.ts). ours − bare = lingua-core's interceptors,",
    'pipes, validation, filter, TypeORM and DTO mapping; bare − floor = Nest, the platform and logging.',
    '',
    renderOverheadTable(run.results),
    '',
  ].join('\n');
}

/**
 * A complete run (every route, not profiled) writes `http-latest.md`/`.json` and `http-<size>.json`
 * (the latest complete run at this size, which the latency-against-size chart combines); any other run
 * writes `http-partial.md`/`.json` (git-ignored) and leaves those alone.
 */
export function writeHttpReport(dir: string, run: HttpRun, { complete }: { complete: boolean }): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const json = JSON.stringify(run, null, 2);
  const files: Array<[string, string]> = complete
    ? [
        [`http-${run.meta.size}.json`, json],
        ['http-latest.md', renderMarkdown(run)],
        ['http-latest.json', json],
      ]
    : [
        ['http-partial.md', renderMarkdown(run)],
        ['http-partial.json', json],
      ];
  return files.map(([name, content]) => {
    fs.writeFileSync(path.join(dir, name), content);
    return path.join(dir, name);
  });
}

/** Every size's latest full run, smallest first. */
export function readSizeRuns(dir: string, sizes: string[]): HttpRun[] {
  return sizes
    .map((size) => path.join(dir, `http-${size}.json`))
    .filter((file) => fs.existsSync(file))
    .map((file) => normalise(JSON.parse(fs.readFileSync(file, 'utf8')) as HttpRun));
}

/** Runs saved before the platforms and shapes (`ours`/`floor` per route): the Express host, spread traffic. */
function normalise(run: HttpRun): HttpRun {
  type Old = RouteResult & { ours?: Summary; floor?: Summary };
  const results = (run.results as Old[]).map((r) =>
    r.servers ? r : { ...r, shape: 'spread' as const, servers: { 'ours-express': r.ours, floor: r.floor }, rounds: {} },
  );
  return { ...run, results };
}
