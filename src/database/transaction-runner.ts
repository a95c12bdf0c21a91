import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import { LinguaSettings } from '../lingua-core.options';
import { MetricsService } from '../observability/metrics.service';
import { afterCommit } from './after-commit';
import { LinguaDataSource } from './lingua-data-source';
import { runInTransaction, TransactionOptions } from './transactions';
import { LinguaScoped } from './statement-scope';

/**
 * What a service write method accepts as its last argument. `manager`: an EntityManager of the
 * caller's transaction on the same connection — the write joins it (commits or rolls back with it)
 * and cache invalidation waits for its commit.
 */
export interface WriteOptions {
  manager?: EntityManager;
}

/** `runInTransaction` with the configured retry bound and retry metrics; inject it into services. */
@Injectable()
@LinguaScoped()
export class TransactionRunner {
  constructor(
    private readonly dataSource: LinguaDataSource,
    private readonly settings: LinguaSettings,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * Runs `work` in a transaction of its own, retried on serialization failures and deadlocks — or,
   * when `manager` belongs to a caller's open transaction, inside that one (no retry: the caller
   * owns it and retries it as a whole).
   */
  run<T>(work: (manager: EntityManager) => Promise<T>, { manager, ...options }: TransactionOptions & WriteOptions = {}): Promise<T> {
    if (manager?.queryRunner?.isTransactionActive) return work(manager);
    return runInTransaction(this.dataSource, work, {
      maxRetries: this.settings.transactionRetries,
      timeouts: this.settings.sessionTimeouts,
      onRetry: (_attempt, sqlstate) => this.metrics.transactionRetries.inc({ sqlstate }),
      ...options,
    });
  }

  /** The caller's manager, or the connection's own (a single statement needs no transaction). */
  managerFor({ manager }: WriteOptions = {}): EntityManager {
    return manager ?? this.dataSource.manager;
  }

  /** Runs `callback` after the caller's transaction commits, or now when there is none. */
  afterCommit({ manager }: WriteOptions, callback: () => Promise<void> | void): Promise<void> {
    return afterCommit(manager, callback);
  }
}
