import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HttpRun } from '../http/report';
import { quantile } from '../lib/measure';
import { StepResult, sustained } from './ladder';
import type { CapacityServer } from './servers';

export interface LadderRun {
  server: CapacityServer;
  round: number;
  /** Position in the run's order of ladders (servers are measured one at a time). */
  order: number;
  steps: StepResult[];
  sustained: number;
}

/** Median over the rounds at one learner count; a round that stopped before this step counts as missing it. */
export interface MedianStep {
  learners: number;
  rounds: number;
  rps: number;
  p50: number;
  p99: number;
  errors: number;
  ok: boolean;
  generatorCpu: number;
  serverCpu: number;
}

export interface CapacityRun {
  /** bench:http's run metadata, plus the SLO, the think time, the learners and the servers' order. */
  meta: HttpRun['meta'] & { sloMs: number; thinkMs: number; learnersAvailable: number; order: string[] };
  ladders: LadderRun[];
  medians: Record<string, MedianStep[]>;
  sustained: Record<string, number>;
  ratios: { oursOverNaive: number | null; oursOverFloor: number | null };
}

const NAMES: Record<CapacityServer, string> = {
  ours: 'lingua-core (reference host)',
  naive: 'naive baseline (legacy patterns)',
  floor: 'raw floor (node:http + pg)',
};
const COLORS: Record<CapacityServer, string> = { ours: '#2f6fba', naive: '#c0504d', floor: '#9aa5b1' };
export const TARGETS = { oursOverNaive: 10, oursOverFloor: 0.8 };

export function medianSteps(ladders: LadderRun[], sloMs: number): MedianStep[] {
  const counts = [...new Set(ladders.flatMap((l) => l.steps.map((s) => s.learners)))].sort((a, b) => a - b);
  // quantile interpolates, and Infinity − Infinity is NaN: a median of missed steps stays infinite.
  const med = (values: number[]) => {
    const q = quantile(
      [...values].sort((a, b) => a - b),
      0.5,
    );
    return Number.isNaN(q) && values.includes(Infinity) ? Infinity : q;
  };
  return counts.map((learners) => {
    const ran = ladders.map((l) => l.steps.find((s) => s.learners === learners)).filter((s): s is StepResult => !!s);
    // A round that stopped earlier missed this step: its p99 counts as infinite.
    const p99s = ladders.map((l) => l.steps.find((s) => s.learners === learners)?.p99 ?? Infinity);
    const p99 = med(p99s);
    const errors = ran.reduce((s, r) => s + r.errors, 0);
    return {
      learners,
      rounds: ran.length,
      rps: med(ran.map((s) => s.rps)),
      p50: med(ran.map((s) => s.p50)),
      p99,
      errors,
      ok: ran.length === ladders.length && errors === 0 && p99 <= sloMs,
      generatorCpu: med(ran.map((s) => s.generatorCpu)),
      serverCpu: med(ran.map((s) => s.serverCpu)),
    };
  });
}

/** Learners sustained from the median steps: the unbroken run of steps that met the SLO from the first. */
export const sustainedOfMedians = (steps: MedianStep[]) => sustained(steps.map((s) => ({ ...s, ok: s.ok }) as unknown as StepResult));

const f = (n: number, digits = 0) => (Number.isFinite(n) ? n.toFixed(digits) : '—');
const ratio = (a: number, b: number) => (b > 0 ? a / b : null);
const verdict = (value: number | null, target: number) =>
  value === null ? 'n/a: the divisor sustained no step (start the ladder lower)' : value >= target ? 'MET' : 'MISSED';

