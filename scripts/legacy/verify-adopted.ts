import type { Client } from 'pg';
import { withClient } from './database';
import { DEFECT_KINDS, defectKey, DefectKind } from './defects';
import type { Inventory } from './inventory';

/**
 * Proves, after the chain has run, that every legacy row of the inventory is either in its table
 * or in quarantined_rows (moved, with its reason) — none lost, none in both, none moved twice, no
 * in-place record twice — and that each planted defect met its documented rule (defects.ts, and
 * the rule checks below). New rows (written since the inventory) are counted, not judged.
 */
export interface AdoptedTableReport {
  table: string;
  legacy: number;
  inTable: number;
  quarantined: number;
  repairedRecords: number;
  lost: number;
  twice: number;
  newRows: number;
}

export interface DefectReport {
  defect: string;
  rows: number;
  asPromised: number;
  elsewhere: number;
  broken: number;
}

export interface VerifyResult {
  ok: boolean;
  tables: AdoptedTableReport[];
  defects: DefectReport[];
  rules: Array<{ rule: string; violations: number }>;
  problems: string[];
}

export async function verifyAdopted(url: string, inventory: Inventory, log = (_line: string): void => undefined): Promise<VerifyResult> {
  return withClient(url, async (client) => {
    const problems: string[] = [];
    const tables: AdoptedTableReport[] = [];
    const defects: DefectReport[] = [];
    for (const [table, inv] of Object.entries(inventory.tables)) {
      log(`  checking ${table}`);
      await loadLegacyIds(client, table, inv.idRanges);
      const report = await accountFor(client, table, inv.rows);
      tables.push(report);
      if (report.lost) problems.push(`${table}: ${report.lost} legacy rows neither in the table nor quarantined`);
      if (report.twice) problems.push(`${table}: ${report.twice} rows present twice (table and quarantine, or quarantined twice)`);
      for (const kind of DEFECT_KINDS.filter((d) => d.table === table)) {
        const ids = inventory.defects[defectKey(kind)] ?? [];
        if (!ids.length) continue;
        const d = await checkDefect(client, kind, ids).catch((err: Error) => {
          problems.push(`${defectKey(kind)}: cannot check (${err.message}): is the chain complete?`);
          return { defect: defectKey(kind), rows: ids.length, asPromised: 0, elsewhere: 0, broken: ids.length };
        });
        defects.push(d);
        if (d.broken) problems.push(`${d.defect}: ${d.broken} of ${d.rows} rows not repaired as documented`);
      }
    }
    const rules = await checkRules(client);
    for (const r of rules) if (r.violations) problems.push(`rule "${r.rule}": ${r.violations} violations`);
    problems.push(...(await unfinishedSchema(client)));
    return { ok: problems.length === 0, tables, defects, rules, problems };
  });
}

/**
 * What a killed or failed step could leave behind: an index left INVALID by a concurrent build, a
 * constraint still NOT VALID. One constraint stays NOT VALID by design: legacy practice sessions have
 * no owner, and only new ones must have one (LEGACY.md).
 */
export const NEVER_VALIDATED = ['ck_practice_sessions_user_id_required'];

async function unfinishedSchema(client: Client): Promise<string[]> {
  const { rows: indexes } = await client.query(`SELECT indexrelid::regclass::text AS name FROM pg_index WHERE NOT indisvalid ORDER BY 1`);
  const { rows: constraints } = await client.query(
    `SELECT conname FROM pg_constraint WHERE connamespace = 'public'::regnamespace AND NOT convalidated AND NOT (conname = ANY ($1)) ORDER BY 1`,
    [NEVER_VALIDATED],
  );
  return [
    ...indexes.map((r) => `index ${r.name} is INVALID (an interrupted concurrent build)`),
    ...constraints.map((r) => `constraint ${r.conname} is NOT VALID`),
  ];
}

