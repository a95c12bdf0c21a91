import { Global, Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { AppEnv } from '../config/env';
import { buildDataSourceOptions } from './data-source-options';
import { QueryMonitor } from './query-monitor';
import { TransactionRunner } from './transaction-runner';

/**
 * The TypeORM connection for lingua-core, built from the validated environment. Needs `AppEnv`
 * (LinguaConfigModule) and MetricsService (ObservabilityModule) in scope.
 */
@Global()
@Module({
  imports: [
    TypeOrmModule.forRootAsync({
      inject: [AppEnv],
      useFactory: (env: AppEnv) => ({ ...buildDataSourceOptions(env), retryAttempts: 3, retryDelay: 1_000 }),
    }),
  ],
  providers: [TransactionRunner, QueryMonitor],
  exports: [TransactionRunner],
})
export class DatabaseModule {}
