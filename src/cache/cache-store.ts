import { createKeyv } from '@cacheable/memory';
import type KeyvRedisClass from '@keyv/redis';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger, OnApplicationShutdown } from '@nestjs/common';
import type { Cache } from 'cache-manager';
import { Keyv } from 'keyv';
import { noop, withTimeLimit } from '../common/time-limit';
import { LinguaOptionsError, LinguaSettings } from '../lingua-core.options';
import { backoffMs } from '../common/backoff';

const logger = new Logger('LinguaCache');

type KeyvRedisModule = { default: typeof KeyvRedisClass };

/**
 * `@keyv/redis` is an optional peer dependency (it brings the Redis client, megabytes a host that
 * caches in memory never runs): loaded only when a Redis URL is configured. Undefined when not installed.
 */
function optionalKeyvRedis(): typeof KeyvRedisClass | undefined {
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
      socket: { connectTimeout: 500, reconnectStrategy: (retries: number) => backoffMs(retries, { baseMs: 200, maxMs: 2_000 }) },
    },
    // throwOnErrors: a refused write (e.g. OOM under maxmemory) must reach CacheStore.set as a failure.
    { throwOnConnectError: false, throwOnErrors: true, connectionTimeout: 500 },
  );
  const store = new Keyv({ store: redis, namespace: undefined, useKeyPrefix: false, throwOnErrors: true });
  store.on('error', (err: unknown) => logger.warn({ msg: 'redis cache error', err: String(err) }));
  return store;
}

/**
 * The part of @keyv/redis's adapter that CacheStore's counters use (plain MGET, atomic max by script).
 * Declared here because the package is an optional peer: its types must not reach a host's compile.
 */
export interface RedisAdapter {
  getClient(): Promise<{
    mGet(keys: string[]): Promise<Array<string | null>>;
    eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
  }>;
}

/** Atomic max: a counter only moves forward, whichever of two concurrent writers lands last. */
const MAX_SET_SCRIPT = `local c = redis.call('GET', KEYS[1])
if (not c) or tonumber(c) < tonumber(ARGV[1]) then redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2]) end
return 1`;

/** What a cache operation that failed, was refused or took longer than CACHE_OP_TIMEOUT_MS yields. */
export const UNAVAILABLE = Symbol('cache unavailable');
export type Unavailable = typeof UNAVAILABLE;

/** One cache round trip never holds a read back longer than this: past it, the database answers. */
export const CACHE_OP_TIMEOUT_MS = 300;

/**
 * lingua-core's one handle on its Keyv store — the store `CacheModule` registered and disconnects at
 * shutdown, taken once from cache-manager's public `stores`. Every operation is time-limited and
 * tells a failure (`UNAVAILABLE`, `false`) apart from a miss and from success, which cache-manager's
 * own `get`/`mget`/`set`/`wrap` do not (docs/caching.md, "What cache-manager does here").
 */
@Injectable()
export class CacheStore implements OnApplicationShutdown {
  readonly keyv: Keyv;

  private readonly disconnect: (() => Promise<void>) | undefined;
  /** The last `setMax` of each key still running on a store other than Redis (raiseInKeyv): the next one waits for it. */
  private readonly raising = new Map<string, Promise<undefined>>();

  constructor(@Inject(CACHE_MANAGER) cache: Cache) {
    this.keyv = cache.stores[0];
    // cache-manager's provider disconnects the stores in onModuleDestroy, before the host's HTTP
    // server drains: requests still in flight would lose the cache. Disconnect after the drain instead.
    const managed = cache as Cache & { onModuleDestroy?: () => Promise<void> };
    this.disconnect = managed.onModuleDestroy?.bind(managed);
    managed.onModuleDestroy = undefined;
  }

  async onApplicationShutdown(): Promise<void> {
    await this.disconnect?.();
  }

  /** `op`'s result, or UNAVAILABLE when it throws or outlasts CACHE_OP_TIMEOUT_MS (logged). */
  async attempt<T>(op: (keyv: Keyv) => Promise<T>): Promise<T | Unavailable> {
    try {
      return await withTimeLimit(op(this.keyv), CACHE_OP_TIMEOUT_MS, () => UNAVAILABLE);
    } catch (err) {
      logger.warn({ msg: 'cache operation failed; using the database', err: String(err) });
      return UNAVAILABLE;
    }
  }