async function loadLegacyIds(client: Client, table: string, ranges: Array<[number, number]>): Promise<void> {
  await client.query(`DROP TABLE IF EXISTS pg_temp.legacy_ids, pg_temp.present_ids, pg_temp.moved_ids`);
  await client.query(`CREATE TEMP TABLE legacy_ids AS SELECT generate_series(lo, hi) AS id FROM unnest($1::int[], $2::int[]) r(lo, hi)`, [
    ranges.map((r) => r[0]),
    ranges.map((r) => r[1]),
  ]);
  await client.query(`CREATE TEMP TABLE present_ids AS SELECT legacy_id AS id FROM (${await presentRows(client, table)}) t`);
  await client.query(
    `CREATE TEMP TABLE moved_ids AS SELECT (row_data->>'id')::int AS id, count(*)::int AS n FROM quarantined_rows
      WHERE source_table = $1 AND NOT repaired_in_place GROUP BY 1`,
    [table],
  );
  for (const t of ['legacy_ids', 'present_ids', 'moved_ids']) await client.query(`CREATE INDEX ON ${t} (id); ANALYZE ${t}`);
}

/**
 * The table's rows with their legacy id as `legacy_id`. user_profiles loses its surrogate id in the
 * chain (user_id becomes the key); RepairUsers keeps the legacy ids in lingua_legacy_user_profile_ids.
 */
async function presentRows(client: Client, table: string): Promise<string> {
  const { rows } = await client.query(`SELECT 1 FROM pg_attribute WHERE attrelid = $1::regclass AND attname = 'id' AND NOT attisdropped`, [
    table,
  ]);
  if (rows.length) return `SELECT t.id AS legacy_id, t.* FROM ${table} t`;
  if (table === 'user_profiles') {
    return `SELECT l.id AS legacy_id, t.* FROM user_profiles t LEFT JOIN lingua_legacy_user_profile_ids l ON l.user_id = t.user_id`;
  }
  throw new Error(`${table} has no id column and no known map to its legacy ids`);
}

async function accountFor(client: Client, table: string, legacy: number): Promise<AdoptedTableReport> {
  const { rows } = await client.query(
    `SELECT
       (SELECT count(*) FROM legacy_ids l WHERE EXISTS (SELECT 1 FROM present_ids p WHERE p.id = l.id))::int AS in_table,
       (SELECT count(*) FROM legacy_ids l JOIN moved_ids m USING (id))::int AS quarantined,
       (SELECT count(*) FROM legacy_ids l WHERE NOT EXISTS (SELECT 1 FROM present_ids p WHERE p.id = l.id)
                                            AND NOT EXISTS (SELECT 1 FROM moved_ids m WHERE m.id = l.id))::int AS lost,
       (SELECT count(*) FROM moved_ids m WHERE m.n > 1 OR EXISTS (SELECT 1 FROM present_ids p WHERE p.id = m.id))::int
         + (SELECT count(*) FROM (SELECT id FROM present_ids GROUP BY id HAVING count(*) > 1) x)::int
         + (SELECT count(*) FROM (SELECT migration, row_data->>'id' FROM quarantined_rows WHERE source_table = $1 AND repaired_in_place
                                   GROUP BY 1, 2 HAVING count(*) > 1) x)::int AS twice,
       (SELECT count(*) FROM quarantined_rows WHERE source_table = $1 AND repaired_in_place)::int AS repaired,
       (SELECT count(*) FROM present_ids p WHERE p.id IS NULL OR NOT EXISTS (SELECT 1 FROM legacy_ids l WHERE l.id = p.id))::int AS new_rows`,
    [table],
  );
  const r = rows[0];
  return {
    table,
    legacy,
    inTable: r.in_table,
    quarantined: r.quarantined,
    repairedRecords: r.repaired,
    lost: r.lost,
    twice: r.twice,
    newRows: r.new_rows,
  };
}

