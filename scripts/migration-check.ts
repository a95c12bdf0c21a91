/**
 * npm run migration:check — proves entities, migrations and the reviewed schema agree:
 *  1. migrate a fresh scratch database with the whole chain;
 *  2. `typeorm migration:generate --check` against it (non-zero on entity/migration drift);
 *  3. compare the schema snapshot (scripts/lib/schema-snapshot.ts: columns, constraints with their
 *     definitions, every index incl. GIN/partial/expression, triggers, functions — what TypeORM's
 *     diff cannot see) with the reviewed copy in docs/schema.snapshot.sql.
 *  4. the chain is self-contained (nothing under migrations/ imports from outside it) and frozen: every file of it (migrations/*.ts but index.ts, rules/, lib/v1/) still has
 *     the hash recorded in migrations/FROZEN.sha256 (`sha256sum -c` reads it too).
 * `npm run migration:check -- --update` rewrites the snapshot after an intended change (review the diff);
 * `-- --refreeze` rewrites FROZEN.sha256 (after a new migration, or a change to comments or types only).
 */
import 'reflect-metadata';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { DataSource } from 'typeorm';
import { buildDataSourceOptions } from '../src/data-source-options';
import { schemaSnapshot } from './lib/schema-snapshot';
import { scratchDatabase } from './lib/scratch-postgres';

const ROOT = path.resolve(__dirname, '..');
const SNAPSHOT = path.join(ROOT, 'docs', 'schema.snapshot.sql');
const FROZEN = path.join(ROOT, 'migrations', 'FROZEN.sha256');

/** `<sha256>  <path>` for every file of the applied chain, sorted: what an edit must not change unseen. */
function chainHashes(): string {
  const files = [
    ...fs
      .readdirSync(path.join(ROOT, 'migrations'))
      .filter((f) => /^\d+-.+\.ts$/.test(f))
      .map((f) => `migrations/${f}`),
    ...['migrations/rules', 'migrations/lib/v1'].flatMap((dir) =>
      fs
        .readdirSync(path.join(ROOT, dir))
        .filter((f) => f.endsWith('.ts'))
        .map((f) => `${dir}/${f}`),
    ),
  ].sort();
  return files
    .map(
      (f) =>
        `${createHash('sha256')
          .update(fs.readFileSync(path.join(ROOT, f)))
          .digest('hex')}  ${f}\n`,
    )
    .join('');
}

/** Step 4 too: the chain imports nothing outside migrations/ but packages (no library runtime code from src/). */
function checkSelfContained(log: (line: string) => void): number {
  const outside: string[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(file);
      else if (entry.name.endsWith('.ts')) {
        for (const [, spec] of fs.readFileSync(file, 'utf8').matchAll(/(?:from|import|require\()\s*'(\.[^']*)'/g)) {
          const target = path.resolve(path.dirname(file), spec);
          if (!target.startsWith(path.join(ROOT, 'migrations') + path.sep)) outside.push(`${path.relative(ROOT, file)} → ${spec}`);
        }
      }
    }
  };
  walk(path.join(ROOT, 'migrations'));
  if (outside.length === 0) {
    log('the chain is self-contained: nothing under migrations/ imports from outside it');
    return 0;
  }
  log(`FAIL: migrations/ imports code from outside it:\n  ${outside.join('\n  ')}`);
  return 1;
}

/** Step 4: 0 when every file of the chain has its recorded hash. */
function checkFrozen(log: (line: string) => void): number {
  const hashes = chainHashes();
  if (process.argv.includes('--refreeze')) {
    fs.writeFileSync(FROZEN, hashes);
    log(`wrote ${path.relative(ROOT, FROZEN)}: review that no applied migration's SQL changed, and commit it`);
    return 0;
  }
  const recorded = fs.existsSync(FROZEN) ? fs.readFileSync(FROZEN, 'utf8') : '';
  if (recorded === hashes) {
    log('the chain is frozen: every file matches migrations/FROZEN.sha256');
    return 0;
  }
  log('FAIL: files of the applied chain changed (migrations/FROZEN.sha256; migrations/lib/README.md says what may change):');
  printDiff(recorded, hashes);
  log('a new migration, or comments/types only: npm run migration:check -- --refreeze, review and commit');
  return 1;
}

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
    if (checkSelfContained(log) !== 0) failed = true;
    if (checkFrozen(log) !== 0) failed = true;
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
