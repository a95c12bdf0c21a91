import * as os from 'node:os';
import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import * as hdr from 'hdr-histogram-js';
import type { SingleBar } from 'cli-progress';
import type { CapacityFixtures } from './fixtures';
import type { FromWorker, ToWorker, WorkerInput } from './load-worker';
import { REQUESTS_PER_SESSION } from './session';

export interface StepResult {
  learners: number;
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  max: number;
  errors: number;
  errorSamples: string[];
  /** Whether the step met the SLO (p99 ≤ slo) with no error. */
  ok: boolean;
  /** CPU of the load generator's process (all its threads) and of the server over the window, in % of one core. */
  generatorCpu: number;
  serverCpu: number;
  /** 1-minute load average at the end of the window. */
  load: number;
}

export interface LadderSettings {
  steps: number[];
  thinkMs: number;
  sloMs: number;
  stepSeconds: number;
  rampSeconds: number;
  workers: number;
}

/** One thread of the load generator; `ask` sends a message and waits for the next answer. */
class LoadThread {
  private readonly worker: Worker;
  private waiting?: (m: FromWorker) => void;
  /** Resolves when the thread has loaded (ts-node compiles it first). */
  readonly ready = new Promise<FromWorker>((resolve) => (this.waiting = resolve));
  constructor(input: WorkerInput) {
    // ts-node inside the thread: the worker is TypeScript like the rest of the benchmark.
    const file = path.join(__dirname, 'load-worker.ts');
    this.worker = new Worker(`require('ts-node/register/transpile-only'); require(${JSON.stringify(file)});`, {
      eval: true,
      workerData: input,
    });
    this.worker.on('message', (m: FromWorker) => this.waiting?.(m));
    this.worker.on('error', (err) => {
      throw err;
    });
  }
  tell(message: ToWorker): void {
    this.worker.postMessage(message);
  }
  ask(message: ToWorker): Promise<FromWorker> {
    return new Promise((resolve) => {
      this.waiting = resolve;
      this.tell(message);
    });
  }
  terminate(): Promise<number> {
    return this.worker.terminate();
  }
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Runs the ladder against one server: at each step the learner count grows to the step's (new learners
 * start spread over the ramp), then one window of `stepSeconds` is measured. It stops after the first
 * step that misses the SLO or has an error (that step is reported), or at the last step.
 */
export async function runLadder(
  server: { url: string; cpuMs(): number },
  fixtures: CapacityFixtures,
  settings: LadderSettings,
  bar: SingleBar,
  label: string,
): Promise<StepResult[]> {
  const threads = Array.from(
    { length: settings.workers },
    (_, w) =>
      new LoadThread({
        baseUrl: server.url,
        learners: fixtures.learners.filter((_l, i) => i % settings.workers === w),
        categories: fixtures.categories,
        thinkMs: settings.thinkMs,
      }),
  );
  const results: StepResult[] = [];
  try {
    await Promise.all(threads.map((t) => t.ready));
    for (const [i, learners] of settings.steps.entries()) {
      bar.update({ step: `${label}: ${learners} learners` });
      threads.forEach((t, w) =>
        t.tell({
          type: 'grow',
          count: Math.floor(learners / settings.workers) + (w < learners % settings.workers ? 1 : 0),
          rampMs: settings.rampSeconds * 1000,
        }),
      );
      // The first step also warms the server up (connections, JIT, every route's first call) for one and a half sessions.
      const warmup = i === 0 ? Math.max(5, (1.5 * REQUESTS_PER_SESSION * (settings.thinkMs + 10)) / 1000) : 0;
      await sleep((settings.rampSeconds + warmup) * 1000);
      threads.forEach((t) => t.tell({ type: 'reset' }));
      const [cpu0, server0, t0] = [process.cpuUsage(), server.cpuMs(), performance.now()];
      await sleep(settings.stepSeconds * 1000);
      const windows = (await Promise.all(threads.map((t) => t.ask({ type: 'collect' })))) as Array<Extract<FromWorker, { type: 'window' }>>;
      const wallMs = performance.now() - t0;
      const cpu = process.cpuUsage(cpu0);
      const histogram = hdr.build({ lowestDiscernibleValue: 1, highestTrackableValue: 300_000_000, numberOfSignificantValueDigits: 3 });
      for (const w of windows) histogram.add(hdr.decodeFromCompressedBase64(w.histogram));
      const requests = windows.reduce((s, w) => s + w.requests, 0);
      const errors = windows.reduce((s, w) => s + w.errors, 0);
      const p99 = histogram.getValueAtPercentile(99) / 1000;
      const step: StepResult = {
        learners,
        requests,
        rps: requests / (wallMs / 1000),
        p50: histogram.getValueAtPercentile(50) / 1000,
        p99,
        max: histogram.maxValue / 1000,
        errors,
        errorSamples: windows.flatMap((w) => w.errorSamples).slice(0, 5),
        ok: errors === 0 && requests > 0 && p99 <= settings.sloMs,
        generatorCpu: ((cpu.user + cpu.system) / 1000 / wallMs) * 100,
        serverCpu: ((server.cpuMs() - server0) / wallMs) * 100,
        load: os.loadavg()[0],
      };
      results.push(step);
      bar.increment();
      if (!step.ok) break;
    }
  } finally {
    await Promise.all(threads.map((t) => t.ask({ type: 'stop' })));
    await Promise.all(threads.map((t) => t.terminate()));
  }
  return results;
}

/** The largest step that met the SLO with no error, counting only the unbroken run from the first step (0 if the first missed). */
export function sustained(steps: StepResult[]): number {
  let best = 0;
  for (const s of steps) {
    if (!s.ok) break;
    best = s.learners;
  }
  return best;
}
