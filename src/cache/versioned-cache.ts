import { Injectable, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { sleep } from '../common/backoff';
import { noop, withTimeLimit } from '../common/time-limit';
import type { EntityManager } from 'typeorm';
import { afterCommit } from '../database/after-commit';
import { LinguaDataSource } from '../database/lingua-data-source';
import { LinguaSettings } from '../lingua-core.options';
import { MetricsService } from '../observability/metrics.service';
import { CacheStore, UNAVAILABLE } from './cache-store';
import { InvalidationConfirmer } from './invalidation-confirmer';
import { InvalidationListener } from './invalidation-listener';
import { decodeMessage } from './invalidation-message';
import { Announcement, InvalidationPublisher } from './invalidation-publisher';
import { LoneLease, SHARED_LEASE_TIMING } from './leases';
import { scopesOf } from './invalidation-state';
import { listenerConnection } from './listener-connection';
import { NamespaceVersions, newVersion } from './namespace-versions';
import { family, ReadThrough } from './read-through';

export { MAX_PENDING_INVALIDATIONS } from './invalidation-confirmer';

const STARTUP_WAIT_MS = 1_000;

/**
 * A read-through cache over versioned key namespaces (docs/caching.md), put together from parts
 * with one job each: `NamespaceVersions` (keys and versions in the store), `ReadThrough` (an entry's
 * hit, miss and fill), `InvalidationConfirmer` (what this instance knows was invalidated and may not
 * trust yet), `InvalidationPublisher` (the NOTIFY) and `InvalidationListener` (the LISTEN connection
 * and read barrier), all over `CacheStore`.
 *
 * A read waits for the listener's barrier and reads the namespace's versions concurrently; it
 * bypasses the cache while the listener is down, the store fails, or a scope has an unconfirmed
 * invalidation. Invalidating writes new random versions (every instance stops seeing the old
 * entries at once, no key scans) and NOTIFYs the other instances before the write is acknowledged.
 * With a shared store the barrier is only needed for invalidations the store did not accept: a read
 * relies on the listener's recent barrier (a lease, SHARED_LEASE_TIMING) instead of a PostgreSQL round trip of
 * its own, and such an invalidation waits out every lease before it is acknowledged. With the
 * in-process store, an instance that has heard no other for a while holds a lone lease instead
 * (`LoneLease`): its hits skip the barrier, and every writer announces itself (NOTIFY) and waits
 * until no lease granted before its announcements can still be running.
 * Any cache failure or slowness falls back to the loader: the cache can make reads faster, never
 * make them fail.
 */
@Injectable()
export class VersionedCache implements OnModuleInit, OnApplicationShutdown {
  private readonly instanceId = randomBytes(6).toString('hex');
  private readonly versions: NamespaceVersions;
  private readonly entries: ReadThrough;
  private readonly confirmer: InvalidationConfirmer;
  private readonly publisher: InvalidationPublisher;
  private listener: InvalidationListener | undefined;
  /** With the in-process store only (docs/caching.md, "Lone lease"). */
  private readonly lone: LoneLease | undefined;
  private heartbeat: NodeJS.Timeout | undefined;

  constructor(
    private readonly store: CacheStore,
    private readonly settings: LinguaSettings,
    private readonly metrics: MetricsService,
    private readonly dataSource: LinguaDataSource,
  ) {
    this.versions = new NamespaceVersions(store, settings.cacheKeyPrefix);
    this.entries = new ReadThrough(store, metrics, settings.cacheShared ? { maxEntries: settings.cacheMemoryMaxEntries } : undefined);
    this.confirmer = new InvalidationConfirmer(this.versions);
    this.publisher = new InvalidationPublisher(settings.cacheKeyPrefix, this.instanceId, {
      listener: (payload) => this.listener?.notify(payload) ?? Promise.resolve(false),
      pool: (channel, payload) => this.notifyThroughPool(channel, payload),
    });
    this.lone = settings.cacheShared ? undefined : new LoneLease();
  }

  /** Connects the cache client and the invalidation listener, waiting briefly; never fails start-up. */
  async onModuleInit(): Promise<void> {
    if (this.settings.cacheListener) {
      this.listener = new InvalidationListener(listenerConnection(this.settings.directUrl, this.dataSource), {
        message: (payload) => this.onMessage(payload),
        notifyElsewhere: (channel, payload) => this.notifyThroughPool(channel, payload),
        state: (up) => this.metrics.cacheListenerUp.set(up ? 1 : 0),
        gap: () => this.confirmer.gap(),
      });
    }
    this.metrics.cacheListenerUp.set(0);
    // The session probe inside takes up to a second more when it fails (a pooler).
    await Promise.all([this.store.connect(STARTUP_WAIT_MS), this.listener?.start(STARTUP_WAIT_MS + 1_000)]);
    if (this.listener && this.lone) await this.announceEvery(this.lone.timing.heartbeatMs);
  }

  /** For readiness: whether cross-instance invalidations are heard (undefined: no listener configured). */
  listenerState(): 'up' | 'down' | 'not_a_session' | undefined {
    if (!this.listener) return undefined;
    if (this.listener.notASession) return 'not_a_session';
    return this.listener.connected ? 'up' : 'down';
  }

  /** This instance holds the lone lease now: its hits skip the barrier (tests and the cache bench poll it). */
  holdsLoneLease(): boolean {
    return this.listener !== undefined && this.lone !== undefined && this.lone.alone(this.listener.times());
  }

  async getOrLoad<T>(namespace: string, key: string, load: () => Promise<T>, ttlMs = this.settings.cacheTtlMs): Promise<T> {
    const scopes = scopesOf(namespace);
    const generation = this.confirmer.generation(scopes);
    const pendingAtStart = this.confirmer.pendingOf(scopes);
    const [synced, versions] = await Promise.all([this.synced(), this.versions.read(scopes, generation)]);
    if (!synced || versions === UNAVAILABLE) return this.bypass(namespace, load, 'error');
    const stillCurrent = () => this.confirmer.generation(scopes) === generation;
    if (!stillCurrent() || !this.confirmer.trusted(scopes, versions, pendingAtStart)) return this.bypass(namespace, load, 'bypass');
    const entryKey = this.versions.entryKey(namespace, versions, key);
    return this.entries.get(`${entryKey}@${generation}`, { namespace, key: entryKey, ttlMs, stillCurrent }, load);
  }

  /**
   * Invalidates after a write that has committed (or ran without a transaction): a NOTIFY on the
   * listener's connection (batched with other writes'), and this instance's and the shared cache's
   * version bumps, concurrently. Resolve it before acknowledging the write.
   */
  async invalidate(...namespaces: string[]): Promise<void> {
    const versions = namespaces.map((ns): [string, string] => [ns, newVersion()]);
    const [notified, stored] = await Promise.all([
      this.listener ? this.publisher.publish(versions) : undefined,
      this.confirmer.applyLocal(versions),
    ]);
    if (this.lone && notified) {
      // No other instance's lone lease granted before this instance's announcements began may still run.
      this.lone.announced(notified.sentAt, notified.doneAt);
      const wait = this.lone.ackNotBefore() - performance.now();
      if (wait > 0) await sleep(wait);
    }
    // Only the NOTIFY carries this one: outlast every reader's lease, which it cannot have been heard under.
    const { leaseMs, marginMs } = SHARED_LEASE_TIMING;
    if (!stored && this.settings.cacheShared && this.listener) await sleep(leaseMs + marginMs);
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
    if (!(await this.store.set(key, value, 10_000))) return { up: false, message: 'cache unavailable (writes fail or time out)' };
    const read = await this.store.get<string>(key);
    if (read === UNAVAILABLE) return { up: false, message: 'cache unavailable (reads fail or time out)' };
    return read === value ? { up: true } : { up: false, message: 'cache did not return what was written' };
  }

  /** After the host's HTTP server has drained: requests still in flight until then keep the listener. */
  async onApplicationShutdown(): Promise<void> {
    clearTimeout(this.heartbeat);
    this.heartbeat = undefined;
    this.confirmer.stop();
    this.entries.clear();
    this.versions.clear();
    await this.listener?.close();
  }

  private bypass<T>(namespace: string, load: () => Promise<T>, result: 'error' | 'bypass'): Promise<T> {
    this.metrics.cacheLookups.inc({ namespace: family(namespace), result });
    return load();
  }

  /** True once every invalidation committed before the call has been heard of (always, without a listener). */
  private synced(): Promise<boolean> {
    const listener = this.listener;
    if (!listener) return Promise.resolve(true);
    if (this.settings.cacheShared && listener.syncedWithin(SHARED_LEASE_TIMING.leaseMs)) {
      if (!listener.syncedWithin(SHARED_LEASE_TIMING.renewAfterMs)) listener.renew();
      return Promise.resolve(true);
    }
    if (this.lone) {
      const times = listener.times();
      if (this.lone.alone(times)) {
        if (this.lone.renewDue(times)) listener.renew();
        return Promise.resolve(true);
      }
    }
    return listener.sync().then(
      () => true,
      () => false,
    );
  }

  private onMessage(payload: string): void {
    const message = decodeMessage(payload);
    if (!message || message.prefix !== this.settings.cacheKeyPrefix || message.sender === this.instanceId) return;
    this.lone?.heardOther();
    this.confirmer.heard(message.versions);
  }

  /**
   * Announces this instance now (awaited: its first writes wait less) and then every `everyMs`: a
   * NOTIFY naming no scope, on the listener's connection or through the pool (also behind a
   * transaction pooler, where this instance cannot listen but its writes must still be heard of).
   */
  private async announceEvery(everyMs: number): Promise<void> {
    const lone = this.lone;
    if (!lone) return;
    const announce = async () => {
      const done: Announcement | undefined = await this.publisher.publish([]);
      if (done) lone.announced(done.sentAt, done.doneAt);
    };
    await withTimeLimit(announce(), STARTUP_WAIT_MS, noop);
    const next = () => {
      this.heartbeat = setTimeout(() => void announce().finally(() => this.heartbeat && next()), everyMs);
      this.heartbeat.unref();
    };
    next();
  }

  private notifyThroughPool(channel: string, payload: string): Promise<unknown> {
    return this.dataSource.query('SELECT pg_notify($1, $2)', [channel, payload]);
  }
}
