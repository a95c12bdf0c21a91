import type { QueryRunner } from 'typeorm';
import { assertCounts, batchMarker, forEachKeyRange, inRange, oneRow } from './keyset-batches';
import { restoreQuarantined } from './ddl';
import { atomically, run } from './session';

/**
 * A data repair a migration applies to a legacy table before changing its schema, declared once so
 * `up` applies the list and `down` undoes it in reverse. Each step gets its own quarantine tag
 * (`<migration>#<label>`), so a row repaired by several steps is restored step by step.
 *
 * Every step runs in keyset batches over a primary key (keyset-batches.ts): each batch is ONE
 * statement (renumbering: one short transaction) that records what it changes in quarantined_rows
 * together with the change, so a batch is its own transaction, holds row locks only on its own
 * rows, and a kill can never separate a change from its record. A re-run after a kill starts again
 * from the first key: rows already fixed no longer match, and quarantined_rows' unique
 * (source_table, migration, row id) keeps anything from being recorded twice.
 *
 * - `quarantine`: rows matching `where` (alias `t`) move to quarantined_rows with the reason.
 * - `repair`: rows matching `where` are recorded (repaired_in_place), then
 *   `UPDATE <table> t SET <set> [FROM <from>] WHERE … [AND <join>]` fixes them; `from` must be a
 *   lookup by key (a merge map), so the batch stays an index probe per row.
 * - `map`: builds a merge map (below) that later steps read; nothing to revert.
 * - `merge`: each group of a merge map (survivor + duplicates) in one statement: the survivor's
 *   original recorded and `set` from `aggregates` over the group, the duplicates moved to quarantine.
 * - `renumber`: per parent (conversation, lesson), children whose order column breaks `broken`
 *   (a HAVING over the parent's children) are renumbered 1..n by `orderBy`, originals recorded.
 */
export type RepairStep =
  | { kind: 'quarantine'; table: string; label: string; reason: string; where: string }
  | { kind: 'repair'; table: string; label: string; reason: string; where: string; set: string; from?: string; join?: string }
  | { kind: 'map'; map: MergeMap }
  | MergeStep
  | RenumberStep;

/**
 * Duplicates found once, with a window function (one pass and a sort, no correlated subquery), and
 * kept in a temp table of the migration's session: `dup_id` → `keep_id`, the oldest row (lowest id)
 * of the same `key`. Steps check a duplicate against its survivor again when they apply it, so a row
 * the legacy app changed since is left alone; a duplicate the legacy app adds after the map is built
 * makes the unique index build after the repair fail, and a re-run builds a fresh map.
 */
export interface MergeMap {
  name: string;
  table: string;
  /** The duplicate key over alias `a`, e.g. `(a) => \`lower(${a}.email)\``. */
  key: (alias: string) => string;
  where?: (alias: string) => string;
}

export interface MergeStep {
  kind: 'merge';
  map: MergeMap;
  label: string;
  reason: string;
  duplicateLabel: string;
  duplicateReason: string;
  /** Aggregates over the group's rows `m`, e.g. `sum(m.times_correct) AS correct`. */
  aggregates: string;
  /** Assignments for the survivor from those aggregates `s`, e.g. `times_correct = s.correct`. */
  set: string;
}

export interface RenumberStep {
  kind: 'renumber';
  table: string;
  label: string;
  reason: string;
  parent: string;
  column: string;
  orderBy: string;
  broken: string;
}

/** A `repair` step fixing each matching row from its own values (`t` is the row), reason prefixed `repaired: `. */
export const repairInPlace = (table: string, label: string, reason: string, where: string, set: string): RepairStep => ({
  kind: 'repair',
  table,
  label,
  reason: `repaired: ${reason}`,
  where,
  set,
});

export const repairTag = (migration: string, label: string) => `${migration}#${label}`;

/** The name a step's batch statements carry (batchMarker): its table and label. */
export function stepName(step: Exclude<RepairStep, { kind: 'map' }>): string {
  return `${step.kind === 'merge' ? step.map.table : step.table}:${step.label}`;
}

/** SQL (alias `t`): t is a duplicate in `map` and still has its survivor's key. */
export const isMapDuplicate = (map: MergeMap) =>
  `EXISTS (SELECT 1 FROM ${map.name} m JOIN ${map.table} k ON k.id = m.keep_id
            WHERE m.dup_id = t.id AND ROW(${map.key('k')}) IS NOT DISTINCT FROM ROW(${map.key('t')}))`;

const RECORD = `INSERT INTO quarantined_rows (source_table, reason, migration, row_data, repaired_in_place)`;

/*
 * Where a batch statement goes from a CTE's few ids to the large table, it says
 * `id = ANY (ARRAY(SELECT id FROM cte))`: an index condition whatever the planner guesses of the
 * CTE's size (a join to the CTE can be planned as a hash join over a scan of the whole table, which
 * would make each batch cost the table and the step quadratic).
 */

/** Applies the steps in order, each in keyset batches; returns how many rows each changed or moved. */
export async function applyRepairSteps(qr: QueryRunner, migration: string, steps: RepairStep[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const step of steps) {
    if (step.kind === 'map') await buildMergeMap(qr, step.map);
    else counts[step.label] = await APPLY[step.kind](qr, migration, step as never);
  }
  return counts;
}

