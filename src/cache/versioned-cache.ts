import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger, OnModuleDestroy, OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Cache } from 'cache-manager';
import type { Keyv } from 'keyv';
import type { ClientConfig } from 'pg';
import type { EntityManager } from 'typeorm';
import type { PostgresDataSourceOptions } from 'typeorm/driver/postgres/PostgresDataSourceOptions';
import { withTimeLimit } from '../common/time-limit';
import { afterCommit } from '../database/after-commit';
import { LinguaDataSource } from '../database/lingua-data-source';
import { LinguaSettings } from '../lingua-core.options';
import { MetricsService } from '../observability/metrics.service';
import { connectCacheStore } from './cache-store';
import { CACHE_CHANNEL, InvalidationListener } from './invalidation-listener';
import { decodeMessage, encodeMessage } from './invalidation-message';
import { ALL, InvalidationState, PendingInvalidation, scopesOf } from './invalidation-state';

const CACHE_OP_TIMEOUT_MS = 300;
const VERSION_TTL_MS = 7 * 24 * 3600 * 1000;
const STARTUP_WAIT_MS = 1_000;
/** Pending invalidations kept per instance; beyond it, the whole cache is bypassed until one global bump succeeds. */
export const MAX_PENDING_INVALIDATIONS = 10_000;
const CONFIRM_EVERY_MS = 50;
const CONFIRM_BATCH = 500;
/** A remote invalidation still unconfirmed after this is settled by a version write of our own. */
const REPAIR_AFTER_MS = 1_000;
const unavailable = Symbol('cache unavailable');
type Versions = string[] | typeof unavailable;

/**
 * A read-through cache over versioned key namespaces (docs/caching.md). A namespace ("words",
 * "stats:42") is keyed by the versions of its scopes — the global scope, its family ("stats") and
 * itself — stored in the cache; entries live under `<keyPrefix>:<ns>:<versions>:<key>`. Invalidating
 * writes new random versions, so every instance sharing the store stops seeing the old entries at
 * once, with no key scans.
 *
 * That version write is only the fast path. Every invalidation is also a PostgreSQL NOTIFY, sent
 * after the write commits and before it is acknowledged, and every instance LISTENs on a dedicated
 * connection. Before trusting the cache, a read waits for a round trip on that connection
 * (`InvalidationListener.sync`), so it has heard of every invalidation committed before it began;
 * a namespace whose invalidation is not yet confirmed in the cache (the writer's version write
 * failed: cold connection, cache refusing writes or down) is read from the database until a
 * version write succeeds. While the listener is disconnected, every read bypasses the cache.
 *
 * Concurrent misses for one versioned key share one load. Any cache failure or slowness falls back
 * to the loader: the cache can make reads faster, never make them fail.
 */
