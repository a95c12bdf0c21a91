import type { Keyv, KeyvStoreAdapter } from 'keyv';
import type { EntityManager } from 'typeorm';
import type { Registry } from 'prom-client';
import type { LinguaErrorBody } from './common/api-error';

/** A connection of lingua-core's own, instead of one of the host's TypeORM connections. */
export interface LinguaDatabaseOptions {
  /** PostgreSQL URL; without it `pg` reads PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE. May point at a transaction pooler. */
  url?: string;
  /**
   * `'transaction'`: `url` is a transaction-mode pooler (PgBouncer and the like): no startup
   * parameters are sent and session settings go per transaction (docs/scaling.md). `'none'`: a direct
   * connection. Unset: detected at start-up (one probe connection).
   */
  pooler?: PoolerMode;
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
  /**
   * The most a lingua-core operation (one service call, so one request) waits on the database, all
   * its statements together, whatever the connection waits on — a pooler's queue, a server being
   * re-established, a dead socket. Past it the statement's connection is destroyed (never returned to
   * the pool mid-statement) and the request answers 503 `db_unavailable` (docs/errors.md,
   * "Deadlines"). 0 = none. Default `statementTimeoutMs + acquireTimeoutMs` (0 when `statementTimeoutMs` is 0).
   */
  deadlineMs?: number;
}

