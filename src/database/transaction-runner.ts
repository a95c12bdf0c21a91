import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { AppEnv } from '../config/env';
import { MetricsService } from '../observability/metrics.service';
import { runInTransaction, TransactionOptions } from './transactions';

/** `runInTransaction` with the configured retry bound and retry metrics; inject it into services. */
@Injectable()
export class TransactionRunner {
  constructor(
    private readonly dataSource: DataSource,
    private readonly env: AppEnv,
    private readonly metrics: MetricsService,
  ) {}

  run<T>(work: (manager: EntityManager) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    return runInTransaction(this.dataSource, work, {
      maxRetries: this.env.DB_TX_MAX_RETRIES,
      onRetry: (_attempt, sqlstate) => this.metrics.transactionRetries.inc({ sqlstate }),
      ...options,
    });
  }
}