@Injectable()
export class VersionedCache implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger('VersionedCache');
  private readonly instanceId = randomBytes(6).toString('hex');
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly versionLookups = new Map<string, Promise<Versions>>();
  private readonly state = new InvalidationState(MAX_PENDING_INVALIDATIONS);
  private readonly repairing = new Set<string>();
  private listener: InvalidationListener | undefined;
  private confirmTimer: NodeJS.Timeout | undefined;
  private destroyed = false;

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly settings: LinguaSettings,
    private readonly metrics: MetricsService,
    private readonly dataSource: LinguaDataSource,
  ) {}

  /** Connects the cache client and the invalidation listener, waiting briefly; never fails start-up. */
  async onModuleInit(): Promise<void> {
    if (this.settings.cacheListener) {
      this.listener = new InvalidationListener(sessionConfig(this.settings.directUrl, this.dataSource), {
        message: (payload) => this.onMessage(payload),
        notifyElsewhere: (channel, payload) => this.dataSource.query('SELECT pg_notify($1, $2)', [channel, payload]),
        state: (up) => this.metrics.cacheListenerUp.set(up ? 1 : 0),
        gap: () => {
          this.state.markPending(ALL, undefined);
          this.scheduleConfirm();
        },
      });
    }
    this.metrics.cacheListenerUp.set(0);
    // The session probe inside takes up to a second more when it fails (a pooler).
    await Promise.all([connectCacheStore(this.cache, STARTUP_WAIT_MS), this.listener?.start(STARTUP_WAIT_MS + 1_000)]);
  }

  /** For readiness: whether cross-instance invalidations are heard (undefined: no listener configured). */
  listenerState(): 'up' | 'down' | 'not_a_session' | undefined {
    if (!this.listener) return undefined;
    if (this.listener.notASession) return 'not_a_session';
    return this.listener.connected ? 'up' : 'down';
  }

  async getOrLoad<T>(namespace: string, key: string, load: () => Promise<T>, ttlMs = this.settings.cacheTtlMs): Promise<T> {
    const scopes = scopesOf(namespace);
    const generation = this.state.generation(scopes);
    const [synced, versions] = await Promise.all([this.synced(), this.versionsOf(scopes, generation)]);
    if (!synced || versions === unavailable) return this.bypass(namespace, load, 'error');
    if (this.state.generation(scopes) !== generation || !this.trusted(scopes, versions)) return this.bypass(namespace, load, 'bypass');
    const fullKey = `${this.settings.cacheKeyPrefix}:${namespace}:${versions.join('.')}:${key}`;
    const inflightKey = `${fullKey}@${generation}`;
    const pending = this.inflight.get(inflightKey);
    if (pending) return pending as Promise<T>;
    const lookup = this.lookup(namespace, scopes, generation, fullKey, load, ttlMs).finally(() => this.inflight.delete(inflightKey));
    this.inflight.set(inflightKey, lookup);
    return lookup;
  }

  /**
   * Invalidates after a write that has committed (or ran without a transaction): a NOTIFY on the
   * listener's connection (batched with other writes'), and this instance's and the shared cache's
   * version bumps, concurrently. Resolve it before acknowledging the write.
   */
  async invalidate(...namespaces: string[]): Promise<void> {
    const versions = freshVersions(namespaces);
    await Promise.all([this.notify(versions), this.apply(versions)]);
  }

  /**
   * Invalidates once `manager`'s transaction commits (nothing if it rolls back); without an open
   * transaction, at once. The NOTIFY is sent after the commit, not inside the transaction: a
   * notifying commit holds a cluster-wide lock through its WAL flush, which serialised concurrent
   * writers' commits (docs/caching.md, figures). The caller's commit resolves after it.
   */
  async invalidateOnCommit(manager: EntityManager | undefined, ...namespaces: string[]): Promise<void> {
    await afterCommit(manager, () => this.invalidate(...namespaces));
  }

  /**
   * Writes and reads back a probe key of this instance's own (prefixed, unique per process), for
   * readiness reports: the cache is optional, so callers report its state but never fail on it.
   */
  async probe(): Promise<{ up: boolean; message?: string }> {
    const key = `${this.settings.cacheKeyPrefix}:health:${this.instanceId}`;
    const value = newVersion();
    const written = await this.guard(() => this.set(key, value, 10_000));
    if (written === unavailable) return { up: false, message: 'cache unavailable (writes fail or time out)' };
    const read = await this.guard(() => this.store.get<string>(key));
    if (read === unavailable) return { up: false, message: 'cache unavailable (reads fail or time out)' };
    return read === value ? { up: true } : { up: false, message: 'cache did not return what was written' };
  }

  async onModuleDestroy(): Promise<void> {
    this.destroyed = true;
    clearTimeout(this.confirmTimer);
    this.inflight.clear();
    await this.listener?.close();
  }

  private async lookup<T>(namespace: string, scopes: string[], generation: number, fullKey: string, load: () => Promise<T>, ttlMs: number): Promise<T> {
    const cached = await this.guard(() => this.store.get<T>(fullKey));
    if (cached !== unavailable && cached !== undefined && cached !== null) {
      this.metrics.cacheLookups.inc({ namespace: family(namespace), result: 'hit' });
      return cached;
    }
    this.metrics.cacheLookups.inc({ namespace: family(namespace), result: cached === unavailable ? 'error' : 'miss' });
    const value = await load();
    // An invalidation heard of during the load: the value may predate it, so it is returned, not cached.
    if (cached !== unavailable && this.state.generation(scopes) === generation) await this.guard(() => this.set(fullKey, value, ttlMs));
    return value;
  }

  private bypass<T>(namespace: string, load: () => Promise<T>, result: 'error' | 'bypass'): Promise<T> {
    this.metrics.cacheLookups.inc({ namespace: family(namespace), result });
    return load();
  }

  /** True once every invalidation committed before the call has been heard of (always, without a listener). */
  private synced(): Promise<boolean> {
    if (!this.listener) return Promise.resolve(true);
    return this.listener.sync().then(
      () => true,
      () => false,
    );
  }

  /** No scope has an invalidation the versions read do not reflect; starts settling those that have one. */
  private trusted(scopes: string[], versions: string[]): boolean {
    let trusted = true;
    scopes.forEach((scope, i) => {
      const entry = this.state.get(scope);
      if (!entry) return;
      if (entry.expected !== undefined && entry.expected === versions[i]) {
        this.state.settle(scope, entry);
      } else {
        trusted = false;
        void this.repair(scope, entry);
      }
    });
    return trusted;
  }

  /** Bumps this instance's generations, then writes the versions; a failed write stays pending here. */
  private async apply(versions: Array<[string, string]>): Promise<void> {
    await Promise.all(
      versions.map(async ([scope, version]) => {
        this.state.bump(scope);
        const before = this.state.get(scope);
        if (await this.writeVersion(scope, version)) this.state.settle(scope, before);
        else {
          this.state.markPending(scope, version);
          this.scheduleConfirm();
        }
      }),
    );
  }

  /** Settles `entry` with a fresh version of our own (written after its commit was heard of). */
  private async repair(scope: string, entry: PendingInvalidation): Promise<void> {
    if (this.repairing.has(scope)) return;
    this.repairing.add(scope);
    try {
      if (await this.writeVersion(scope, newVersion())) this.state.settle(scope, entry);
    } finally {
      this.repairing.delete(scope);
    }
  }

  private onMessage(payload: string): void {
    const message = decodeMessage(payload);
    if (!message || message.prefix !== this.settings.cacheKeyPrefix || message.sender === this.instanceId) return;
    for (const [scope, version] of message.versions) this.state.markPending(scope, version);
    this.scheduleConfirm();
  }

  /**
   * Background pass over pending invalidations: those whose version has landed are settled, those
   * unconfirmed for REPAIR_AFTER_MS (or needing a fresh version) get a version write of our own.
   */
  private scheduleConfirm(): void {
    if (this.confirmTimer || this.destroyed) return;
    this.confirmTimer = setTimeout(() => {
      void this.confirmPending().finally(() => {
        this.confirmTimer = undefined;
        if (this.state.size > 0) this.scheduleConfirm();
      });
    }, CONFIRM_EVERY_MS);
    this.confirmTimer.unref();
  }

  private async confirmPending(): Promise<void> {
    const batch = this.state.entries().slice(0, CONFIRM_BATCH);
    const found = await this.guard(() => this.store.getMany<string>(batch.map(([scope]) => this.versionKey(scope))));
    if (found === unavailable) return;
    const now = Date.now();
    await Promise.all(
      batch.map(([scope, entry], i) => {
        if (entry.expected !== undefined && found[i] === entry.expected) return this.state.settle(scope, entry);
        if (entry.expected === undefined || now - entry.since >= REPAIR_AFTER_MS) return this.repair(scope, entry);
      }),
    );
  }

  private async notify(versions: Array<[string, string]>): Promise<void> {
    if (!this.listener) return;
    const payload = this.payload(versions);
    if (await this.listener.notify(payload)) return;
    try {
      await this.dataSource.query('SELECT pg_notify($1, $2)', [CACHE_CHANNEL, payload]);
    } catch (err) {
      this.logger.warn({ msg: 'cache invalidation NOTIFY failed; other instances rely on the cache version alone', err: String(err) });
    }
  }

  private payload(versions: Array<[string, string]>): string {
    return encodeMessage({ prefix: this.settings.cacheKeyPrefix, sender: this.instanceId, versions });
  }

  private async writeVersion(scope: string, version: string): Promise<boolean> {
    return (await this.guard(() => this.set(this.versionKey(scope), version, VERSION_TTL_MS))) !== unavailable;
  }

  /** Concurrent readers of one namespace share one version lookup, unless an invalidation came between them. */
  private versionsOf(scopes: string[], generation: number): Promise<Versions> {
    const id = `${scopes[scopes.length - 1]}@${generation}`;
    const pending = this.versionLookups.get(id);
    if (pending) return pending;
    const lookup = this.readOrCreateVersions(scopes).finally(() => this.versionLookups.delete(id));
    this.versionLookups.set(id, lookup);
    return lookup;
  }

  /** One MGET; a missing version is replaced by a fresh random one, never a guessable one. */
  private async readOrCreateVersions(scopes: string[]): Promise<Versions> {
    const found = await this.guard(() => this.store.getMany<string>(scopes.map((scope) => this.versionKey(scope))));
    if (found === unavailable) return unavailable;
    const versions: string[] = [];
    for (const [i, scope] of scopes.entries()) {
      const version = found[i];
      if (typeof version === 'string') versions.push(version);
      else {
        const fresh = newVersion();
        if (!(await this.writeVersion(scope, fresh))) return unavailable;
        versions.push(fresh);
      }
    }
    return versions;
  }

  /**
   * The Keyv store itself, not cache-manager's wrapper: the wrapper turns a failed read into a miss
   * and a refused write into success, and this class must tell them apart.
   */
  private get store(): Keyv {
    return this.cache.stores[0];
  }

  /** A write the store refused (Keyv answers false when it does not throw) is a failure. */
  private async set(key: string, value: unknown, ttlMs: number): Promise<void> {
    if ((await this.store.set(key, value, ttlMs)) === false) throw new Error('the cache refused the write');
  }

  private versionKey(scope: string): string {
    return `${this.settings.cacheKeyPrefix}:${scope}:version`;
  }

  private async guard<T>(op: () => Promise<T>): Promise<T | typeof unavailable> {
    try {
      return await withTimeLimit(op(), CACHE_OP_TIMEOUT_MS, () => unavailable);
    } catch (err) {
      this.logger.warn({ msg: 'cache operation failed; using the database', err: String(err) });
      return unavailable;
    }
  }
}

const newVersion = () => randomBytes(6).toString('base64url');
const freshVersions = (namespaces: string[]): Array<[string, string]> => namespaces.map((ns) => [ns, newVersion()]);
/** Metric label: "stats:42" → "stats", so per-learner namespaces don't explode label cardinality. */
const family = (namespace: string) => namespace.split(':')[0];

/**
 * The listener's own connection: `directUrl` when given, else the primary's credentials from the
 * DataSource's (public) options — which, behind a transaction pooler, the session probe rejects.
 */
function sessionConfig(directUrl: string | undefined, dataSource: LinguaDataSource): ClientConfig {
  if (directUrl) return { connectionString: directUrl };
  const options = dataSource.options as PostgresDataSourceOptions;
  const primary = options.replication?.master ?? options;
  return {
    connectionString: primary.url,
    host: primary.host,
    port: primary.port,
    user: primary.username,
    password: typeof primary.password === 'string' ? primary.password : undefined,
    database: primary.database,
    ssl: primary.ssl as ClientConfig['ssl'],
    options: (options.extra as { options?: string } | undefined)?.options,
  };
}
