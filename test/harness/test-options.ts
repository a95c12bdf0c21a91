import type { LinguaCoreOptions, LinguaDatabaseOptions, PoolerMode } from '../../src/lingua-core.options';

/**
 * The specs configure the app under test with the reference host's variable names (`env: { DB_POOL_MAX:
 * '2' }`), so one spec runs unchanged on either app. For the library test module they become code
 * options here, with the reference host's defaults (README "Configuration"). A name not listed is an
 * error: a setting a spec asks for must never be dropped silently.
 */
export type TestEnv = Record<string, string | undefined>;

const KNOWN = new Set([
  'DATABASE_URL',
  'DATABASE_DIRECT_URL',
  'DATABASE_REPLICA_URLS',
  'DATABASE_POOLER',
  'DB_REPLICA_MAX_LAG_BYTES',
  'DB_REPLICA_MAX_LAG_MS',
  'DB_REPLICA_PROBE_INTERVAL_MS',
  'DB_REPLICA_POOL_MAX',
  'DB_POOL_MAX',
  'DB_POOL_ACQUIRE_TIMEOUT_MS',
  'DB_STATEMENT_TIMEOUT_MS',
  'DB_LOCK_TIMEOUT_MS',
  'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS',
  'DB_SLOW_QUERY_MS',
  'DB_TX_MAX_RETRIES',
  'REDIS_URL',
  'CACHE_TTL_MS',
  'CACHE_MEMORY_MAX_ENTRIES',
  'CACHE_KEY_PREFIX',
]);

const text = (env: TestEnv, name: string): string | undefined => (env[name] === '' ? undefined : env[name]);

function int(env: TestEnv, name: string, fallback: number): number {
  const raw = text(env, name);
  if (raw === undefined) return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw new Error(`test env ${name}=${JSON.stringify(raw)} is not an integer`);
  return value;
}

export function assertKnownTestEnv(env: TestEnv): void {
  const unknown = Object.keys(env).filter((name) => !KNOWN.has(name));
  if (unknown.length)
    throw new Error(`the library test module does not understand ${unknown.join(', ')} (a reference host setting? use HostTestContext)`);
}

export function databaseOptionsOf(env: TestEnv): LinguaDatabaseOptions {
  const pooler = text(env, 'DATABASE_POOLER');
  if (pooler !== undefined && pooler !== 'transaction' && pooler !== 'none') throw new Error(`test env DATABASE_POOLER=${pooler}`);
  return {
    url: text(env, 'DATABASE_URL'),
    pooler: pooler as PoolerMode | undefined,
    poolMax: int(env, 'DB_POOL_MAX', 10),
    acquireTimeoutMs: int(env, 'DB_POOL_ACQUIRE_TIMEOUT_MS', 2_000),
    statementTimeoutMs: int(env, 'DB_STATEMENT_TIMEOUT_MS', 10_000),
    lockTimeoutMs: int(env, 'DB_LOCK_TIMEOUT_MS', 5_000),
    idleInTransactionTimeoutMs: int(env, 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 30_000),
  };
}

export function linguaOptionsOf(env: TestEnv): LinguaCoreOptions {
  const replicaUrls = text(env, 'DATABASE_REPLICA_URLS')
    ?.split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  return {
    directUrl: text(env, 'DATABASE_DIRECT_URL'),
    replicas: {
      urls: replicaUrls?.length ? replicaUrls : undefined,
      maxLagBytes: int(env, 'DB_REPLICA_MAX_LAG_BYTES', 16 * 1024 * 1024),
      maxLagMs: int(env, 'DB_REPLICA_MAX_LAG_MS', 30_000),
      probeIntervalMs: int(env, 'DB_REPLICA_PROBE_INTERVAL_MS', 200),
      poolMax: int(env, 'DB_REPLICA_POOL_MAX', 10),
    },
    sessionTimeouts: {
      statementTimeoutMs: int(env, 'DB_STATEMENT_TIMEOUT_MS', 10_000),
      lockTimeoutMs: int(env, 'DB_LOCK_TIMEOUT_MS', 5_000),
      idleInTransactionTimeoutMs: int(env, 'DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 30_000),
    },
    cache: {
      redisUrl: text(env, 'REDIS_URL'),
      ttlMs: int(env, 'CACHE_TTL_MS', 60_000),
      keyPrefix: text(env, 'CACHE_KEY_PREFIX') ?? 'lingua',
      memoryMaxEntries: int(env, 'CACHE_MEMORY_MAX_ENTRIES', 10_000),
    },
    slowQueryMs: int(env, 'DB_SLOW_QUERY_MS', 200),
    transactionRetries: int(env, 'DB_TX_MAX_RETRIES', 3),
  };
}
