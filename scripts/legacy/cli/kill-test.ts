/**
 * npm run legacy:kill-test -- --database-url URL [--moments index,batch,validate[@Migration],…] [--occurrence N]
 *                             [--inventory FILE] [--report FILE]
 * Kills migration:run inside each moment in turn (`validate@RepairVocabulary`: only inside that migration), re-runs it to completion, then asserts: no index
 * left INVALID, nothing quarantined twice, and (with the inventory) every legacy row accounted for.
 * Exit 1 on a failed assertion, 3 when a moment was not caught (inconclusive), else 0.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { databaseName } from '../database';
import { defaultInventoryPath, readInventory } from '../inventory';
import { revertToBaseline } from '../chain';
import { killRevert, killTest } from '../kill-test';
import { verifyReverted } from '../verify-reverted';
import { printTable } from '../print-table';
import { verifyAdopted } from '../verify-adopted';
import { cliOptions, databaseUrl, run } from './args';

const USAGE = `npm run legacy:kill-test -- --database-url URL [--moments index,batch,validate,between,swap] [--occurrence N]
                            [--revert-moments rebuild] [--inventory FILE] [--report FILE]
  --moments         kinds of moment to kill migration:run in, in turn: index, batch, validate, between, swap;
                    key~text narrows to statements containing text, key@Migration to one migration
  --revert-moments  after the adopted database is verified: kill migration:revert in these moments
                    (rebuild), revert to the baseline to completion and verify row for row
  --revert-only     on a database already adopted and verified: only the revert part`;

run(async () => {
  const opts = cliOptions(USAGE, {
    'database-url': { type: 'string' },
    moments: { type: 'string', default: 'index,batch,validate' },
    occurrence: { type: 'string', default: '1' },
    inventory: { type: 'string' },
    report: { type: 'string' },
    'revert-moments': { type: 'string' },
    'revert-only': { type: 'boolean' },
  });
  const url = databaseUrl(opts['database-url']);
  const db = databaseName(url);
  const inventoryFile = opts.inventory ?? defaultInventoryPath(db);
  // --revert-only: the database is already adopted and verified; only the revert's kills, the revert and its proof.
  const moments = opts['revert-only'] ? [] : opts.moments!.split(',');
  const result = await killTest(url, moments, { occurrence: Number(opts.occurrence), log: (line) => console.log(line) });
  let md = `## Kill-and-rerun on ${db} (${new Date().toISOString()})\n\n`;
  md += printTable(
    'Kills (SIGKILL of migration:run + its backend terminated)',
    result.kills.map((k) => ({
      moment: k.moment,
      caught: k.caught ? 'yes' : 'NO',
      migration: k.migration ?? '',
      'statement running (ms)': k.runningMs ?? '',
      'INVALID indexes left': k.invalidIndexesAfterKill?.join(' ') ?? '',
      statement: k.statement ?? k.note,
    })),
  );
  const problems: string[] = [];
  if (result.final.exitCode !== 0)
    problems.push(
      `the re-run failed (exit ${result.final.exitCode}): ${result.final.output
        .split('\n')
        .filter((l) => /error/i.test(l))
        .slice(0, 3)
        .join(' / ')}`,
    );
  if (result.invalidIndexes.length) problems.push(`indexes left INVALID: ${result.invalidIndexes.join(', ')}`);
  if (result.quarantinedTwice) problems.push(`${result.quarantinedTwice} rows quarantined twice by the same step`);
  if (opts['revert-only']) {
    console.log('(--revert-only: the adopted database is taken as verified)');
  } else if (fs.existsSync(inventoryFile) && result.final.exitCode === 0) {
    const verified = await verifyAdopted(url, readInventory(inventoryFile));
    md += printTable('Every legacy row accounted for after the re-run', verified.tables as never);
    problems.push(...verified.problems);
  } else if (!fs.existsSync(inventoryFile)) {
    console.log(`(no inventory at ${inventoryFile}: rows not verified)`);
  }
  md += printTable(
    'Re-run to completion, per migration (seconds)',
    result.final.migrations.map((m) => ({ migration: m.name, seconds: m.seconds.toFixed(1) })),
  );
  if (opts['revert-moments'] && !problems.length && fs.existsSync(inventoryFile)) {
    const inventory = readInventory(inventoryFile);
    const revertKills = [];
    for (const spec of opts['revert-moments'].split(','))
      revertKills.push(await killRevert(url, spec, { log: (line) => console.log(line) }));
    result.kills.push(...revertKills);
    console.log('reverting to the baseline to completion …');
    const timings = await revertToBaseline(url, (t) => console.log(`  reverted ${t.name} in ${t.seconds.toFixed(1)} s`));
    md += printTable(
      'Kills of migration:revert',
      revertKills.map((k) => ({
        moment: k.moment,
        caught: k.caught ? 'yes' : 'NO',
        migration: k.migration ?? '',
        'statement running (ms)': k.runningMs ?? '',
        statement: k.statement ?? k.note,
      })),
    );
    md += printTable(
      'Revert to the baseline after the kill (seconds)',
      timings.map((t) => ({ migration: t.name, seconds: t.seconds.toFixed(1) })),
    );
    const reverted = await verifyReverted(url, inventory);
    md += reverted.problems.length ? '' : '\nReverted database equals the legacy inventory, row for row.\n';
    problems.push(...reverted.problems.map((p) => `after the revert: ${p}`));
  }
  const missed = result.kills.filter((k) => !k.caught);
  md += problems.length
    ? `\n**${problems.length} problem(s):**\n${problems.map((p) => `- ${p}`).join('\n')}\n`
    : '\nRe-run completed; no INVALID index; nothing quarantined twice; no row lost.\n';
  if (missed.length) md += `\n**Inconclusive:** ${missed.map((k) => k.moment).join(', ')} not caught.\n`;
  const file = opts.report ?? path.join('.data', 'legacy', `${db}.kill-test.md`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, md);
  if (problems.length) console.log(`\n${problems.length} PROBLEM(S):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  else console.log('\nRe-run completed; no INVALID index; nothing quarantined twice; no row lost.');
  if (missed.length) console.log(`INCONCLUSIVE: not caught: ${missed.map((k) => k.moment).join(', ')}`);
  console.log(`report: ${file}`);
  return problems.length ? 1 : missed.length ? 3 : 0;
});
