/**
 * npm run legacy:verify -- --database-url URL [--inventory FILE] [--mode adopted|reverted]
 * After the chain: every legacy row in its table (repaired by a documented rule) or quarantined with
 * its reason, none twice, none lost. After a full revert: the database equals the inventory exactly.
 * The mode follows the database (only the baseline applied → reverted) unless given.
 */
import { databaseName, withClient } from '../database';
import { defaultInventoryPath, readInventory } from '../inventory';
import { printTable } from '../print-table';
import { verifyAdopted } from '../verify-adopted';
import { verifyReverted } from '../verify-reverted';
import { cliOptions, databaseUrl, run } from './args';

const USAGE = `npm run legacy:verify -- --database-url URL [--inventory FILE] [--mode adopted|reverted]`;

run(async () => {
  const opts = cliOptions(USAGE, { 'database-url': { type: 'string' }, inventory: { type: 'string' }, mode: { type: 'string' } });
  const url = databaseUrl(opts['database-url']);
  const inventory = readInventory(opts.inventory ?? defaultInventoryPath(databaseName(url)));
  const applied = await withClient(url, async (c) => Number((await c.query(`SELECT count(*) AS n FROM migrations`)).rows[0].n));
  const mode = opts.mode ?? (applied <= 1 ? 'reverted' : 'adopted');
  console.log(
    `${databaseName(url)}: ${applied} migrations applied; checking it as ${mode} against the inventory of ${inventory.database} (${inventory.takenAt})`,
  );
  if (mode === 'reverted') {
    const result = await verifyReverted(url, inventory, (line) => console.log(line));
    printTable('Reverted database vs the legacy inventory', result.tables as never);
    return report(result.problems);
  }
  const result = await verifyAdopted(url, inventory, (line) => console.log(line));
  printTable('Every legacy row accounted for', result.tables as never);
  printTable(
    'Planted defects (asPromised: repaired or quarantined by its documented rule; elsewhere: quarantined by another rule)',
    result.defects as never,
  );
  printTable('Rules across rows', result.rules as never);
  return report(result.problems);
});

function report(problems: string[]): number {
  if (!problems.length) {
    console.log('\nOK: no mismatch.');
    return 0;
  }
  console.log(`\n${problems.length} MISMATCH(ES):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  return 1;
}
