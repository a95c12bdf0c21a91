import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Measured } from './measure';

export const FLOOR = 'floor (raw SQL)';

export interface ScenarioResult {
  scenario: string;
  description: string;
  results: Measured[];
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n >= 10 ? n.toFixed(1) : n >= 0.1 ? n.toFixed(2) : n.toFixed(3));

/** Markdown table; ratios are against the raw-SQL floor of the same scenario, measured in the same run. */
export function renderTable(results: ScenarioResult[]): string {
  const lines = ['| scenario | implementation | median ms/op | p90 ms/op | statements/op | × floor |', '|---|---|---:|---:|---:|---:|'];
  for (const s of results) {
    const floor = s.results.find((r) => r.name === FLOOR)?.medianMs;
    for (const r of s.results) {
      const ratio = floor ? `${(r.medianMs / floor).toFixed(2)}×` : '';
      lines.push(`| ${s.scenario} | ${r.name} | ${fmt(r.medianMs)} | ${fmt(r.p90Ms)} | ${r.statements ?? ''} | ${ratio} |`);
    }
  }
  return lines.join('\n');
}

/**
 * Writes `bench-<stamp>.md` and `.json` (build artefacts, git-ignored) and, for a complete run
 * (`latest`), `latest.md`, which is committed. Returns the timestamped markdown file.
 */
export function writeReport(
  dir: string,
  meta: Record<string, unknown>,
  results: ScenarioResult[],
  { latest }: { latest: boolean },
): string {
  fs.mkdirSync(dir, { recursive: true });
  const now = new Date();
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  const md = [
    `# lingua-core benchmark — ${now.toISOString()}`,
    '',
    ...Object.entries(meta).map(([k, v]) => `- ${k}: ${typeof v === 'string' ? v : JSON.stringify(v)}`),
    '',
    'Median and p90 are taken over rounds; each round times every implementation of a scenario back to',
    'back (order alternating), so the ratios compare runs that shared the same machine conditions.',
    '',
    renderTable(results),
    '',
    ...results.map((s) => `- **${s.scenario}**: ${s.description}`),
    '',
  ].join('\n');
  const file = path.join(dir, `bench-${stamp}.md`);
  fs.writeFileSync(file, md);
  if (latest) fs.writeFileSync(path.join(dir, 'latest.md'), md);
  fs.writeFileSync(path.join(dir, `bench-${stamp}.json`), JSON.stringify({ meta, results }, null, 2));
  return file;
}
