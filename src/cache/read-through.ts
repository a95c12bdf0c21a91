import { MetricsService } from '../observability/metrics.service';
import { CacheStore, UNAVAILABLE } from './cache-store';
import { Coalescer } from './coalescer';

/** Metric label: "stats:42" → "stats", so per-learner namespaces don't explode label cardinality. */
export const family = (namespace: string): string => namespace.split(':')[0];

/**
 * The read-through of one entry whose key is already trusted: a hit is returned; a miss or a failed
 * read runs the loader, and a miss stores its result unless `stillCurrent()` says an invalidation
 * came during the load (then the value is returned, not cached). Concurrent callers of one lookup
 * id share one read and one load. Counts hit / miss / error per lookup.
 */
export class ReadThrough {
  private readonly lookups = new Coalescer<unknown>();

  constructor(
    private readonly store: CacheStore,
    private readonly metrics: MetricsService,
  ) {}

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
  }

  private async lookup<T>(
    { namespace, key, ttlMs, stillCurrent }: { namespace: string; key: string; ttlMs: number; stillCurrent: () => boolean },
    load: () => Promise<T>,
  ): Promise<T> {
    const cached = await this.store.get<T>(key);
    if (cached !== UNAVAILABLE && cached !== undefined) {
      this.metrics.cacheLookups.inc({ namespace: family(namespace), result: 'hit' });
      return cached;
    }
    this.metrics.cacheLookups.inc({ namespace: family(namespace), result: cached === UNAVAILABLE ? 'error' : 'miss' });
    const value = await load();
    if (cached !== UNAVAILABLE && stillCurrent()) await this.store.set(key, value, ttlMs);
    return value;
  }
}
