import * as fs from 'node:fs';
import * as path from 'node:path';
import { HTTP_SIZES } from '../data';
import { HttpRun, readSizeRuns, ServerName } from './report';

/**
 * The HTTP benchmark's two charts, written as plain SVG (no charting dependency): throughput by
 * route (the reference host on Express and on Fastify beside the floor, a panel per traffic shape, one
 * run) and latency against data size (one panel per hot route, spread traffic).
 */
const EXPRESS = '#2f6fba';
const FASTIFY = '#d9822b';
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

function legend(x: number, y: number, items: Array<[string, string, string?]>, spacing = 170): string[] {
  return items.flatMap(([label, color, dash], i) => {
    const lx = x + i * spacing;
    const mark =
      dash === undefined
        ? `<rect x="${lx}" y="${y - 9}" width="12" height="12" fill="${color}"/>`
        : `<line x1="${lx}" y1="${y - 3}" x2="${lx + 18}" y2="${y - 3}" stroke="${color}" stroke-width="2.5" ${dash}/>`;
    return [mark, text(lx + 24, y + 1, label)];
  });
}

const shortLabel = (label: string) =>
  label
    .replace('/api/me/', '…/')
    .replace(/\?.*?( \(cached\))?$/, '$1')
    .replace(' (cached)', ' (c)');

