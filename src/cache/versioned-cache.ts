import { CACHE_MANAGER } from '@nestjs/cache-manager';
import { Inject, Injectable, Logger, OnModuleDestroy } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import type { Cache } from 'cache-manager';
import { LinguaSettings } from '../lingua-core.options';
import { MetricsService } from '../observability/metrics.service';

const CACHE_OP_TIMEOUT_MS = 300;
const VERSION_TTL_MS = 7 * 24 * 3600 * 1000;
const unavailable = Symbol('cache unavailable');

/**
 * A read-through cache over versioned key namespaces. A namespace ("words", "stats:42") has a
 * version stored in the cache itself; entries live under `<keyPrefix>:<ns>:<version>:<key>`.
 * `invalidate(ns)` swaps in a new random version, so every instance sharing the store stops seeing
 * the old entries at once, with no key scans. A missing version is replaced by a fresh random one,
 * never a guessable one, so an evicted version key cannot resurrect old entries.
 *
 * Concurrent misses for one versioned key share one load. Any cache failure or slowness falls back
 * to the loader: the cache can make reads faster, never make them fail.
 */
@Injectable()
export class VersionedCache implements OnModuleDestroy {
  private readonly logger = new Logger('VersionedCache');
  private readonly instanceId = randomBytes(6).toString('hex');
  private readonly inflight = new Map<string, Promise<unknown>>();
  private readonly versionLookups = new Map<string, Promise<string | typeof unavailable>>();
  /** Namespaces whose invalidation could not be written: bypassed here until it can. */
  private readonly unflushed = new Set<string>();

  constructor(
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly settings: LinguaSettings,
    private readonly metrics: MetricsService,
  ) {}

  async getOrLoad<T>(namespace: string, key: string, load: () => Promise<T>, ttlMs = this.settings.cacheTtlMs): Promise<T> {
    if (this.unflushed.has(namespace) && !(await this.writeVersion(namespace))) return load();
    const version = await this.currentVersion(namespace);
    if (version === unavailable) {
      this.metrics.cacheLookups.inc({ namespace: family(namespace), result: 'error' });
      return load();
    }
    const fullKey = `${this.settings.cacheKeyPrefix}:${namespace}:${version}:${key}`;
    const pending = this.inflight.get(fullKey);
    if (pending) return pending as Promise<T>;
    const lookup = this.lookup(namespace, fullKey, load, ttlMs).finally(() => this.inflight.delete(fullKey));
    this.inflight.set(fullKey, lookup);
    return lookup;
  }

  /** Call after the transaction that changed the data has committed. */
  async invalidate(...namespaces: string[]): Promise<void> {
    await Promise.all(namespaces.map((ns) => this.writeVersion(ns)));
  }

  /**
   * Writes and reads back a probe key of this instance's own (prefixed, unique per process), for
   * readiness reports: the cache is optional, so callers report its state but never fail on it.
   */
  async probe(): Promise<{ up: boolean; message?: string }> {
    const key = `${this.settings.cacheKeyPrefix}:health:${this.instanceId}`;
    const value = newVersion();
    const written = await this.guard(() => this.cache.set(key, value, 10_000));
    if (written === unavailable) return { up: false, message: 'cache unavailable (writes fail or time out)' };
    const read = await this.guard(() => this.cache.get<string>(key));
    if (read === unavailable) return { up: false, message: 'cache unavailable (reads fail or time out)' };
    return read === value ? { up: true } : { up: false, message: 'cache did not return what was written' };
  }

  onModuleDestroy(): void {
    this.inflight.clear();
  }

  private async lookup<T>(namespace: string, fullKey: string, load: () => Promise<T>, ttlMs: number): Promise<T> {
    const cached = await this.guard(() => this.cache.get<T>(fullKey));
    if (cached !== unavailable && cached !== undefined && cached !== null) {
      this.metrics.cacheLookups.inc({ namespace: family(namespace), result: 'hit' });
      return cached;
    }
    this.metrics.cacheLookups.inc({ namespace: family(namespace), result: cached === unavailable ? 'error' : 'miss' });
    const value = await load();
    if (cached !== unavailable) await this.guard(() => this.cache.set(fullKey, value, ttlMs));
    return value;
  }

  private async writeVersion(namespace: string): Promise<boolean> {
    const written = (await this.guard(() => this.cache.set(this.versionKey(namespace), newVersion(), VERSION_TTL_MS))) !== unavailable;
    if (written) this.unflushed.delete(namespace);
    else this.unflushed.add(namespace);
    return written;
  }

  /** Concurrent readers of one namespace share one version lookup (and one initialisation). */
  private currentVersion(namespace: string): Promise<string | typeof unavailable> {
    const pending = this.versionLookups.get(namespace);
    if (pending) return pending;
    const lookup = this.readOrCreateVersion(namespace).finally(() => this.versionLookups.delete(namespace));
    this.versionLookups.set(namespace, lookup);
    return lookup;
  }

  private async readOrCreateVersion(namespace: string): Promise<string | typeof unavailable> {
    const version = await this.guard(() => this.cache.get<string>(this.versionKey(namespace)));
    if (version === unavailable || typeof version === 'string') return version;
    const fresh = newVersion();
    const stored = await this.guard(() => this.cache.set(this.versionKey(namespace), fresh, VERSION_TTL_MS));
    return stored === unavailable ? unavailable : fresh;
  }

  private versionKey(namespace: string): string {
    return `${this.settings.cacheKeyPrefix}:${namespace}:version`;
  }

  private async guard<T>(op: () => Promise<T>): Promise<T | typeof unavailable> {
    let timer: NodeJS.Timeout | undefined;
    try {
      return await Promise.race([
        op(),
        new Promise<typeof unavailable>((resolve) => {
          timer = setTimeout(() => resolve(unavailable), CACHE_OP_TIMEOUT_MS);
        }),
      ]);
    } catch (err) {
      this.logger.warn({ err: String(err) }, 'cache operation failed; using the database');
      return unavailable;
    } finally {
      clearTimeout(timer);
    }
  }
}

const newVersion = () => randomBytes(6).toString('base64url');
/** Metric label: "stats:42" → "stats", so per-learner namespaces don't explode label cardinality. */
const family = (namespace: string) => namespace.split(':')[0];