export function summarise(run: Omit<CapacityRun, 'medians' | 'sustained' | 'ratios'>, servers: CapacityServer[]): CapacityRun {
  const medians = Object.fromEntries(
    servers.map((s) => [
      s,
      medianSteps(
        run.ladders.filter((l) => l.server === s),
        run.meta.sloMs,
      ),
    ]),
  );
  const held = Object.fromEntries(servers.map((s) => [s, sustainedOfMedians(medians[s])]));
  const ratios = {
    oursOverNaive: 'ours' in held && 'naive' in held ? ratio(held.ours, held.naive) : null,
    oursOverFloor: 'ours' in held && 'floor' in held ? ratio(held.ours, held.floor) : null,
  };
  return { ...run, medians, sustained: held, ratios };
}

/** Markdown tables: one per server (median steps), then the summary with the targets. */
export function renderTables(run: CapacityRun): string {
  const out: string[] = [];
  for (const [server, steps] of Object.entries(run.medians)) {
    out.push(`**${NAMES[server as CapacityServer]}** — learners sustained: **${run.sustained[server]}**`, '');
    out.push(
      '| learners | rounds | req/s | p50 ms | p99 ms | errors | SLO | generator CPU % | server CPU % |',
      '|---:|---:|---:|---:|---:|---:|---|---:|---:|',
    );
    for (const s of steps)
      out.push(
        `| ${s.learners} | ${s.rounds} | ${f(s.rps)} | ${f(s.p50, 1)} | ${f(s.p99, 1)} | ${s.errors} | ${s.ok ? 'met' : 'missed'} | ${f(s.generatorCpu)} | ${f(s.serverCpu)} |`,
      );
    out.push('');
  }
  const { oursOverNaive, oursOverFloor } = run.ratios;
  out.push('| summary | value | target | |', '|---|---:|---:|---|');
  for (const s of Object.keys(run.sustained)) out.push(`| learners sustained, ${s} | ${run.sustained[s]} | | |`);
  out.push(
    `| ours ÷ naive | ${oursOverNaive === null ? 'n/a' : `${oursOverNaive.toFixed(2)}×`} | ≥ ${TARGETS.oursOverNaive}× | ${verdict(oursOverNaive, TARGETS.oursOverNaive)} |`,
  );
  out.push(
    `| ours ÷ floor | ${oursOverFloor === null ? 'n/a' : `${oursOverFloor.toFixed(2)}×`} | ≥ ${TARGETS.oursOverFloor}× | ${verdict(oursOverFloor, TARGETS.oursOverFloor)} |`,
  );
  return out.join('\n');
}

export function renderMarkdown(run: CapacityRun): string {
  const m = run.meta;
  const perRound = run.ladders.map((l) => `${l.order + 1}. ${l.server} (round ${l.round + 1}): sustained ${l.sustained}`).join('\n');
  return [
    `# Capacity benchmark — ${m.size} rows`,
    '',
    `${m.date.slice(0, 16).replace('T', ' ')} UTC, commit ${m.commit}, ${m.duration}. ${m.machine}. ${m.runtime}.`,
    '',
    `Method: ${m.method}`,
    '',
    `Load average (1 min) during the run: median ${m.load.during.median.toFixed(2)} (${m.load.during.min.toFixed(2)}–${m.load.during.max.toFixed(2)}) on ${m.load.cpus} CPUs; at start ${m.load.atStart.map((x) => x.toFixed(2)).join(' / ')}.`,
    '',
    `Data: ${Object.entries(m.rows)
      .map(([t, n]) => `${t} ${n.toLocaleString('en')}`)
      .join(', ')}; ${m.learnersAvailable} distinct learners available for the ladder.`,
    '',
    renderTables(run),
    '',
    'Ladders in the order run (one server at a time):',
    '',
    perRound,
    '',
    '![p99 against learners](capacity-latest.svg)',
    '',
  ].join('\n');
}

