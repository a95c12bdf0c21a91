/**
 * npm run migration:lint — runs the whole migration chain on a scratch database, captures the SQL
 * each migration really sent (per migration, in order), writes it to .data/migration-sql/, and lints
 * it with squawk, transactions included as they really ran (TypeORM's START TRANSACTION … COMMIT
 * around transactional migrations, a `transaction = false` migration's own short ones). Accepted exceptions
 * are `-- squawk-ignore <rule>` comments inside the migration SQL itself, each with its reason.
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/data-source-options';
import { observeQueries } from '../src/database/query-observer';
import { scratchDatabase } from './lib/scratch-postgres';

const OUT = path.resolve(__dirname, '..', '.data', 'migration-sql');
// TypeORM's own statements (its migrations table, version probes); transaction statements are kept
// so squawk sees the transactions exactly as they ran.
const BOOKKEEPING = /"migrations"|^SELECT version\(\)|current_schema\(\)|^SHOW /i;

async function main(): Promise<void> {
  const log = (line: string) => console.log(`[migration:lint] ${line}`);
  const db = await scratchDatabase('lint', process.env.DATABASE_URL, { prefix: 'lingua-scratch-pg-', settings: { fsync: 'off' }, log });
  let exitCode = 0;
  try {
    const ds = new DataSource(buildDataSourceOptions({ url: db.url }, { role: 'migrations', logging: false }));
    await ds.initialize();
    fs.rmSync(OUT, { recursive: true, force: true });
    fs.mkdirSync(OUT, { recursive: true });
    const files: Array<{ file: string }> = [];
    const all = ds.migrations;
    const view = ds as unknown as { migrations: typeof all };
    for (let i = 0; i < all.length; i++) {
      const migration = all[i];
      const statements: string[] = [];
      const stop = observeQueries(ds, ({ sql }) => {
        if (!BOOKKEEPING.test(sql.trim())) statements.push(sql.trim().replace(/;\s*$/, ''));
      });
      view.migrations = all.slice(0, i + 1);
      await ds.runMigrations({ transaction: 'each' });
      stop();
      const transactional = (migration as { transaction?: boolean }).transaction !== false;
      const file = path.join(OUT, `${String(i).padStart(2, '0')}-${migration.name}.sql`);
      fs.writeFileSync(
        file,
        `-- ${migration.name} (${transactional ? 'one transaction' : 'no transaction'})\n${statements.map((s) => `${s};\n`).join('\n')}`,
      );
      files.push({ file });
    }
    view.migrations = all;
    await ds.destroy();
    log(`captured ${files.length} migrations' SQL in ${path.relative(process.cwd(), OUT)}`);
    const squawk = path.resolve(__dirname, '..', 'node_modules', '.bin', 'squawk');
    const result = spawnSync(squawk, ['--pg-version=15.0', ...(process.env.CI ? ['--reporter=gcc'] : []), ...files.map((f) => f.file)], {
      stdio: 'inherit',
    });
    if (result.status !== 0) exitCode = 1;
    log(exitCode === 0 ? 'squawk: no findings' : 'squawk reported findings (above)');
  } finally {
    await db.drop();
  }
  process.exit(exitCode);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
