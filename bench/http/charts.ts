import * as fs from 'node:fs';
import * as path from 'node:path';
import { HTTP_SIZES } from '../data';
import { HttpRun, readSizeRuns } from './report';

/**
 * The HTTP benchmark's two charts, written as plain SVG (no charting dependency): throughput by
 * route (ours beside the floor, one run) and latency against data size (one panel per hot route).
 */
const OURS = '#2f6fba';
const FLOOR = '#9aa5b1';
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';

const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const text = (x: number, y: number, s: string, attrs = '') => `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" ${attrs}>${esc(s)}</text>`;

/** A round axis maximum and its tick step for values up to `max`. */
function niceScale(max: number, ticks = 5): { top: number; step: number } {
  const raw = Math.max(max, 1e-9) / ticks;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) as number;
  return { top: Math.ceil(max / step) * step, step };
}

const svg = (w: number, h: number, body: string[]) =>
  [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${w}" height="${h}" viewBox="0 0 ${w} ${h}" ${FONT} font-size="12">`,
    `<rect width="${w}" height="${h}" fill="#fff"/>`,
    ...body,
    '</svg>',
    '',
  ].join('\n');

function legend(x: number, y: number, items: Array<[string, string, string?]>): string[] {
  return items.flatMap(([label, color, dash], i) => {
    const lx = x + i * 170;
    const mark =
      dash === undefined
        ? `<rect x="${lx}" y="${y - 9}" width="12" height="12" fill="${color}"/>`
        : `<line x1="${lx}" y1="${y - 3}" x2="${lx + 18}" y2="${y - 3}" stroke="${color}" stroke-width="2.5" ${dash}/>`;
    return [mark, text(lx + 24, y + 1, label)];
  });
}

/** Grouped bars: req/s of ours and the floor for every route of one run, ours/floor above each pair. */
export function throughputChart(run: HttpRun): string {
  const rows = run.results;
  const W = 960;
  const H = 460;
  const left = 70;
  const right = 20;
  const top = 70;
  const bottom = 120;
  const plotW = W - left - right;
  const plotH = H - top - bottom;
  const { top: yMax, step } = niceScale(Math.max(...rows.flatMap((r) => [r.ours.rps, r.floor.rps])));
  const y = (v: number) => top + plotH - (v / yMax) * plotH;
  const group = plotW / rows.length;
  const barW = Math.min(34, group / 3);
  const out: string[] = [
    text(
      left,
      24,
      `HTTP throughput by route — ${run.meta.size} rows, -c ${/-c (\d+)/.exec(run.meta.method)?.[1] ?? '?'} (median req/s over rounds; higher is better)`,
      'font-size="15" font-weight="600"',
    ),
    text(
      left,
      44,
      `load average ${run.meta.load.during.median.toFixed(2)} (median during the run) on ${run.meta.load.cpus} CPUs, ${run.meta.date.slice(0, 16).replace('T', ' ')} UTC, commit ${run.meta.commit}`,
      'fill="#555"',
    ),
    ...legend(W - 360, 44, [
      ['lingua-core (reference host)', OURS],
      ['raw floor (node:http + pg)', FLOOR],
    ]),
  ];
  for (let v = 0; v <= yMax + 1e-9; v += step) {
    out.push(`<line x1="${left}" y1="${y(v).toFixed(1)}" x2="${W - right}" y2="${y(v).toFixed(1)}" stroke="#e4e7eb"/>`);
    out.push(text(left - 8, y(v) + 4, v.toLocaleString('en'), 'text-anchor="end" fill="#555"'));
  }
  rows.forEach((r, i) => {
    const cx = left + group * i + group / 2;
    const bars: Array<[number, string]> = [
      [r.ours.rps, OURS],
      [r.floor.rps, FLOOR],
    ];
    bars.forEach(([v, color], j) => {
      const x = cx - barW + j * barW;
      out.push(
        `<rect x="${x.toFixed(1)}" y="${y(v).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(top + plotH - y(v)).toFixed(1)}" fill="${color}"/>`,
      );
    });
    out.push(
      text(
        cx,
        y(Math.max(r.ours.rps, r.floor.rps)) - 6,
        `${(r.ours.rps / r.floor.rps).toFixed(2)}×`,
        'text-anchor="middle" font-weight="600"',
      ),
    );
    const label = r.label
      .replace(/^(GET|POST) /, '$1 ')
      .replace('/api/me/', '…/')
      .replace(/\?.*?( \(cached\))?$/, '$1');
    out.push(`<g transform="translate(${cx.toFixed(1)},${top + plotH + 12}) rotate(28)">${text(0, 0, label, 'fill="#333"')}</g>`);
  });
  out.push(`<line x1="${left}" y1="${top + plotH}" x2="${W - right}" y2="${top + plotH}" stroke="#333"/>`);
  return svg(W, H, out);
}