export interface LinguaCacheOptions {
  /** Redis shared by every instance. Without it (and without `store`), a bounded in-process LRU. */
  redisUrl?: string;
  /** A Keyv store or Keyv instance of your own (takes precedence over `redisUrl`). */
  store?: Keyv | KeyvStoreAdapter;
  /**
   * Every instance reads and writes the same store (Redis, Memcached…): an invalidation it accepted
   * reaches the other instances through it, so cached reads skip the per-read barrier (docs/caching.md,
   * "Read barrier and leases"). Default: true with `redisUrl`, false for the in-process store; set it
   * for a `store` of your own that is shared.
   */
  shared?: boolean;
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

export type PoolerMode = 'transaction' | 'none';

/** Streaming read replicas of the primary (docs/scaling.md). */
export interface LinguaReplicaOptions {
  /**
   * Replica URLs. Unset: the `replication.slaves` of the host's TypeORM connection when it has them,
   * else none (every read goes to the primary).
   */
  urls?: string[];
  /** A replica further behind the primary than this many bytes of WAL is skipped. Default 16 MiB. */
  maxLagBytes?: number;
  /** A replica further behind than this (replay time) is skipped. Default 30000. */
  maxLagMs?: number;
  /** How often each replica's replay position is probed. Default 200. */
  probeIntervalMs?: number;
  /** Connections per replica pool. Default 10. */
  poolMax?: number;
  /** How long a learner's write position is remembered (after it, every replica has long replayed it). Default 60000. */
  positionTtlMs?: number;
}

/** Timeouts lingua-core sets with `SET LOCAL` in each transaction of its own, so they hold behind a transaction pooler. */
export interface LinguaSessionTimeouts {
  statementTimeoutMs?: number;
  lockTimeoutMs?: number;
  idleInTransactionTimeoutMs?: number;
}

/**
 * The request as the host's HTTP platform hands it to lingua-core's controllers (Express's request, or
 * Fastify's with the Node request under `raw`): what the `learner` and `roles` options read.
 */
export interface LinguaHostRequest {
  user?: unknown;
  raw?: { user?: unknown };
  headers: Record<string, string | string[] | undefined>;
  [key: string]: unknown;
}

/** Where the learner is on the host's request: lingua's `users.id`, or undefined (→ 401 `unauthorized`). */
export type LinguaLearnerLookup = (request: LinguaHostRequest) => number | undefined | Promise<number | undefined>;

/** Who answers lingua-core's errors: lingua's own filter (SPEC §3 body), or the host's global exception filters. */
export type LinguaErrorHandling = 'lingua' | 'host';

export interface LinguaMetricsOptions {
  /** A prom-client Registry of the host's: lingua-core's metrics are registered on it instead of a registry of its own. */
  registry?: Registry;
  /**
   * Also collect prom-client's default process metrics (`lingua_process_cpu_seconds_total`…) on lingua's
   * registry. Default false: the host collects its own process metrics once.
   */
  defaultMetrics?: boolean;
}

export interface LinguaOpenApiOptions {
  /** Name of the host's bearer security scheme (`DocumentBuilder.addBearerAuth(options, name)`). Default `bearer`. */
  securityScheme?: string;
  /**
   * The error body in force, for the OpenAPI document: a class decorated with `@ApiProperty` (or a plain
   * OpenAPI schema object). Default: SPEC §3's body while lingua answers its errors as SPEC, a free-form
   * object when `errors: 'host'` or `errorBody` reshape them.
   */
  errorBody?: (new (...args: never[]) => unknown) | Record<string, unknown>;
}

/** What `LinguaCoreModule.forRoot()` / `forRootAsync({ useFactory })` take. Everything is optional. */
export interface LinguaCoreOptions {
  /** Give lingua-core a connection of its own. Default: the host's TypeORM connection (see `dataSource`). */
  database?: LinguaDatabaseOptions;
  cache?: LinguaCacheOptions;
  /**
   * A direct (session) connection to the primary, for what a transaction pooler cannot carry: the
   * cache invalidation LISTENer and the migration lock. Needed when the pool goes through a
   * transaction pooler; without it lingua-core says so at start-up and turns the listener off.
   */
  directUrl?: string;
  /** Read replicas with per-learner read-your-writes. */
  replicas?: LinguaReplicaOptions;
  /**
   * Timeouts each lingua-core transaction sets with `SET LOCAL`. Default: `database`'s when lingua-core
   * has a connection of its own; on the host's connection, none unless given here.
   */
  sessionTimeouts?: LinguaSessionTimeouts;
  /** Log statements slower than this, in ms (0 = off). Default 200. */
  slowQueryMs?: number;
  /** Retries of a transaction after a serialization failure or deadlock. Default 3. */
  transactionRetries?: number;
  /**
   * The host's current transaction: every lingua-core write made while it returns an EntityManager
   * of an open transaction on lingua-core's connection joins that transaction (an explicit
   * `{ manager }` argument wins). `clsTransaction()` builds it for `@nestjs-cls/transactional`;
   * a host with a mechanism of its own passes a function (README "Transactions").
   */
  transaction?: AmbientTransaction;
  /**
   * The learner's id (lingua's `users.id`) from the host's request. Default: `request.user.id` (on
   * Fastify, then `request.raw.user.id`). Anything but an integer → 401 `unauthorized`. Called at most
   * once per request, only on routes that need the learner.
   */
  learner?: LinguaLearnerLookup;
  /** The learner's roles from the host's request (`['author']` for catalogue and lesson writes). Default: `request.user.roles`. */
  roles?: (request: LinguaHostRequest) => string[] | undefined | Promise<string[] | undefined>;
  /**
   * `'lingua'` (default): lingua's routes answer SPEC §3's error body. `'host'`: each error reaches the
   * host's global exception filters as a `LinguaHttpException` (code, status, constraint, details, requestId).
   */
  errors?: LinguaErrorHandling;
  /** With `errors: 'lingua'`: reshape SPEC §3's body into the host's envelope (status and headers stay lingua's). */
  errorBody?: (error: LinguaErrorBody, request: LinguaHostRequest) => unknown;
  metrics?: LinguaMetricsOptions;
  openApi?: LinguaOpenApiOptions;
}

/** Returns the EntityManager of the host's transaction in progress, or undefined outside one. */
export type AmbientTransaction = () => EntityManager | undefined;

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
  /** The cache store is shared by every instance (see LinguaCacheOptions.shared). */
  readonly cacheShared: boolean;
  readonly slowQueryMs: number;
  readonly transactionRetries: number;
  readonly database: ResolvedDatabaseOptions | undefined;
  readonly directUrl: string | undefined;
  readonly replicas: ResolvedReplicaOptions;
  readonly sessionTimeouts: Required<LinguaSessionTimeouts> | undefined;
  readonly transaction: AmbientTransaction | undefined;
  readonly learner: LinguaLearnerLookup | undefined;
  readonly roles: LinguaCoreOptions['roles'];
  readonly errors: LinguaErrorHandling;
  readonly errorBody: LinguaCoreOptions['errorBody'];
  readonly metricsRegistry: Registry | undefined;
  readonly defaultMetrics: boolean;
  readonly securityScheme: string;
  readonly openApiErrorBody: LinguaOpenApiOptions['errorBody'];

