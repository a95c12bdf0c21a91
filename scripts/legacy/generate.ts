import type { Client } from 'pg';
import { applyBaseline, createDatabase, withClient } from './database';
import { takeInventory, Inventory } from './inventory';
import { conversationsPlan, interactionsPlan, messagesPlan } from './plan-conversations';
import { lessonSessionsPlan, lessonsPlan, versionsPlan } from './plan-lessons';
import { learningPathsPlan, profilesPlan, TablePlan, usersPlan } from './plan-users';
import { categoriesPlan, practicePlan, vocabularyPlan, wordsPlan } from './plan-vocabulary';
import { legacySizes, LegacySizes } from './sizes';

export interface GenerateOptions {
  scale: number;
  /** Drop and rebuild the database if it exists. */
  replace?: boolean;
  /** Fill the (empty) database `url` already names instead of creating it (e.g. a test harness's). */
  existing?: boolean;
  /** Rows per INSERT … SELECT generate_series statement. */
  chunkRows?: number;
  /** Called when a table starts (done = 0) and after each chunk. */
  onProgress?: (table: string, done: number, total: number) => void;
  /** Told what runs after the tables (VACUUM, the inventory's scans). */
  log?: (line: string) => void;
}

export interface GenerateResult {
  sizes: LegacySizes;
  seconds: number;
  bytes: number;
  inventory: Inventory;
}

export function generationPlan(sizes: LegacySizes): TablePlan[] {
  return [
    usersPlan(sizes),
    categoriesPlan(sizes),
    wordsPlan(sizes),
    vocabularyPlan(sizes),
    practicePlan(sizes),
    conversationsPlan(sizes),
    messagesPlan(sizes),
    interactionsPlan(sizes),
    lessonsPlan(sizes),
    versionsPlan(sizes),
    lessonSessionsPlan(sizes),
    profilesPlan(sizes),
    learningPathsPlan(sizes),
  ];
}

/**
 * Builds a dirty legacy database at `url` (created here): the baseline migration only (the legacy
 * schema), then every table filled set-based, chunk by chunk, with the defects the repair
 * migrations handle planted at fixed positions (plan-*.ts); then VACUUM ANALYZE and the inventory.
 * The same scale always builds the same rows.
 */
export async function generateLegacy(url: string, options: GenerateOptions): Promise<GenerateResult> {
  const started = Date.now();
  const sizes = legacySizes(options.scale);
  if (!options.existing) await createDatabase(url, { replace: options.replace });
  await applyBaseline(url);
  await withClient(url, async (client) => {
    await client.query(`SET synchronous_commit = off`);
    for (const plan of generationPlan(sizes)) await fillTable(client, plan, options);
    options.log?.('  VACUUM (ANALYZE)');
    await client.query(`VACUUM (ANALYZE)`);
  });
  const inventory = await takeInventory(url, { log: options.log });
  const bytes = inventory.databaseBytes;
  return { sizes, seconds: (Date.now() - started) / 1000, bytes, inventory };
}

async function fillTable(client: Client, plan: TablePlan, options: GenerateOptions): Promise<void> {
  const chunk = options.chunkRows ?? 100_000;
  options.onProgress?.(plan.table, 0, plan.total);
  for (let lo = 1; lo <= plan.total; lo += chunk) {
    const hi = Math.min(plan.total, lo + chunk - 1);
    await client.query(plan.rows(lo, hi));
    options.onProgress?.(plan.table, hi, plan.total);
  }
  // Ids were given explicitly: the serial goes on after the highest, as in the legacy database.
  await client.query(`SELECT setval(pg_get_serial_sequence('${plan.table}', 'id'), (SELECT coalesce(max(id), 1) FROM ${plan.table}))`);
}
