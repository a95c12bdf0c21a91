/**
 * npm run legacy:chain -- --database-url URL [--revert] [--report FILE]
 * Runs `npm run migration:run` on the database and times each migration; with --revert, reverts
 * every migration but the baseline instead (each `down` timed). Appends the figures to a markdown
 * report (default .data/legacy/<db>.chain.md).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { revertToBaseline, startChain } from '../chain';
import { databaseName } from '../database';
import { printTable } from '../print-table';
import * as os from 'node:os';
import { cliOptions, databaseUrl, mb, run } from './args';

const USAGE = `npm run legacy:chain -- --database-url URL [--revert] [--report FILE] [--assume-free SIZE] [--json FILE]
  --assume-free SIZE  free disk the migrations may assume (e.g. 40GB): steps that need more refuse to start
                      (LINGUA_MIGRATION_ASSUME_FREE; default: the data directory's free space when visible)
  --json FILE         also write the run's figures (per migration, peak RSS, peak extra disk, load) as JSON
  --scale N           the legacy scale of the database, recorded in the JSON (for legacy:scale-report)`;

run(async () => {
  const opts = cliOptions(USAGE, {
    'database-url': { type: 'string' },
    revert: { type: 'boolean' },
    report: { type: 'string' },
    'assume-free': { type: 'string' },
    json: { type: 'string' },
    scale: { type: 'string' },
  });
  const url = databaseUrl(opts['database-url']);
  const db = databaseName(url);
  const file = opts.report ?? path.join('.data', 'legacy', `${db}.chain.md`);
  let markdown: string;
  let code = 0;
  if (opts.revert) {
    const started = Date.now();
    const timings = await revertToBaseline(url, (t) => console.log(`  reverted ${t.name} in ${t.seconds.toFixed(1)} s`));
    const total = (Date.now() - started) / 1000;
    markdown = printTable(
      `Revert to the baseline on ${db}: ${total.toFixed(1)} s`,
      timings.map((t) => ({ migration: t.name, seconds: t.seconds.toFixed(1) })),
    );
  } else {
    console.log(`npm run migration:run on ${db} …`);
    const env = opts['assume-free'] ? { LINGUA_MIGRATION_ASSUME_FREE: opts['assume-free'] } : undefined;
    const result = await startChain(url, { echo: true, env }).done;
    code = result.exitCode ?? 1;
    const status = code === 0 ? 'completed' : `FAILED (exit ${result.exitCode}, signal ${result.signal})`;
    const r = result.resources;
    markdown = printTable(
      `migration:run on ${db}: ${status} in ${result.seconds.toFixed(1)} s (each migration ± 0.25 s; the first includes connecting); ` +
        `peak RSS of the migration process ${mb(r.peakRssBytes)}; peak extra disk ${mb(r.peakExtraDiskBytes)} ` +
        `(database + WAL + temporary files over the ${mb(r.startDiskBytes)} at the start; the database grew ${mb(r.endExtraDatabaseBytes)})`,
      result.migrations.map((t) => ({ migration: t.name, seconds: t.seconds.toFixed(1) })),
    );
    if (opts.json) {
      fs.mkdirSync(path.dirname(opts.json), { recursive: true });
      fs.writeFileSync(
        opts.json,
        JSON.stringify(
          {
            database: db,
            scale: Number(opts.scale ?? NaN),
            at: new Date().toISOString(),
            loadAtEnd: os.loadavg(),
            ...result,
            output: undefined,
          },
          null,
          2,
        ),
      );
    }
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.appendFileSync(file, `\n<!-- ${new Date().toISOString()} -->\n${markdown}`);
  console.log(`\nreport appended to ${file}`);
  return code;
});
