import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client } from 'pg';
import { quantile } from '../lib/measure';
import { progressBar } from '../lib/progress';

/**
 * Part B's closed-loop learner mix: `learners` virtual learners at once, each on its own keep-alive
 * connection (Node's fetch), looping: answer the first card of its due queue with rating 4 (easy), then
 * read its stats, its due queue, its vocabulary list, a catalogue words page and the categories.
 * Read-your-writes is checked on every loop against what the learner just wrote:
 *   - due: the card just answered (its new due date in the future, from the answer's response) must not
 *     be in the due queue read after it;
 *   - stats: dueNow must be below the learner's previous reading (one due card fewer); when it is not,
 *     the primary is asked whether any of the learner's cards came due since that reading (which
 *     excuses it) — otherwise a violation.
 */
export const STEPS = ['answer', 'stats', 'due', 'vocabulary', 'words', 'categories'] as const;
export type Step = (typeof STEPS)[number];

export interface MixLearner {
  userId: number;
  token: string;
}

export interface StepStats {
  requests: number;
  p50: number;
  p99: number;
  /** Answers by status class outside 2xx (e.g. {"500": 2}). */
  failures: Record<string, number>;
}

export interface Violation {
  kind: 'due' | 'stats';
  userId: number;
  wordId?: number;
  detail: string;
  atMs: number;
}

export interface MixResult {
  loops: number;
  /** Loops with nothing due to answer (reads only). */
  loopsWithoutDueCard: number;
  steps: Record<Step, StepStats>;
  ryw: { dueChecks: number; statsChecks: number; statsExcused: number; violations: Violation[] };
  /** Network-level errors (no HTTP answer) by step. */
  errors: Record<string, number>;
  windowMs: number;
}

/** The fields of the answers the loop reads. */
interface Body {
  id?: number;
  items?: Array<{ wordId: number }>;
  card?: { dueAt: string };
  dueNow?: number;
}

interface Recorder {
  timed: boolean;
  latencies: Record<Step, number[]>;
  failures: Record<Step, Record<string, number>>;
  errors: Record<string, number>;
}

