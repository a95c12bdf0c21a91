import { randomBytes } from 'node:crypto';
import { VersionedCache } from '../../src/cache/versioned-cache';
import { MetricsService } from '../../src/observability/metrics.service';
import { TestContext } from '../harness/context';
import { HostTestContext } from '../host/host-context';

const REDIS_URL = process.env.REDIS_URL;
const withRedis = REDIS_URL ? it : it.skip;
const ns = () => `test-${randomBytes(4).toString('hex')}`;

function counter<T>(value: T, delayMs = 20) {
  const calls = { n: 0 };
  const load = async () => {
    calls.n++;
    await new Promise((r) => setTimeout(r, delayMs));
    return value;
  };
  return { calls, load };
}

describe('VersionedCache (in-process memory)', () => {
  let ctx: TestContext;
  let cache: VersionedCache;
  beforeAll(async () => {
    ctx = await TestContext.create();
    cache = ctx.get(VersionedCache);
  });
  afterAll(() => ctx.close());

  it('loads once, then answers from the cache until the namespace is invalidated', async () => {
    const space = ns();
    const { calls, load } = counter({ a: 1 });
    expect(await cache.getOrLoad(space, 'k', load)).toEqual({ a: 1 });
    expect(await cache.getOrLoad(space, 'k', load)).toEqual({ a: 1 });
    expect(calls.n).toBe(1);
    await cache.invalidate(space);
    await cache.getOrLoad(space, 'k', load);
    expect(calls.n).toBe(2);
  });

  it('runs the loader once for 25 concurrent misses on one key', async () => {
    const space = ns();
    const { calls, load } = counter('v', 50);
    const results = await Promise.all(Array.from({ length: 25 }, () => cache.getOrLoad(space, 'k', load)));
    expect(new Set(results)).toEqual(new Set(['v']));
    expect(calls.n).toBe(1);
  });

  it('counts hits and misses for /metrics', async () => {
    const space = ns();
    const { load } = counter(1);
    await cache.getOrLoad(space, 'k', load);
    await cache.getOrLoad(space, 'k', load);
    const metrics = await ctx.get(MetricsService).registry.getSingleMetricAsString('lingua_cache_lookups_total');
    expect(metrics).toMatch(new RegExp(`namespace="${space}",result="hit"} 1`));
    expect(metrics).toMatch(new RegExp(`namespace="${space}",result="miss"} 1`));
  });
});

describe('the in-process cache is bounded', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await TestContext.create({ env: { CACHE_MEMORY_MAX_ENTRIES: '100' } });
  });
  afterAll(() => ctx.close());

  it('evicts the least recently used entries beyond CACHE_MEMORY_MAX_ENTRIES', async () => {
    const cache = ctx.get(VersionedCache);
    const space = ns();
    const { calls, load } = counter('v', 0);
    for (let i = 0; i < 300; i++) await cache.getOrLoad(space, `k${i}`, load);
    expect(calls.n).toBe(300);
    await cache.getOrLoad(space, 'k299', load); // recent: still cached
    expect(calls.n).toBe(300);
    await cache.getOrLoad(space, 'k0', load); // long evicted: loaded again
    expect(calls.n).toBe(301);
  });
});

describe('VersionedCache on Redis, shared by two app instances', () => {
  let a: TestContext;
  let b: TestContext;
  beforeAll(async () => {
    if (!REDIS_URL) return;
    a = await TestContext.create({ env: { REDIS_URL } });
    b = await TestContext.create({ databaseUrl: a.databaseUrl, env: { REDIS_URL } });
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  withRedis('an entry loaded by one instance is a hit on the other; an invalidation on one is seen by both (needs REDIS_URL)', async () => {
    const space = ns();
    const first = counter({ items: [1, 2] });
    const second = counter({ items: [9] });
    expect(await a.get(VersionedCache).getOrLoad(space, 'page1', first.load)).toEqual({ items: [1, 2] });
    expect(await b.get(VersionedCache).getOrLoad(space, 'page1', second.load)).toEqual({ items: [1, 2] });
    expect(second.calls.n).toBe(0);
    await b.get(VersionedCache).invalidate(space);
    expect(await a.get(VersionedCache).getOrLoad(space, 'page1', second.load)).toEqual({ items: [9] });
    expect(second.calls.n).toBe(1);
  });
});

describe('VersionedCache during a cache outage', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    // Nothing listens on port 1: every Redis command fails at once.
    ctx = await HostTestContext.create({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
  });
  afterAll(() => ctx.close());

  it('falls back to the loader (every time) instead of failing, within a few hundred ms', async () => {
    const cache = ctx.get(VersionedCache);
    const { calls, load } = counter('from-db', 0);
    const t0 = Date.now();
    expect(await cache.getOrLoad(ns(), 'k', load)).toBe('from-db');
    expect(await cache.getOrLoad(ns(), 'k', load)).toBe('from-db');
    expect(calls.n).toBe(2);
    // Why this bound cannot flake: nothing listens on port 1, so every command is refused at once (no
    // offline queue, no connect wait) and the two reads are two local failures plus two loader calls —
    // milliseconds of work against a 1.5 s bound. It fails only if the client starts waiting on Redis.
    expect(Date.now() - t0).toBeLessThan(1_500);
    await expect(cache.invalidate(ns())).resolves.toBeUndefined();
  });

  it('keeps serving API reads; /health/ready reports the cache down but stays 200 (issue 9: the cache is optional)', async () => {
    const learner = await ctx.newLearner();
    await ctx.http.get('/api/me').set(learner.auth).expect(200);
    const ready = await ctx.http.get('/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.cache.status).toBe('down');
    expect(ready.body.info.database.status).toBe('up');
  });
});
