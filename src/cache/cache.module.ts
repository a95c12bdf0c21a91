import { createKeyv } from '@cacheable/memory';
import KeyvRedis from '@keyv/redis';
import { CacheModule } from '@nestjs/cache-manager';
import { Global, Logger, Module } from '@nestjs/common';
import { Keyv } from 'keyv';
import { AppEnv } from '../config/env';
import { VersionedCache } from './versioned-cache';

const logger = new Logger('Cache');

/**
 * In-process memory by default — a bounded LRU (CACHE_MEMORY_MAX_ENTRIES) whose expired entries are
 * swept every 30 s, since keys come from request parameters; values are kept and returned by reference
 * (callers must not mutate what the cache returns); Redis (shared by every instance) when
 * REDIS_URL is set. The Redis
 * client fails fast while Redis is down (no offline queue, short connect timeout), so a cache outage
 * costs ~milliseconds per request and reads fall through to PostgreSQL.
 */
export function createCacheStore(env: AppEnv): Keyv {
  if (!env.REDIS_URL) {
    // One Map (no hash of every key to pick a shard) and no structuredClone of every value read: cached
    // values are response DTOs that nothing mutates, so a hit costs a Map lookup (issue 8).
    return createKeyv({ lruSize: env.CACHE_MEMORY_MAX_ENTRIES, checkInterval: 30_000, storeHashSize: 1, useClone: false });
  }
  const redis = new KeyvRedis(
    {
      url: env.REDIS_URL,
      disableOfflineQueue: true,
      socket: { connectTimeout: 500, reconnectStrategy: (retries: number) => Math.min(retries * 200, 2_000) },
    },
    { throwOnConnectError: false, connectionTimeout: 500 },
  );
  const store = new Keyv({ store: redis, namespace: undefined, useKeyPrefix: false });
  store.on('error', (err: unknown) => logger.warn({ err: String(err) }, 'redis cache error'));
  return store;
}

@Global()
@Module({
  imports: [
    CacheModule.registerAsync({
      inject: [AppEnv],
      useFactory: (env: AppEnv) => ({ stores: [createCacheStore(env)], ttl: env.CACHE_TTL_MS }),
    }),
  ],
  providers: [VersionedCache],
  exports: [VersionedCache, CacheModule],
})
export class LinguaCacheModule {}
