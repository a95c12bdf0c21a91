import type { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Building blocks for repair migrations (docs/migrations.md). Every helper is safe to re-run, so a
 * migration that failed half-way (lock timeout) can simply be run again.
 */

/**
 * Every migration starts here. lock_timeout: wait at most this long for a lock, then fail (the
 * deploy retries; every step is re-runnable) instead of queueing all traffic behind the migration.
 * statement_timeout 0: an index build or validation on a large table may legitimately take long;
 * it is the lock_timeout that protects traffic. TimeZone UTC: legacy `timestamp` columns hold UTC,
 * so converting them, and filling them with now(), must read and write UTC whatever DataSource runs
 * the migration.
 */
export async function prepareMigrationSession(qr: QueryRunner, { lockMs = 5_000, guardedSteps = false } = {}): Promise<void> {
  const lint = guardedSteps ? GUARDED_STEPS_LINT_EXCEPTION : '';
  await qr.query(`${lint}SET lock_timeout = '${lockMs}ms'`);
  await qr.query(`SET statement_timeout = 0`);
  await qr.query(`SET TimeZone = 'UTC'`);
}

/**
 * For `transaction = false` repair migrations: squawk's prefer-robust-stmts wants every statement
 * outside a transaction to be re-runnable by its syntax alone. Ours are re-runnable by guards in
 * code (renameConstraint looks first, constraints are dropped-if-exists then added, quarantine moves
 * are single statements); test/migrations proves it by running the repair twice.
 */
const GUARDED_STEPS_LINT_EXCEPTION = `-- every step is guarded in code and re-running is tested (see migration-helpers.ts)
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

export async function columnExists(qr: QueryRunner, table: string, column: string): Promise<boolean> {
  const [row] = await qr.query(
    `SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
    [table, column],
  );
  return Boolean(row);
}

/** Idempotent RENAME COLUMN. Renames to the SPEC's names break only the legacy code this layer replaces. */
export async function renameColumn(qr: QueryRunner, table: string, from: string, to: string): Promise<void> {
  if (await columnExists(qr, table, from)) await qr.query(`-- squawk-ignore renaming-column\nALTER TABLE ${table} RENAME COLUMN ${from} TO ${to}`);
}

/** Idempotent RENAME CONSTRAINT (a re-run after a partial failure finds it already renamed). */
export async function renameConstraint(qr: QueryRunner, table: string, from: string, to: string): Promise<void> {
  const [row] = await qr.query(`SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass AND conname = $2`, [table, from]);
  if (row) await qr.query(`ALTER TABLE ${table} RENAME CONSTRAINT ${from} TO ${to}`);
}

/**
 * Moves rows matching `where` from `table` into `quarantined_rows` with the reason, in one statement.
 * Returns how many moved. Nothing is deleted that is not first copied.
 */
export async function quarantineRows(qr: QueryRunner, table: string, where: string, reason: string, migration: string): Promise<number> {
  const rows: Array<{ n: number }> = await qr.query(
    `WITH moved AS (DELETE FROM ${table} t WHERE ${where} RETURNING t.*)
     , kept AS (INSERT INTO quarantined_rows (source_table, reason, migration, row_data)
                SELECT $1, $2, $3, to_jsonb(moved) FROM moved RETURNING 1)
     SELECT count(*)::int AS n FROM kept`,
    [table, reason, migration],
  );
  return rows[0].n;
}

/** Copies (without deleting) rows matching `where` into quarantine: for rows repaired in place. */
export async function recordOriginals(qr: QueryRunner, table: string, where: string, reason: string, migration: string): Promise<number> {
  const rows: Array<{ n: number }> = await qr.query(
    `WITH kept AS (INSERT INTO quarantined_rows (source_table, reason, migration, row_data, repaired_in_place)
                   SELECT $1, $2, $3, to_jsonb(t), true FROM ${table} t WHERE ${where} RETURNING 1)
     SELECT count(*)::int AS n FROM kept`,
    [table, reason, migration],
  );
  return rows[0].n;
}

/**
 * The inverse for `down`: puts quarantined rows of this migration back (rows repaired in place get
 * their original values back) and removes them from quarantine. Run after the schema is back to
 * its pre-migration shape.
 */
