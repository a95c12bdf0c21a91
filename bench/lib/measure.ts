/**
 * Side-by-side timing: every implementation of a scenario runs in the same rounds, interleaved
 * (ours, baseline, floor, then floor, baseline, ours, …), so machine noise hits them alike; each
 * round yields one mean per operation per implementation, and those are reduced to a median and a
 * p90 across rounds.
 *
 * Implementations differ by two orders of magnitude (a cached read vs an N+1 baseline), so each one
 * gets its own operation count per round, calibrated once from its warm-up so that a round of each
 * lasts about `roundMs`: the fast ones are not drowned in timer resolution and the slow ones do not
 * dominate the run.
 */
export interface Implementation {
  name: string;
  run: () => Promise<unknown>;
  /** Statements one operation sends (counted once, outside the timed loop). */
  statements?: number;
  /** Operations per round; calibrated from the warm-up when omitted. */
  opsPerRound?: number;
}

export interface Measured {
  name: string;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  statements?: number;
  opsPerRound: number;
  rounds: number;
  /** Per-round mean ms/op, sorted ascending. */
  samples: number[];
}

export interface MeasureOptions {
  rounds: number;
  /** Target duration of one implementation's share of a round (calibration). */
  roundMs: number;
  /** Untimed operations per implementation before the rounds (also the calibration sample). */
  warmup: number;
  maxOpsPerRound?: number;
  onRound?: () => void;
}

export async function measure(
  impls: Implementation[],
  { rounds, roundMs, warmup, maxOpsPerRound = 5_000, onRound }: MeasureOptions,
): Promise<Measured[]> {
  const ops = new Map<string, number>();
  for (const impl of impls) {
    const times: number[] = [];
    for (let i = 0; i < Math.max(1, warmup); i++) times.push(await timeOnce(impl.run));
    const typical = quantile(
      [...times].sort((a, b) => a - b),
      0.5,
    );
    ops.set(impl.name, impl.opsPerRound ?? Math.min(maxOpsPerRound, Math.max(1, Math.round(roundMs / Math.max(typical, 0.001)))));
  }
  const samples = new Map<string, number[]>(impls.map((i) => [i.name, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? impls : [...impls].reverse();
    for (const impl of order) {
      const n = ops.get(impl.name)!;
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < n; i++) await impl.run();
      samples.get(impl.name)!.push(Number(process.hrtime.bigint() - t0) / 1e6 / n);
    }
    onRound?.();
  }
  return impls.map((impl) => {
    const s = [...samples.get(impl.name)!].sort((a, b) => a - b);
    return {
      name: impl.name,
      medianMs: quantile(s, 0.5),
      p90Ms: quantile(s, 0.9),
      minMs: s[0],
      statements: impl.statements,
      opsPerRound: ops.get(impl.name)!,
      rounds,
      samples: s,
    };
  });
}

async function timeOnce(run: () => Promise<unknown>): Promise<number> {
  const t0 = process.hrtime.bigint();
  await run();
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
