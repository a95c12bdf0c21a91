import * as fs from 'node:fs';
import * as path from 'node:path';
import type { BookkeepingResult } from './bookkeeping';
import type { LoadSummary } from './common';
import type { PoolerResult } from './pooler';
import type { ReplicasResult } from './replicas';
import { STEPS } from './learner-mix';

export const POOLER_TARGET = 0.9;
export const SHARE_TARGET = 0.8;

export interface ScalingRun {
  meta: {
    date: string;
    commit: string;
    size: string;
    replicaSize: string;
    machine: string;
    runtime: string;
    method: Record<string, string>;
    load: { cpus: number; atStart: number[]; during: LoadSummary; atEnd: number[] };
    durations: Record<string, string>;
    complete: boolean;
  };
  pooler?: PoolerResult;
  replicas?: ReplicasResult & { cluster: { database: string; rows: Record<string, number>; pgVersion: string; setup: string } };
  bookkeeping?: BookkeepingResult;
}

const num = (n: number) => (!Number.isFinite(n) ? '–' : n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n.toFixed(2));
const ratio = (n: number) => `${n.toFixed(2)}×`;
const pct = (n: number) => `${(n * 100).toFixed(1)}%`;

export function poolerTable(p: PoolerResult): string {
  const lines = [
    '| route | direct req/s | pooled req/s | pooled/direct | direct p50 ms | pooled p50 ms | direct p99 ms | pooled p99 ms | target ≥ 0.9× |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|',
  ];
  for (const r of p.routes) {
    const { direct, pooled } = r.summary;
    const f = direct.failures + pooled.failures ? ` ⚠ failed requests: direct ${direct.failures}, pooled ${pooled.failures}` : '';
    const x = pooled.rps / direct.rps;
    lines.push(
      `| \`${r.label}\` | ${num(direct.rps)} | ${num(pooled.rps)} | ${ratio(x)} | ${num(direct.p50)} | ${num(pooled.p50)} | ${num(direct.p99)} | ${num(pooled.p99)} | ${x >= POOLER_TARGET ? 'met' : 'missed'}${f} |`,
    );
  }
  const rounds = p.routes.map((r) => `${r.route} ${r.rounds.pooled.map((s, i) => (s.rps / r.rounds.direct[i].rps).toFixed(2)).join('/')}`);
  lines.push('', `Per-round pooled/direct ratios: ${rounds.join('; ')}.`);
  return lines.join('\n');
}

export function shareTable(b: ReplicasResult): string {
  const lines = [
    '| run | probe interval | think after answer | learners | loops | reads → replica | reads → primary | replica share | primary reads by reason | RYW checks (due / stats, excused) | RYW violations | 5xx / other non-2xx / network errors | max lag (bytes / s) |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---|---|---:|---|---|',
  ];
  b.runs.forEach((r, i) => {
    const reasons = Object.entries(r.reads.byReason)
      .filter(([k]) => k.startsWith('primary/'))
      .map(([k, v]) => `${k.slice(8)} ${v}`)
      .join(', ');
    const non2xx = Object.values(r.mix.steps).flatMap((s) => Object.entries(s.failures));
    const fivexx = non2xx.filter(([code]) => code.startsWith('5')).reduce((s, [, n]) => s + n, 0);
    const other = non2xx.filter(([code]) => !code.startsWith('5')).reduce((s, [, n]) => s + n, 0);
    const errors = Object.values(r.mix.errors).reduce((s, n) => s + n, 0);
    lines.push(
      `| ${i + 1} | ${r.probeIntervalMs} ms | ${r.thinkMs} ms | ${r.learners} | ${r.mix.loops}${r.mix.loopsWithoutDueCard ? ` (${r.mix.loopsWithoutDueCard} with nothing due)` : ''} | ${r.reads.replica} | ${r.reads.primary} | **${pct(r.replicaShare)}** ${r.replicaShare >= SHARE_TARGET ? '(≥ 80% met)' : '(≥ 80% missed)'} | ${reasons || '–'} | ` +
        `${r.mix.ryw.dueChecks} / ${r.mix.ryw.statsChecks}, ${r.mix.ryw.statsExcused} | ${r.mix.ryw.violations.length} | ${fivexx} / ${other} / ${errors} | ${num(r.maxLagBytes)} / ${num(r.maxLagSeconds)} |`,
    );
  });
  return lines.join('\n');
}

