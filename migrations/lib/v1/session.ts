import type { QueryRunner } from 'typeorm';
import { noteStatement, startReporting, watchStatement } from '../progress';

/**
 * The session every migration of the chain runs in, and the one way its statements are sent (`run`).
 * Frozen with the migrations that call it (migrations/lib/README.md): a later migration that needs
 * different rules gets a v2, it never edits this file.
 */

/** How long a migration statement may wait for a lock before it gives up (and is retried). */
export const LOCK_TIMEOUT_MS = 1_500;
const LOCK_ATTEMPTS = 3;

/**
 * Every migration starts here. lock_timeout: a statement waits at most this long for a lock, then
 * fails instead of queueing traffic behind it — a legacy statement waiting behind one of ours waits
 * no longer than this. Outside a transaction `run` retries such a statement (LOCK_ATTEMPTS, with a
 * pause that lets the queue drain); then the migration fails and can be re-run (every step is
 * re-runnable). Statements whose lock blocks no reads or writes (CREATE INDEX CONCURRENTLY,
 * VALIDATE CONSTRAINT) wait without a limit (waitingForLocks). statement_timeout 0: an index build
 * or validation on a large table may legitimately take long. TimeZone UTC: legacy `timestamp`
 * columns hold UTC, so converting them, and filling them with now(), must read and write UTC
 * whatever DataSource runs the migration.
 */
export async function prepareMigrationSession(qr: QueryRunner, { lockMs = LOCK_TIMEOUT_MS, guardedSteps = false } = {}): Promise<void> {
  const lint = guardedSteps ? GUARDED_STEPS_LINT_EXCEPTION : '';
  await run(qr, `${lint}SET lock_timeout = '${lockMs}ms'`);
  await run(qr, `SET statement_timeout = 0`);
  await run(qr, `SET TimeZone = 'UTC'`);
  // Progress lines and rows (../progress.ts, not frozen: it changes nothing a migration's result depends on).
  await startReporting(qr, (sql) => run(qr, sql));
}

/**
 * Sends one statement of a migration. Outside a transaction, a statement that failed on
 * lock_timeout (55P03: it changed nothing) is sent again, up to LOCK_ATTEMPTS times with a growing
 * pause; inside one the failure ends the transaction, so it is thrown at once.
 */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a raw statement's rows, typed as QueryRunner.query types them
export async function run(qr: QueryRunner, sql: string, parameters?: unknown[]): Promise<any> {
  noteStatement(qr, sql);
  for (let attempt = 1; ; attempt++) {
    const stopWatching = watchStatement(qr, sql);
    try {
      return await qr.query(sql, parameters);
    } catch (err) {
      if (!isLockTimeout(err) || qr.isTransactionActive || attempt >= LOCK_ATTEMPTS) throw err;
      await new Promise((resolve) => setTimeout(resolve, 250 * 2 ** attempt));
    } finally {
      stopWatching();
    }
  }
}

function isLockTimeout(err: unknown): boolean {
  const e = err as { code?: string; driverError?: { code?: string } };
  return (e.driverError?.code ?? e.code) === '55P03';
}

/**
 * Runs `work` with no lock_timeout: for statements whose lock lets reads and writes go on (SHARE
 * UPDATE EXCLUSIVE: CREATE INDEX CONCURRENTLY, VALIDATE CONSTRAINT), so waiting for a long legacy
 * transaction delays only the migration, and giving up would only leave work to redo.
 */
export async function waitingForLocks<T>(qr: QueryRunner, work: () => Promise<T>): Promise<T> {
  const [{ lock_timeout: previous }] = await run(qr, `SHOW lock_timeout`);
  await run(qr, `SET lock_timeout = 0`);
  try {
    return await work();
  } finally {
    await run(qr, `SET lock_timeout = '${previous}'`);
  }
}

/**
 * For `transaction = false` repair migrations: squawk's prefer-robust-stmts wants every statement
 * outside a transaction to be re-runnable by its syntax alone. Ours are re-runnable by guards in
 * code (renameConstraint looks first, constraints are dropped-if-exists then added, quarantine moves
 * are single statements); test/migrations proves it by running the repair twice.
 */
const GUARDED_STEPS_LINT_EXCEPTION = `-- every step is guarded in code and re-running is tested (see migrations/lib/v1/session.ts)
-- squawk-ignore-file prefer-robust-stmts
`;

/**
 * Runs `work` atomically: in its own short transaction in a `transaction = false` migration, or as
 * part of the surrounding one (migration:revert always wraps `down` in a transaction).
 */
export async function atomically(qr: QueryRunner, work: () => Promise<void>): Promise<void> {
  if (qr.isTransactionActive) return work();
  await qr.startTransaction();
  try {
    await work();
    await qr.commitTransaction();
  } catch (err) {
    await qr.rollbackTransaction();
    throw err;
  }
}

/** The session setting a deployer sets to change the rows per keyset batch (docs/migrations.md, "Batch size"). */
export const BATCH_SIZE_SETTING = 'lingua.migration_batch_size';
export const DEFAULT_BATCH_SIZE = 5_000;

/**
 * Rows per keyset batch: the session's `lingua.migration_batch_size` (set by the DataSource's
 * startup options, PGOPTIONS, or `ALTER ROLE/DATABASE … SET`), else 5,000. Read from the database
 * session the migration runs in, so nothing in this process holds it.
 */
export async function migrationBatchSize(qr: QueryRunner): Promise<number> {
  const [{ size }] = await run(qr, `SELECT current_setting('${BATCH_SIZE_SETTING}', true) AS size`);
  if (size === null || size === '') return DEFAULT_BATCH_SIZE;
  const n = Number(size);
  if (!/^\s*\d+\s*$/.test(size) || !Number.isSafeInteger(n) || n < 1) {
    throw new Error(`${BATCH_SIZE_SETTING} must be a positive integer, got '${size}'`);
  }
  return n;
}
