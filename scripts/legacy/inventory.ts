import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Client } from 'pg';
import { databaseName, LEGACY_TABLES, withClient } from './database';
import { DEFECT_KINDS, defectKey, detectSql } from './defects';

/**
 * What a legacy database holds, taken before the chain runs, so that verify can prove afterwards
 * that nothing was lost (adopted) and that a full revert gives back exactly this (reverted).
 * Computed set-based: one grouped scan per table.
 */
export interface Inventory {
  version: 1;
  database: string;
  takenAt: string;
  serverVersion: string;
  databaseBytes: number;
  /** Row checksums are kept per bucket of this many ids, so a mismatch names an id range. */
  bucketSize: number;
  tables: Record<string, TableInventory>;
  /** Every table of the public schema (the legacy ones, `migrations`, `lingua_baseline_created`). */
  publicTables: string[];
  /** `table: definition` of every index, constraint and trigger on the public schema's tables. */
  indexes: string[];
  constraints: string[];
  triggers: string[];
  /** `<table>.<kind>` → the ids of the rows with that defect (defects.ts). */
  defects: Record<string, number[]>;
}

export interface TableInventory {
  rows: number;
  /** The ids as ranges of consecutive ids (small even for millions of rows). */
  idRanges: Array<[number, number]>;
  idsChecksum: string;
  /** md5 over the buckets' md5(string_agg(md5(row::text) ORDER BY id)): values, NULLs and column order. */
  rowsChecksum: string;
  buckets: Record<string, string>;
  /** Per column (by name): md5 of its values in id order, so a mismatch names the columns that differ. */
  columnChecksums: Record<string, string>;
  /** `name type [not null] [default …]` in column order. */
  columns: string[];
}

export const BUCKET_SIZE = 10_000;

/** `log` is told each table as it starts (the scans take minutes at scale 1). */
export async function takeInventory(url: string, { defects = true, log = (_line: string): void => undefined } = {}): Promise<Inventory> {
  return withClient(url, async (client) => {
    const one = async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows[0] as T;
    const tables: Record<string, TableInventory> = {};
    for (const table of LEGACY_TABLES) {
      log(`  inventory: ${table}`);
      tables[table] = await tableInventory(client, table);
    }
    if (defects) log('  inventory: planted defects');
    return {
      version: 1,
      database: databaseName(url),
      takenAt: new Date().toISOString(),
      serverVersion: (await one<{ v: string }>(`SELECT current_setting('server_version') AS v`)).v,
      databaseBytes: Number((await one<{ n: string }>(`SELECT pg_database_size(current_database()) AS n`)).n),
      bucketSize: BUCKET_SIZE,
      tables,
      publicTables: await column(
        client,
        `SELECT relname FROM pg_class WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'p') ORDER BY 1`,
      ),
      ...(await schemaObjects(client)),
      defects: defects ? await findDefects(client) : {},
    };
  });
}

async function column(client: Client, sql: string): Promise<string[]> {
  return (await client.query(sql)).rows.map((r) => Object.values(r)[0] as string);
}

export async function schemaObjects(client: Client): Promise<Pick<Inventory, 'indexes' | 'constraints' | 'triggers'>> {
  const inPublic = `relnamespace = 'public'::regnamespace`;
  return {
    indexes: await column(
      client,
      `SELECT c.relname || ': ' || pg_get_indexdef(i.indexrelid) FROM pg_index i
      JOIN pg_class c ON c.oid = i.indexrelid JOIN pg_class t ON t.oid = i.indrelid WHERE t.${inPublic} ORDER BY 1`,
    ),
    constraints: await column(
      client,
      `SELECT t.relname || '.' || k.conname || ': ' || pg_get_constraintdef(k.oid) FROM pg_constraint k
      JOIN pg_class t ON t.oid = k.conrelid WHERE t.${inPublic} ORDER BY 1`,
    ),
    triggers: await column(
      client,
      `SELECT t.relname || ': ' || pg_get_triggerdef(g.oid) FROM pg_trigger g
      JOIN pg_class t ON t.oid = g.tgrelid WHERE t.${inPublic} AND NOT g.tgisinternal ORDER BY 1`,
    ),
  };
}

export async function tableInventory(client: Client, table: string): Promise<TableInventory> {
  const { rows: columns } = await client.query<{ c: string }>(
    `SELECT attname || ' ' || format_type(atttypid, atttypmod) || CASE WHEN attnotnull THEN ' not null' ELSE '' END
            || coalesce(' default ' || pg_get_expr(d.adbin, d.adrelid), '') AS c
       FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum`,
    [table],
  );
  const names = columns.map((c) => c.c.split(' ')[0]);
  // Per bucket of ids, in one scan: every aggregate holds one bucket's values, never a whole column
  // (a whole column of 20M messages' contents is over PostgreSQL's 1 GB limit for one value).
  const perColumn = names.map((n, i) => `md5(string_agg(coalesce(t.${n}::text, '<null>'), ',' ORDER BY id)) AS c${i}`).join(', ');
  const { rows: buckets } = await client.query<{ b: string; n: number; ids: string; sum: string } & Record<string, string>>(
    `SELECT id / ${BUCKET_SIZE} AS b, count(*)::int AS n, md5(string_agg(id::text, ',' ORDER BY id)) AS ids,
            md5(string_agg(md5(t::text), '' ORDER BY id)) AS sum, ${perColumn}
       FROM ${table} t GROUP BY 1 ORDER BY 1`,
  );
  const { rows: ranges } = await client.query<{ lo: number; hi: number }>(
    `SELECT min(id) AS lo, max(id) AS hi FROM (SELECT id, id - row_number() OVER (ORDER BY id) AS grp FROM ${table}) x
      GROUP BY grp ORDER BY 1`,
  );
  const columnChecksums = Object.fromEntries(names.map((n, i) => [n, md5(buckets.map((b) => b[`c${i}`]).join(','))]));
  return {
    rows: buckets.reduce((n, b) => n + b.n, 0),
    idRanges: ranges.map((r) => [r.lo, r.hi]),
    idsChecksum: md5(buckets.map((b) => b.ids).join('')),
    rowsChecksum: md5(buckets.map((b) => `${b.b}:${b.sum}`).join(',')),
    buckets: Object.fromEntries(buckets.map((b) => [b.b, b.sum])),
    columns: columns.map((c) => c.c),
    columnChecksums,
  };
}

const md5 = (s: string) => createHash('md5').update(s).digest('hex');

async function findDefects(client: Client): Promise<Record<string, number[]>> {
  const found: Record<string, number[]> = {};
  for (const d of DEFECT_KINDS) {
    const { rows } = await client.query(`SELECT array_agg(id ORDER BY id) AS ids FROM (${detectSql(d)}) x(id)`);
    found[defectKey(d)] = rows[0].ids ?? [];
  }
  return found;
}

export function defaultInventoryPath(database: string): string {
  return path.join('.data', 'legacy', `${database}.inventory.json`);
}

export function writeInventory(inventory: Inventory, file = defaultInventoryPath(inventory.database)): string {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(inventory));
  return file;
}

export function readInventory(file: string): Inventory {
  return JSON.parse(fs.readFileSync(file, 'utf8')) as Inventory;
}
