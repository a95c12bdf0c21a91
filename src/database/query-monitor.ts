import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver';
import { LinguaSettings } from '../lingua-core.options';
import { MetricsService } from '../observability/metrics.service';
import type { DataSource } from 'typeorm';
import { LinguaDataSource } from './lingua-data-source';
import { ReplicaSet } from './replicas/replica-set';
import { normaliseSql, observeQueries, statementKind } from './query-observer';
import { inLinguaScope } from './statement-scope';

/** Logs statements slower than the slowQueryMs option and feeds the query-duration and pool metrics. */
@Injectable()
export class QueryMonitor implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('SlowQuery');
  private readonly stops: Array<() => void> = [];

  constructor(
    private readonly dataSource: LinguaDataSource,
    private readonly settings: LinguaSettings,
    private readonly metrics: MetricsService,
    private readonly replicas: ReplicaSet,
  ) {}

  onApplicationBootstrap(): void {
    this.observe(this.dataSource);
    this.replicas.onOpen((replica) => this.observe(replica));
    const pool = (this.dataSource.driver as PostgresDriver).master as
      { totalCount: number; idleCount: number; waitingCount: number; options?: { max?: number } } | undefined;
    this.metrics.watchPool(
      () => pool && { total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max: pool.options?.max },
    );
  }

  /** After the host's HTTP server has drained, so the last requests' statements are still measured. */
  onApplicationShutdown(): void {
    this.stops.forEach((stop) => stop());
  }

  private observe(dataSource: DataSource): void {
    const threshold = this.settings.slowQueryMs;
    this.stops.push(
      observeQueries(dataSource, ({ sql, durationMs, success }) => {
        // The host's own statements on a shared connection are the host's to measure.
        if (durationMs === undefined || !inLinguaScope()) return;
        const kind = statementKind(sql);
        this.metrics.queryDuration.observe({ kind, success: String(success) }, durationMs / 1000);
        if (threshold > 0 && durationMs >= threshold) {
          this.metrics.slowQueries.inc({ kind });
          this.logger.warn({ msg: 'slow query', durationMs, statement: normaliseSql(sql) });
        }
      }),
    );
  }
}
