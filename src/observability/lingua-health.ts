import { Injectable } from '@nestjs/common';
import { VersionedCache } from '../cache/versioned-cache';
import { withTimeLimit } from '../common/time-limit';
import { classifyDatabaseError } from '../database/db-errors';
import { LinguaDataSource } from '../database/lingua-data-source';
import { ReplicaReport, ReplicaSet } from '../database/replicas/replica-set';
import { SessionSettingsMonitor } from '../database/session-settings-monitor';

export interface LinguaComponentHealth {
  status: 'up' | 'down';
  message?: string;
}

/** What lingua-core reports besides the database: each optional, so none of them makes lingua-core unready. */
export interface LinguaDegradableHealth {
  /** The cache answers a write and read-back of a probe key; reads go to PostgreSQL while it is down. */
  cache: LinguaComponentHealth;
  /** The cache invalidation listener (absent when `cache.listen` is off). */
  cacheListener?: 'up' | 'down' | 'not_a_session';
  /** Each read replica; reads go to the primary while one is down or lagging. */
  replicas: ReplicaReport[];
  /** Whether statements outside a transaction run with the configured timeouts (absent until checked). */
  sessionSettings?: { inForce: boolean; found: Record<string, string> };
}

/** `LinguaHealthIndicator.check()`: `status` is `down` only when the database does not answer. */
export interface LinguaHealthReport extends LinguaDegradableHealth {
  status: 'up' | 'down';
  database: LinguaComponentHealth;
}

/** A `@nestjs/terminus` indicator result: `{ [key]: { status, … } }`. */
export type LinguaIndicatorResult<K extends string = string> = Record<K, { status: 'up' | 'down'; [detail: string]: unknown }>;

export interface LinguaHealthCheckOptions {
  /** How long the database ping may take before it counts as down. Default 1500. */
  timeoutMs?: number;
}

/**
 * lingua-core's health for the host's readiness: the database it runs on (the only part that makes it
 * unready), the cache, the invalidation listener, the replicas and the session settings — what the
 * reference host's `/health/ready` shows. Injectable anywhere `LinguaCoreModule` is imported.
 *
 * With `@nestjs/terminus` (nothing of it is imported here, so it stays the host's choice), the
 * methods returning `{ [key]: { status } }` are indicators:
 *
 *   this.health.check([() => this.lingua.pingCheck('database'), () => this.lingua.isHealthy('lingua')])
 *
 * Without it, `check()` is the whole report as a plain object.
 */
@Injectable()
export class LinguaHealthIndicator {
  /** @internal Built by Nest's DI from lingua-core's own providers. */
  constructor(
    private readonly dataSource: LinguaDataSource,
    private readonly cache: VersionedCache,
    private readonly replicas: ReplicaSet,
    private readonly sessionSettings: SessionSettingsMonitor,
  ) {}

  /** Everything, framework-free. */
  async check(options: LinguaHealthCheckOptions = {}): Promise<LinguaHealthReport> {
    const [database, degradable] = await Promise.all([this.database(options), this.degradable()]);
    return { status: database.status, database, ...degradable };
  }

  /** The database lingua-core runs on answers `SELECT 1` within `timeoutMs`. */
  async database({ timeoutMs = 1_500 }: LinguaHealthCheckOptions = {}): Promise<LinguaComponentHealth> {
    try {
      const ping = this.dataSource.query('SELECT 1').then(() => true);
      const answered = await withTimeLimit(ping, timeoutMs, () => false);
      return answered ? { status: 'up' } : { status: 'down', message: `no answer within ${timeoutMs} ms` };
    } catch (err) {
      return { status: 'down', message: classifyDatabaseError(err)?.message ?? 'the database query failed' };
    }
  }

  /** The parts that are reported but never make lingua-core unready. */
  async degradable(): Promise<LinguaDegradableHealth> {
    const probe = await this.cache.probe();
    const listener = this.cache.listenerState();
    const settings = this.sessionSettings.report;
    return {
      cache: { status: probe.up ? 'up' : 'down', ...(probe.message ? { message: probe.message } : {}) },
      ...(listener ? { cacheListener: listener } : {}),
      replicas: this.replicas.report(),
      ...(settings ? { sessionSettings: { inForce: settings.inForce, found: settings.found } } : {}),
    };
  }

  /** Terminus indicator of the database alone: `{ [key]: { status, message? } }`, down when it does not answer. */
  async pingCheck<K extends string = 'database'>(
    key: K = 'database' as K,
    options: LinguaHealthCheckOptions = {},
  ): Promise<LinguaIndicatorResult<K>> {
    return { [key]: await this.database(options) } as LinguaIndicatorResult<K>;
  }

  /** Terminus indicator of the whole report under one key: down only when the database is. */
  async isHealthy<K extends string = 'lingua'>(
    key: K = 'lingua' as K,
    options: LinguaHealthCheckOptions = {},
  ): Promise<LinguaIndicatorResult<K>> {
    const { status, ...details } = await this.check(options);
    return { [key]: { status, ...details } } as unknown as LinguaIndicatorResult<K>;
  }
}

/** The same report for hosts without Nest's DI at hand: `linguaHealth(app)` (any `INestApplicationContext`). */
export function linguaHealth(
  app: { get<T>(token: new (...args: never[]) => T): T },
  options?: LinguaHealthCheckOptions,
): Promise<LinguaHealthReport> {
  return app.get(LinguaHealthIndicator).check(options);
}
