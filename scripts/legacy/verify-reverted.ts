import { takeInventory, Inventory, TableInventory } from './inventory';

/**
 * Proves, after a full revert to the baseline, that the database equals the inventory exactly: the
 * same rows with the same values (NULL documents included) per table, the same columns in the same
 * order, and the same tables, indexes, constraints and triggers — nothing the legacy database did
 * not have, nothing missing.
 */
export interface RevertedTableReport {
  table: string;
  rows: number;
  legacyRows: number;
  ids: 'same' | 'DIFFERENT';
  values: 'same' | 'DIFFERENT';
  columns: 'same' | 'DIFFERENT';
}

export interface RevertResult {
  ok: boolean;
  tables: RevertedTableReport[];
  problems: string[];
}

export async function verifyReverted(url: string, legacy: Inventory, log = (_line: string): void => undefined): Promise<RevertResult> {
  const now = await takeInventory(url, { defects: false, log });
  const problems: string[] = [];
  const tables: RevertedTableReport[] = [];
  for (const [table, was] of Object.entries(legacy.tables)) {
    const is = now.tables[table];
    tables.push(compareTable(table, was, is, legacy.bucketSize, problems));
  }
  for (const key of ['publicTables', 'indexes', 'constraints', 'triggers'] as const) {
    const extra = now[key].filter((x) => !legacy[key].includes(x));
    const missing = legacy[key].filter((x) => !now[key].includes(x));
    for (const x of extra) problems.push(`${key}: not in the legacy database: ${x}`);
    for (const x of missing) problems.push(`${key}: missing since the legacy database: ${x}`);
  }
  return { ok: problems.length === 0, tables, problems };
}

function compareTable(table: string, was: TableInventory, is: TableInventory, size: number, problems: string[]): RevertedTableReport {
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const report: RevertedTableReport = {
    table,
    rows: is.rows,
    legacyRows: was.rows,
    ids: is.idsChecksum === was.idsChecksum ? 'same' : 'DIFFERENT',
    values: is.rowsChecksum === was.rowsChecksum ? 'same' : 'DIFFERENT',
    columns: same(is.columns, was.columns) ? 'same' : 'DIFFERENT',
  };
  if (report.ids !== 'same') problems.push(`${table}: ids differ (${is.rows} rows, legacy ${was.rows})`);
  if (report.columns !== 'same') {
    problems.push(`${table}: columns differ:\n      now    ${is.columns.join(', ')}\n      legacy ${was.columns.join(', ')}`);
  }
  if (report.values !== 'same') {
    const buckets = [...new Set([...Object.keys(was.buckets), ...Object.keys(is.buckets)])].filter((b) => was.buckets[b] !== is.buckets[b]);
    const shown = buckets
      .slice(0, 5)
      .map((b) => `${Number(b) * size}–${Number(b) * size + size - 1}`)
      .join(', ');
    const columns = Object.keys(was.columnChecksums).filter((c) => was.columnChecksums[c] !== is.columnChecksums[c]);
    problems.push(
      `${table}: row values differ in ${buckets.length} id range(s): ${shown}${buckets.length > 5 ? ', …' : ''}; ` +
        `columns whose values differ: ${columns.join(', ') || '(none: the column order differs)'}`,
    );
  }
  return report;
}
