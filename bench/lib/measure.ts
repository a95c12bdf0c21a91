/**
 * Side-by-side timing: every implementation of a scenario runs in the same rounds, interleaved
 * (ours, baseline, floor, ours, …), so machine noise hits them alike; per-round means per operation
 * are reduced to medians across rounds.
 */
export interface Implementation {
  name: string;
  run: () => Promise<unknown>;
  /** Statements one operation sends (counted once, outside the timed loop). */
  statements?: number;
}

export interface Measured {
  name: string;
  medianMs: number;
  p90Ms: number;
  minMs: number;
  statements?: number;
  samples: number[];
}

export async function measure(
  impls: Implementation[],
  { rounds, opsPerRound, warmup, onRound }: { rounds: number; opsPerRound: number; warmup: number; onRound?: () => void },
): Promise<Measured[]> {
  for (const impl of impls) for (let i = 0; i < warmup; i++) await impl.run();
  const samples = new Map<string, number[]>(impls.map((i) => [i.name, []]));
  for (let r = 0; r < rounds; r++) {
    const order = r % 2 === 0 ? impls : [...impls].reverse();
    for (const impl of order) {
      const t0 = process.hrtime.bigint();
      for (let i = 0; i < opsPerRound; i++) await impl.run();
      samples.get(impl.name)!.push(Number(process.hrtime.bigint() - t0) / 1e6 / opsPerRound);
    }
    onRound?.();
  }
  return impls.map((impl) => {
    const s = [...samples.get(impl.name)!].sort((a, b) => a - b);
    return { name: impl.name, medianMs: quantile(s, 0.5), p90Ms: quantile(s, 0.9), minMs: s[0], statements: impl.statements, samples: s };
  });
}

export function quantile(sorted: number[], q: number): number {
  if (!sorted.length) return NaN;
  const pos = (sorted.length - 1) * q;
  const lo = Math.floor(pos);
  const hi = Math.ceil(pos);
  return sorted[lo] + (sorted[hi] - sorted[lo]) * (pos - lo);
}
