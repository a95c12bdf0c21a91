import type { MigrationInterface, QueryRunner } from 'typeorm';
import { ensureDiskFor, indexBuildBytes } from '../disk-check';
import { prepareMigrationSession, run, waitingForLocks } from './session';

/**
 * Schema building blocks for the chain's migrations (docs/migrations.md). Every helper is safe to
 * re-run, so a migration that failed half-way (lock timeout) can simply be run again. Frozen with
 * the migrations that call it (migrations/lib/README.md).
 */

export async function columnExists(qr: QueryRunner, table: string, column: string): Promise<boolean> {
  const [row] = await run(
    qr,
    `SELECT 1 FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 AND column_name = $2`,
    [table, column],
  );
  return Boolean(row);
}

/** Idempotent RENAME COLUMN. Renames to the SPEC's names break only the legacy code this layer replaces. */
export async function renameColumn(qr: QueryRunner, table: string, from: string, to: string): Promise<void> {
  if (await columnExists(qr, table, from)) await run(qr, `-- squawk-ignore renaming-column\nALTER TABLE ${table} RENAME COLUMN ${from} TO ${to}`);
}

/** Idempotent RENAME CONSTRAINT (a re-run after a partial failure finds it already renamed). */
export async function renameConstraint(qr: QueryRunner, table: string, from: string, to: string): Promise<void> {
  const [row] = await run(qr, `SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass AND conname = $2`, [table, from]);
  if (row) await run(qr, `ALTER TABLE ${table} RENAME CONSTRAINT ${from} TO ${to}`);
}

/**
 * The inverse for `down`: puts quarantined rows of this migration back (rows repaired in place get
 * their original values back) and removes them from quarantine. Run after the schema is back to
 * its pre-migration shape.
 */
export async function restoreQuarantined(qr: QueryRunner, table: string, migration: string, key = 'id'): Promise<void> {
  const columns = await columnList(qr, table);
  await run(
    qr,
    `UPDATE ${table} t SET (${columns}) = (SELECT ${columns} FROM jsonb_populate_record(NULL::${table}, q.row_data))
       FROM quarantined_rows q
      WHERE q.source_table = $1 AND q.migration = $2 AND q.repaired_in_place
        AND t.${key} = (q.row_data->>'${key}')::int`,
    [table, migration],
  );
  await run(
    qr,
    `INSERT INTO ${table} SELECT r.* FROM quarantined_rows q, jsonb_populate_record(NULL::${table}, q.row_data) r
      WHERE q.source_table = $1 AND q.migration = $2 AND NOT q.repaired_in_place`,
    [table, migration],
  );
  await run(qr, `DELETE FROM quarantined_rows WHERE source_table = $1 AND migration = $2`, [table, migration]);
}

async function columnList(qr: QueryRunner, table: string): Promise<string> {
  const cols: Array<{ name: string }> = await run(
    qr,
    `SELECT quote_ident(attname) AS name FROM pg_attribute
      WHERE attrelid = $1::regclass AND attnum > 0 AND NOT attisdropped ORDER BY attnum`,
    [table],
  );
  return cols.map((c) => c.name).join(', ');
}

/**
 * Adds a constraint without a long lock: NOT VALID first (instant; enforced for new rows at once),
 * then VALIDATE, which scans under a lock that lets reads and writes go on. In a
 * `transaction = false` migration the two are separate transactions, as they must be for the
 * second lock to be the only one held during the scan. Re-runnable: a constraint already there is
 * only validated if it is not yet (a VALIDATE killed half-way is simply run again), never re-added.
 * Anything the rule needs first (a DEFAULT for rows the legacy app still inserts, the backfill)
 * must already be in place: from the NOT VALID step on, every new row is held to it.
 */
export async function addConstraint(qr: QueryRunner, table: string, name: string, definition: string): Promise<void> {
  const [existing] = await run(qr, `SELECT convalidated FROM pg_constraint WHERE conrelid = $1::regclass AND conname = $2`, [table, name]);
  if (!existing) await run(qr, `ALTER TABLE ${table} ADD CONSTRAINT ${name} ${definition} NOT VALID`);
  if (!existing?.convalidated) await waitingForLocks(qr, () => run(qr, `ALTER TABLE ${table} VALIDATE CONSTRAINT ${name}`));
}

export async function addForeignKey(qr: QueryRunner, table: string, name: string, definition: string): Promise<void> {
  await addConstraint(qr, table, name, definition);
}

export async function addCheck(qr: QueryRunner, table: string, name: string, expression: string): Promise<void> {
  await addConstraint(qr, table, name, `CHECK (${expression})`);
}

/**
 * NOT NULL without a full-table scan under an exclusive lock: a validated CHECK proves it first.
 * With `defaultSql`, the column's DEFAULT is set before anything else, so rows the legacy app
 * inserts without the column are valid from then on (default → backfill → check → VALIDATE; the
 * caller backfills existing rows before calling). Skipped when the column is NOT NULL already.
 */
export async function setNotNull(qr: QueryRunner, table: string, column: string, defaultSql?: string): Promise<void> {
  if (defaultSql) await run(qr, `ALTER TABLE ${table} ALTER COLUMN ${column} SET DEFAULT ${defaultSql}`);
  const [{ notnull }] = await run(qr, `SELECT attnotnull AS notnull FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2`, [table, column]);
  const check = `ck_${table}_${column}_not_null`;
  if (!notnull) {
    await addCheck(qr, table, check, `${column} IS NOT NULL`);
    await run(qr, `ALTER TABLE ${table} ALTER COLUMN ${column} SET NOT NULL`);
  }
  await run(qr, `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${check}`);
}