export async function restoreQuarantined(qr: QueryRunner, table: string, migration: string, key = 'id'): Promise<void> {
  await qr.query(
    `UPDATE ${table} t SET (${'%COLUMNS%'}) = (SELECT ${'%COLUMNS%'} FROM jsonb_populate_record(NULL::${table}, q.row_data))
       FROM quarantined_rows q
      WHERE q.source_table = $1 AND q.migration = $2 AND q.repaired_in_place
        AND t.${key} = (q.row_data->>'${key}')::int`.replace(/%COLUMNS%/g, await columnList(qr, table)),
    [table, migration],
  );
  await qr.query(
    `INSERT INTO ${table} SELECT r.* FROM quarantined_rows q, jsonb_populate_record(NULL::${table}, q.row_data) r
      WHERE q.source_table = $1 AND q.migration = $2 AND NOT q.repaired_in_place`,
    [table, migration],
  );
  await qr.query(`DELETE FROM quarantined_rows WHERE source_table = $1 AND migration = $2`, [table, migration]);
}

async function columnList(qr: QueryRunner, table: string): Promise<string> {
  const cols: Array<{ name: string }> = await qr.query(
    `SELECT quote_ident(attname) AS name FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [table],
  );
  return cols.map((c) => c.name).join(', ');
}

/**
 * Runs `UPDATE table SET <set> WHERE <where>` in batches of `batchSize` rows (by primary key) until
 * nothing matches, so a large backfill never holds many row locks at once. Outside a transaction
 * (transaction = false migrations) each batch commits on its own.
 */
export async function backfillInBatches(
  qr: QueryRunner,
  table: string,
  set: string,
  where: string,
  { key = 'id', batchSize = 5_000 }: { key?: string; batchSize?: number } = {},
): Promise<number> {
  let total = 0;
  for (;;) {
    const result: [unknown[], number] = await qr.query(
      `UPDATE ${table} SET ${set} WHERE ${key} IN (SELECT ${key} FROM ${table} WHERE ${where} LIMIT ${batchSize})`,
    );
    const affected = Array.isArray(result) ? Number(result[1] ?? 0) : 0;
    total += affected;
    if (affected < batchSize) return total;
  }
}

/**
 * Adds a constraint without a long lock: NOT VALID first (instant; enforced for new rows at once),
 * then VALIDATE, which scans under a lock that lets reads and writes go on. In a
 * `transaction = false` migration the two are separate transactions, as they must be for the
 * second lock to be the only one held during the scan.
 */
export async function addConstraint(qr: QueryRunner, table: string, name: string, definition: string): Promise<void> {
  await qr.query(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${name}`);
  await qr.query(`ALTER TABLE ${table} ADD CONSTRAINT ${name} ${definition} NOT VALID`);
  await qr.query(`ALTER TABLE ${table} VALIDATE CONSTRAINT ${name}`);
}

export async function addForeignKey(qr: QueryRunner, table: string, name: string, definition: string): Promise<void> {
  await addConstraint(qr, table, name, definition);
}

export async function addCheck(qr: QueryRunner, table: string, name: string, expression: string): Promise<void> {
  await addConstraint(qr, table, name, `CHECK (${expression})`);
}

/** NOT NULL without a full-table scan under an exclusive lock: a validated CHECK proves it first. */
export async function setNotNull(qr: QueryRunner, table: string, column: string): Promise<void> {
  const check = `ck_${table}_${column}_not_null`;
  await addCheck(qr, table, check, `${column} IS NOT NULL`);
  await qr.query(`ALTER TABLE ${table} ALTER COLUMN ${column} SET NOT NULL`);
  await qr.query(`ALTER TABLE ${table} DROP CONSTRAINT ${check}`);
}

/** Attaches the shared `updated_at` trigger. */
export async function addUpdatedAtTrigger(qr: QueryRunner, table: string): Promise<void> {
  await qr.query(`DROP TRIGGER IF EXISTS trg_${table}_updated_at ON ${table}`);
  await qr.query(
    `CREATE TRIGGER trg_${table}_updated_at BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION lingua_set_updated_at()`,
  );
}

