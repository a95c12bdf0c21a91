import type { Keyv, KeyvStoreAdapter } from 'keyv';

/** A connection of lingua-core's own, instead of one of the host's TypeORM connections. */
export interface LinguaDatabaseOptions {
  /** PostgreSQL URL; without it `pg` reads PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE. */
  url?: string;
  /** Connections in the pool. Default 10. */
  poolMax?: number;
  /** Wait at most this for a pooled connection, then 503 `db_unavailable`. Default 2000. */
  acquireTimeoutMs?: number;
  /** Server-side `statement_timeout` (→ 503 `db_timeout`). Default 10000. */
  statementTimeoutMs?: number;
  /** `lock_timeout` (→ 503 `db_timeout`). Default 5000. */
  lockTimeoutMs?: number;
  /** `idle_in_transaction_session_timeout`. Default 30000. */
  idleInTransactionTimeoutMs?: number;
}

export interface LinguaCacheOptions {
  /** Redis shared by every instance. Without it (and without `store`), a bounded in-process LRU. */
  redisUrl?: string;
  /** A Keyv store or Keyv instance of your own (takes precedence over `redisUrl`). */
  store?: Keyv | KeyvStoreAdapter;
  /** Time-to-live of cached reads. Default 60000. */
  ttlMs?: number;
  /** Prefix of every key: apps that share one Redis but not one database need different ones. Default `lingua`. */
  keyPrefix?: string;
  /** Size bound of the in-process cache. Default 10000. */
  memoryMaxEntries?: number;
  /**
   * LISTEN for other instances' invalidations on a dedicated PostgreSQL connection and wait for it
   * before trusting the cache (docs/caching.md). Default true; a single instance on the in-process
   * cache may turn it off to save the round trip per cached read.
   */
  listen?: boolean;
}

/** What `LinguaCoreModule.forRoot()` / `forRootAsync({ useFactory })` take. Everything is optional. */
export interface LinguaCoreOptions {
  /** Give lingua-core a connection of its own. Default: the host's TypeORM connection (see `dataSource`). */
  database?: LinguaDatabaseOptions;
  cache?: LinguaCacheOptions;
  /** Log statements slower than this, in ms (0 = off). Default 200. */
  slowQueryMs?: number;
  /** Retries of a transaction after a serialization failure or deadlock. Default 3. */
  transactionRetries?: number;
}

/** Options read when the module is defined (static, beside `useFactory`). */
export interface LinguaCoreExtras {
  /**
   * Name of the host's TypeORM connection lingua-core uses (as given to `TypeOrmModule.forRoot({ name })`).
   * Default: the host's default connection. Ignored when `database` is given.
   */
  dataSource?: string;
}

/** The options with every default applied: what lingua-core's providers inject. */
export class LinguaSettings {
  readonly cacheTtlMs: number;
  readonly cacheKeyPrefix: string;
  readonly cacheMemoryMaxEntries: number;
  readonly redisUrl: string | undefined;
  readonly cacheStore: Keyv | KeyvStoreAdapter | undefined;
  readonly cacheListener: boolean;
  readonly slowQueryMs: number;
  readonly transactionRetries: number;
  readonly database: Required<Omit<LinguaDatabaseOptions, 'url'>> & { url?: string } | undefined;

  constructor(options: LinguaCoreOptions = {}) {
    const cache = options.cache ?? {};
    this.cacheTtlMs = positive('cache.ttlMs', cache.ttlMs, 60_000);
    this.cacheKeyPrefix = cache.keyPrefix ?? 'lingua';
    if (!/^[\w.-]{1,64}$/.test(this.cacheKeyPrefix)) throw new LinguaOptionsError(`cache.keyPrefix must match [\\w.-]{1,64}: ${JSON.stringify(this.cacheKeyPrefix)}`);
    this.cacheMemoryMaxEntries = positive('cache.memoryMaxEntries', cache.memoryMaxEntries, 10_000);
    this.redisUrl = cache.redisUrl || undefined;
    this.cacheStore = cache.store;
    this.cacheListener = cache.listen ?? true;
    this.slowQueryMs = nonNegative('slowQueryMs', options.slowQueryMs, 200);
    this.transactionRetries = nonNegative('transactionRetries', options.transactionRetries, 3);
    this.database = options.database && resolveDatabaseOptions(options.database);
  }
}

export function resolveDatabaseOptions(db: LinguaDatabaseOptions): NonNullable<LinguaSettings['database']> {
  return {
    url: db.url || undefined,
    poolMax: positive('database.poolMax', db.poolMax, 10),
    acquireTimeoutMs: positive('database.acquireTimeoutMs', db.acquireTimeoutMs, 2_000),
    statementTimeoutMs: nonNegative('database.statementTimeoutMs', db.statementTimeoutMs, 10_000),
    lockTimeoutMs: nonNegative('database.lockTimeoutMs', db.lockTimeoutMs, 5_000),
    idleInTransactionTimeoutMs: nonNegative('database.idleInTransactionTimeoutMs', db.idleInTransactionTimeoutMs, 30_000),
  };
}

/** A bad option: thrown while the host's module graph is built, naming the option. */
export class LinguaOptionsError extends Error {
  override name = 'LinguaOptionsError';
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0) throw new LinguaOptionsError(`lingua-core option ${name} must be a non-negative integer, got ${value}`);
  return value;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const n = nonNegative(name, value, fallback);
  if (n === 0) throw new LinguaOptionsError(`lingua-core option ${name} must be positive`);
  return n;
}
