/**
 * npm run legacy:scale-report -- --runs A.json,B.json[,C.json] [--out PREFIX]
 * Reads `legacy:chain --json` runs of the same chain at different scales and writes PREFIX.md (time per
 * migration at each scale, rows/s, peak RSS, peak extra disk, load; the ratio of the largest scale to
 * the next, checked against issue 20's bounds) and PREFIX.svg (time against size, log–log).
 */
import * as fs from 'node:fs';
import type { ChainRun } from '../chain';
import { printTable } from '../print-table';
import { cliOptions, mb, run } from './args';
import { scaleChart } from '../scale-chart';
import { legacySizes } from '../sizes';

const USAGE = `npm run legacy:scale-report -- --runs s1.json,s10.json [--out bench/reports/adoption-scale]`;
/** Issue 20: the whole chain at ten times the size within 10.5× its time, each migration within 12×. */
export const WHOLE_BOUND = 10.5;
export const EACH_BOUND = 12;
/** Legacy rows at `scale` (every table; scripts/legacy/sizes.ts), for rows/s. */
function legacyRows(scale: number): number {
  const { messagesPerConversation, versionsPerLesson, ...tables } = legacySizes(scale);
  const sum = Object.values(tables).reduce((n, v) => n + v, 0);
  return sum + tables.conversations * messagesPerConversation + tables.lessons * versionsPerLesson;
}

type Run = ChainRun & { scale: number; database: string; at: string };

run(async () => {
  const opts = cliOptions(USAGE, { runs: { type: 'string' }, out: { type: 'string', default: 'bench/reports/adoption-scale' } });
  const runs: Run[] = opts
    .runs!.split(',')
    .map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as Run)
    .sort((a, b) => a.scale - b.scale);
  const names = runs[runs.length - 1].migrations.map((m) => m.name);
  const [prev, last] = runs.slice(-2);
  const factor = last.scale / prev.scale;
  const seconds = (r: Run, name: string) => r.migrations.find((m) => m.name === name)?.seconds;
  const problems: string[] = [];
  const rows = names.map((name) => {
    const row: Record<string, string> = { migration: name };
    for (const r of runs) row[`scale ${r.scale} (s)`] = seconds(r, name)?.toFixed(1) ?? '—';
    const a = seconds(prev, name);
    const b = seconds(last, name);
    const ratio = a && b ? b / a : undefined;
    // The timer resolves about 0.1 s: a migration under a second at the smaller scale is held to its bound plus that.
    const within = a === undefined || b === undefined || b <= EACH_BOUND * (factor / 10) * a + 0.2;
    if (!within) problems.push(`${name}: ${ratio!.toFixed(1)}× at ${factor}× the size (bound ${EACH_BOUND}×)`);
    row[`× (${last.scale}/${prev.scale})`] = ratio === undefined ? '—' : `${ratio.toFixed(1)}${within ? '' : ' OVER'}`;
    return row;
  });
  const wholeRatio = last.seconds / prev.seconds;
  if (wholeRatio > WHOLE_BOUND * (factor / 10)) problems.push(`whole chain: ${wholeRatio.toFixed(2)}× (bound ${WHOLE_BOUND}×)`);
  rows.push({
    migration: '**whole migration:run**',
    ...Object.fromEntries(runs.map((r) => [`scale ${r.scale} (s)`, r.seconds.toFixed(1)])),
    [`× (${last.scale}/${prev.scale})`]: wholeRatio.toFixed(2),
  });
  let md = `# Adopting the legacy database at scales ${runs.map((r) => r.scale).join(', ')}\n\n`;
  md += printTable('Time per migration (seconds; each from TypeORM\'s own "executed successfully" line)', rows);
  md += printTable(
    'Resources per run',
    runs.map((r) => ({
      scale: r.scale,
      database: r.database,
      started: r.at,
      'legacy rows': legacyRows(r.scale).toLocaleString('en-US'),
      'rows/s (whole chain)': Math.round(legacyRows(r.scale) / r.seconds).toLocaleString('en-US'),
      's per million rows': (r.seconds / (legacyRows(r.scale) / 1e6)).toFixed(1),
      'peak RSS': mb(r.resources.peakRssBytes),
      'peak extra disk': mb(r.resources.peakExtraDiskBytes),
      'database grew': mb(r.resources.endExtraDatabaseBytes),
      'load (median / max)': `${r.resources.loadMedian.toFixed(2)} / ${r.resources.loadMax.toFixed(2)}`,
    })),
  );
  const rss = last.resources.peakRssBytes / prev.resources.peakRssBytes;
  if (rss > 1.5) problems.push(`peak RSS ${rss.toFixed(2)}× (bound 1.5×)`);
  md += `\nPeak RSS at scale ${last.scale}: ${rss.toFixed(2)}× its peak at scale ${prev.scale} (bound 1.5×).\n`;
  md += problems.length ? `\n**Over a bound:**\n${problems.map((p) => `- ${p}`).join('\n')}\n` : `\nEvery bound met.\n`;
  fs.writeFileSync(`${opts.out}.md`, md);
  fs.writeFileSync(`${opts.out}.svg`, scaleChart(runs, names));
  console.log(md);
  console.log(`wrote ${opts.out}.md and ${opts.out}.svg`);
  return problems.length ? 1 : 0;
});