  /** The value, `undefined` for a miss (Keyv may answer null), UNAVAILABLE when the read failed. */
  async get<T>(key: string): Promise<T | undefined | Unavailable> {
    const value = await this.attempt((keyv) => keyv.get<T>(key));
    return value ?? undefined;
  }

  /** One round trip (MGET on Redis); UNAVAILABLE when it failed. */
  getMany<T>(keys: string[]): Promise<Array<T | undefined> | Unavailable> {
    return this.attempt((keyv) => keyv.getMany<T>(keys));
  }

  /** True once the store holds the value; false when it threw, timed out or refused (Keyv answers false). */
  async set(key: string, value: unknown, ttlMs: number): Promise<boolean> {
    const stored = await this.attempt(async (keyv) => {
      if ((await keyv.set(key, value, ttlMs)) === false) throw new Error('the cache refused the write');
    });
    return stored !== UNAVAILABLE;
  }

  /**
   * Raises the counter `key` to `value` unless it already holds as much, with a TTL of `ttlMs` (monotonic
   * counters such as WAL positions, kept as plain decimal strings). True once stored or already higher;
   * false when the store threw, timed out or refused. On Redis one script, atomic across instances; on
   * another store a read, compare and write, one at a time per key in this process (atomic for an
   * in-process store, not between instances sharing another store: docs/scaling.md).
   */
  async setMax(key: string, value: bigint, ttlMs: number): Promise<boolean> {
    const stored = await this.attempt(async (keyv) => {
      const redis = this.redis();
      if (redis) {
        await (await redis.getClient()).eval(MAX_SET_SCRIPT, { keys: [key], arguments: [value.toString(), String(ttlMs)] });
        return;
      }
      await this.raiseInKeyv(keyv, key, value, ttlMs);
    });
    return stored !== UNAVAILABLE;
  }

  /**
   * The counters `setMax` wrote, in one round trip (MGET on Redis, which holds them as plain strings);
   * undefined for a missing key or a value that is not a decimal counter; UNAVAILABLE when the read failed.
   */
  async getMax(keys: string[]): Promise<Array<bigint | undefined> | Unavailable> {
    const found = await this.attempt(async (keyv): Promise<Array<string | undefined | null>> => {
      const redis = this.redis();
      return redis ? (await redis.getClient()).mGet(keys) : keyv.getMany<string>(keys);
    });
    if (found === UNAVAILABLE) return UNAVAILABLE;
    return found.map((value) => (typeof value === 'string' && /^\d+$/.test(value) ? BigInt(value) : undefined));
  }

  /** setMax on a store other than Redis: one read-compare-write per key at a time (a hung one holds the next back ≤ CACHE_OP_TIMEOUT_MS). */
  private raiseInKeyv(keyv: Keyv, key: string, value: bigint, ttlMs: number): Promise<void> {
    const raise = (this.raising.get(key) ?? Promise.resolve()).then(async () => {
      const current = await keyv.get<string>(key);
      if (typeof current === 'string' && BigInt(current) >= value) return;
      if ((await keyv.set(key, value.toString(), ttlMs)) === false) throw new Error('the cache refused the write');
    });
    const settled = withTimeLimit(raise.then(noop, noop), CACHE_OP_TIMEOUT_MS, noop);
    this.raising.set(key, settled);
    void settled.then(() => this.raising.get(key) === settled && this.raising.delete(key));
    return raise;
  }

  /** The store as @keyv/redis (for its client's own commands), when that is what it is. */
  redis(): RedisAdapter | undefined {
    const KeyvRedis = optionalKeyvRedis();
    const store = this.keyv.store as unknown;
    return KeyvRedis && store instanceof KeyvRedis ? (store as RedisAdapter) : undefined;
  }

  /**
   * Connects a Redis store's client now instead of on its first command: with no offline queue, a
   * lazily connected client fails that command ("The client is offline"). Waits at most `waitMs`;
   * start-up never fails because Redis is down (the client keeps reconnecting).
   */
  async connect(waitMs: number): Promise<void> {
    const redis = this.redis();
    if (redis) await withTimeLimit(redis.getClient().then(noop, noop), waitMs, noop);
  }
}
