import { Injectable, Logger } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { LinguaSettings } from '../lingua-core.options';
import { MetricsService } from '../observability/metrics.service';
import { afterCommit } from './after-commit';
import { LinguaDataSource } from './lingua-data-source';
import { UNDERLYING_DATA_SOURCE } from './query-observer';
import { runInTransaction, TransactionOptions } from './transactions';
import { LinguaScoped } from './statement-scope';

/**
 * What a service write method accepts as its last argument. `manager`: an EntityManager of the
 * caller's transaction on the same connection — the write joins it (commits or rolls back with it)
 * and cache invalidation waits for its commit. Without it, the host's ambient transaction (option
 * `transaction`) is joined when there is one.
 */
export interface WriteOptions {
  manager?: EntityManager;
}

/** `runInTransaction` with the configured retry bound and retry metrics; inject it into services. */
@Injectable()
@LinguaScoped()
export class TransactionRunner {
  private readonly logger = new Logger('LinguaTransactions');
  private warnedForeignConnection = false;

  constructor(
    private readonly dataSource: LinguaDataSource,
    private readonly settings: LinguaSettings,
    private readonly metrics: MetricsService,
  ) {}

  /**
   * The caller's manager a write goes through: the explicit `manager`, else the host's ambient
   * transaction (option `transaction`) when one is open on lingua-core's connection; undefined when
   * the write runs on its own.
   */
  joined({ manager }: WriteOptions = {}): EntityManager | undefined {
    if (manager) return manager;
    const ambient = this.settings.transaction?.();
    if (!ambient?.queryRunner?.isTransactionActive) return undefined;
    if (underlying(ambient.connection) === underlying(this.dataSource)) return ambient;
    if (!this.warnedForeignConnection) {
      this.warnedForeignConnection = true;
      this.logger.warn(
        "the host's transaction is on another connection than lingua-core's: lingua-core's writes cannot join it and commit on their own",
      );
    }
    return undefined;
  }

  /**
   * Runs `work` in a transaction of its own, retried on serialization failures and deadlocks — or,
   * inside the caller's open transaction (`joined`), in a savepoint of it: `work` commits or rolls
   * back with the caller's transaction, and a failure of `work` rolls back only its own statements.
   * No retry there (the caller owns the transaction and retries it as a whole) and no isolation or
   * SET LOCAL preamble (the caller's settings hold).
   */
  run<T>(work: (manager: EntityManager) => Promise<T>, { manager, ...options }: TransactionOptions & WriteOptions = {}): Promise<T> {
    const caller = this.joined({ manager });
    if (caller?.queryRunner?.isTransactionActive) return caller.transaction(work);
    return runInTransaction(this.dataSource, work, {
      maxRetries: this.settings.transactionRetries,
      timeouts: this.settings.sessionTimeouts,
      onRetry: (_attempt, sqlstate) => this.metrics.transactionRetries.inc({ sqlstate }),
      ...options,
    });
  }

  /** The joined transaction's manager, or the connection's own (a single statement needs no transaction). */
  managerFor(options: WriteOptions = {}): EntityManager {
    return this.joined(options) ?? this.dataSource.manager;
  }

  /** Runs `callback` after the joined transaction commits, or now when there is none. */
  afterCommit(options: WriteOptions, callback: () => Promise<void> | void): Promise<void> {
    return afterCommit(this.joined(options), callback);
  }
}

function underlying(dataSource: DataSource): DataSource {
  return (dataSource as unknown as Record<symbol, DataSource | undefined>)[UNDERLYING_DATA_SOURCE] ?? dataSource;
}
