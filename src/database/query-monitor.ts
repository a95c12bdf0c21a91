import { Injectable, Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { LinguaSettings } from '../lingua-core.options';
import { MetricsService } from '../observability/metrics.service';
import { LinguaDataSource } from './lingua-data-source';
import { normaliseSql, observeQueries, statementKind } from './query-observer';

/** Logs statements slower than the slowQueryMs option and feeds the query-duration and pool metrics. */
@Injectable()
export class QueryMonitor implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SlowQuery');
  private stop?: () => void;

  constructor(
    private readonly dataSource: LinguaDataSource,
    private readonly settings: LinguaSettings,
    private readonly metrics: MetricsService,
  ) {}

  onApplicationBootstrap(): void {
    const threshold = this.settings.slowQueryMs;
    this.stop = observeQueries(this.dataSource, ({ sql, durationMs, success }) => {
      if (durationMs === undefined) return;
      const kind = statementKind(sql);
      this.metrics.queryDuration.observe({ kind, success: String(success) }, durationMs / 1000);
      if (threshold > 0 && durationMs >= threshold) {
        this.metrics.slowQueries.inc({ kind });
        this.logger.warn({ durationMs, statement: normaliseSql(sql) }, 'slow query');
      }
    });
    const pool = (this.dataSource.driver as PostgresDriver).master as
      | { totalCount: number; idleCount: number; waitingCount: number; options?: { max?: number } }
      | undefined;
    this.metrics.watchPool(() => pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options?.max });
  }

  onModuleDestroy(): void {
    this.stop?.();
  }
}
