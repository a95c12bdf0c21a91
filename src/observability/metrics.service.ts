import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export interface PoolStats {
  total: number;
  idle: number;
  waiting: number;
}

/**
 * lingua-core's Prometheus metrics on a registry of its own (an embedding app can merge it with
 * `Registry.merge`). Served by the reference host at `/metrics`.
 */
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  private poolStats: () => PoolStats | undefined = () => undefined;

  readonly queryDuration = new Histogram({
    name: 'lingua_db_query_duration_seconds',
    help: 'SQL statement duration by statement kind',
    labelNames: ['kind', 'success'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly errors = new Counter({
    name: 'lingua_http_errors_total',
    help: 'Error responses by API error code',
    labelNames: ['code'] as const,
    registers: [this.registry],
  });
  readonly transactionRetries = new Counter({
    name: 'lingua_db_transaction_retries_total',
    help: 'Transactions retried after a serialization failure or deadlock',
    labelNames: ['sqlstate'] as const,
    registers: [this.registry],
  });
  readonly cacheLookups = new Counter({
    name: 'lingua_cache_lookups_total',
    help: 'Cache lookups by namespace and result (hit, miss, error; bypass: an invalidation not yet confirmed in the cache)',
    labelNames: ['namespace', 'result'] as const,
    registers: [this.registry],
  });

  constructor() {
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
    collectDefaultMetrics({ register: this.registry, prefix: 'lingua_' });
  }

  watchPool(stats: () => PoolStats | undefined): void {
    this.poolStats = stats;
  }

  count(code: string): void {
    this.errors.inc({ code });
  }
}
