import { CacheableMemory } from '@cacheable/memory';
import { MetricsService } from '../observability/metrics.service';
import { CacheStore, UNAVAILABLE } from './cache-store';
import { Coalescer } from './coalescer';

/** Metric label: "stats:42" → "stats", so per-learner namespaces don't explode label cardinality. */
/** How long an entry read from a shared store is also kept in process. */
export const LOCAL_TTL_MS = 5_000;

export const family = (namespace: string): string => namespace.split(':')[0];

/**
 * The read-through of one entry whose key is already trusted: a hit is returned; a miss or a failed
 * read runs the loader, and a miss stores its result unless `stillCurrent()` says an invalidation
 * came during the load (then the value is returned, not cached). Concurrent callers of one lookup
 * id share one read and one load. Counts hit / miss / error per lookup.
 *
 * With a shared (remote) store, entries are also kept in process (`local`): an entry's key carries
 * the versions it was cached under and a version is never reused, so a key's value never changes —
 * the version lookup says which key is current, and a key held here needs no second round trip.
 * Local copies live at most LOCAL_TTL_MS (and the entry's TTL), bounded in number like the in-process store.
 */
export class ReadThrough {
  private readonly lookups = new Coalescer<unknown>();
  private readonly local: CacheableMemory | undefined;

  constructor(
    private readonly store: CacheStore,
    private readonly metrics: MetricsService,
    localEntries?: { maxEntries: number },
  ) {
    this.local = localEntries && new CacheableMemory({ lruSize: localEntries.maxEntries, useClone: false, checkInterval: 30_000 });
  }

  /** `id` names the lookup that callers may share (the entry key and the generation it is valid for). */
  get<T>(
    id: string,
    entry: { namespace: string; key: string; ttlMs: number; stillCurrent: () => boolean },
    load: () => Promise<T>,
  ): Promise<T> {
    return this.lookups.run(id, () => this.lookup(entry, load)) as Promise<T>;
  }

  clear(): void {
    this.lookups.clear();
    this.local?.clear();
    this.local?.stopIntervalCheck();
  }

  private async lookup<T>(
    { namespace, key, ttlMs, stillCurrent }: { namespace: string; key: string; ttlMs: number; stillCurrent: () => boolean },
    load: () => Promise<T>,
  ): Promise<T> {
    const held = this.local?.get<T>(key);
    if (held !== undefined) return this.hit(namespace, held);
    const cached = await this.store.get<T>(key);
    if (cached !== UNAVAILABLE && cached !== undefined) {
      this.local?.set(key, cached, Math.min(ttlMs, LOCAL_TTL_MS));
      return this.hit(namespace, cached);
    }
    this.metrics.cacheLookups.inc({ namespace: family(namespace), result: cached === UNAVAILABLE ? 'error' : 'miss' });
    const value = await load();
    if (cached !== UNAVAILABLE && stillCurrent() && (await this.store.set(key, value, ttlMs))) {
      this.local?.set(key, value, Math.min(ttlMs, LOCAL_TTL_MS));
    }
    return value;
  }

  private hit<T>(namespace: string, value: T): T {
    this.metrics.cacheLookups.inc({ namespace: family(namespace), result: 'hit' });
    return value;
  }
}
