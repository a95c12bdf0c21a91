import type { LinguaCoreOptions, LinguaDatabaseOptions } from '../src/index';
import { plainToInstance, Transform } from 'class-transformer';
import { IsBoolean, IsIn, IsInt, IsOptional, IsString, Matches, Max, Min, MinLength, validateSync } from 'class-validator';

const toInt = ({ value }: { value: unknown }) => (value === undefined || value === '' ? undefined : Number(value));
const toBool = ({ value }: { value: unknown }) =>
  value === undefined || value === '' ? undefined : ['1', 'true', 'yes', 'on'].includes(String(value).toLowerCase());

/** The HTTP platforms the reference host runs Nest on (`HTTP_PLATFORM`). */
export const HTTP_PLATFORMS = ['express', 'fastify'] as const;
export type HttpPlatform = (typeof HTTP_PLATFORMS)[number];

/**
 * Every setting the reference host reads from the environment, with its default. Validated once at
 * start-up by the host (a bad value stops the process with a message naming the variable; README
 * "Configuration"); the library itself reads no environment variable — the host turns these into
 * `LinguaCoreOptions` below.
 */
export class AppEnv {
  @IsOptional() @IsString() DATABASE_URL?: string = undefined;
  @IsOptional() @IsString() PGHOST?: string = undefined;
  /** The primary itself, when DATABASE_URL is a transaction pooler: the cache listener, the migration lock and migrations use it. */
  @IsOptional() @IsString() DATABASE_DIRECT_URL?: string = undefined;
  /** Streaming replicas, comma-separated: catalogue and learner reads, with per-learner read-your-writes. */
  @IsOptional() @IsString() DATABASE_REPLICA_URLS?: string = undefined;
  /** `transaction` when DATABASE_URL is a transaction pooler, `none` when direct; unset: detected at start-up. */
  @IsOptional() @IsIn(['transaction', 'none']) DATABASE_POOLER?: 'transaction' | 'none' = undefined;
  @Transform(toInt) @IsInt() @Min(1) @Max(1_099_511_627_776) DB_REPLICA_MAX_LAG_BYTES = 16 * 1024 * 1024;
  @Transform(toInt) @IsInt() @Min(1) @Max(3_600_000) DB_REPLICA_MAX_LAG_MS = 30_000;
  @Transform(toInt) @IsInt() @Min(10) @Max(60_000) DB_REPLICA_PROBE_INTERVAL_MS = 200;
  @Transform(toInt) @IsInt() @Min(1) @Max(500) DB_REPLICA_POOL_MAX = 10;

  @Transform(toInt) @IsInt() @Min(1) @Max(500) DB_POOL_MAX = 10;
  @Transform(toInt) @IsInt() @Min(50) @Max(120_000) DB_POOL_ACQUIRE_TIMEOUT_MS = 2_000;
  @Transform(toInt) @IsInt() @Min(100) @Max(3_600_000) DB_STATEMENT_TIMEOUT_MS = 10_000;
  @Transform(toInt) @IsInt() @Min(100) @Max(3_600_000) DB_LOCK_TIMEOUT_MS = 5_000;
  @Transform(toInt) @IsInt() @Min(1_000) @Max(3_600_000) DB_IDLE_IN_TRANSACTION_TIMEOUT_MS = 30_000;
  /** database.deadlineMs: unset, DB_STATEMENT_TIMEOUT_MS + DB_POOL_ACQUIRE_TIMEOUT_MS; 0 turns it off. */
  @Transform(toInt) @IsOptional() @IsInt() @Min(0) @Max(3_600_000) DB_DEADLINE_MS?: number = undefined;
  @Transform(toInt) @IsInt() @Min(0) @Max(600_000) DB_SLOW_QUERY_MS = 200;
  @Transform(toInt) @IsInt() @Min(0) @Max(10) DB_TX_MAX_RETRIES = 3;

  @IsOptional() @IsString() REDIS_URL?: string = undefined;
  @Transform(toInt) @IsInt() @Min(1_000) @Max(86_400_000) CACHE_TTL_MS = 60_000;
  @Transform(toInt) @IsInt() @Min(100) @Max(10_000_000) CACHE_MEMORY_MAX_ENTRIES = 10_000;
  /** Prefix of every cache key: instances that share a Redis but not a database need different ones. */
  @IsString() @Matches(/^[\w.-]{1,64}$/) CACHE_KEY_PREFIX = 'lingua';