const APPLY: { [K in Exclude<RepairStep['kind'], 'map'>]: (qr: QueryRunner, migration: string, step: Extract<RepairStep, { kind: K }>) => Promise<number> } = {
  quarantine: quarantineInBatches,
  repair: repairInBatches,
  merge: mergeInBatches,
  renumber: renumberInBatches,
};

async function quarantineInBatches(qr: QueryRunner, migration: string, step: Extract<RepairStep, { kind: 'quarantine' }>): Promise<number> {
  let total = 0;
  await forEachKeyRange(qr, step.table, 'id', async (lo, hi) => {
    const counts = oneRow<{ moved: number; kept: number }>(
      await run(
        qr,
        `${batchMarker(stepName(step))}
         WITH moved AS (DELETE FROM ${step.table} t WHERE ${inRange('id')} AND (${step.where}) RETURNING t.*),
              kept AS (${RECORD} SELECT $3, $4, $5, to_jsonb(moved), false FROM moved RETURNING 1)
         SELECT (SELECT count(*) FROM moved)::int AS moved, (SELECT count(*) FROM kept)::int AS kept`,
        [lo, hi, step.table, step.reason, repairTag(migration, step.label)],
      ),
    );
    assertCounts(step.label, counts);
    total += counts.moved;
  }, { probesOnly: true });
  return total;
}

async function repairInBatches(qr: QueryRunner, migration: string, step: Extract<RepairStep, { kind: 'repair' }>): Promise<number> {
  const from = step.from ? `, ${step.from}` : '';
  // The fix names only `t` and `from` (its SET may use bare column names); the range keeps it an index scan.
  const join = step.join ? ` AND (${step.join})` : '';
  let total = 0;
  await forEachKeyRange(qr, step.table, 'id', async (lo, hi) => {
    // hit: the batch's matching rows, locked, with their values before the fix; both the record and
    // the fix read them, so the record is exactly what was changed.
    const counts = oneRow<{ hit: number; fixed: number }>(
      await run(
        qr,
        `${batchMarker(stepName(step))}
         WITH hit AS (SELECT t.* FROM ${step.table} t${from} WHERE ${inRange('id')} AND (${step.where})${join} FOR UPDATE OF t),
              kept AS (${RECORD} SELECT $3, $4, $5, to_jsonb(h), true FROM hit h ON CONFLICT DO NOTHING),
              fixed AS (UPDATE ${step.table} t SET ${step.set}${from ? ` FROM ${step.from}` : ''}
                         WHERE ${inRange('id')} AND t.id IN (SELECT id FROM hit)${join} RETURNING 1)
         SELECT (SELECT count(*) FROM hit)::int AS hit, (SELECT count(*) FROM fixed)::int AS fixed`,
        [lo, hi, step.table, step.reason, repairTag(migration, step.label)],
      ),
    );
    assertCounts(step.label, counts);
    total += counts.fixed;
  }, { probesOnly: true });
  return total;
}

async function buildMergeMap(qr: QueryRunner, map: MergeMap): Promise<void> {
  await run(qr, `-- a scratch temp table of this session (a merge map), rebuilt on every run
    -- squawk-ignore ban-drop-table
    DROP TABLE IF EXISTS ${map.name}`);
  await run(qr, `CREATE TEMP TABLE ${map.name} (dup_id bigint NOT NULL UNIQUE, keep_id bigint NOT NULL, PRIMARY KEY (keep_id, dup_id))`);
  await run(
    qr,
    `INSERT INTO ${map.name} (dup_id, keep_id)
     SELECT id, keep_id FROM (SELECT t.id, first_value(t.id) OVER (PARTITION BY ${map.key('t')} ORDER BY t.id) AS keep_id
                                FROM ${map.table} t ${map.where ? `WHERE ${map.where('t')}` : ''}) d
      WHERE id <> keep_id`,
  );
  await run(qr, `ANALYZE ${map.name}`);
}

