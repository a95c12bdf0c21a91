import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { AppEnv } from '../config/env';
import { MetricsService } from '../observability/metrics.service';
import { normaliseSql, observeQueries, statementKind } from './query-observer';

/** Logs statements slower than DB_SLOW_QUERY_MS and feeds the query-duration and pool metrics. */
@Injectable()
export class QueryMonitor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SlowQuery');
  private stop?: () => void;

  constructor(
    private readonly dataSource: DataSource,
    private readonly env: AppEnv,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    const threshold = this.env.DB_SLOW_QUERY_MS;
    this.stop = observeQueries(this.dataSource, ({ sql, durationMs, success }) => {
      if (durationMs === undefined) return;
      this.metrics.queryDuration.observe({ kind: statementKind(sql), success: String(success) }, durationMs / 1000);
      if (threshold > 0 && durationMs >= threshold) {
        this.logger.warn({ durationMs, statement: normaliseSql(sql) }, 'slow query');
      }
    });
    const pool = (this.dataSource.driver as PostgresDriver).master as
      | { totalCount: number; idleCount: number; waitingCount: number }
      | undefined;
    this.metrics.watchPool(() => pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount });
  }

  onModuleDestroy(): void {
    this.stop?.();
  }
}
