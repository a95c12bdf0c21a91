/**
 * npm run migration:check — proves entities, migrations and the reviewed schema agree:
 *  1. migrate a fresh scratch database with the whole chain;
 *  2. `typeorm migration:generate --check` against it (non-zero on entity/migration drift);
 *  3. compare the schema snapshot (scripts/lib/schema-snapshot.ts: columns, constraints with their
 *     definitions, every index incl. GIN/partial/expression, triggers, functions — what TypeORM's
 *     diff cannot see) with the reviewed copy in docs/schema.snapshot.sql.
 * `npm run migration:check -- --update` rewrites the snapshot after an intended change (review the diff).
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { schemaSnapshot } from './lib/schema-snapshot';
import { scratchDatabase } from './lib/scratch-postgres';

const ROOT = path.resolve(__dirname, '..');
const SNAPSHOT = path.join(ROOT, 'docs', 'schema.snapshot.sql');

async function main(): Promise<number> {
  const log = (line: string) => console.log(`[migration:check] ${line}`);
  const update = process.argv.includes('--update');
  const db = await scratchDatabase('check', process.env.DATABASE_URL, { prefix: 'lingua-scratch-pg-', settings: { fsync: 'off' }, log });
  try {
    const ds = new DataSource(buildDataSourceOptions({ url: db.url }, { role: 'migrations', logging: false }));
    await ds.initialize();
    const applied = await ds.runMigrations({ transaction: 'each' });
    log(`applied ${applied.length} migrations`);
    const snapshot = await schemaSnapshot(ds);
    await ds.destroy();

    const generate = spawnSync(
      path.join(ROOT, 'node_modules', '.bin', 'typeorm-ts-node-commonjs'),
      ['-d', 'ormconfig.ts', 'migration:generate', '--check', 'migrations/Drift'],
      { cwd: ROOT, env: { ...process.env, DATABASE_URL: db.url, TS_NODE_TRANSPILE_ONLY: 'true' }, encoding: 'utf8' },
    );
    process.stdout.write(generate.stdout);
    process.stderr.write(generate.stderr);
    let failed = generate.status !== 0;
    log(failed ? 'FAIL: entities and migrations drift (migration:generate --check, above)' : 'entities match the migrations');

    if (update) {
      fs.writeFileSync(SNAPSHOT, snapshot);
      log(`wrote ${path.relative(ROOT, SNAPSHOT)} (${snapshot.split('\n').length - 1} lines): review and commit it`);
    } else {
      const reviewed = fs.existsSync(SNAPSHOT) ? fs.readFileSync(SNAPSHOT, 'utf8') : '';
      if (reviewed === snapshot) log('schema matches docs/schema.snapshot.sql');
      else {
        failed = true;
        log('FAIL: the migrated schema differs from docs/schema.snapshot.sql:');
        printDiff(reviewed, snapshot);
        log('if the change is intended: npm run migration:check -- --update, review and commit the snapshot');
      }
    }
    return failed ? 1 : 0;
  } finally {
    await db.drop();
  }
}

function printDiff(expected: string, actual: string): void {
  const want = new Set(expected.split('\n'));
  const got = new Set(actual.split('\n'));
  for (const line of want) if (line && !got.has(line)) console.log(`  - ${line}`);
  for (const line of got) if (line && !want.has(line)) console.log(`  + ${line}`);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
