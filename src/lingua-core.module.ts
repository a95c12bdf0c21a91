import { CacheModule } from '@nestjs/cache-manager';
import { ConfigurableModuleBuilder, DynamicModule, Module } from '@nestjs/common';
import { CacheStore, createCacheStore } from './cache/cache-store';
import { VersionedCache } from './cache/versioned-cache';
import { linguaDataSourceProviders, LinguaDataSource } from './database/lingua-data-source';
import { QueryMonitor } from './database/query-monitor';
import { linguaRepositoryProviders, linguaRepositoryTokens } from './database/lingua-repositories';
import { TransactionRunner } from './database/transaction-runner';
import { ReadRouter } from './database/replicas/read-router';
import { ReplicaSet } from './database/replicas/replica-set';
import { WritePositions } from './database/replicas/write-positions';
import { SessionSettingsMonitor } from './database/session-settings-monitor';
import { LinguaCoreExtras, LinguaCoreOptions, LinguaSettings } from './lingua-core.options';
import { MetricsService } from './observability/metrics.service';
import { LearnerResolver } from './common/auth';
import { LinguaHealthIndicator } from './observability/lingua-health';
import { LINGUA_ENTITIES } from './entities';

const SHARED = [
  LinguaSettings,
  LinguaDataSource,
  TransactionRunner,
  VersionedCache,
  MetricsService,
  ReplicaSet,
  WritePositions,
  ReadRouter,
  SessionSettingsMonitor,
  LearnerResolver,
  LinguaHealthIndicator,
];

export const {
  ConfigurableModuleClass: LinguaCoreConfigurableModule,
  MODULE_OPTIONS_TOKEN: LINGUA_CORE_OPTIONS,
  OPTIONS_TYPE: LINGUA_CORE_OPTIONS_TYPE,
  ASYNC_OPTIONS_TYPE: LINGUA_CORE_ASYNC_OPTIONS_TYPE,
} = new ConfigurableModuleBuilder<LinguaCoreOptions>({ moduleName: 'LinguaCore' })
  .setClassMethodName('forRoot')
  .setExtras<LinguaCoreExtras>({ dataSource: undefined }, (definition, extras) => ({
    ...definition,
    // Like TypeOrmCoreModule: the feature modules the host imports anywhere find lingua-core's
    // connection, cache and settings. Only lingua-core's own tokens are exported; no APP_* enhancer,
    // config module or CACHE_MANAGER reaches the host.
    global: true,
    providers: [
      ...(definition.providers ?? []),
      ...linguaDataSourceProviders(extras.dataSource, LINGUA_ENTITIES),
      ...linguaRepositoryProviders(extras.dataSource, LINGUA_ENTITIES),
    ],
    exports: [...(definition.exports ?? []), ...linguaRepositoryTokens(extras.dataSource, LINGUA_ENTITIES)],
  }))
  .build();

/**
 * lingua-core's shared infrastructure: which TypeORM connection it runs on, its versioned cache,
 * transaction runner (retries), slow-query log and metrics. Import it once, with `forRoot(options)`
 * or `forRootAsync({ imports, inject, useFactory })`, next to the feature modules you use
 * (README "Embedding").
 */
@Module({
  imports: [
    CacheModule.registerAsync({
      inject: [LinguaSettings],
      useFactory: (settings: LinguaSettings) => ({ stores: [createCacheStore(settings)], ttl: settings.cacheTtlMs }),
    }),
  ],
  providers: [
    { provide: LinguaSettings, inject: [LINGUA_CORE_OPTIONS], useFactory: (options: LinguaCoreOptions) => new LinguaSettings(options) },
    MetricsService,
    TransactionRunner,
    CacheStore,
    VersionedCache,
    QueryMonitor,
    ReplicaSet,
    WritePositions,
    ReadRouter,
    SessionSettingsMonitor,
    LearnerResolver,
    LinguaHealthIndicator,
  ],
  exports: SHARED,
})
export class LinguaCoreModule extends LinguaCoreConfigurableModule {
  /** Every option is optional: `LinguaCoreModule.forRoot()` runs on the host's default connection. */
  static forRoot(options: LinguaCoreOptions & Partial<LinguaCoreExtras> = {}): DynamicModule {
    return super.forRoot(options);
  }
}
