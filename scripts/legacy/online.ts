import type { Client } from 'pg';
import { ChainRun, startChain } from './chain';
import { connect } from './database';
import { ClientState, openClient, pickStatement, prepareShared, STATEMENTS, WORKLOAD_APPLICATION_NAME } from './workload';

/**
 * The legacy workload (workload.ts) on `clients` connections: first `baselineSeconds` without the
 * chain, then while `npm run migration:run` runs, until it exits. Every statement's latency and
 * error (SQLSTATE) is recorded per phase; a sampler reads pg_stat_activity every `sampleMs` for
 * workload backends waiting on a lock, and what blocks them.
 */
export interface OnlineOptions {
  clients?: number;
  baselineSeconds?: number;
  thinkMs?: number;
  sampleMs?: number;
  /** Re-runs of migration:run after a failed one (the workload goes on). */
  retries?: number;
}

export type Phase = 'without chain' | 'with chain';

export interface KindStats {
  kind: string;
  phase: Phase;
  count: number;
  errors: Record<string, number>;
  p50: number;
  p99: number;
  max: number;
}

export interface LockWait {
  kind: string;
  seconds: number;
  blockedBy: string;
}

export interface OnlineResult {
  stats: KindStats[];
  lockWaits: LockWait[];
  /** The last run of migration:run. */
  chain: ChainRun;
  /** Every run, the failed ones first. */
  attempts: ChainRun[];
  rejectedWrites: number;
}

interface Sample {
  latencies: number[];
  errors: Record<string, number>;
}

export async function runOnline(url: string, options: OnlineOptions = {}): Promise<OnlineResult> {
  const { clients = 8, baselineSeconds = 30, thinkMs = 20, sampleMs = 100, retries = 2 } = options;
  const admin = await connect(url, 'lingua-legacy-online');
  const shared = await prepareShared(admin, clients);
  const states = await Promise.all(Array.from({ length: clients }, (_, i) => openClient(url, i, clients, shared)));
  const samples = new Map<string, Sample>();
  let phase: Phase = 'without chain';
  let stop = false;
  const record = (kind: string, ms: number, code?: string) => {
    const key = `${phase}\u0000${kind}`;
    if (!samples.has(key)) samples.set(key, { latencies: [], errors: {} });
    const s = samples.get(key)!;
    s.latencies.push(ms);
    if (code) s.errors[code] = (s.errors[code] ?? 0) + 1;
  };
  const loops = states.map((s) => clientLoop(s, shared, thinkMs, record, () => stop));
  const waits = new Map<string, LockWait>();
  const sampler = sampleLockWaits(admin, sampleMs, waits, () => stop);
  try {
    await new Promise((r) => setTimeout(r, baselineSeconds * 1000));
    phase = 'with chain';
    const attempts: ChainRun[] = [];
    do attempts.push(await startChain(url).done);
    while (attempts[attempts.length - 1].exitCode !== 0 && attempts.length <= retries);
    stop = true;
    await Promise.all([...loops, sampler]);
    const lockWaits = [...waits.values()].sort((a, b) => b.seconds - a.seconds);
    return { stats: summarise(samples), lockWaits, chain: attempts[attempts.length - 1], attempts, rejectedWrites: rejected(samples) };
  } finally {
    stop = true;
    await Promise.allSettled([...loops, sampler]);
    await Promise.all(states.map((s) => s.client.end().catch(() => undefined)));
    await admin.end();
  }
}

async function clientLoop(
  s: ClientState,
  shared: Awaited<ReturnType<typeof prepareShared>>,
  thinkMs: number,
  record: (kind: string, ms: number, code?: string) => void,
  stopped: () => boolean,
): Promise<void> {
  while (!stopped()) {
    const st = pickStatement(s);
    const t0 = performance.now();
    try {
      await st.run(s, shared);
      record(st.kind, performance.now() - t0);
    } catch (err) {
      record(st.kind, performance.now() - t0, (err as { code?: string }).code ?? 'no-code');
    }
    await new Promise((r) => setTimeout(r, thinkMs));
  }
}

/** Keeps, per waiting statement (pid, query_start), the longest time seen running while waiting on a lock. */
async function sampleLockWaits(client: Client, sampleMs: number, waits: Map<string, LockWait>, stopped: () => boolean): Promise<void> {
  while (!stopped()) {
    const { rows } = await client.query(
      `SELECT a.pid, a.query_start::text AS started, left(a.query, 60) AS query,
              extract(epoch FROM clock_timestamp() - a.query_start)::float AS seconds,
              (SELECT string_agg(b.application_name || ': ' || left(regexp_replace(b.query, '\\s+', ' ', 'g'), 90), ' | ')
                 FROM pg_stat_activity b WHERE b.pid = ANY (pg_blocking_pids(a.pid))) AS blocked_by
         FROM pg_stat_activity a
        WHERE a.datname = current_database() AND a.application_name = $1 AND a.wait_event_type = 'Lock'`,
      [WORKLOAD_APPLICATION_NAME],
    );
    for (const r of rows) {
      const key = `${r.pid}@${r.started}`;
      const prev = waits.get(key);
      if (!prev || prev.seconds < r.seconds)
        waits.set(key, { kind: kindOf(r.query) ?? r.query, seconds: r.seconds, blockedBy: r.blocked_by ?? prev?.blockedBy ?? '?' });
    }
    await new Promise((res) => setTimeout(res, sampleMs));
  }
}

function kindOf(query: string): string | undefined {
  const q = query.replace(/\s+/g, ' ');
  const verb = q.split(' ')[0].toUpperCase();
  const table = /(?:FROM|INTO|UPDATE) (\w+)/i.exec(q)?.[1];
  return STATEMENTS.find((s) => s.kind.startsWith(`${table}:`) && s.kind.includes(verb))?.kind;
}

function percentile(sorted: number[], p: number): number {
  return sorted.length ? sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] : 0;
}

function summarise(samples: Map<string, Sample>): KindStats[] {
  const out: KindStats[] = [];
  for (const phase of ['without chain', 'with chain'] as Phase[]) {
    for (const st of STATEMENTS) {
      const s = samples.get(`${phase}\u0000${st.kind}`);
      if (!s) continue;
      const sorted = [...s.latencies].sort((a, b) => a - b);
      out.push({
        kind: st.kind,
        phase,
        count: sorted.length,
        errors: s.errors,
        p50: percentile(sorted, 50),
        p99: percentile(sorted, 99),
        max: sorted[sorted.length - 1],
      });
    }
  }
  return out;
}

function rejected(samples: Map<string, Sample>): number {
  let n = 0;
  for (const st of STATEMENTS.filter((x) => x.write)) {
    for (const phase of ['without chain', 'with chain'])
      n += Object.values(samples.get(`${phase}\u0000${st.kind}`)?.errors ?? {}).reduce((a, b) => a + b, 0);
  }
  return n;
}
