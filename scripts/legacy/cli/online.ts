/**
 * npm run legacy:online -- --database-url URL [--clients 8] [--baseline-seconds 30] [--think-ms 20]
 *                          [--inventory FILE] [--report FILE]
 * The legacy app's workload without, then during, `npm run migration:run`; per statement kind:
 * count, errors by SQLSTATE, p50/p99/max latency; the longest lock waits and what held the lock.
 * Goal: no workload statement waits more than 2 s on a lock the chain holds, no legacy write
 * rejected. With an inventory, the adopted database is verified afterwards (workload rows count as new).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CHAIN_APPLICATION_NAME } from '../chain';
import { databaseName } from '../database';
import { readInventory } from '../inventory';
import { runOnline } from '../online';
import { printTable } from '../print-table';
import { verifyAdopted } from '../verify-adopted';
import { cliOptions, databaseUrl, run } from './args';

const USAGE = `npm run legacy:online -- --database-url URL [--clients 8] [--baseline-seconds 30] [--think-ms 20] [--retries 2] [--inventory FILE] [--report FILE]`;
const LOCK_GOAL_SECONDS = 2;

run(async () => {
  const opts = cliOptions(USAGE, {
    'database-url': { type: 'string' },
    clients: { type: 'string', default: '8' },
    'baseline-seconds': { type: 'string', default: '30' },
    'think-ms': { type: 'string', default: '20' },
    retries: { type: 'string', default: '2' },
    inventory: { type: 'string' },
    report: { type: 'string' },
  });
  const url = databaseUrl(opts['database-url']);
  const db = databaseName(url);
  console.log(
    `legacy workload on ${db}: ${opts.clients} clients, ${opts['baseline-seconds']} s without the chain, then during migration:run …`,
  );
  const result = await runOnline(url, {
    clients: Number(opts.clients),
    baselineSeconds: Number(opts['baseline-seconds']),
    thinkMs: Number(opts['think-ms']),
    retries: Number(opts.retries),
  });
  const ms = (x: number) => x.toFixed(1);
  const chainStatus = result.chain.exitCode === 0 ? 'completed' : `FAILED (exit ${result.chain.exitCode})`;
  const failedRuns = result.attempts.filter((a) => a.exitCode !== 0);
  let md = `## Legacy workload during migration:run on ${db} (${new Date().toISOString()})\n\n`;
  md += `${opts.clients} clients, think time ${opts['think-ms']} ms; migration:run ran ${result.attempts.length} time(s); the last ${chainStatus} in ${result.chain.seconds.toFixed(1)} s.\n\n`;
  for (const [i, a] of failedRuns.entries()) md += `- failed run ${i + 1} (${a.seconds.toFixed(1)} s): ${chainError(a.output)}\n`;
  md += printTable(
    'Statements (latency in ms)',
    result.stats.map((s) => ({
      statement: s.kind,
      phase: s.phase,
      count: s.count,
      errors: Object.entries(s.errors)
        .map(([code, n]) => `${code}×${n}`)
        .join(' '),
      p50: ms(s.p50),
      p99: ms(s.p99),
      max: ms(s.max),
    })),
  );
  md += printTable(
    'Longest lock waits of workload statements (sampled every 100 ms: seconds running when last seen waiting)',
    result.lockWaits.slice(0, 10).map((w) => ({ statement: w.kind, seconds: w.seconds.toFixed(2), 'blocked by': w.blockedBy })),
  );
  md += printTable(
    'Chain, per migration (seconds; run n of migration:run)',
    result.attempts.flatMap((a, i) => a.migrations.map((m) => ({ run: i + 1, migration: m.name, seconds: m.seconds.toFixed(1) }))),
  );
  const chainWaits = result.lockWaits.filter((w) => w.blockedBy.includes(CHAIN_APPLICATION_NAME));
  const maxChainWait = Math.max(0, ...chainWaits.map((w) => w.seconds));
  const problems: string[] = [];
  if (result.chain.exitCode !== 0) problems.push(`the chain failed: ${chainError(result.chain.output)}`);
  if (failedRuns.length && result.chain.exitCode === 0)
    problems.push(`migration:run failed ${failedRuns.length} time(s) under the workload before a re-run completed`);
  if (maxChainWait > LOCK_GOAL_SECONDS)
    problems.push(`a workload statement waited ${maxChainWait.toFixed(2)} s on a lock the chain held (goal ≤ ${LOCK_GOAL_SECONDS} s)`);
  if (result.rejectedWrites) problems.push(`${result.rejectedWrites} legacy writes rejected (see errors)`);
  if (opts.inventory && result.chain.exitCode === 0) {
    const verified = await verifyAdopted(url, readInventory(opts.inventory));
    md += printTable('Adopted database after the workload', verified.tables as never);
    md += printTable('Rules across rows', verified.rules as never);
    problems.push(...verified.problems);
  }
  md += `\nMax lock wait on the chain: ${maxChainWait.toFixed(2)} s. Legacy writes rejected: ${result.rejectedWrites}.\n`;
  md += problems.length ? `\n**${problems.length} problem(s):**\n${problems.map((p) => `- ${p}`).join('\n')}\n` : '\nGoal met.\n';
  const file = opts.report ?? path.join('.data', 'legacy', `${db}.online.md`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, md);
  console.log(`\nMax lock wait on the chain: ${maxChainWait.toFixed(2)} s; legacy writes rejected: ${result.rejectedWrites}`);
  if (problems.length) console.log(`\n${problems.length} PROBLEM(S):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  console.log(`report: ${file}`);
  return problems.length ? 1 : 0;
});

/** The chain's failure as TypeORM prints it (the failing migration and the error). */
function chainError(output: string): string {
  const lines = output.split('\n');
  const at = lines.findIndex((l) => /^Migration ".*" failed|^query failed|^error:/i.test(l));
  return at < 0
    ? lines.slice(-5).join(' / ')
    : lines
        .slice(at, at + 6)
        .map((l) => l.slice(0, 300))
        .join(' / ');
}