const HOT_ROUTES = ['vocab-list', 'vocab-due', 'messages', 'answer', 'append'];

/** Small multiples: p50 (solid) and p99 (dashed) latency of ours and the floor against data size. */
export function latencyChart(runs: HttpRun[]): string {
  const routes = HOT_ROUTES.filter((name) => runs.some((run) => run.results.some((r) => r.route === name)));
  const W = 980;
  const H = 330;
  const panelW = (W - 40) / Math.max(routes.length, 1);
  const top = 80;
  const plotH = 170;
  const out: string[] = [
    text(20, 24, 'HTTP latency against data size at -c 32 (milliseconds; lower is better)', 'font-size="15" font-weight="600"'),
    text(
      20,
      44,
      `sizes: ${runs.map((r) => `${r.meta.size} (${r.meta.date.slice(0, 16).replace('T', ' ')}, load ${r.meta.load.during.median.toFixed(2)})`).join(', ')}`,
      'fill="#555"',
    ),
    ...legend(20, 66, [
      ['ours p50', OURS, ''],
      ['ours p99', OURS, 'stroke-dasharray="5 4"'],
      ['floor p50', FLOOR, ''],
      ['floor p99', FLOOR, 'stroke-dasharray="5 4"'],
    ]),
  ];
  routes.forEach((name, i) => {
    const x0 = 20 + panelW * i + 40;
    const w = panelW - 60;
    const points = runs.map((run) => ({ size: run.meta.size, r: run.results.find((r) => r.route === name) })).filter((p) => p.r);
    const { top: yMax, step } = niceScale(Math.max(...points.flatMap((p) => [p.r!.ours.p99, p.r!.floor.p99])), 4);
    const y = (v: number) => top + plotH - (v / yMax) * plotH;
    const x = (j: number) => x0 + (points.length === 1 ? w / 2 : (j / (points.length - 1)) * w);
    out.push(
      text(
        x0 + w / 2,
        top - 4,
        points[0]?.r?.label
          .replace(/ \(cached\)$/, '')
          .replace('/api/me/', '…/')
          .replace(/\?.*$/, '') ?? name,
        'text-anchor="middle" font-weight="600" font-size="11"',
      ),
    );
    for (let v = 0; v <= yMax + 1e-9; v += step) {
      out.push(`<line x1="${x0}" y1="${y(v).toFixed(1)}" x2="${x0 + w}" y2="${y(v).toFixed(1)}" stroke="#e4e7eb"/>`);
      out.push(text(x0 - 6, y(v) + 4, String(+v.toFixed(2)), 'text-anchor="end" fill="#555" font-size="10"'));
    }
    const series: Array<[(p: (typeof points)[number]) => number, string, string]> = [
      [(p) => p.r!.ours.p50, OURS, ''],
      [(p) => p.r!.ours.p99, OURS, 'stroke-dasharray="5 4"'],
      [(p) => p.r!.floor.p50, FLOOR, ''],
      [(p) => p.r!.floor.p99, FLOOR, 'stroke-dasharray="5 4"'],
    ];
    for (const [pick, color, dash] of series) {
      const d = points.map((p, j) => `${j ? 'L' : 'M'}${x(j).toFixed(1)},${y(pick(p)).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2.5" ${dash}/>`);
      points.forEach((p, j) => out.push(`<circle cx="${x(j).toFixed(1)}" cy="${y(pick(p)).toFixed(1)}" r="3" fill="${color}"/>`));
    }
    points.forEach((p, j) => out.push(text(x(j), top + plotH + 16, p.size, 'text-anchor="middle" fill="#333"')));
    out.push(`<line x1="${x0}" y1="${top + plotH}" x2="${x0 + w}" y2="${top + plotH}" stroke="#333"/>`);
  });
  return svg(W, H, out);
}

/** Writes both charts into `docsDir`: throughput from `run`, latency from every size's saved run. */
export function writeCharts(run: HttpRun, reportDir: string, docsDir: string): string[] {
  const throughput = path.join(docsDir, 'bench-http-throughput.svg');
  const latency = path.join(docsDir, 'bench-http-latency.svg');
  fs.writeFileSync(throughput, throughputChart(run));
  fs.writeFileSync(latency, latencyChart(readSizeRuns(reportDir, Object.keys(HTTP_SIZES))));
  return [throughput, latency];
}
