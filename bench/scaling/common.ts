import * as os from 'node:os';
import { quantile } from '../lib/measure';
import { progressBar } from '../lib/progress';
import { LoadResult, runLoad, send } from '../http/load';
import { summarise, Summary } from '../http/report';
import type { Route } from '../http/routes';
import type { RunningServer } from '../http/servers';

export const log = (line: string) => console.error(`[bench:scaling] ${line}`);

/** Everything started, stopped in reverse order exactly once (normal end, error or signal). */
export class Cleanup {
  private readonly steps: Array<{ name: string; run: () => unknown }> = [];
  private running: Promise<void> | undefined;

  add(name: string, run: () => unknown): void {
    this.steps.push({ name, run });
  }

  /** Runs one step now (and forgets it): a part stops its servers before the next part starts. */
  async now(name: string): Promise<void> {
    const i = this.steps.findIndex((s) => s.name === name);
    if (i < 0) return;
    const [step] = this.steps.splice(i, 1);
    await Promise.resolve(step.run()).catch((err: unknown) => log(`stopping ${name}: ${String(err)}`));
  }

  run(): Promise<void> {
    this.running ??= (async () => {
      while (this.steps.length) {
        const step = this.steps.pop()!;
        await Promise.resolve(step.run()).catch((err: unknown) => log(`stopping ${step.name}: ${String(err)}`));
      }
    })();
    return this.running;
  }
}

/** The 1-minute load average, sampled every second while a part runs. */
export class LoadSampler {
  readonly samples: number[] = [];
  private readonly timer = setInterval(() => this.samples.push(os.loadavg()[0]), 1_000);

  stop(): LoadSummary {
    clearInterval(this.timer);
    return summariseLoad(this.samples);
  }
}

export interface LoadSummary {
  min: number;
  median: number;
  max: number;
}

export function summariseLoad(samples: number[]): LoadSummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { min: sorted[0] ?? NaN, median: quantile(sorted, 0.5), max: sorted[sorted.length - 1] ?? NaN };
}

/** Prometheus text: the samples of one metric, with their labels. */
export function metricSamples(text: string, name: string): Array<{ labels: Record<string, string>; value: number }> {
  const out: Array<{ labels: Record<string, string>; value: number }> = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(\{([^}]*)\})?\s+(\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const labels: Record<string, string> = {};
    for (const pair of (m[3] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) labels[pair[1]] = pair[2];
    out.push({ labels, value: Number(m[4]) });
  }
  return out;
}

export async function scrape(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/metrics`);
  if (!res.ok) throw new Error(`GET /metrics answered ${res.status}`);
  return res.text();
}

/** Sends every distinct cached request once, 8 at a time, so the timed window measures hits. */
export async function primeAll(baseUrl: string, route: Route): Promise<void> {
  const specs = route.prime?.() ?? [];
  for (let i = 0; i < specs.length; i += 8) await Promise.all(specs.slice(i, i + 8).map((s) => send(baseUrl, s)));
}

export interface PairedRoute<N extends string> {
  route: string;
  label: string;
  kind: string;
  summary: Record<N, Summary>;
  rounds: Record<N, LoadResult[]>;
}

/**
 * Interleaved rounds of autocannon windows, route by route: both servers run each route in every
 * round, the order alternating by round and route, so a burst of load from elsewhere hits both alike.
 * A warm-up window per route and server in the first round; cached routes primed before each window.
 */
export async function pairedRounds<N extends string>(
  phase: string,
  servers: Record<N, RunningServer>,
  routes: Route[],
  o: { rounds: number; seconds: number; warmupSeconds: number; connections: number },
): Promise<Array<PairedRoute<N>>> {
  const names = Object.keys(servers) as N[];
  const samples = new Map(
    routes.map((r) => [r.name, Object.fromEntries(names.map((n) => [n, [] as LoadResult[]])) as Record<N, LoadResult[]>]),
  );
  const bar = progressBar(phase, o.rounds * routes.length * names.length);
  try {
    for (let round = 0; round < o.rounds; round++) {
      for (const [i, route] of routes.entries()) {
        const order = (round + i) % 2 === 0 ? names : [...names].reverse();
        for (const name of order) {
          bar.update({ step: `round ${round + 1}: ${route.name} on ${name}` });
          const server = servers[name];
          if (route.prime) await primeAll(server.url, route);
          if (round === 0 && o.warmupSeconds > 0) await runLoad(server, route, { connections: o.connections, seconds: o.warmupSeconds });
          samples.get(route.name)![name].push(await runLoad(server, route, { connections: o.connections, seconds: o.seconds }));
          bar.increment();
        }
      }
    }
  } finally {
    bar.stop();
  }
  return routes.map((r) => {
    const s = samples.get(r.name)!;
    return {
      route: r.name,
      label: r.label,
      kind: r.kind,
      summary: Object.fromEntries(names.map((n) => [n, summarise(s[n])])) as Record<N, Summary>,
      rounds: s,
    };
  });
}

export const seconds = (ms: number) => `${(ms / 1000).toFixed(0)} s`;