  @Transform(toInt) @IsInt() @Min(0) @Max(65_535) PORT = 3000;
  @IsString() HOST = '0.0.0.0';
  /** The HTTP platform the host runs Nest on: Fastify by default, chosen by the HTTP benchmark (docs/benchmarks.md, "Express or Fastify"). */
  @IsIn(HTTP_PLATFORMS) HTTP_PLATFORM: HttpPlatform = 'fastify';
  @IsOptional() @IsString() @MinLength(16) JWT_SECRET?: string = undefined;
  @Transform(toBool) @IsOptional() @IsBoolean() DEMO?: boolean = undefined;
  @IsIn(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']) LOG_LEVEL = 'info';
  @IsString() EMBEDDED_PG_DIR = '.data';
  /** SIGTERM/SIGINT: the longest the drain and close may take before the process exits 1 anyway (under a 30 s grace period). */
  @Transform(toInt) @IsInt() @Min(100) @Max(600_000) SHUTDOWN_TIMEOUT_MS = 10_000;
  /** Rows per keyset batch of the repair migrations (buildDataSourceOptions' `migrationBatchSize`: the session setting lingua.migration_batch_size). */
  @Transform(toInt) @IsInt() @Min(1) @Max(1_000_000) LINGUA_MIGRATION_BATCH_SIZE = 5_000;
  /** Seconds between the migrations' progress lines (lingua.migration_progress_seconds; 0 = none). */
  @Transform(toInt) @IsOptional() @IsInt() @Min(0) @Max(10) LINGUA_MIGRATION_PROGRESS_SECONDS?: number = undefined;
  /** Free disk the migrations may assume (`40GB`): checked before steps that write a lot (lingua.migration_assume_free). */
  @IsOptional() @Matches(/^\d+(\.\d+)?(B|kB|KB|MB|GB|TB)?$/i) LINGUA_MIGRATION_ASSUME_FREE?: string = undefined;
}

export class ConfigError extends Error {}

export function validateEnv(raw: Record<string, unknown>): AppEnv {
  const env = plainToInstance(AppEnv, stripEmpty(raw), { exposeDefaultValues: true });
  const errors = validateSync(env, { skipMissingProperties: false, forbidUnknownValues: false });
  if (errors.length > 0) {
    const lines = errors.map((e) => `  ${e.property}=${JSON.stringify(e.value)}: ${Object.values(e.constraints ?? {}).join('; ')}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  return env;
}

function stripEmpty(raw: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(raw).filter(([, v]) => v !== ''));
}

/** True when the environment names a real PostgreSQL server (so no embedded one is started). */
export function hasExternalDatabase(env: AppEnv): boolean {
  return Boolean(env.DATABASE_URL || env.PGHOST);
}

/** The reference host's connection settings, for its TypeORM connection and the migration CLI. */
export function databaseOptionsFromEnv(env: AppEnv): LinguaDatabaseOptions {
  return {
    url: env.DATABASE_URL,
    pooler: env.DATABASE_POOLER,
    poolMax: env.DB_POOL_MAX,
    acquireTimeoutMs: env.DB_POOL_ACQUIRE_TIMEOUT_MS,
    statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
    lockTimeoutMs: env.DB_LOCK_TIMEOUT_MS,
    idleInTransactionTimeoutMs: env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    deadlineMs: env.DB_DEADLINE_MS,
  };
}

/** The connection migrations run on: the primary itself (a transaction pooler cannot carry them). */
export function migrationDatabaseOptionsFromEnv(env: AppEnv): LinguaDatabaseOptions {
  const options = databaseOptionsFromEnv(env);
  return env.DATABASE_DIRECT_URL ? { ...options, url: env.DATABASE_DIRECT_URL, pooler: 'none' } : options;
}

export function replicaUrlsFromEnv(env: AppEnv): string[] | undefined {
  const urls = env.DATABASE_REPLICA_URLS?.split(',')
    .map((u) => u.trim())
    .filter(Boolean);
  return urls?.length ? urls : undefined;
}

/** The reference host's `LinguaCoreModule` options (lingua-core runs on the host's TypeORM connection). */
export function linguaOptionsFromEnv(env: AppEnv): LinguaCoreOptions {
  return {
    directUrl: env.DATABASE_DIRECT_URL,
    replicas: {
      urls: replicaUrlsFromEnv(env),
      maxLagBytes: env.DB_REPLICA_MAX_LAG_BYTES,
      maxLagMs: env.DB_REPLICA_MAX_LAG_MS,
      probeIntervalMs: env.DB_REPLICA_PROBE_INTERVAL_MS,
      poolMax: env.DB_REPLICA_POOL_MAX,
    },
    sessionTimeouts: {
      statementTimeoutMs: env.DB_STATEMENT_TIMEOUT_MS,
      lockTimeoutMs: env.DB_LOCK_TIMEOUT_MS,
      idleInTransactionTimeoutMs: env.DB_IDLE_IN_TRANSACTION_TIMEOUT_MS,
    },
    cache: {
      redisUrl: env.REDIS_URL,
      ttlMs: env.CACHE_TTL_MS,
      keyPrefix: env.CACHE_KEY_PREFIX,
      memoryMaxEntries: env.CACHE_MEMORY_MAX_ENTRIES,
    },
    slowQueryMs: env.DB_SLOW_QUERY_MS,
    transactionRetries: env.DB_TX_MAX_RETRIES,
    // This host has no process metrics of its own: lingua's registry carries them (lingua_process_*, the Grafana dashboard's).
    metrics: { defaultMetrics: true },
  };
}