  constructor(options: LinguaCoreOptions = {}) {
    const cache = options.cache ?? {};
    this.cacheTtlMs = positive('cache.ttlMs', cache.ttlMs, 60_000);
    this.cacheKeyPrefix = cache.keyPrefix ?? 'lingua';
    if (!/^[\w.-]{1,64}$/.test(this.cacheKeyPrefix))
      throw new LinguaOptionsError(`cache.keyPrefix must match [\\w.-]{1,64}: ${JSON.stringify(this.cacheKeyPrefix)}`);
    this.cacheMemoryMaxEntries = positive('cache.memoryMaxEntries', cache.memoryMaxEntries, 10_000);
    this.redisUrl = cache.redisUrl || undefined;
    this.cacheStore = cache.store;
    this.cacheListener = cache.listen ?? true;
    this.cacheShared = cache.shared ?? (this.redisUrl !== undefined && this.cacheStore === undefined);
    this.slowQueryMs = nonNegative('slowQueryMs', options.slowQueryMs, 200);
    this.transactionRetries = nonNegative('transactionRetries', options.transactionRetries, 3);
    this.database = options.database && resolveDatabaseOptions(options.database);
    this.directUrl = options.directUrl || undefined;
    this.replicas = resolveReplicaOptions(options.replicas ?? {});
    this.sessionTimeouts = options.sessionTimeouts
      ? resolveTimeouts(options.sessionTimeouts)
      : this.database && resolveTimeouts(this.database);
    if (options.transaction !== undefined && typeof options.transaction !== 'function')
      throw new LinguaOptionsError('lingua-core option transaction must be a function returning an EntityManager or undefined');
    this.transaction = options.transaction;
    this.learner = fn('learner', options.learner);
    this.roles = fn('roles', options.roles);
    this.errors = options.errors ?? 'lingua';
    if (this.errors !== 'lingua' && this.errors !== 'host')
      throw new LinguaOptionsError(`lingua-core option errors must be 'lingua' or 'host', got ${JSON.stringify(options.errors)}`);
    this.errorBody = fn('errorBody', options.errorBody);
    if (this.errorBody && this.errors === 'host')
      throw new LinguaOptionsError(
        "lingua-core option errorBody applies to errors: 'lingua' only (with 'host', your filters shape the body)",
      );
    const metrics = options.metrics ?? {};
    if (metrics.registry !== undefined && typeof (metrics.registry as { registerMetric?: unknown })?.registerMetric !== 'function')
      throw new LinguaOptionsError('lingua-core option metrics.registry must be a prom-client Registry');
    this.metricsRegistry = metrics.registry;
    this.defaultMetrics = metrics.defaultMetrics ?? false;
    this.securityScheme = options.openApi?.securityScheme ?? 'bearer';
    if (!/^[\w.-]{1,64}$/.test(this.securityScheme))
      throw new LinguaOptionsError(
        `lingua-core option openApi.securityScheme must match [\\w.-]{1,64}: ${JSON.stringify(this.securityScheme)}`,
      );
    this.openApiErrorBody = options.openApi?.errorBody;
  }
}