/** Grouped bars per shape: req/s of ours on Express, ours on Fastify and the floor; ours/floor above each group. */
export function throughputChart(run: HttpRun): string {
  const shapes = [...new Set(run.results.map((r) => r.shape))];
  const W = 980;
  const panelH = 300;
  const left = 70;
  const right = 20;
  const head = 76;
  const bottom = 92;
  const H = head + shapes.length * (panelH + bottom);
  const out: string[] = [
    text(
      left,
      24,
      `HTTP throughput by route — ${run.meta.size} rows, -c ${/-c (\d+)/.exec(run.meta.method)?.[1] ?? '?'}, request logging on (median req/s over rounds; higher is better)`,
      'font-size="15" font-weight="600"',
    ),
    text(
      left,
      44,
      `load average ${run.meta.load.during.median.toFixed(2)} (median during the run) on ${run.meta.load.cpus} CPUs, ${run.meta.date.slice(0, 16).replace('T', ' ')} UTC, commit ${run.meta.commit}; above each group: ours/floor on Express · Fastify`,
      'fill="#555"',
    ),
    ...legend(
      left,
      66,
      [
        ['lingua-core host on Express', EXPRESS],
        ['lingua-core host on Fastify', FASTIFY],
        ['raw floor (node:http + pg)', FLOOR],
      ],
      220,
    ),
  ];
  shapes.forEach((shape, p) => {
    const rows = run.results.filter((r) => r.shape === shape);
    const top = head + p * (panelH + bottom) + 24;
    const plotH = panelH - 30;
    const plotW = W - left - right;
    const values = (r: (typeof rows)[number]) => [
      r.servers['ours-express']?.rps ?? 0,
      r.servers['ours-fastify']?.rps ?? 0,
      r.servers.floor?.rps ?? 0,
    ];
    const { top: yMax, step } = niceScale(Math.max(...rows.flatMap(values)));
    const y = (v: number) => top + plotH - (v / yMax) * plotH;
    const group = plotW / rows.length;
    const barW = Math.min(30, group / 4);
    out.push(
      text(
        left,
        top - 8,
        shape === 'hot' ? 'hot: one learner (the busiest) sends every request' : 'spread: requests round-robin over many learners',
        'font-weight="600"',
      ),
    );
    for (let v = 0; v <= yMax + 1e-9; v += step) {
      out.push(`<line x1="${left}" y1="${y(v).toFixed(1)}" x2="${W - right}" y2="${y(v).toFixed(1)}" stroke="#e4e7eb"/>`);
      out.push(text(left - 8, y(v) + 4, v.toLocaleString('en'), 'text-anchor="end" fill="#555"'));
    }
    rows.forEach((r, i) => {
      const cx = left + group * i + group / 2;
      const vs = values(r);
      [EXPRESS, FASTIFY, FLOOR].forEach((color, j) => {
        const x = cx - 1.5 * barW + j * barW;
        out.push(
          `<rect x="${x.toFixed(1)}" y="${y(vs[j]).toFixed(1)}" width="${(barW - 2).toFixed(1)}" height="${(top + plotH - y(vs[j])).toFixed(1)}" fill="${color}"/>`,
        );
      });
      const floor = vs[2] || NaN;
      out.push(
        text(
          cx,
          y(Math.max(...vs)) - 6,
          `${(vs[0] / floor).toFixed(2)}× · ${(vs[1] / floor).toFixed(2)}×`,
          'text-anchor="middle" font-weight="600" font-size="11"',
        ),
      );
      out.push(
        `<g transform="translate(${cx.toFixed(1)},${top + plotH + 12}) rotate(20)">${text(-20, 0, shortLabel(r.label), 'fill="#333" font-size="11"')}</g>`,
      );
    });
    out.push(`<line x1="${left}" y1="${top + plotH}" x2="${W - right}" y2="${top + plotH}" stroke="#333"/>`);
  });
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
    text(
      20,
      24,
      'HTTP latency against data size at -c 32, spread traffic (milliseconds; lower is better)',
      'font-size="15" font-weight="600"',
    ),
    text(
      20,
      44,
      `sizes: ${runs.map((r) => `${r.meta.size} (${r.meta.date.slice(0, 16).replace('T', ' ')}, load ${r.meta.load.during.median.toFixed(2)})`).join(', ')}`,
      'fill="#555"',
    ),
    ...legend(
      20,
      66,
      [
        ['Express p50', EXPRESS, ''],
        ['Express p99', EXPRESS, 'stroke-dasharray="5 4"'],
        ['Fastify p50', FASTIFY, ''],
        ['Fastify p99', FASTIFY, 'stroke-dasharray="5 4"'],
        ['floor p50', FLOOR, ''],
        ['floor p99', FLOOR, 'stroke-dasharray="5 4"'],
      ],
      150,
    ),
  ];
  routes.forEach((name, i) => {
    const x0 = 20 + panelW * i + 40;
    const w = panelW - 60;
    const points = runs
      .map((run) => ({ size: run.meta.size, r: run.results.find((r) => r.route === name && r.shape === 'spread')?.servers }))
      .filter((p) => p.r);
    const { top: yMax, step } = niceScale(
      Math.max(...points.flatMap((p) => [p.r!['ours-express']?.p99 ?? 0, p.r!['ours-fastify']?.p99 ?? 0, p.r!.floor?.p99 ?? 0])),
      4,
    );
    const y = (v: number) => top + plotH - (v / yMax) * plotH;
    const x = (j: number) => x0 + (points.length === 1 ? w / 2 : (j / (points.length - 1)) * w);
    out.push(
      text(
        x0 + w / 2,
        top - 4,
        runs
          .flatMap((run) => run.results)
          .find((r) => r.route === name)
          ?.label.replace(/ \(cached\)$/, '')
          .replace('/api/me/', '…/')
          .replace(/\?.*$/, '') ?? name,
        'text-anchor="middle" font-weight="600" font-size="11"',
      ),
    );
    for (let v = 0; v <= yMax + 1e-9; v += step) {
      out.push(`<line x1="${x0}" y1="${y(v).toFixed(1)}" x2="${x0 + w}" y2="${y(v).toFixed(1)}" stroke="#e4e7eb"/>`);
      out.push(text(x0 - 6, y(v) + 4, String(+v.toFixed(2)), 'text-anchor="end" fill="#555" font-size="10"'));
    }
    const series: Array<[ServerName, 'p50' | 'p99', string, string]> = [
      ['ours-express', 'p50', EXPRESS, ''],
      ['ours-express', 'p99', EXPRESS, 'stroke-dasharray="5 4"'],
      ['ours-fastify', 'p50', FASTIFY, ''],
      ['ours-fastify', 'p99', FASTIFY, 'stroke-dasharray="5 4"'],
      ['floor', 'p50', FLOOR, ''],
      ['floor', 'p99', FLOOR, 'stroke-dasharray="5 4"'],
    ];
    for (const [server, q, color, dash] of series) {
      // Sizes run before Fastify was measured have no Fastify point.
      const known = points.map((p, j) => ({ j, v: p.r![server]?.[q] })).filter((p): p is { j: number; v: number } => p.v !== undefined);
      if (!known.length) continue;
      const d = known.map((p, k) => `${k ? 'L' : 'M'}${x(p.j).toFixed(1)},${y(p.v).toFixed(1)}`).join(' ');
      out.push(`<path d="${d}" fill="none" stroke="${color}" stroke-width="2.5" ${dash}/>`);
      known.forEach((p) => out.push(`<circle cx="${x(p.j).toFixed(1)}" cy="${y(p.v).toFixed(1)}" r="3" fill="${color}"/>`));
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
