import { MultiBar, Presets, SingleBar } from 'cli-progress';

/**
 * A progress bar per table on a terminal (cli-progress); one line per finished table otherwise
 * (cli-progress draws nothing without a TTY).
 */
export function tableProgress(): { update: (table: string, done: number, total: number) => void; stop: () => void } {
  if (!process.stdout.isTTY) {
    const started = new Map<string, number>();
    return {
      update: (table, done, total) => {
        if (!started.has(table)) started.set(table, Date.now());
        if (done === total)
          console.log(`  ${table.padEnd(26)} ${total} rows in ${((Date.now() - started.get(table)!) / 1000).toFixed(1)} s`);
      },
      stop: () => undefined,
    };
  }
  const bars = new MultiBar({ format: '  {table} [{bar}] {percentage}% {value}/{total} rows', hideCursor: true }, Presets.shades_classic);
  const byTable = new Map<string, SingleBar>();
  return {
    update: (table, done, total) => {
      if (!byTable.has(table)) byTable.set(table, bars.create(total, 0, { table: table.padEnd(26) }));
      byTable.get(table)!.update(done);
    },
    stop: () => bars.stop(),
  };
}