export function stepTable(b: ReplicasResult): string {
  const head =
    ['| step', ...b.runs.map((r, i) => `run ${i + 1} (probe ${r.probeIntervalMs} ms, think ${r.thinkMs} ms): n, p50 / p99 ms`)].join(
      ' | ',
    ) + ' |';
  const lines = [head, `|---|${b.runs.map(() => '---:').join('|')}|`];
  const labels: Record<string, string> = {
    answer: 'POST …/practice-sessions/:id/answers (rating 4)',
    stats: 'GET …/vocabulary/stats',
    due: 'GET …/vocabulary/due?limit=20',
    vocabulary: 'GET …/vocabulary?limit=50',
    words: 'GET /api/words?categoryId&page=2&perPage=20',
    categories: 'GET /api/categories',
  };
  for (const step of STEPS) {
    lines.push(
      `| \`${labels[step]}\` | ${b.runs.map((r) => `${r.mix.steps[step].requests}, ${num(r.mix.steps[step].p50)} / ${num(r.mix.steps[step].p99)}`).join(' | ')} |`,
    );
  }
  return lines.join('\n');
}

export function bookkeepingTable(c: BookkeepingResult): string {
  const lines = [
    '| route | off req/s | on req/s | on/off | off p50 ms | on p50 ms | p50 on − off | off p99 ms | on p99 ms |',
    '|---|---:|---:|---:|---:|---:|---:|---:|---:|',
  ];
  for (const r of c.routes) {
    const { on, off } = r.summary;
    const f = on.failures + off.failures ? ` ⚠ failed: on ${on.failures}, off ${off.failures}` : '';
    lines.push(
      `| \`${r.label}\` | ${num(off.rps)} | ${num(on.rps)} | ${ratio(on.rps / off.rps)} | ${num(off.p50)} | ${num(on.p50)} | ${(on.p50 - off.p50).toFixed(2)} ms | ${num(off.p99)} | ${num(on.p99)}${f} |`,
    );
  }
  const rounds = c.routes.map((r) => `${r.route} ${r.rounds.on.map((s, i) => (s.rps / r.rounds.off[i].rps).toFixed(2)).join('/')}`);
  lines.push(
    '',
    `Per-round on/off ratios: ${rounds.join('; ')}. Write positions recorded: on ${JSON.stringify(c.writePositions.on)}, off ${JSON.stringify(c.writePositions.off)}.`,
  );
  lines.push('', '| bookkeeping step, alone (Node loop, one at a time) | iterations | median µs | p99 µs |', '|---|---:|---:|---:|');
  for (const m of c.micro) lines.push(`| ${m.name} | ${m.iterations} | ${num(m.medianUs)} | ${num(m.p99Us)} |`);
  return lines.join('\n');
}

