import { Injectable, OnApplicationShutdown, Optional } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { ApiErrorCode } from '../common/api-error';
import { LinguaSettings } from '../lingua-core.options';

export interface ReplicaStats {
  name: string;
  state: string;
  lagBytes?: number;
  lagMs?: number;
}

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
  /** The pool's size bound (pg's `max`), when known. */
  max?: number;
}

/**
 * Every code the error counter can carry, so each series exists (at 0) from the first scrape: a rate
 * over a series that does not exist yet is no series at all, and an alert on it could never fire nor
 * be checked (docs/operations.md, ops/prometheus/). A `Record` so a new code cannot be forgotten here.
 */
const ERROR_CODES: Record<ApiErrorCode, true> = {
  validation_failed: true,
  unauthorized: true,
  forbidden: true,
  not_found: true,
  unique_violation: true,
  foreign_key_violation: true,
  check_violation: true,
  not_null_violation: true,
  state_conflict: true,
  db_unavailable: true,
  db_timeout: true,
  db_contention: true,
  internal: true,
};
/** The statement kinds whose slow-query counters exist from the start (others appear when first seen). */
const SLOW_QUERY_KINDS = ['SELECT', 'INSERT', 'UPDATE', 'DELETE'];
/** The SQLSTATEs a transaction is retried on: serialization failure, deadlock. */
const RETRIED_SQLSTATES = ['40001', '40P01'];

/**
 * lingua-core's Prometheus metrics (all named `lingua_*`), on a registry of its own (an embedding app
 * can merge it with `Registry.merge`) or on the host's (option `metrics.registry`). Process metrics only
 * when asked (`metrics.defaultMetrics`). Served by the reference host at `/metrics`.
 */
@Injectable()
export class MetricsService implements OnApplicationShutdown {
  readonly registry: Registry;
  private poolStats: () => PoolStats | undefined = () => undefined;
  private replicaStats: () => ReplicaStats[] = () => [];
  /** On a host's registry: the metrics lingua added, removed again when the app closes (so a next app can add them). */
  private readonly ownOnHostRegistry: string[] = [];

  readonly queryDuration: Histogram<'kind' | 'success'>;
  readonly errors: Counter<'code'>;
  readonly slowQueries: Counter<'kind'>;
  readonly transactionRetries: Counter<'sqlstate'>;
  readonly cacheLookups: Counter<'namespace' | 'result'>;
  readonly reads: Counter<'target' | 'reason'>;
  readonly writePositions: Counter<'result'>;
  readonly sessionSettingsInForce: Gauge;
  readonly cacheListenerUp: Gauge;