export async function runLearnerMix(
  baseUrl: string,
  primaryUrl: string,
  learners: MixLearner[],
  o: {
    warmupSeconds: number;
    seconds: number;
    thinkMs: number;
    categoryIds: number[];
    onSteadyStart: () => Promise<void>;
    onSteadyEnd: () => Promise<void>;
  },
): Promise<MixResult> {
  const primary = new Client({ connectionString: primaryUrl });
  await primary.connect();
  const rec: Recorder = {
    timed: false,
    latencies: Object.fromEntries(STEPS.map((s) => [s, []])) as unknown as Record<Step, number[]>,
    failures: Object.fromEntries(STEPS.map((s) => [s, {}])) as unknown as Record<Step, Record<string, number>>,
    errors: {},
  };
  const ryw = { dueChecks: 0, statsChecks: 0, statsExcused: 0, violations: [] as Violation[] };
  let loops = 0;
  let loopsWithoutDueCard = 0;
  const t0 = performance.now();
  let stop = false;

  const call = async (
    step: Step,
    learner: MixLearner,
    path: string,
    body?: unknown,
  ): Promise<{ status: number; json: Body } | undefined> => {
    const started = performance.now();
    try {
      const res = await fetch(baseUrl + path, {
        method: body === undefined ? 'GET' : 'POST',
        headers: { authorization: `Bearer ${learner.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      if (rec.timed) {
        rec.latencies[step].push(performance.now() - started);
        if (res.status < 200 || res.status >= 300) rec.failures[step][res.status] = (rec.failures[step][res.status] ?? 0) + 1;
      }
      return { status: res.status, json: (text ? JSON.parse(text) : {}) as Body };
    } catch (err) {
      rec.errors[step] = (rec.errors[step] ?? 0) + 1;
      if (rec.errors[step] <= 3) console.error(`[bench:scaling] ${step} for learner ${learner.userId}: ${String(err)}`);
      return undefined;
    }
  };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  const learnerLoop = async (learner: MixLearner, index: number): Promise<void> => {
    const session = await call('answer', learner, '/api/me/practice-sessions', {});
    if (!session || session.status < 200 || session.status >= 300)
      throw new Error(`could not start a practice session for learner ${learner.userId}: ${JSON.stringify(session?.json)}`);
    const sessionId = session.json.id!;
    let due = (await call('due', learner, '/api/me/vocabulary/due?limit=20'))?.json.items;
    let prevStats = (await call('stats', learner, '/api/me/vocabulary/stats'))?.json;
    let prevStatsAt = new Date();
    let n = index;
    while (!stop) {
      n++;
      const card = due?.[0];
      let answered: { wordId: number; dueAt: number } | undefined;
      if (card) {
        const res = await call('answer', learner, `/api/me/practice-sessions/${sessionId}/answers`, {
          answerId: randomUUID(),
          wordId: card.wordId,
          rating: 4,
          responseMs: 800 + (n % 2000),
        });
        if (res && res.status >= 200 && res.status < 300) answered = { wordId: card.wordId, dueAt: Date.parse(res.json.card?.dueAt ?? '') };
      } else if (rec.timed) {
        loopsWithoutDueCard++;
      }
      if (o.thinkMs) await sleep(o.thinkMs);
      const stats = (await call('stats', learner, '/api/me/vocabulary/stats'))?.json;
      const statsAt = new Date();
      const dueRes = await call('due', learner, '/api/me/vocabulary/due?limit=20');
      await call('vocabulary', learner, '/api/me/vocabulary?limit=50');
      await call('words', learner, `/api/words?categoryId=${o.categoryIds[n % o.categoryIds.length]}&page=2&perPage=20`);
      await call('categories', learner, '/api/categories');
      const timed = rec.timed;

      // Read-your-writes.
      const items = dueRes?.status === 200 ? dueRes.json.items : undefined;
      if (answered && items && answered.dueAt > Date.now() + 1_000) {
        if (timed) ryw.dueChecks++;
        if (items.some((i) => i.wordId === answered!.wordId)) {
          ryw.violations.push({
            kind: 'due',
            userId: learner.userId,
            wordId: answered.wordId,
            detail: `word ${answered.wordId} answered (due ${new Date(answered.dueAt).toISOString()}) still in the due queue read after it`,
            atMs: performance.now() - t0,
          });
        }
      }
      if (answered && stats && typeof prevStats?.dueNow === 'number' && typeof stats.dueNow === 'number') {
        if (timed) ryw.statsChecks++;
        if (stats.dueNow >= prevStats.dueNow) {
          const { rows } = await primary.query<{ n: number }>(
            `SELECT count(*)::int AS n FROM user_vocabulary WHERE user_id = $1 AND due_at > $2 AND due_at <= $3`,
            [learner.userId, prevStatsAt, statsAt],
          );
          if (rows[0].n > 0) {
            if (timed) ryw.statsExcused++;
          } else {
            ryw.violations.push({
              kind: 'stats',
              userId: learner.userId,
              wordId: answered.wordId,
              detail: `stats.dueNow ${stats.dueNow} after answering word ${answered.wordId}, previous reading ${prevStats.dueNow}, no card came due in between`,
              atMs: performance.now() - t0,
            });
          }
        }
      }
      if (stats && typeof stats.dueNow === 'number') {
        prevStats = stats;
        prevStatsAt = statsAt;
      }
      due = items ?? due?.slice(1);
      if (timed) loops++;
    }
  };

  const bar = progressBar('B learner mix', o.warmupSeconds + o.seconds);
  const ticker = setInterval(() => bar.increment({ step: rec.timed ? `steady, ${loops} loops` : 'warm-up' }), 1_000);
  const running = learners.map((l, i) => learnerLoop(l, i));
  const all = Promise.all(running);
  let windowMs: number | undefined;
  try {
    await Promise.race([sleep(o.warmupSeconds * 1000), all]);
    await o.onSteadyStart();
    rec.timed = true;
    const steadyStart = performance.now();
    await Promise.race([sleep(o.seconds * 1000), all]);
    rec.timed = false;
    windowMs = performance.now() - steadyStart;
    await o.onSteadyEnd();
  } finally {
    stop = true;
    clearInterval(ticker);
    await all.catch((err: unknown) => console.error(`[bench:scaling] learner loop failed: ${String(err)}`));
    bar.stop();
    await primary.end();
  }
  const steps = Object.fromEntries(
    STEPS.map((s) => {
      const sorted = [...rec.latencies[s]].sort((a, b) => a - b);
      return [s, { requests: sorted.length, p50: quantile(sorted, 0.5), p99: quantile(sorted, 0.99), failures: rec.failures[s] }];
    }),
  ) as Record<Step, StepStats>;
  return { loops, loopsWithoutDueCard, steps, ryw, errors: rec.errors, windowMs: windowMs ?? 0 };
}
