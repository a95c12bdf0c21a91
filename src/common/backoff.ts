/**
 * The wait before retry `attempt` (1, 2, …): `baseMs · 2^(attempt − 1)`, at most `maxMs`; with `jitter`, a
 * random point in [½, 1½) of it, so clients retrying after the same failure do not retry in step.
 */
export function backoffMs(
  attempt: number,
  { baseMs, maxMs = Number.POSITIVE_INFINITY, jitter = false }: { baseMs: number; maxMs?: number; jitter?: boolean },
): number {
  const delay = Math.min(baseMs * 2 ** Math.max(0, attempt - 1), maxMs);
  return jitter ? delay / 2 + Math.random() * delay : delay;
}

export const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