async function checkDefect(client: Client, kind: DefectKind, ids: number[]): Promise<DefectReport> {
  const rows = await presentRows(client, kind.table);
  const counts = async (sql: string, params: unknown[] = []) => Number((await client.query(sql, [ids, ...params])).rows[0].n);
  const present = await counts(`SELECT count(*) AS n FROM present_ids WHERE id = ANY($1)`);
  const moved = await counts(`SELECT count(*) AS n FROM moved_ids WHERE id = ANY($1)`);
  const report = { defect: defectKey(kind), rows: ids.length, asPromised: 0, elsewhere: 0, broken: 0 };
  if (kind.fate === 'quarantined') {
    const reasoned = kind.reason
      ? await counts(
          `SELECT count(DISTINCT (row_data->>'id')::int) AS n FROM quarantined_rows WHERE source_table = $2 AND NOT repaired_in_place
                        AND (row_data->>'id')::int = ANY($1) AND reason LIKE $3 || '%'`,
          [kind.table, kind.reason],
        )
      : moved;
    return { ...report, asPromised: reasoned, elsewhere: moved - reasoned, broken: present };
  }
  const failing = await counts(
    `SELECT count(*) AS n FROM (${rows}) t WHERE t.legacy_id = ANY($1) AND NOT coalesce((${kind.check}), false)`,
  );
  const unrecorded = kind.reason
    ? await counts(
        `SELECT count(*) AS n FROM present_ids p WHERE p.id = ANY($1) AND NOT EXISTS (
                      SELECT 1 FROM quarantined_rows q WHERE q.source_table = $2 AND q.repaired_in_place
                         AND (q.row_data->>'id')::int = p.id AND q.reason LIKE $3 || '%')`,
        [kind.table, kind.reason],
      )
    : 0;
  return { ...report, asPromised: present - failing, elsewhere: moved, broken: failing + unrecorded + (ids.length - present - moved) };
}

/** Cheap checks of documented rules across rows (each returns its violations). */
const RULES: Array<{ rule: string; needs?: [string, string]; sql: string }> = [
  {
    rule: 'users: emails unique case-insensitively',
    sql: `SELECT count(*) AS n FROM (SELECT lower(email) FROM users WHERE email IS NOT NULL GROUP BY 1 HAVING count(*) > 1) x`,
  },
  {
    rule: "user_vocabulary: each merged duplicate has its survivor, whose counters include the duplicate's",
    needs: ['user_vocabulary', 'times_seen'],
    sql: `SELECT count(*) AS n FROM (
            SELECT (row_data->>'user_id')::int AS u, (row_data->>'word_id')::int AS w,
                   sum(greatest(coalesce((row_data->>'times_reviewed')::int, 0), 0)) AS seen
              FROM quarantined_rows WHERE source_table = 'user_vocabulary' AND NOT repaired_in_place AND reason LIKE 'duplicate%'
             GROUP BY 1, 2) q
          LEFT JOIN user_vocabulary s ON s.user_id = q.u AND s.word_id = q.w
          WHERE s.id IS NULL OR s.times_seen < q.seen`,
  },
  {
    rule: 'conversation_messages: orders are 1..n in every session',
    sql: `SELECT count(*) AS n FROM (SELECT session_id FROM conversation_messages GROUP BY 1
            HAVING min(message_order) <> 1 OR max(message_order) <> count(*) OR count(DISTINCT message_order) <> count(*)) x`,
  },
  {
    rule: 'conversation_sessions: last_message_order = the highest message order',
    needs: ['conversation_sessions', 'last_message_order'],
    sql: `SELECT count(*) AS n FROM conversation_sessions s
            LEFT JOIN (SELECT session_id, max(message_order) AS mx FROM conversation_messages GROUP BY 1) m ON m.session_id = s.id
           WHERE s.last_message_order <> coalesce(m.mx, 0)`,
  },
];

async function checkRules(client: Client): Promise<Array<{ rule: string; violations: number }>> {
  const out = [];
  for (const r of RULES) {
    if (r.needs) {
      const { rows } = await client.query(
        `SELECT 1 FROM pg_attribute WHERE attrelid = $1::regclass AND attname = $2 AND NOT attisdropped`,
        r.needs,
      );
      if (!rows.length) continue;
    }
    out.push({ rule: r.rule, violations: Number((await client.query(r.sql)).rows[0].n) });
  }
  return out;
}
