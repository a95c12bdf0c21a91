import type { QueryRunner } from 'typeorm';
import { atomically, quarantineRows, recordOriginals, restoreQuarantined } from './migration-helpers';

/**
 * A data repair a migration applies to a legacy table before changing its schema, declared once so
 * `up` applies the list and `down` undoes it in reverse. Each step gets its own quarantine tag
 * (`<migration>#<label>`), so a row repaired by several steps is restored step by step.
 *
 * - `quarantine`: rows matching `where` (alias `t`) move to quarantined_rows with the reason.
 * - `repair`: the original rows are recorded in quarantine (repaired_in_place), then
 *   `UPDATE <table> t SET <set> [FROM <from>] WHERE <where> [AND <join>]` fixes them in place.
 *
 * `where` must stand on its own (recordOriginals runs it without `from`); write merges set-based
 * (window functions, GROUP BY) so they stay linear on large tables.
 */
export type RepairStep =
  | { kind: 'quarantine'; table: string; label: string; reason: string; where: string }
  | { kind: 'repair'; table: string; label: string; reason: string; where: string; set: string; from?: string; join?: string };

/** A `repair` step fixing each matching row from its own values (`t` is the row), reason prefixed `repaired: `. */
export const repairInPlace = (table: string, label: string, reason: string, where: string, set: string): RepairStep => ({
  kind: 'repair',
  table,
  label,
  reason: `repaired: ${reason}`,
  where,
  set,
});

export const repairTag = (migration: string, step: RepairStep) => `${migration}#${step.label}`;

/**
 * Applies the steps in order, all in one transaction (steps build on each other — a merge and the
 * quarantine of what it merged must not be split by a failure); returns how many rows each touched.
 * Only row locks are taken, so legacy writers go on; schema changes come after, each on its own.
 */
export async function applyRepairSteps(qr: QueryRunner, migration: string, steps: RepairStep[]): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  await atomically(qr, () => applyAll(qr, migration, steps, counts));
  return counts;
}

async function applyAll(qr: QueryRunner, migration: string, steps: RepairStep[], counts: Record<string, number>): Promise<void> {
  for (const step of steps) {
    const tag = repairTag(migration, step);
    if (step.kind === 'quarantine') {
      counts[step.label] = await quarantineRows(qr, step.table, step.where, step.reason, tag);
      continue;
    }
    counts[step.label] = await recordOriginals(qr, step.table, step.where, step.reason, tag);
    if (counts[step.label] === 0) continue;
    const from = step.from ? ` FROM ${step.from}` : '';
    const join = step.join ? ` AND (${step.join})` : '';
    await qr.query(`UPDATE ${step.table} t SET ${step.set}${from} WHERE (${step.where})${join}`);
  }
}

/**
 * Applies independent repair steps (no `from`/`join`: each row is fixed from its own values) in
 * batches of `batchSize` rows, each batch ONE statement that records the originals and fixes them
 * together — so outside a transaction every batch commits on its own, holds its row locks briefly,
 * and a failure can never leave a change without its record (or a record twice). Re-running picks up
 * where it stopped: fixed rows no longer match `where`.
 */
export async function applyRepairStepsInBatches(qr: QueryRunner, migration: string, steps: RepairStep[], batchSize = 5_000): Promise<void> {
  for (const step of steps) {
    if (step.kind === 'quarantine') {
      await quarantineRows(qr, step.table, step.where, step.reason, repairTag(migration, step));
      continue;
    }
    if (step.from || step.join) throw new Error(`repair step ${step.label} joins other rows: use applyRepairSteps`);
    for (;;) {
      const [{ n }]: Array<{ n: number }> = await qr.query(
        `WITH batch AS (SELECT t.id AS k FROM ${step.table} t WHERE ${step.where} ORDER BY t.id LIMIT ${batchSize} FOR UPDATE OF t),
              kept AS (INSERT INTO quarantined_rows (source_table, reason, migration, row_data, repaired_in_place)
                       SELECT $1, $2, $3, to_jsonb(t), true FROM ${step.table} t JOIN batch b ON b.k = t.id),
              fixed AS (UPDATE ${step.table} t SET ${step.set} FROM batch b WHERE t.id = b.k RETURNING 1)
         SELECT count(*)::int AS n FROM fixed`,
        [step.table, step.reason, repairTag(migration, step)],
      );
      if (n < batchSize) break;
    }
  }
}

/** For `down`, once the tables are back in their legacy shape: undoes the steps in reverse. */
export async function revertRepairSteps(qr: QueryRunner, migration: string, steps: RepairStep[]): Promise<void> {
  for (const step of [...steps].reverse()) await restoreQuarantined(qr, step.table, repairTag(migration, step));
}