/** p99 (median over rounds) against learners on a log axis, one line per server, the SLO dashed. */
export function capacityChart(run: CapacityRun): string {
  const [W, H, left, right, top, bottom] = [860, 420, 70, 30, 70, 50];
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const all = Object.values(run.medians).flat();
  const xs = all.map((s) => s.learners);
  const [x0, x1] = [Math.log(Math.min(...xs, 1)), Math.log(Math.max(...xs, 2))];
  const yTop = run.meta.sloMs * 4;
  const X = (n: number) => left + ((Math.log(n) - x0) / (x1 - x0 || 1)) * plotW;
  const Y = (ms: number) => top + plotH - (Math.min(ms, yTop) / yTop) * plotH;
  const t = (x: number, y: number, s: string, a = '') =>
    `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${a}>${s.replace(/&/g, '&amp;').replace(/</g, '&lt;')}</text>`;
  const body: string[] = [
    t(
      left,
      24,
      `Capacity: p99 latency against concurrent learners — ${run.meta.size} rows, think ${run.meta.thinkMs} ms (lower and further right is better)`,
      'font-size="15" font-weight="600"',
    ),
    t(
      left,
      44,
      `median over rounds; load average ${run.meta.load.during.median.toFixed(2)} on ${run.meta.load.cpus} CPUs; ${run.meta.date.slice(0, 16).replace('T', ' ')} UTC, commit ${run.meta.commit}; p99 above ${yTop} ms drawn at the top`,
      'fill="#555"',
    ),
  ];
  for (let i = 0; i <= 4; i++) {
    const ms = (yTop / 4) * i;
    body.push(
      `<line x1="${left}" y1="${Y(ms).toFixed(1)}" x2="${W - right}" y2="${Y(ms).toFixed(1)}" stroke="#e4e7eb"/>`,
      t(left - 8, Y(ms) + 4, String(ms), 'text-anchor="end" fill="#555"'),
    );
  }
  for (const n of [...new Set(xs)]) body.push(t(X(n), top + plotH + 18, String(n), 'text-anchor="middle" fill="#555" font-size="10"'));
  body.push(t(left + plotW / 2, H - 8, 'learners (log scale)', 'text-anchor="middle" fill="#333"'));
  body.push(
    `<line x1="${left}" y1="${Y(run.meta.sloMs).toFixed(1)}" x2="${W - right}" y2="${Y(run.meta.sloMs).toFixed(1)}" stroke="#333" stroke-dasharray="6 4"/>`,
  );
  body.push(t(W - right - 4, Y(run.meta.sloMs) - 6, `SLO p99 ${run.meta.sloMs} ms`, 'text-anchor="end" fill="#333"'));
  Object.entries(run.medians).forEach(([server, steps], i) => {
    const color = COLORS[server as CapacityServer];
    const d = steps.map((s, j) => `${j ? 'L' : 'M'}${X(s.learners).toFixed(1)},${Y(s.p99).toFixed(1)}`).join(' ');
    body.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2.5"/>`);
    for (const s of steps) body.push(`<circle cx="${X(s.learners).toFixed(1)}" cy="${Y(s.p99).toFixed(1)}" r="3.5" fill="${color}"/>`);
    const lx = left + i * 270;
    body.push(
      `<rect x="${lx}" y="${top - 16}" width="12" height="12" fill="${color}"/>`,
      t(lx + 18, top - 6, `${NAMES[server as CapacityServer]}: ${run.sustained[server]}`),
    );
  });
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');
}

/** capacity-<size>.json, capacity-latest.md and the chart in the reports; the chart copied into docs. */
export function writeCapacityReport(run: CapacityRun, reportDir: string, docsDir: string): string[] {
  fs.mkdirSync(reportDir, { recursive: true });
  const files = [
    [path.join(reportDir, `capacity-${run.meta.size}.json`), `${JSON.stringify(run, null, 2)}\n`],
    [path.join(reportDir, 'capacity-latest.md'), renderMarkdown(run)],
    [path.join(reportDir, 'capacity-latest.svg'), capacityChart(run)],
    [path.join(docsDir, 'bench-capacity.svg'), capacityChart(run)],
  ];
  for (const [file, content] of files) fs.writeFileSync(file, content);
  return files.map(([file]) => file);
}
