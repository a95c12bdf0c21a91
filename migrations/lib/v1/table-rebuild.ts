import type { QueryRunner } from 'typeorm';
import { ensureDiskFor } from '../disk-check';
import { run } from './session';

/**
 * PostgreSQL cannot reorder columns: a column dropped and added back comes last. For `down`s that
 * must give back a legacy table exactly (same columns in the same order), this rebuilds `table` with
 * `column` first and the others in their current order: same types, defaults, NOT NULLs, rows,
 * constraints (same names and definitions), indexes, triggers and owned sequences. Runs inside the
 * revert's transaction (it rewrites the table under an exclusive lock: a revert, not a live repair).
 * Refuses a table that other tables' foreign keys reference (they would have to be rebuilt too).
 */
export async function rebuildWithColumnFirst(qr: QueryRunner, table: string, column: string): Promise<void> {
  const [{ referenced }] = await run(qr, `SELECT count(*)::int AS referenced FROM pg_constraint WHERE confrelid = $1::regclass AND conrelid <> confrelid`, [table]);
  if (referenced) throw new Error(`${table} is referenced by foreign keys: cannot rebuild it`);
  const [{ bytes }] = await run(qr, `SELECT pg_total_relation_size($1::regclass)::text AS bytes`, [table]);
  await ensureDiskFor(qr, `the rebuild of ${table}`, 2 * Number(bytes), (sql) => run(qr, sql));
  const columns: Array<{ name: string; type: string; def: string | null; notnull: boolean }> = await run(
    qr,
    `SELECT quote_ident(a.attname) AS name, format_type(a.atttypid, a.atttypmod) AS type,
            pg_get_expr(d.adbin, d.adrelid) AS def, a.attnotnull AS notnull
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attname <> $2, a.attnum`,
    [table, column],
  );
  // Constraint-backed indexes come back with their constraints; NOT NULL (PostgreSQL 18's contype 'n') with the columns.
  const constraints: Array<{ name: string; def: string }> = await run(
    qr,
    `SELECT quote_ident(conname) AS name, pg_get_constraintdef(oid) AS def FROM pg_constraint
      WHERE conrelid = $1::regclass AND contype IN ('p', 'u', 'x', 'c', 'f') ORDER BY contype <> 'p', oid`,
    [table],
  );
  const indexes: Array<{ def: string }> = await run(
    qr,
    `SELECT pg_get_indexdef(i.indexrelid) AS def FROM pg_index i
      WHERE i.indrelid = $1::regclass AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid AND c.conrelid = i.indrelid)
      ORDER BY i.indexrelid`,
    [table],
  );
  // PostgreSQL 18 names NOT NULL constraints; while the old table still holds a name, the new one's
  // would get a suffix ("_not_null1"), so name them explicitly (PostgreSQL 15 accepts and ignores it).
  const notNullNames: Array<{ col: string; name: string }> = await run(
    qr,
    `SELECT quote_ident(a.attname) AS col, quote_ident(c.conname) AS name FROM pg_constraint c
       JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.conrelid = $1::regclass AND c.contype = 'n'`,
    [table],
  );
  const triggers: Array<{ def: string }> = await run(
    qr,
    `SELECT pg_get_triggerdef(oid) AS def FROM pg_trigger WHERE tgrelid = $1::regclass AND NOT tgisinternal ORDER BY oid`,
    [table],
  );
  const sequences: Array<{ seq: string; col: string }> = await run(
    qr,
    `SELECT s.oid::regclass::text AS seq, quote_ident(a.attname) AS col
       FROM pg_depend d JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
       JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE d.refobjid = $1::regclass AND d.deptype = 'a'`,
    [table],
  );

  const old = `lingua_rebuild_${table}`;
  const list = columns.map((c) => c.name).join(', ');
  await run(qr, `ALTER TABLE ${table} RENAME TO ${old}`);
  for (const c of constraints) await run(qr, `ALTER TABLE ${old} DROP CONSTRAINT ${c.name}`);
  const notNull = (col: string) => {
    const named = notNullNames.find((n) => n.col === col);
    return named ? ` CONSTRAINT ${named.name} NOT NULL` : ' NOT NULL';
  };
  const definitions = columns.map((c) => `${c.name} ${c.type}${c.def === null ? '' : ` DEFAULT ${c.def}`}${c.notnull ? notNull(c.name) : ''}`);
  await run(qr, `CREATE TABLE ${table} (${definitions.join(', ')})`);
  await run(qr, `INSERT INTO ${table} (${list}) SELECT ${list} FROM ${old}`);
  for (const s of sequences) await run(qr, `ALTER SEQUENCE ${s.seq} OWNED BY ${table}.${s.col}`);
  await run(qr, `DROP TABLE ${old}`);
  for (const c of constraints) await run(qr, `ALTER TABLE ${table} ADD CONSTRAINT ${c.name} ${c.def}`);
  for (const i of indexes) await run(qr, i.def);
  for (const t of triggers) await run(qr, t.def);
}
