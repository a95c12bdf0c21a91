/**
 * npm run legacy:generate -- --scale N [--database-url URL] [--replace] [--inventory FILE]
 * Builds a dirty legacy database (LEGACY.md) of scale N (1 ≈ 1.1 GB) and writes its inventory.
 */
import { generateLegacy } from '../generate';
import { defaultInventoryPath, takeInventory, writeInventory } from '../inventory';
import { printTable } from '../print-table';
import { tableProgress } from '../progress';
import { cliOptions, databaseUrl, legacyDatabaseName, mb, run } from './args';

const USAGE = `npm run legacy:generate -- --scale N [--database-url URL] [--replace] [--inventory FILE]
npm run legacy:generate -- --inventory-only --database-url URL [--inventory FILE]
  --scale N         1 ≈ 1.1 GB (50k users, 2M vocabulary rows, 2M messages …); 0.1 is ten times smaller
  --database-url    the database to create (default: DATABASE_URL, else lingua_legacy_s<N> on 127.0.0.1:5432)
  --replace         drop and rebuild the database if it exists
  --inventory FILE  where to write the inventory (default .data/legacy/<db>.inventory.json)
  --inventory-only  only take the inventory of an existing legacy database (e.g. a real one before adopting it)`;

run(async () => {
  const opts = cliOptions(USAGE, {
    scale: { type: 'string', default: '1' },
    'database-url': { type: 'string' },
    replace: { type: 'boolean' },
    inventory: { type: 'string' },
    'inventory-only': { type: 'boolean' },
  });
  const scale = Number(opts.scale);
  const url = databaseUrl(opts['database-url'], legacyDatabaseName(scale));
  if (opts['inventory-only']) {
    const started = Date.now();
    const inventory = await takeInventory(url, { log: (line) => console.log(line) });
    const file = writeInventory(inventory, opts.inventory ?? defaultInventoryPath(inventory.database));
    console.log(
      `inventory of ${inventory.database} (${mb(inventory.databaseBytes)}) taken in ${((Date.now() - started) / 1000).toFixed(1)} s: ${file}`,
    );
    return;
  }
  const progress = tableProgress();
  const result = await generateLegacy(url, { scale, replace: opts.replace, onProgress: progress.update, log: (line) => console.log(line) });
  progress.stop();
  const file = writeInventory(result.inventory, opts.inventory ?? defaultInventoryPath(result.inventory.database));
  const inv = result.inventory;
  printTable(
    `Legacy database ${inv.database} (scale ${scale}): ${mb(result.bytes)}, generated in ${result.seconds.toFixed(1)} s`,
    Object.entries(inv.tables).map(([table, t]) => ({
      table,
      rows: t.rows,
      'defect rows (kinds)': Object.entries(inv.defects)
        .filter(([k]) => k.startsWith(`${table}.`))
        .map(([k, ids]) => `${k.slice(table.length + 1)} ${ids.length}`)
        .join(', '),
    })),
  );
  console.log(`\ninventory: ${file}\nurl: ${url}`);
});
