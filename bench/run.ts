/**
 * npm run bench — side-by-side benchmarks of lingua-core's hot reads (docs/benchmarks.md).
 *
 *   npm run bench                          full data set, 15 rounds (about 3–5 minutes on 2 cores)
 *   npm run bench -- --quick               small data, 3 short rounds: a smoke check that everything runs
 *   npm run bench -- --rounds 25           more rounds (tighter medians)
 *   npm run bench -- --scenario vocab      only scenarios whose name starts with "vocab" (comma-separate several)
 *
 * BENCH_DATABASE_URL=postgres://…/postgres runs on that server (in a database of its own, dropped at
 * the end); otherwise an embedded PostgreSQL is started in a temp directory and removed at the end.
 */
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import * as os from 'node:os';
import * as path from 'node:path';
import type { INestApplicationContext } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { Pool } from 'pg';
import { DataSource } from 'typeorm';
import { LINGUA_MIGRATIONS } from '../migrations';
import { AppModule } from '../host/app.module';
import { AppEnv, validateEnv } from '../host/env';
import { observeQueries } from '../src/database/query-observer';
import { runPendingMigrations } from '../host/run-migrations';
import { FULL_SIZE, generationSteps, QUICK_SIZE } from './data';
import { generateData } from './lib/generate';
import { gitCommit } from './lib/git';
import { progressBar } from './lib/progress';
import { scratchDatabase, ScratchDatabase } from '../scripts/lib/scratch-postgres';
import { measure } from './lib/measure';
import { parseOptions } from './lib/options';
import { renderTable, ScenarioResult, writeReport } from './lib/report';
import { BenchContext, chooseFixtures, FloorDb, Scenario } from './scenarios/context';
import { SCENARIOS, selectScenarios } from './scenarios/index';

/** The embedded server's settings: durability off (the data is throwaway; reads are what is timed). */
const BENCH_SERVER_SETTINGS = { fsync: 'off', synchronous_commit: 'off', full_page_writes: 'off', shared_buffers: '256MB' };
const settingsText = Object.entries(BENCH_SERVER_SETTINGS)
  .map(([k, v]) => `${k}=${v}`)
  .join(', ');

const REPORT_DIR = path.join(__dirname, 'reports');
/**
 * Profile-search documents: one matching ~8% of the generated profiles (many pages), one matching
 * under 1% (where an index pays most).
 */
const PROFILE_GOALS = { common: { travel: true, level: 'B1' }, rare: { exam: 'DELE', level: 'C1', focus: ['speaking'] } };

const bar = progressBar;

const log = (line: string) => console.error(`[bench] ${line}`);

