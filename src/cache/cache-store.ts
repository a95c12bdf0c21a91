import { createKeyv } from '@cacheable/memory';
import type KeyvRedisClass from '@keyv/redis';
import { Logger } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import { Keyv } from 'keyv';
import { noop, withTimeLimit } from '../common/time-limit';
import { LinguaOptionsError, LinguaSettings } from '../lingua-core.options';

const logger = new Logger('LinguaCache');

type KeyvRedisModule = { default: typeof KeyvRedisClass };

/**
 * `@keyv/redis` is an optional peer dependency (it brings the Redis client, megabytes a host that
 * caches in memory never runs): loaded only when a Redis URL is configured. Undefined when not installed.
 */
export function optionalKeyvRedis(): typeof KeyvRedisClass | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
    return (require('@keyv/redis') as KeyvRedisModule).default;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code === 'MODULE_NOT_FOUND' && e.message.includes("'@keyv/redis'")) return undefined;
    throw err;
  }
}

function keyvRedis(): typeof KeyvRedisClass {
  const KeyvRedis = optionalKeyvRedis();
  if (!KeyvRedis) {
    throw new LinguaOptionsError(
      'lingua-core option cache.redisUrl needs the @keyv/redis package, an optional peer dependency: npm install @keyv/redis@^5',
    );
  }
  return KeyvRedis;
}

/**
 * The store behind lingua-core's cache: the host's own Keyv store when given; Redis (shared by every
 * instance) with `redisUrl`; else a bounded in-process LRU whose expired entries are swept every 30 s
 * (keys come from request parameters) that keeps and returns values by reference: callers must not
 * mutate what the cache returns. The Redis client fails fast while Redis is down (no offline
 * queue, short connect timeout), so a cache outage costs milliseconds and reads fall through to PostgreSQL.
 */
export function createCacheStore(settings: LinguaSettings): Keyv {
  if (settings.cacheStore) {
    return settings.cacheStore instanceof Keyv ? settings.cacheStore : new Keyv({ store: settings.cacheStore, useKeyPrefix: false });
  }
  if (!settings.redisUrl) {
    // One Map (no hash of every key to pick a shard) and no structuredClone of every value read: cached
    // values are response DTOs that nothing mutates, so a hit costs a Map lookup.
    return createKeyv({ lruSize: settings.cacheMemoryMaxEntries, checkInterval: 30_000, storeHashSize: 1, useClone: false });
  }
  const KeyvRedis = keyvRedis();
  const redis = new KeyvRedis(
    {
      url: settings.redisUrl,
      disableOfflineQueue: true,
      socket: { connectTimeout: 500, reconnectStrategy: (retries: number) => Math.min(retries * 200, 2_000) },
    },
    // throwOnErrors: a refused write (e.g. OOM under maxmemory) must reach VersionedCache as a failure.
    { throwOnConnectError: false, throwOnErrors: true, connectionTimeout: 500 },
  );
  const store = new Keyv({ store: redis, namespace: undefined, useKeyPrefix: false, throwOnErrors: true });
  store.on('error', (err: unknown) => logger.warn({ msg: 'redis cache error', err: String(err) }));
  return store;
}

/**
 * Connects a Redis store's client now instead of on its first command: with no offline queue, a
 * lazily connected client fails that command ("The client is offline"). Waits at most `waitMs`;
 * start-up never fails because Redis is down (the client keeps reconnecting).
 */
export async function connectCacheStore(cache: Cache, waitMs: number): Promise<void> {
  const store = (cache.stores?.[0] as Keyv | undefined)?.store as unknown;
  // Only a Redis store needs connecting; without @keyv/redis installed there can be none of ours.
  const KeyvRedis = optionalKeyvRedis();
  if (!KeyvRedis || !(store instanceof KeyvRedis)) return;
  await withTimeLimit(store.getClient().then(noop, noop), waitMs, noop);
}
