import type { QueryRunner } from 'typeorm';
import { ensureDiskFor } from '../disk-check';
import { walkProgress } from '../progress';
import { migrationBatchSize, run } from './session';

/**
 * Keyset batches for repair migrations (docs/migrations.md, "Batches"): every batched step walks a
 * table's integer primary key, `key > $last ORDER BY key LIMIT n`, the next batch starting after the
 * last key the previous one returned. Each batch is found through the primary key index and costs
 * only its own rows, so a step is linear in the table size; each batch is its own short transaction.
 * The batch size is the session's (session.ts, migrationBatchSize). Frozen with the migrations that
 * call it (migrations/lib/README.md).
 */

/** Below every integer key: where a walk starts. */
const BEFORE_FIRST_KEY = '-9223372036854775808';

/**
 * A comment that names the step a batch statement belongs to: it shows in pg_stat_activity (so a
 * kill test can pick its moment) and lets tests count a step's batches.
 */
export const batchMarker = (step: string) => `/* lingua-batch ${step} */`;

/**
 * Calls `work(lo, hi)` for consecutive key ranges (lo, hi] of `table`, each holding at most the batch
 * size of rows, until the keyset is exhausted up to the highest key the walk saw when it started —
 * not when a batch comes back short. Then once more for the keys added meanwhile (rows the legacy
 * app inserted during the walk), and no further: a walk always ends, however fast the legacy app
 * inserts (a writer adding rows as fast as the batches go would otherwise keep it alive for ever).
 * Rows inserted after that are what the DEFAULTs, triggers and NOT VALID checks installed before
 * or after the step are for (docs/migrations.md). `work` receives the bounds as text; batch
 * statements compare with `key > $1::bigint AND key <= $2::bigint`, constants the planner sees, so
 * each batch is an index range scan. Returns the number of batches.
 */
export async function forEachKeyRange(
  qr: QueryRunner,
  table: string,
  key: string,
  work: (lo: string, hi: string) => Promise<void>,
  { probesOnly: probes = false }: { probesOnly?: boolean } = {},
): Promise<number> {
  const size = await migrationBatchSize(qr);
  const highest = async () => oneRow<{ top: string | null }>(await run(qr, `SELECT max(${key})::text AS top FROM ${table}`)).top;
  let lo = BEFORE_FIRST_KEY;
  let batches = 0;
  let end = await highest();
  const progress = await walkProgress(qr, table, key, (sql) => run(qr, sql));
  if (probes) await probesOnly(qr, true);
  try {
    await walk();
  } finally {
    if (probes) await probesOnly(qr, false);
  }
  progress.end(batches);
  return batches;

  async function walk(): Promise<void> {
    for (let round = 0; round < 2 && end !== null; round++) {
      for (;;) {
        const { hi } = oneRow<{ hi: string | null }>(
          await run(
            qr,
            `SELECT max(k)::text AS hi FROM (SELECT ${key} AS k FROM ${table} WHERE ${key} > $1::bigint AND ${key} <= $2::bigint ORDER BY ${key} LIMIT ${size}) b`,
            [lo, end],
          ),
        );
        if (hi === null) break;
        await work(lo, hi);
        batches++;
        lo = hi;
        progress.batch(hi, end!);
      }
      const now = await highest();
      if (now === end) break;
      end = now;
    }
  }
}

/**
 * For walks whose batch statements look rows up by primary key (quarantines and repairs, whose
 * `where` probes another table: `NOT EXISTS (… p.id = t.fk)`), hash and merge joins are off while the
 * walk runs: with them
 * allowed, a batch joining its few thousand rows to a table through a filter (`EXISTS (SELECT 1 FROM
 * conversation_sessions s WHERE s.id = t.session_id AND s.user_id IS NULL)`) or an anti-join can be
 * planned as a scan of the whole other table per batch — near the planner's crossover (1M sessions
 * at scale 10: 1.3 s a batch, 4,000 batches) the step is then quadratic. Nested loops over the
 * primary key cost each batch its own rows. Results are the same; only plans change. Not for merges:
 * a merge matches a group's rows on its key columns, which have no index yet (the unique index comes
 * after the repair), and a nested loop there scans the table per survivor.
 */
async function probesOnly(qr: QueryRunner, on: boolean): Promise<void> {
  if (on) {
    await run(qr, `SET enable_hashjoin = off`);
    await run(qr, `SET enable_mergejoin = off`);
    return;
  }
  // In a failed transaction (a revert's) the SETs roll back with it, and RESET cannot run: nothing to undo.
  await run(qr, `RESET enable_hashjoin`).catch(() => undefined);
  await run(qr, `RESET enable_mergejoin`).catch(() => undefined);
}

/** The batch predicate on alias `t` for forEachKeyRange's bounds ($1, $2). */
export const inRange = (key: string, alias = 't') => `${alias}.${key} > $1::bigint AND ${alias}.${key} <= $2::bigint`;

/**
 * The one row a counting statement returns (`SELECT count(*) …`), checked: a statement that returns
 * anything else fails the migration instead of being read as "nothing to do".
 */
export function oneRow<T>(rows: unknown): T {
  if (!Array.isArray(rows) || rows.length !== 1 || typeof rows[0] !== 'object' || rows[0] === null) {
    throw new Error(`expected exactly one result row, got ${JSON.stringify(rows)?.slice(0, 200)}`);
  }
  return rows[0] as T;
}

/** Fails the migration when two counts that must match do not (e.g. rows changed vs originals recorded). */
export function assertCounts(step: string, counts: Record<string, number>): void {
  const values = Object.values(counts);
  if (values.some((v) => v !== values[0])) throw new Error(`${step}: counts differ ${JSON.stringify(counts)}`);
}

/**
 * `UPDATE table SET <column> = <value> WHERE <where>` (alias `t`) in keyset batches by `key`: each
 * batch one statement and its own transaction, holding row locks only on its own rows. For
 * backfills that need no record (new columns, counters). Returns how many rows changed.
 */
export async function backfillInBatches(
  qr: QueryRunner,
  table: string,
  column: string,
  value: string,
  where: string,
  { key = 'id' }: { key?: string } = {},
): Promise<number> {
  const step = `${table}:backfill ${column}`;
  const set = `${column} = ${value}`;
  // Every row gets a new version (the old ones stay until VACUUM), and about as much WAL.
  const [{ bytes }] = await run(
    qr,
    `SELECT (pg_relation_size($1::regclass) + least(pg_relation_size($1::regclass), pg_size_bytes(current_setting('max_wal_size'))))::text AS bytes`,
    [table],
  );
  await ensureDiskFor(qr, `the backfill of ${table}.${column}`, Number(bytes), (sql) => run(qr, sql));
  let total = 0;
  await forEachKeyRange(qr, table, key, async (lo, hi) => {
    const { n } = oneRow<{ n: number }>(
      await run(
        qr,
        `${batchMarker(step)}
         WITH done AS (UPDATE ${table} t SET ${set} WHERE ${inRange(key)} AND (${where}) RETURNING 1)
         SELECT count(*)::int AS n FROM done`,
        [lo, hi],
      ),
    );
    total += n;
  });
  return total;
}