function fn<T>(name: string, value: T | undefined): T | undefined {
  if (value !== undefined && typeof value !== 'function')
    throw new LinguaOptionsError(`lingua-core option ${name} must be a function, got ${typeof value}`);
  return value;
}

export type ResolvedDatabaseOptions = Required<Omit<LinguaDatabaseOptions, 'url' | 'pooler'>> & { url?: string; pooler?: PoolerMode };
export type ResolvedReplicaOptions = Required<Omit<LinguaReplicaOptions, 'urls'>> & { urls: string[] | undefined };

function resolveReplicaOptions(r: LinguaReplicaOptions): ResolvedReplicaOptions {
  if (r.urls !== undefined && (!Array.isArray(r.urls) || r.urls.some((u) => typeof u !== 'string' || !u))) {
    throw new LinguaOptionsError('lingua-core option replicas.urls must be an array of non-empty URLs');
  }
  return {
    urls: r.urls,
    maxLagBytes: positive('replicas.maxLagBytes', r.maxLagBytes, 16 * 1024 * 1024),
    maxLagMs: positive('replicas.maxLagMs', r.maxLagMs, 30_000),
    probeIntervalMs: positive('replicas.probeIntervalMs', r.probeIntervalMs, 200),
    poolMax: positive('replicas.poolMax', r.poolMax, 10),
    positionTtlMs: positive('replicas.positionTtlMs', r.positionTtlMs, 60_000),
  };
}

function resolveTimeouts(t: LinguaSessionTimeouts): Required<LinguaSessionTimeouts> {
  return {
    statementTimeoutMs: nonNegative('sessionTimeouts.statementTimeoutMs', t.statementTimeoutMs, 10_000),
    lockTimeoutMs: nonNegative('sessionTimeouts.lockTimeoutMs', t.lockTimeoutMs, 5_000),
    idleInTransactionTimeoutMs: nonNegative('sessionTimeouts.idleInTransactionTimeoutMs', t.idleInTransactionTimeoutMs, 30_000),
  };
}

export function resolveDatabaseOptions(db: LinguaDatabaseOptions): ResolvedDatabaseOptions {
  if (db.pooler !== undefined && db.pooler !== 'transaction' && db.pooler !== 'none') {
    throw new LinguaOptionsError(`lingua-core option database.pooler must be 'transaction' or 'none', got ${JSON.stringify(db.pooler)}`);
  }
  const acquireTimeoutMs = positive('database.acquireTimeoutMs', db.acquireTimeoutMs, 2_000);
  const statementTimeoutMs = nonNegative('database.statementTimeoutMs', db.statementTimeoutMs, 10_000);
  return {
    url: db.url || undefined,
    pooler: db.pooler,
    poolMax: positive('database.poolMax', db.poolMax, 10),
    acquireTimeoutMs,
    statementTimeoutMs,
    lockTimeoutMs: nonNegative('database.lockTimeoutMs', db.lockTimeoutMs, 5_000),
    idleInTransactionTimeoutMs: nonNegative('database.idleInTransactionTimeoutMs', db.idleInTransactionTimeoutMs, 30_000),
    deadlineMs: nonNegative('database.deadlineMs', db.deadlineMs, statementTimeoutMs && statementTimeoutMs + acquireTimeoutMs),
  };
}

/** A bad option: thrown while the host's module graph is built, naming the option. */
export class LinguaOptionsError extends Error {
  override name = 'LinguaOptionsError';
}

function nonNegative(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isInteger(value) || value < 0)
    throw new LinguaOptionsError(`lingua-core option ${name} must be a non-negative integer, got ${value}`);
  return value;
}

function positive(name: string, value: number | undefined, fallback: number): number {
  const n = nonNegative(name, value, fallback);
  if (n === 0) throw new LinguaOptionsError(`lingua-core option ${name} must be positive`);
  return n;
}
