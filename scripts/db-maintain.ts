/**
 * npm run db:maintain — VACUUM (ANALYZE) on the hot tables (src/database/db-health.ts HOT_TABLES),
 * one at a time with progress. VACUUM takes no lock that blocks reads or writes; it also flushes GIN
 * pending lists, without which the planner may price a GIN index above a scan.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { databaseOptionsFromEnv, validateEnv } from '../host/env';
import { buildDataSourceOptions } from '../src/data-source-options';
import { HOT_TABLES } from '../src/database/db-health';

async function main(): Promise<void> {
  const env = validateEnv(process.env);
  if (!env.DATABASE_URL && !env.PGHOST) throw new Error('Set DATABASE_URL (npm start prints the embedded one).');
  const ds = await new DataSource(buildDataSourceOptions(databaseOptionsFromEnv(env), { role: 'migrations', logging: false })).initialize();
  try {
    const present: Array<{ relname: string }> = await ds.query(`SELECT relname FROM pg_class WHERE relkind = 'r' AND relname = ANY($1)`, [
      HOT_TABLES,
    ]);
    const tables = HOT_TABLES.filter((t) => present.some((p) => p.relname === t));
    for (const [i, t] of tables.entries()) {
      const started = Date.now();
      process.stdout.write(`[${i + 1}/${tables.length}] VACUUM (ANALYZE) ${t} … `);
      await ds.query(`VACUUM (ANALYZE) ${t}`);
      console.log(`${Date.now() - started} ms`);
    }
  } finally {
    await ds.destroy();
  }
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