export async function dropUpdatedAtTrigger(qr: QueryRunner, table: string): Promise<void> {
  await qr.query(`DROP TRIGGER IF EXISTS trg_${table}_updated_at ON ${table}`);
}

/**
 * Legacy `timestamp` columns hold UTC. With the session TimeZone at UTC (prepareMigrationSession),
 * PostgreSQL 12+ converts them to timestamptz without rewriting the table.
 */
export async function toTimestamptz(qr: QueryRunner, table: string, columns: string[]): Promise<void> {
  const alters = columns.map((c) => `ALTER COLUMN ${c} TYPE timestamptz`).join(', ');
  await qr.query(`-- timestamp → timestamptz with TimeZone UTC is a catalog-only change on PostgreSQL 12+ (no rewrite)
-- squawk-ignore changing-column-type
ALTER TABLE ${table} ${alters}`);
}

export async function toTimestamp(qr: QueryRunner, table: string, columns: string[]): Promise<void> {
  const alters = columns.map((c) => `ALTER COLUMN ${c} TYPE timestamp`).join(', ');
  await qr.query(`ALTER TABLE ${table} ${alters}`);
}

export type IndexDefinition = [name: string, ddl: string];

/**
 * Builds indexes with CREATE INDEX CONCURRENTLY (no write lock on live tables), so the migration
 * must have `transaction = false`. IF NOT EXISTS makes a retry safe; an INVALID index left behind
 * by a failed concurrent build is dropped first, since IF NOT EXISTS would keep it.
 */
export async function createIndexesConcurrently(qr: QueryRunner, indexes: IndexDefinition[]): Promise<void> {
  for (const [name, ddl] of indexes) {
    const [row] = await qr.query(
      `SELECT NOT i.indisvalid AS invalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1`,
      [name],
    );
    if (row?.invalid) await qr.query(`DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
    await qr.query(ddl);
  }
}

/**
 * For `down`: `migration:revert` runs inside a transaction whatever the migration says, so this
 * uses plain DROP INDEX (brief exclusive lock; dropping is fast).
 */
export async function dropIndexes(qr: QueryRunner, indexes: IndexDefinition[]): Promise<void> {
  for (const [name] of [...indexes].reverse()) await qr.query(`DROP INDEX IF EXISTS ${name}`);
}

/**
 * Attaches a (concurrently built) unique index as the constraint of the same name, with
 * `ADD CONSTRAINT … USING INDEX`: a brief lock, no scan. Re-runnable: nothing happens once attached.
 */
export async function attachUniqueIndex(qr: QueryRunner, table: string, constraint: string, index = constraint): Promise<void> {
  const [attached] = await qr.query(`SELECT 1 FROM pg_constraint WHERE conname = $1`, [constraint]);
  if (!attached) await qr.query(`ALTER TABLE ${table} ADD CONSTRAINT ${constraint} UNIQUE USING INDEX ${index}`);
}

/**
 * A migration that only builds indexes: `CREATE INDEX CONCURRENTLY` (so no wrapping transaction),
 * then attaches the listed unique indexes as constraints; `down` drops them again.
 */
export abstract class ConcurrentIndexMigration implements MigrationInterface {
  abstract name: string;
  readonly transaction = false as const;
  protected abstract readonly indexes: IndexDefinition[];
  /** Unique indexes (among `indexes`) that become constraints of the same name: [table, name]. */
  protected readonly uniqueConstraints: Array<[table: string, name: string]> = [];

  async up(qr: QueryRunner): Promise<void> {
    await prepareMigrationSession(qr, { guardedSteps: this.uniqueConstraints.length > 0 });
    await createIndexesConcurrently(qr, this.indexes);
    for (const [table, name] of this.uniqueConstraints) await attachUniqueIndex(qr, table, name);
  }

  async down(qr: QueryRunner): Promise<void> {
    await prepareMigrationSession(qr);
    for (const [table, name] of this.uniqueConstraints) await qr.query(`ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${name}`);
    await dropIndexes(qr, this.indexes);
  }
}
