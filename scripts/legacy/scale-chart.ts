import type { ChainRun } from './chain';

/**
 * Time against size, log–log (plain SVG in the style of bench/http/charts.ts): one line per migration
 * that takes a second or more somewhere, and the whole chain; a dashed line of slope 1 (linear) from
 * the whole chain's smallest point. A step quadratic in size would climb at twice that slope.
 */
const FONT = 'font-family="system-ui, -apple-system, Segoe UI, sans-serif"';
const COLORS = ['#2f6fba', '#c0504d', '#9bbb59', '#8064a2', '#4bacc6', '#f79646', '#7f7f7f', '#1f497d', '#e0a100'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;');

export function scaleChart(runs: Array<ChainRun & { scale: number }>, names: string[]): string {
  const W = 900;
  const H = 520;
  const left = 70;
  const top = 50;
  const plotW = 560;
  const plotH = 400;
  const scales = runs.map((r) => r.scale);
  const series = [
    { name: 'whole migration:run', points: runs.map((r) => [r.scale, r.seconds] as const) },
    ...names.map((name) => ({
      name: name.replace(/\d{13}$/, ''),
      points: runs.map((r) => [r.scale, r.migrations.find((m) => m.name === name)?.seconds ?? 0] as const),
    })),
  ].filter((s) => s.points.some(([, t]) => t >= 1));
  const all = series.flatMap((s) => s.points.map(([, t]) => t)).filter((t) => t > 0);
  const [x0, x1] = [Math.log10(Math.min(...scales)), Math.log10(Math.max(...scales))];
  const [y0, y1] = [Math.floor(Math.log10(Math.max(0.1, Math.min(...all)))), Math.ceil(Math.log10(Math.max(...all)))];
  const x = (s: number) => left + ((Math.log10(s) - x0) / Math.max(x1 - x0, 1e-9)) * plotW;
  const y = (t: number) => top + plotH - ((Math.log10(Math.max(t, 10 ** y0)) - y0) / Math.max(y1 - y0, 1e-9)) * plotH;
  const out = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" ${FONT} font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="20" y="26" font-size="15" font-weight="600">Legacy adoption: seconds per migration against scale (log–log)</text>`,
  ];
  for (let e = y0; e <= y1; e++) {
    out.push(`<line x1="${left}" y1="${y(10 ** e)}" x2="${left + plotW}" y2="${y(10 ** e)}" stroke="#e4e7eb"/>`);
    out.push(
      `<text x="${left - 8}" y="${y(10 ** e) + 4}" text-anchor="end" fill="#555">${10 ** e >= 1 ? 10 ** e : (10 ** e).toFixed(1)} s</text>`,
    );
  }
  for (const s of scales) {
    out.push(`<line x1="${x(s)}" y1="${top}" x2="${x(s)}" y2="${top + plotH}" stroke="#e4e7eb"/>`);
    out.push(`<text x="${x(s)}" y="${top + plotH + 18}" text-anchor="middle" fill="#333">scale ${s}</text>`);
  }
  const [ws, wt] = series[0].points[0];
  const last = scales[scales.length - 1];
  out.push(
    `<line x1="${x(ws)}" y1="${y(wt)}" x2="${x(last)}" y2="${y((wt * last) / ws)}" stroke="#e0a100" stroke-width="2" stroke-dasharray="6 4"/>`,
  );
  series.forEach((s, i) => {
    const color = i === 0 ? '#000' : COLORS[(i - 1) % COLORS.length];
    const pts = s.points.filter(([, t]) => t > 0);
    out.push(
      `<polyline fill="none" stroke="${color}" stroke-width="${i === 0 ? 3 : 1.5}" points="${pts.map(([a, t]) => `${x(a).toFixed(1)},${y(t).toFixed(1)}`).join(' ')}"/>`,
    );
    for (const [a, t] of pts) out.push(`<circle cx="${x(a).toFixed(1)}" cy="${y(t).toFixed(1)}" r="3" fill="${color}"/>`);
    const ly = top + 10 + i * 18;
    out.push(
      `<line x1="${left + plotW + 20}" y1="${ly}" x2="${left + plotW + 44}" y2="${ly}" stroke="${color}" stroke-width="${i === 0 ? 3 : 2}"/>`,
    );
    out.push(`<text x="${left + plotW + 50}" y="${ly + 4}">${esc(s.name)}</text>`);
  });
  const ly = top + 10 + series.length * 18;
  out.push(
    `<line x1="${left + plotW + 20}" y1="${ly}" x2="${left + plotW + 44}" y2="${ly}" stroke="#e0a100" stroke-width="2" stroke-dasharray="6 4"/>`,
  );
  out.push(`<text x="${left + plotW + 50}" y="${ly + 4}">linear (slope 1)</text>`);
  out.push(`<line x1="${left}" y1="${top + plotH}" x2="${left + plotW}" y2="${top + plotH}" stroke="#333"/>`);
  out.push('</svg>');
  return out.join('\n');
}
