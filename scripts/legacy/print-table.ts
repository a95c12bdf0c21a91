/** Prints rows as an aligned text table; returns the same as markdown for report files. */
export function formatTable(rows: Array<Record<string, unknown>>): { text: string; markdown: string } {
  if (!rows.length) return { text: '  (none)', markdown: '(none)' };
  const cols = Object.keys(rows[0]);
  const cell = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => cell(r[c]).length)));
  const line = (values: string[]) => '  ' + values.map((v, i) => v.padEnd(widths[i])).join('  ');
  const text = [line(cols), line(widths.map((w) => '-'.repeat(w))), ...rows.map((r) => line(cols.map((c) => cell(r[c]))))].join('\n');
  const md = (values: string[]) => `| ${values.join(' | ')} |`;
  const markdown = [md(cols), md(cols.map(() => '---')), ...rows.map((r) => md(cols.map((c) => cell(r[c]))))].join('\n');
  return { text, markdown };
}

export function printTable(title: string, rows: Array<Record<string, unknown>>): string {
  const { text, markdown } = formatTable(rows);
  console.log(`\n${title}\n${text}`);
  return `### ${title}\n\n${markdown}\n`;
}