export function renderMarkdown(run: ScalingRun): string {
  const { meta } = run;
  const l = meta.load;
  const out = [
    `# lingua-core scaling benchmark — ${meta.date}`,
    '',
    `- commit: ${meta.commit}`,
    `- machine: ${meta.machine}`,
    `- load average (1 min) on ${l.cpus} CPUs: ${l.atStart[0].toFixed(2)} at start; during the run min ${l.during.min.toFixed(2)}, median ${l.during.median.toFixed(2)}, max ${l.during.max.toFixed(2)}; ${l.atEnd[0].toFixed(2)} at the end`,
    `- runtime: ${meta.runtime}`,
    `- durations: ${Object.entries(meta.durations)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    '',
    '![pooled/direct throughput and replica share](scaling-latest.svg)',
    '',
  ];
  if (run.pooler) {
    const p = run.pooler;
    out.push(
      `## A. Through a transaction-mode pooler vs direct (${p.size} rows, ${p.database}, PostgreSQL ${p.pgVersion})`,
      '',
      `Method: ${meta.method.pooler}`,
      '',
      `Database defaults: ${p.databaseDefaults.added.length ? `added for the run and reset after: ${p.databaseDefaults.added.join(', ')}` : 'none added'}${p.databaseDefaults.present.length ? `; already set: ${p.databaseDefaults.present.join(', ')}` : ''}. ` +
        `Pooled host readiness: \`${JSON.stringify(p.pooledReadiness)}\`. PgBouncer SHOW STATS for the database after the run: ${p.bouncerStats.total_xact_count ? `${p.bouncerStats.total_xact_count} transactions, ${p.bouncerStats.total_query_count} queries, total wait ${p.bouncerStats.total_wait_time} µs` : JSON.stringify(p.bouncerStats)}. ` +
        `Load average during part A: median ${p.load.median.toFixed(2)} (${p.load.min.toFixed(2)}–${p.load.max.toFixed(2)}).`,
      '',
      poolerTable(p),
      '',
    );
  }
  if (run.replicas) {
    const b = run.replicas;
    out.push(
      `## B. Replica share and read-your-writes (private PostgreSQL ${b.cluster.pgVersion} primary + streaming replica, fsync off; ${meta.replicaSize} rows)`,
      '',
      `Method: ${meta.method.replicas}`,
      '',
      `Data: ${Object.entries(b.cluster.rows)
        .map(([t, n]) => `${t} ${n.toLocaleString('en')}`)
        .join(', ')} (set-up incl. generation and replay ${b.cluster.setup}). ` +
        `Load average during part B: ${b.runs.map((r, i) => `run ${i + 1} median ${r.load.median.toFixed(2)}`).join(', ')}.`,
      '',
      shareTable(b),
      '',
      'Latency per step of the loop (steady window):',
      '',
      stepTable(b),
      '',
    );
    const violations = b.runs.flatMap((r, i) =>
      r.mix.ryw.violations.map((v) => `run ${i + 1}: ${v.kind} — learner ${v.userId}: ${v.detail} (at ${(v.atMs / 1000).toFixed(1)} s)`),
    );
    out.push(
      violations.length
        ? `RYW violations (all, warm-up included):\n\n${violations
            .slice(0, 50)
            .map((v) => `- ${v}`)
            .join('\n')}\n`
        : 'RYW violations: none (checked on every loop, warm-up included).',
      '',
    );
  }
  if (run.bookkeeping) {
    const c = run.bookkeeping;
    out.push(
      '## C. Cost of the write-position (LSN) bookkeeping per write (same private cluster)',
      '',
      `Method: ${meta.method.bookkeeping} Load average during part C: median ${c.load.median.toFixed(2)} (${c.load.min.toFixed(2)}–${c.load.max.toFixed(2)}).`,
      '',
      bookkeepingTable(c),
      '',
    );
  }
  return out.join('\n');
}

/** scaling-<size>.json (the latest run at that size, committed) and scaling-latest.md/.svg (only after a run of every part). */
export function writeScalingReport(dir: string, run: ScalingRun, svg: string): string[] {
  fs.mkdirSync(dir, { recursive: true });
  const files: Array<[string, string]> = run.meta.complete
    ? [
        [`scaling-${run.meta.size}.json`, JSON.stringify(run, null, 2)],
        ['scaling-latest.md', renderMarkdown(run)],
        ['scaling-latest.svg', svg],
      ]
    : [
        ['scaling-partial.json', JSON.stringify(run, null, 2)],
        ['scaling-partial.md', renderMarkdown(run).replace('scaling-latest.svg', 'scaling-partial.svg')],
        ['scaling-partial.svg', svg],
      ];
  return files.map(([name, content]) => {
    fs.writeFileSync(path.join(dir, name), content);
    return path.join(dir, name);
  });
}