async function mergeInBatches(qr: QueryRunner, migration: string, step: MergeStep): Promise<number> {
  const { map } = step;
  const t = map.table;
  let total = 0;
  // Walks the map (not the table): a batch holds about the batch size of duplicates with their
  // survivors, however the duplicates are spread, and the step costs what there is to merge.
  await forEachKeyRange(qr, map.name, 'keep_id', async (lo, hi) => {
    // grp: the map's pairs whose survivor is in this batch and whose duplicate still has its key;
    // members: all their rows, locked; sums: the aggregates per survivor over its group.
    const counts = oneRow<{ groups: number; fixed: number; moved: number; kept: number }>(
      await run(
        qr,
        `${batchMarker(stepName(step))}
         WITH grp AS (SELECT g.dup_id, g.keep_id FROM ${map.name} g JOIN ${t} k ON k.id = g.keep_id JOIN ${t} d ON d.id = g.dup_id
                       WHERE ${inRange('keep_id', 'g')} AND ROW(${map.key('k')}) IS NOT DISTINCT FROM ROW(${map.key('d')})),
              belongs AS (SELECT dup_id AS id, keep_id FROM grp UNION SELECT keep_id, keep_id FROM grp),
              members AS (SELECT x.* FROM ${t} x WHERE x.id = ANY (ARRAY(SELECT id FROM belongs)) FOR UPDATE),
              sums AS (SELECT b.keep_id, ${step.aggregates} FROM belongs b JOIN members m ON m.id = b.id GROUP BY b.keep_id),
              kept AS (${RECORD} SELECT $3, $4, $5, to_jsonb(m), true FROM members m JOIN sums s ON s.keep_id = m.id ON CONFLICT DO NOTHING),
              moved AS (DELETE FROM ${t} x WHERE x.id = ANY (ARRAY(SELECT dup_id FROM grp)) RETURNING x.*),
              moved_kept AS (${RECORD} SELECT $3, $6, $7, to_jsonb(moved), false FROM moved RETURNING 1),
              fixed AS (UPDATE ${t} x SET ${step.set} FROM sums s WHERE x.id = s.keep_id RETURNING 1)
         SELECT (SELECT count(*) FROM sums)::int AS groups, (SELECT count(*) FROM fixed)::int AS fixed,
                (SELECT count(*) FROM moved)::int AS moved, (SELECT count(*) FROM moved_kept)::int AS kept`,
        [lo, hi, t, step.reason, repairTag(migration, step.label), step.duplicateReason, repairTag(migration, step.duplicateLabel)],
      ),
    );
    assertCounts(step.label, { groups: counts.groups, fixed: counts.fixed });
    assertCounts(step.duplicateLabel, { moved: counts.moved, recorded: counts.kept });
    total += counts.fixed;
  });
  return total;
}

async function renumberInBatches(qr: QueryRunner, migration: string, step: RenumberStep): Promise<number> {
  const { table, parent, column } = step;
  let total = 0;
  // Walks the children's parent column (its index serves the walk and the grouping): a batch is
  // about the batch size of children, whole parents, however many children a parent has.
  await forEachKeyRange(qr, table, parent, async (lo, hi) => {
    await atomically(qr, async () => {
      // 1. the children to renumber under the batch's parents, locked, originals recorded, set to
      //    NULL (a unique index allows any number of NULLs, so step 2 never meets a transient duplicate);
      const rows: Array<{ id: number; rn: number }> = await run(
        qr,
        `${batchMarker(stepName(step))}
         WITH broken AS (SELECT ${parent} FROM ${table} WHERE ${parent} > $1::bigint AND ${parent} <= $2::bigint GROUP BY ${parent} HAVING ${step.broken}),
              ranked AS (SELECT id, rn FROM (SELECT c.id, c.${column} AS current, row_number() OVER (PARTITION BY c.${parent} ORDER BY ${step.orderBy})::int AS rn
                                               FROM ${table} c WHERE c.${parent} = ANY (ARRAY(SELECT ${parent} FROM broken))) x
                          WHERE current IS DISTINCT FROM rn),
              hit AS (SELECT t.id, to_jsonb(t) AS original, r.rn FROM ${table} t JOIN ranked r ON r.id = t.id
                       WHERE t.id = ANY (ARRAY(SELECT id FROM ranked)) FOR UPDATE OF t),
              kept AS (${RECORD} SELECT $3, $4, $5, h.original, true FROM hit h ON CONFLICT DO NOTHING),
              cleared AS (UPDATE ${table} t SET ${column} = NULL WHERE t.id = ANY (ARRAY(SELECT id FROM hit)) RETURNING t.id)
         SELECT h.id, h.rn FROM hit h WHERE h.id IN (SELECT id FROM cleared)`,
        [lo, hi, table, step.reason, repairTag(migration, step.label)],
      );
      if (!Array.isArray(rows)) throw new Error(`${step.label}: unexpected result ${JSON.stringify(rows)}`);
      if (rows.length === 0) return;
      // 2. their new numbers.
      const { n } = oneRow<{ n: number }>(
        await run(
          qr,
          `WITH done AS (UPDATE ${table} t SET ${column} = u.rn FROM unnest($1::int[], $2::int[]) AS u(id, rn) WHERE t.id = u.id RETURNING 1)
           SELECT count(*)::int AS n FROM done`,
          [rows.map((r) => r.id), rows.map((r) => r.rn)],
        ),
      );
      assertCounts(step.label, { renumbered: n, cleared: rows.length });
      total += n;
    });
  });
  return total;
}

/** For `down`, once the tables are back in their legacy shape: undoes the steps in reverse. */
export async function revertRepairSteps(qr: QueryRunner, migration: string, steps: RepairStep[]): Promise<void> {
  for (const step of [...steps].reverse()) {
    if (step.kind === 'map') continue;
    if (step.kind === 'merge') {
      await restoreQuarantined(qr, step.map.table, repairTag(migration, step.duplicateLabel));
      await restoreQuarantined(qr, step.map.table, repairTag(migration, step.label));
    } else {
      await restoreQuarantined(qr, step.table, repairTag(migration, step.label));
    }
  }
}