  /** @internal Built by Nest's DI from lingua-core's own providers. */
  constructor(@Optional() settings?: LinguaSettings) {
    this.registry = settings?.metricsRegistry ?? new Registry();
    const before = new Set(this.registry.getMetricsAsArray().map((m) => m.name));
    this.queryDuration = new Histogram({
      name: 'lingua_db_query_duration_seconds',
      help: 'SQL statement duration by statement kind',
      labelNames: ['kind', 'success'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.errors = new Counter({
      name: 'lingua_http_errors_total',
      help: 'Error responses by API error code',
      labelNames: ['code'] as const,
      registers: [this.registry],
    });
    this.slowQueries = new Counter({
      name: 'lingua_db_slow_queries_total',
      help: 'SQL statements at or above the slow-query threshold (slowQueryMs), by statement kind',
      labelNames: ['kind'] as const,
      registers: [this.registry],
    });
    this.transactionRetries = new Counter({
      name: 'lingua_db_transaction_retries_total',
      help: 'Transactions retried after a serialization failure or deadlock',
      labelNames: ['sqlstate'] as const,
      registers: [this.registry],
    });
    this.cacheLookups = new Counter({
      name: 'lingua_cache_lookups_total',
      help: 'Cache lookups by namespace and result (hit, miss, error; bypass: an invalidation not yet confirmed in the cache)',
      labelNames: ['namespace', 'result'] as const,
      registers: [this.registry],
    });
    this.reads = new Counter({
      name: 'lingua_db_reads_total',
      help: 'Reads that could go to a replica, by where they went and why (replica; primary: none_configured, not_caught_up, unavailable, replica_error, unknown_position)',
      labelNames: ['target', 'reason'] as const,
      registers: [this.registry],
    });
    this.writePositions = new Counter({
      name: 'lingua_db_write_positions_total',
      help: 'Write positions recorded for read-your-writes, by result (recorded; local_only: the shared cache refused it)',
      labelNames: ['result'] as const,
      registers: [this.registry],
    });
    this.sessionSettingsInForce = new Gauge({
      name: 'lingua_db_session_settings_in_force',
      help: '1 when statements outside a transaction run with the configured timeouts and time zone (0: behind a pooler without role defaults)',
      registers: [this.registry],
    });
    this.cacheListenerUp = new Gauge({
      name: 'lingua_cache_listener_up',
      help: '1 while the cache invalidation listener holds a verified session (0: cache reads go to PostgreSQL)',
      registers: [this.registry],
    });
    const replicas = () => this.replicaStats();
    const replicaGauge = (name: string, help: string, value: (r: ReplicaStats) => number | undefined) =>
      new Gauge({
        name,
        help,
        labelNames: ['replica'] as const,
        registers: [this.registry],
        collect() {
          this.reset();
          for (const r of replicas()) {
            const v = value(r);
            if (v !== undefined) this.set({ replica: r.name }, v);
          }
        },
      });
    replicaGauge('lingua_db_replica_up', 'Replica state: 1 usable, 0 down or lagging past the bound', (r) => (r.state === 'up' ? 1 : 0));
    replicaGauge('lingua_db_replica_lag_bytes', 'WAL bytes the replica has not replayed yet (last probe)', (r) => r.lagBytes);
    replicaGauge('lingua_db_replica_lag_seconds', 'Replay delay of the replica (last probe)', (r) =>
      r.lagMs === undefined ? undefined : r.lagMs / 1000,
    );
    const stats = () => this.poolStats();
    new Gauge({
      name: 'lingua_db_pool_connections',
      help: 'Database pool connections by state (total, idle, waiting requests)',
      labelNames: ['state'] as const,
      registers: [this.registry],
      collect() {
        const s = stats();
        if (!s) return;
        this.set({ state: 'total' }, s.total);
        this.set({ state: 'idle' }, s.idle);
        this.set({ state: 'waiting' }, s.waiting);
      },
    });
    new Gauge({
      name: 'lingua_db_pool_max_connections',
      help: 'The database pool size bound (saturation = (total - idle) / max)',
      registers: [this.registry],
      collect() {
        const max = stats()?.max;
        if (max !== undefined) this.set(max);
      },
    });
    for (const code of Object.keys(ERROR_CODES)) this.errors.inc({ code }, 0);
    for (const kind of SLOW_QUERY_KINDS) this.slowQueries.inc({ kind }, 0);
    for (const sqlstate of RETRIED_SQLSTATES) this.transactionRetries.inc({ sqlstate }, 0);
    if (settings?.defaultMetrics) collectDefaultMetrics({ register: this.registry, prefix: 'lingua_' });
    if (settings?.metricsRegistry) {
      this.ownOnHostRegistry.push(...this.registry.getMetricsAsArray().flatMap((m) => (before.has(m.name) ? [] : [m.name])));
    }
  }

  onApplicationShutdown(): void {
    for (const name of this.ownOnHostRegistry) this.registry.removeSingleMetric(name);
  }

  /** @internal lingua-core's wiring: the pool gauges' source. */
  watchPool(stats: () => PoolStats | undefined): void {
    this.poolStats = stats;
  }

  /** @internal lingua-core's wiring: the replica gauges' source. */
  watchReplicas(stats: () => ReplicaStats[]): void {
    this.replicaStats = stats;
  }

  count(code: string): void {
    this.errors.inc({ code });
  }
}