/** created_at/updated_at NOT NULL with DEFAULT now(), set first (the repairs before filled the legacy gaps, recorded). */
export async function timestampsNotNull(qr: QueryRunner, table: string, columns = ['created_at', 'updated_at']): Promise<void> {
  for (const column of columns) await setNotNull(qr, table, column, 'now()');
}

/** Attaches the shared `updated_at` trigger. */
export async function addUpdatedAtTrigger(qr: QueryRunner, table: string): Promise<void> {
  await run(qr, `DROP TRIGGER IF EXISTS trg_${table}_updated_at ON ${table}`);
  await run(
    qr,
    `CREATE TRIGGER trg_${table}_updated_at BEFORE UPDATE ON ${table} FOR EACH ROW EXECUTE FUNCTION lingua_set_updated_at()`,
  );
}

export async function dropUpdatedAtTrigger(qr: QueryRunner, table: string): Promise<void> {
  await run(qr, `DROP TRIGGER IF EXISTS trg_${table}_updated_at ON ${table}`);
}

/**
 * Legacy `timestamp` columns hold UTC. With the session TimeZone at UTC (prepareMigrationSession),
 * PostgreSQL 12+ converts them to timestamptz without rewriting the table.
 */
export async function toTimestamptz(qr: QueryRunner, table: string, columns: string[]): Promise<void> {
  const alters = columns.map((c) => `ALTER COLUMN ${c} TYPE timestamptz`).join(', ');
  await run(qr, `-- timestamp → timestamptz with TimeZone UTC is a catalog-only change on PostgreSQL 12+ (no rewrite)
-- squawk-ignore changing-column-type
ALTER TABLE ${table} ${alters}`);
}

export async function toTimestamp(qr: QueryRunner, table: string, columns: string[]): Promise<void> {
  const alters = columns.map((c) => `ALTER COLUMN ${c} TYPE timestamp`).join(', ');
  await run(qr, `ALTER TABLE ${table} ${alters}`);
}

export type IndexDefinition = [name: string, ddl: string];

/**
 * Builds indexes with CREATE INDEX CONCURRENTLY (no write lock on live tables), so the migration
 * must have `transaction = false`. IF NOT EXISTS makes a retry safe; an INVALID index left behind
 * by a failed concurrent build is dropped first, since IF NOT EXISTS would keep it.
 */
export async function createIndexesConcurrently(qr: QueryRunner, indexes: IndexDefinition[]): Promise<void> {
  for (const [name, ddl] of indexes) {
    const [row] = await run(
      qr,
      `SELECT NOT i.indisvalid AS invalid FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE c.relname = $1`,
      [name],
    );
    await ensureDiskFor(qr, `the index ${name}`, await indexBuildBytes(ddl, (sql, params) => run(qr, sql, params)), (sql) => run(qr, sql));
    await waitingForLocks(qr, async () => {
      if (row?.invalid) await run(qr, `DROP INDEX CONCURRENTLY IF EXISTS ${name}`);
      await run(qr, ddl);
    });
  }
}

/** Drops a helper index the final schema does not keep, without blocking writes (an interrupted drop is finished by a re-run). */
export async function dropIndexConcurrently(qr: QueryRunner, name: string): Promise<void> {
  await waitingForLocks(qr, () => run(qr, `DROP INDEX CONCURRENTLY IF EXISTS ${name}`));
}

/**
 * The name of a valid index on `table` equivalent to the one described — by definition, not by name:
 * same uniqueness and the same `USING …` tail of pg_get_indexdef (method, columns or expressions,
 * INCLUDE, NULLS NOT DISTINCT, predicate), e.g. `{ unique: true, using: 'btree (lesson_id, version)' }`.
 */
export async function findEquivalentIndex(qr: QueryRunner, table: string, { unique, using }: { unique: boolean; using: string }): Promise<string | undefined> {
  const [row] = await run(
    qr,
    `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = $1::regclass AND i.indisvalid AND i.indisunique = $2
        AND substring(pg_get_indexdef(i.indexrelid) FROM ' USING .*$') = $3
      ORDER BY c.relname LIMIT 1`,
    [table, unique, ` USING ${using}`],
  );
  return row?.name;
}

/**
 * For `down`: `migration:revert` runs inside a transaction whatever the migration says, so this
 * uses plain DROP INDEX (brief exclusive lock; dropping is fast).
 */
export async function dropIndexes(qr: QueryRunner, indexes: IndexDefinition[]): Promise<void> {
  for (const [name] of [...indexes].reverse()) await run(qr, `DROP INDEX IF EXISTS ${name}`);
}

/**
 * Attaches a (concurrently built) unique index as the constraint of the same name, with
 * `ADD CONSTRAINT … USING INDEX`: a brief lock, no scan. Re-runnable: nothing happens once attached.
 */
export async function attachUniqueIndex(qr: QueryRunner, table: string, constraint: string, index = constraint): Promise<void> {
  const [attached] = await run(qr, `SELECT 1 FROM pg_constraint WHERE conname = $1`, [constraint]);
  if (!attached) await run(qr, `ALTER TABLE ${table} ADD CONSTRAINT ${constraint} UNIQUE USING INDEX ${index}`);
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
    for (const [table, name] of this.uniqueConstraints) await run(qr, `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${name}`);
    await dropIndexes(qr, this.indexes);
  }
}
