/**
 * npm run bench:cache — what one cache hit costs (docs/caching.md, "Cost per hit").
 *
 *   BENCH_DATABASE_URL=postgres://…/postgres REDIS_URL=redis://…:6379 npm run bench:cache
 *
 * Times `VersionedCache.getOrLoad` answering from the cache, on the in-process store and on Redis,
 * with and without the invalidation listener (read barrier, or a lease: with the in-process store the
 * bench's instance is alone and waits for its lone lease first): one caller in a loop (latency per hit)
 * and 64 concurrent callers (throughput, where barrier round trips are shared). The loader never
 * runs after the first call. No table is touched: the barrier is `SELECT 1` on the listener's own
 * connection. To time an earlier implementation beside it (listener not applicable), export it and name it:
 *   git show <commit>:src/cache/versioned-cache.ts > src/cache/versioned-cache.before.ts
 *   BENCH_CACHE_IMPL=../src/cache/versioned-cache.before npm run bench:cache
 */
import 'reflect-metadata';
import { performance } from 'node:perf_hooks';
import { randomBytes } from 'node:crypto';
import { createCache } from 'cache-manager';
import { DataSource } from 'typeorm';
import { CacheStore, createCacheStore } from '../src/cache/cache-store';
import { VersionedCache } from '../src/cache/versioned-cache';
import { buildDataSourceOptions } from '../src/data-source-options';
import { LinguaDataSource } from '../src/database/lingua-data-source';
import { LinguaSettings } from '../src/lingua-core.options';
import { MetricsService } from '../src/observability/metrics.service';

const HITS = Number(process.env.BENCH_HITS ?? 2_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 9);
const CONCURRENCY = 64;
/** Another implementation to time beside this one (a module exporting VersionedCache), e.g. an earlier commit's. */
const IMPL = process.env.BENCH_CACHE_IMPL;
const VALUE = { items: Array.from({ length: 20 }, (_, i) => ({ id: i, term: `term-${i}`, translation: `translation-${i}` })), total: 20 };

interface Subject {
  label: string;
  cache: VersionedCache;
  close: () => Promise<void>;
  sequentialUs: number[];
  concurrentPerSecond: number[];
}

async function main(): Promise<void> {
  const dataSource = await new DataSource(buildDataSourceOptions({ url: process.env.BENCH_DATABASE_URL, poolMax: 2 })).initialize();
  const redisUrl = process.env.REDIS_URL;
  const subjects: Subject[] = [];
  for (const store of ['memory', ...(redisUrl ? ['redis'] : [])]) {
    const settings = (listen: boolean) =>
      new LinguaSettings({
        cache: { redisUrl: store === 'redis' ? redisUrl : undefined, keyPrefix: `bench-${randomBytes(3).toString('hex')}`, listen },
      });
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- an earlier implementation, loaded by path to time it side by side
    if (IMPL) subjects.push(await subject(`| ${store} | ${IMPL} |`, settings(false), dataSource, require(IMPL).VersionedCache));
    for (const listen of [false, true])
      subjects.push(await subject(`| ${store} | ${listen ? 'on' : 'off'} |`, settings(listen), dataSource, VersionedCache));
  }
  // Rounds alternate between the subjects, so a busy machine slows them all alike; medians are reported.
  for (let round = 0; round < ROUNDS; round++) {
    for (const s of subjects) {
      s.sequentialUs.push(await sequential(s.cache));
      s.concurrentPerSecond.push(await concurrent(s.cache));
    }
  }
  console.log(
    [
      '| store | implementation / read barrier | µs per hit, 1 caller | hits/s, 64 callers |',
      '|---|---|---|---|',
      ...subjects.map((s) => `${s.label} ${median(s.sequentialUs).toFixed(1)} | ${Math.round(median(s.concurrentPerSecond))} |`),
    ].join('\n'),
  );
  for (const s of subjects) await s.close();
  await dataSource.destroy();
}

async function subject(label: string, settings: LinguaSettings, dataSource: DataSource, Impl: typeof VersionedCache): Promise<Subject> {
  const store = createCacheStore(settings);
  // Implementations before the cache was split into parts took cache-manager's Cache itself.
  const handle =
    Impl === VersionedCache
      ? new CacheStore(createCache({ stores: [store] }))
      : (createCache({ stores: [store] }) as unknown as CacheStore);
  const cache = new Impl(handle, settings, new MetricsService(), dataSource as LinguaDataSource);
  await cache.onModuleInit?.();
  for (let i = 0; i < 500; i++) await cache.getOrLoad('words', 'page-1', load); // warm up (JIT, connections)
  // With the in-process store and the listener on, a lone instance holds the lone lease 5 s after it
  // began listening (docs/caching.md, "Lone lease"): time what a deployment of one instance serves.
  if (settings.cacheListener && !settings.cacheShared && typeof cache.holdsLoneLease === 'function') {
    const since = performance.now();
    while (!cache.holdsLoneLease() && performance.now() - since < 30_000) {
      await cache.getOrLoad('words', 'page-1', load);
      await new Promise((r) => setTimeout(r, 50));
    }
    if (!cache.holdsLoneLease()) throw new Error(`${label} never held the lone lease`);
  }
  return {
    label,
    cache,
    sequentialUs: [],
    concurrentPerSecond: [],
    close: async () => {
      await cache.onApplicationShutdown();
      await store.disconnect();
    },
  };
}

const load = async () => VALUE;

async function sequential(cache: VersionedCache): Promise<number> {
  const t0 = performance.now();
  for (let i = 0; i < HITS; i++) await cache.getOrLoad('words', 'page-1', load);
  return ((performance.now() - t0) * 1000) / HITS;
}

async function concurrent(cache: VersionedCache): Promise<number> {
  const perCaller = Math.ceil(HITS / CONCURRENCY) * 4;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      for (let i = 0; i < perCaller; i++) await cache.getOrLoad('stats:7', 'summary', load);
    }),
  );
  return (CONCURRENCY * perCaller) / ((performance.now() - t0) / 1000);
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