async function main(): Promise<void> {
  const options = parseOptions(process.argv.slice(2), process.env);
  const size = options.quick ? QUICK_SIZE : FULL_SIZE;
  const scenarios = selectScenarios(options.scenarios);
  const started = Date.now();
  const loadBefore = os.loadavg();

  let db: ScratchDatabase | undefined;
  let app: INestApplicationContext | undefined;
  let pool: Pool | undefined;
  let closing: Promise<void> | undefined;
  /** Idempotent: a signal and main's own `finally` share one clean-up. */
  const cleanup = () =>
    (closing ??= (async () => {
      await app?.close().catch((err: unknown) => log(`closing the app failed: ${String(err)}`));
      await pool?.end().catch(() => undefined);
      await db?.drop().catch((err: unknown) => log(`removing the benchmark database failed: ${String(err)}`));
    })());
  const onSignal = (signal: NodeJS.Signals) => {
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  try {
    db = await scratchDatabase('bench', process.env.BENCH_DATABASE_URL, {
      prefix: 'lingua-bench-pg-',
      settings: BENCH_SERVER_SETTINGS,
      log,
    });
    log(`database: ${db.description}`);
    const env = validateEnv({
      DATABASE_URL: db.url,
      LOG_LEVEL: 'silent',
      // The naive baselines are slow on purpose: keep them out of the slow-query log and under the cap.
      DB_SLOW_QUERY_MS: '600000',
      DB_STATEMENT_TIMEOUT_MS: '600000',
      JWT_SECRET: randomBytes(24).toString('hex'),
      CACHE_KEY_PREFIX: 'bench',
    });

    const migrationsBar = bar('migrations', LINGUA_MIGRATIONS.length);
    await runPendingMigrations(env, (line) => migrationsBar.increment({ step: line.replace('migration applied: ', '') }));
    migrationsBar.stop();

    const { rows, pgVersion } = await generateData(db.url, generationSteps(size), log);
    log(
      `rows: ${Object.entries(rows)
        .map(([t, n]) => `${t} ${n}`)
        .join(', ')}`,
    );

    pool = new Pool({ connectionString: db.url, max: 4 });
    // Idle clients see the server's shutdown at the end of the run: only errors before that matter.
    pool.on('error', (err) => closing ?? log(`floor pool: ${err.message}`));
    const floor = new FloorDb(pool);
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] })
      .overrideProvider(AppEnv)
      .useValue(env)
      .compile();
    app = await moduleRef.init();
    const dataSource = app.get(DataSource);
    const ctx: BenchContext = { app, dataSource, floor, fixtures: await chooseFixtures(floor, PROFILE_GOALS) };

    const results: ScenarioResult[] = [];
    for (const entry of scenarios) {
      const scenario = entry.build(ctx);
      await checkSameItems(scenario);
      const statements = await countStatements(scenario, dataSource, floor);
      const measureBar = bar(scenario.name, options.rounds);
      const measured = await measure(
        scenario.impls.map((impl) => ({ name: impl.name, run: impl.run, statements: statements.get(impl.name) })),
        { rounds: options.rounds, roundMs: options.roundMs, warmup: options.warmup, onRound: () => measureBar.increment() },
      );
      measureBar.stop();
      results.push({ scenario: scenario.name, description: scenario.description, results: measured });
    }

    const table = renderTable(results);
    console.log(`\n${table}\n`);
    const meta = {
      mode: options.quick ? 'quick (small data, short rounds: a smoke check, not figures to quote)' : 'full',
      date: new Date().toISOString(),
      commit: gitCommit(),
      machine: `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB; load average at start ${loadBefore.map((l) => l.toFixed(2)).join(' / ')}`,
      runtime: `Node ${process.version}, PostgreSQL ${pgVersion}`,
      database: process.env.BENCH_DATABASE_URL ? db.description : `${db.description}; ${settingsText}`,
      rows,
      fixtures: ctx.fixtures,
      method: `${options.rounds} rounds; per round each implementation runs ops calibrated to ~${options.roundMs} ms, interleaved, order alternating; ${options.warmup} warm-up ops each`,
      duration: `${((Date.now() - started) / 1000).toFixed(0)} s`,
    };
    // latest.md is what the docs quote: only a full run of every scenario replaces it.
    const complete = !options.quick && scenarios.length === SCENARIOS.length;
    const file = writeReport(REPORT_DIR, meta, results, { latest: complete });
    log(
      `report: ${path.relative(process.cwd(), file)}${complete ? ' and bench/reports/latest.md' : ' (a quick or partial run: bench/reports/latest.md left as it was)'}`,
    );
  } finally {
    await cleanup();
  }
}

/** Every implementation must return the same items in the same order; anything else stops the run. */
async function checkSameItems(scenario: Scenario): Promise<void> {
  let reference: { name: string; identity: string } | undefined;
  for (const impl of scenario.impls) {
    await impl.prime?.();
    const identity = JSON.stringify(scenario.identity(await impl.run()));
    if (identity === '[]' || identity.includes('"ids":[]'))
      throw new Error(`${scenario.name}: ${impl.name} returned no items; the data set is too small for this scenario`);
    if (!reference) reference = { name: impl.name, identity };
    else if (identity !== reference.identity) {
      throw new Error(
        `${scenario.name}: ${impl.name} returned different items than ${reference.name}:\n  ${reference.name}: ${reference.identity.slice(0, 600)}\n  ${impl.name}: ${identity.slice(0, 600)}`,
      );
    }
  }
}

/** Statements one operation of each implementation sends (TypeORM's observed, plus the floor's pool). */
async function countStatements(scenario: Scenario, dataSource: DataSource, floor: FloorDb): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  for (const impl of scenario.impls) {
    await impl.prime?.();
    let n = 0;
    const stop = observeQueries(dataSource, () => n++);
    floor.statements = 0;
    try {
      await impl.run();
    } finally {
      stop();
    }
    counts.set(impl.name, n + floor.statements);
  }
  return counts;
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
