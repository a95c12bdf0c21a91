import 'reflect-metadata';
import { createCache } from 'cache-manager';
import { createCacheStore } from '../../src/cache/cache.module';
import { VersionedCache } from '../../src/cache/versioned-cache';
import { MetricsService } from '../../src/observability/metrics.service';
import type { AppEnv } from '../../src/config/env';
(async () => {
  const env = { CACHE_TTL_MS: 60000, CACHE_KEY_PREFIX: 'x', CACHE_MEMORY_MAX_ENTRIES: 10000 } as unknown as AppEnv;
  const cache = createCache({ stores: [createCacheStore(env)] });
  const vc = new VersionedCache(cache, env, new MetricsService());
  const value = { total: 200, byMastery: [0, 1, 2, 3, 4, 5].map((m) => ({ masteryLevel: m, count: 30 })), dueNow: 40, nextDueAt: '2026-12-05T18:58:45.054Z' };
  const time = async (label: string, fn: () => Promise<unknown>, n = 50000) => {
    for (let i = 0; i < 5000; i++) await fn();
    const t0 = process.hrtime.bigint();
    for (let i = 0; i < n; i++) await fn();
    console.log(label, (Number(process.hrtime.bigint() - t0) / 1e3 / n).toFixed(2), 'µs/op');
  };
  const map = new Map([['k', value]]);
  await time('Map.get', async () => map.get('k'));
  await time('cache-manager get', () => cache.get('x:stats:1:v:summary'));
  await time('VersionedCache hit', () => vc.getOrLoad('stats:1', 'summary', async () => value));
  await time('JSON.stringify stats', async () => JSON.stringify(value));
  process.exit(0);
})();
