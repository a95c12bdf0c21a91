import { POOLER_TARGET, ScalingRun, SHARE_TARGET } from './report';

/**
 * The scaling chart, plain SVG in the style of bench/http/charts.ts (same palette and font, no
 * charting dependency): pooled/direct req/s per route (part A) beside the replica share of each
 * learner-mix run (part B), each with its target line.
 */
const BAR = '#2f6fba';
const MISS = '#c0504d';
const TARGET = '#e0a100';
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const text = (x: number, y: number, s: string, attrs = '') => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;

interface Bar {
  label: string;
  value: number;
  shown: string;
  ok: boolean;
}

function panel(
  x0: number,
  width: number,
  title: string,
  bars: Bar[],
  yMax: number,
  ticks: number[],
  target: number,
  targetLabel: string,
  fmt: (v: number) => string,
  rotate = true,
): string[] {
  const top = 90;
  const plotH = 230;
  const left = x0 + 50;
  const plotW = width - 60;
  const y = (v: number) => top + plotH - (Math.min(v, yMax) / yMax) * plotH;
  const out = [text(left, top - 22, title, 'font-weight="600"')];
  for (const t of ticks) {
    out.push(`<line x1="${left}" y1="${y(t).toFixed(1)}" x2="${left + plotW}" y2="${y(t).toFixed(1)}" stroke="#e4e7eb"/>`);
    out.push(text(left - 8, y(t) + 4, fmt(t), 'text-anchor="end" fill="#555"'));
  }
  const group = plotW / Math.max(bars.length, 1);
  const barW = Math.min(40, group * 0.6);
  bars.forEach((b, i) => {
    const cx = left + group * i + group / 2;
    out.push(
      `<rect x="${(cx - barW / 2).toFixed(1)}" y="${y(b.value).toFixed(1)}" width="${barW.toFixed(1)}" height="${(top + plotH - y(b.value)).toFixed(1)}" fill="${b.ok ? BAR : MISS}"/>`,
    );
    out.push(text(cx, y(b.value) - 6, b.shown, 'text-anchor="middle" font-weight="600" font-size="11"'));
    if (rotate)
      out.push(
        `<g transform="translate(${cx.toFixed(1)},${top + plotH + 12}) rotate(28)">${text(0, 0, b.label, 'fill="#333" font-size="11"')}</g>`,
      );
    else
      b.label
        .split('\n')
        .forEach((line, j) => out.push(text(cx, top + plotH + 16 + j * 14, line, 'text-anchor="middle" fill="#333" font-size="11"')));
  });
  out.push(
    `<line x1="${left}" y1="${y(target).toFixed(1)}" x2="${left + plotW}" y2="${y(target).toFixed(1)}" stroke="${TARGET}" stroke-width="2" stroke-dasharray="6 4"/>`,
  );
  out.push(text(left + plotW, y(target) - 5, targetLabel, `text-anchor="end" fill="${TARGET}" font-size="11"`));
  out.push(`<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#333"/>`);
  return out;
}

export function scalingChart(run: ScalingRun): string {
  const W = 1040;
  const H = 470;
  const out: string[] = [
    text(
      20,
      24,
      `lingua-core scaling — ${run.meta.date.slice(0, 16).replace('T', ' ')} UTC, commit ${run.meta.commit}`,
      'font-size="15" font-weight="600"',
    ),
    text(
      20,
      44,
      `load average ${run.meta.load.during.median.toFixed(2)} (median during the run) on ${run.meta.load.cpus} CPUs; red bars miss their target`,
      'fill="#555"',
    ),
  ];
  if (run.pooler) {
    const bars = run.pooler.routes.map((r) => {
      const v = r.summary.pooled.rps / r.summary.direct.rps;
      return {
        label: r.label.replace('/api/me/', '…/').replace(/\?.*?( \(cached\))?$/, '$1'),
        value: v,
        shown: `${v.toFixed(2)}×`,
        ok: v >= POOLER_TARGET,
      };
    });
    const yMax = Math.max(1.2, Math.ceil(Math.max(...bars.map((b) => b.value)) * 5) / 5);
    const ticks = Array.from({ length: Math.round(yMax / 0.2) + 1 }, (_, i) => +(i * 0.2).toFixed(1));
    out.push(
      ...panel(
        10,
        600,
        `A. pooled ÷ direct req/s per route (${run.pooler.size} rows, median of ${run.pooler.routes[0]?.rounds.pooled.length ?? 0} rounds)`,
        bars,
        yMax,
        ticks,
        POOLER_TARGET,
        'target 0.9×',
        (v) => `${v.toFixed(1)}×`,
      ),
    );
  }
  if (run.replicas) {
    const bars = run.replicas.runs.map((r, i) => ({
      label: `run ${i + 1}\nprobe ${r.probeIntervalMs} ms\nthink ${r.thinkMs} ms\nRYW violations ${r.mix.ryw.violations.length}`,
      value: r.replicaShare,
      shown: `${(r.replicaShare * 100).toFixed(0)}%`,
      ok: r.replicaShare >= SHARE_TARGET,
    }));
    out.push(
      ...panel(
        630,
        400,
        `B. reads served by the replica (learner mix, ${run.meta.replicaSize} rows)`,
        bars,
        1,
        [0, 0.2, 0.4, 0.6, 0.8, 1],
        SHARE_TARGET,
        'target 80%',
        (v) => `${Math.round(v * 100)}%`,
        false,
      ),
    );
  }
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ${FONT} font-size="12">`,
    `<rect width="${W}" height="${H}" fill="#fff"/>`,
    ...out,
    '</svg>',
    '',
  ].join('\n');
}
