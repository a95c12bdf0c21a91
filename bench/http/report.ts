import * as fs from 'node:fs';
import * as path from 'node:path';
import { quantile } from '../lib/measure';
import type { LoadResult } from './load';
import type { RouteKind } from './routes';

export type ServerName = 'ours' | 'floor';

/** Medians over the rounds of one route on one server. */
export interface Summary {
  rps: number;
  p50: number;
  p99: number;
  failures: number;
  cpuUsPerRequest: number;
}

export interface RouteResult {
  route: string;
  label: string;
  kind: RouteKind;
  ours: Summary;
  floor: Summary;
  rounds: Record<ServerName, LoadResult[]>;
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
  };
  results: RouteResult[];
}

/** The issue's targets (issue 8): minimum ours/floor req/s by kind; p99 at most 3× the floor's. */
export const TARGETS: Record<RouteKind, number | undefined> = { read: 0.5, cached: 1.0, write: 0.5, overhead: undefined };
export const P99_TARGET = 3;

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

const num = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const ratio = (n: number) => `${n.toFixed(2)}×`;

function verdict(r: RouteResult): string {
  const target = TARGETS[r.kind];
  if (target === undefined) return '';
  const rpsOk = r.ours.rps / r.floor.rps >= target;
  const p99Ok = r.ours.p99 <= P99_TARGET * r.floor.p99;
  return `${rpsOk ? 'met' : 'missed'} (≥ ${target}×)${p99Ok ? '' : ', p99 missed'}`;
}

export function renderTable(results: RouteResult[]): string {
  const lines = [
    '| route | ours req/s | floor req/s | ours/floor | ours p50 ms | floor p50 ms | ours p99 ms | floor p99 ms | p99 ours/floor | ours CPU µs/req | floor CPU µs/req | target |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of results) {
    const failures = r.ours.failures + r.floor.failures ? ` ⚠ ${r.ours.failures}/${r.floor.failures} failed` : '';
    lines.push(
      `| \`${r.label}\` | ${num(r.ours.rps)} | ${num(r.floor.rps)} | ${ratio(r.ours.rps / r.floor.rps)} | ${num(r.ours.p50)} | ${num(r.floor.p50)} | ` +
        `${num(r.ours.p99)} | ${num(r.floor.p99)} | ${ratio(r.ours.p99 / r.floor.p99)} | ${num(r.ours.cpuUsPerRequest)} | ${num(r.floor.cpuUsPerRequest)} | ${verdict(r)}${failures} |`,
    );
  }
  return lines.join('\n');
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
    'Req/s, p50 and p99 are medians over the rounds; ratios are ours ÷ floor from the same run. Targets',
    '(issue 8): uncached reads ≥ 0.5× the floor, cached reads ≥ 1.0×, writes ≥ 0.5×, p99 ≤ 3× the floor.',
    "CPU µs/req is the server process's own CPU time (user + system, from /proc) per request, median over",
    "the rounds: what the server costs per request whatever else the machine is doing (PostgreSQL's CPU not included).",
    '',
    renderTable(run.results),
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
    .map((file) => JSON.parse(fs.readFileSync(file, 'utf8')) as HttpRun);
}
