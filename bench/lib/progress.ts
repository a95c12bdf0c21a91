import { SingleBar } from 'cli-progress';

/** A progress bar on stderr (plain lines every 5 s when stderr is not a terminal). */
export function progressBar(phase: string, total: number): SingleBar {
  const b = new SingleBar({
    format: `${phase.padEnd(24)} [{bar}] {value}/{total} {step}`,
    barsize: 30,
    hideCursor: true,
    noTTYOutput: true,
    notTTYSchedule: 5_000,
    clearOnComplete: false,
  });
  b.start(total, 0, { step: '' });
  return b;
}
