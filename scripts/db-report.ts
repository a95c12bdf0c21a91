/**
 * npm run db:report — index usage (pg_stat_user_indexes), unused and redundant indexes, and table
 * bloat hints for the database at DATABASE_URL (or PG* variables).
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { databaseOptionsFromEnv, validateEnv } from '../host/env';
import { buildDataSourceOptions } from '../src/data-source-options';
import { indexUsage, redundantIndexes, tableHealth, unusedIndexes } from '../src/database/db-health';

function table(title: string, rows: Array<Record<string, unknown>>): void {
  console.log(`\n${title}`);
  if (!rows.length) return console.log('  (none)');
  const cols = Object.keys(rows[0]);
  const widths = cols.map((c) => Math.max(c.length, ...rows.map((r) => String(r[c] ?? '').length)));
  const line = (values: string[]) => '  ' + values.map((v, i) => v.padEnd(widths[i])).join('  ');
  console.log(line(cols));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const r of rows) console.log(line(cols.map((c) => String(r[c] ?? ''))));
}

async function main(): Promise<void> {
  const env = validateEnv(process.env);
  if (!env.DATABASE_URL && !env.PGHOST) throw new Error('Set DATABASE_URL (npm start prints the embedded one).');
  const ds = await new DataSource(buildDataSourceOptions(databaseOptionsFromEnv(env), { logging: false })).initialize();
  try {
    table('Index usage (scans since the last statistics reset)', (await indexUsage(ds)) as never);
    table('Unused non-unique indexes (0 scans): candidates to drop after a representative period', (await unusedIndexes(ds)) as never);
    table('Redundant indexes (a leading prefix of another index)', (await redundantIndexes(ds)) as never);
    const health = await tableHealth(ds);
    table(
      'Tables: dead-row ratio above 20% suggests bloat (run npm run db:maintain, check autovacuum)',
      health.map((h) => ({ ...h, deadRatio: `${(h.deadRatio * 100).toFixed(1)}%`, hint: h.deadRatio > 0.2 ? 'VACUUM' : '' })),
    );
  } finally {
    await ds.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
