import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { createCache } from 'cache-manager';
import { CacheStore, createCacheStore } from '../../src/cache/cache-store';
import { VersionedCache } from '../../src/cache/versioned-cache';
import { LinguaDataSource } from '../../src/database/lingua-data-source';
import { LinguaSettings } from '../../src/lingua-core.options';
import { MetricsService } from '../../src/observability/metrics.service';
import { TestContext } from '../harness/context';
import { hasRedisServer, PrivateRedis } from '../harness/private-redis';

/**
 * docs/caching.md, "Read barrier and leases": with a shared store a cached read needs no PostgreSQL
 * round trip while the instance's listener holds a lease, and an invalidation the store refused is
 * acknowledged only once every lease that could have missed its NOTIFY has run out. The listener of
 * the reading instance is made deaf for real — its socket stops being read, as when its process or
 * network stalls — so nothing but the lease rule can keep it from serving what it cached.
 */
const itWithRedisServer = hasRedisServer() ? it : it.skip;

/** The reading instance's listener connection, paused and resumed at the socket (test access to a private field). */
function listenerSocket(cache: VersionedCache): Socket {
  const listener = (cache as unknown as { listener: { client?: { connection: { stream: Socket } } } }).listener;
  if (!listener.client) throw new Error('the listener is not connected');
  return listener.client.connection.stream;
}
const syncListener = (cache: VersionedCache) => (cache as unknown as { listener: { sync(): Promise<void> } }).listener.sync();

describe('read leases: cached reads with a shared store skip the barrier (private redis-server)', () => {
  let ctx: TestContext;
  let redis: PrivateRedis;
  const caches: VersionedCache[] = [];

  beforeAll(async () => {
    ctx = await TestContext.create();
    if (hasRedisServer()) redis = await PrivateRedis.start();
  });
  afterAll(async () => {
    for (const c of caches) await c.onApplicationShutdown();
    await ctx.close();
    redis?.stop();
  });
  afterEach(() => redis?.heal());

  async function instance(prefix: string): Promise<VersionedCache> {
    const settings = new LinguaSettings({ cache: { redisUrl: redis.url, keyPrefix: prefix } });
    const cache = new VersionedCache(
      new CacheStore(createCache({ stores: [createCacheStore(settings)] })),
      settings,
      new MetricsService(),
      ctx.dataSource as LinguaDataSource,
    );
    caches.push(cache);
    await cache.onModuleInit();
    return cache;
  }

  itWithRedisServer('a hit within the lease is answered while the listener cannot answer at all (needs redis-server)', async () => {
    const reader = await instance(`lease-${randomBytes(3).toString('hex')}`);
    const space = 'stats:1';
    let loads = 0;
    const load = async () => `loaded-${++loads}`;
    expect(await reader.getOrLoad(space, 'k', load)).toBe('loaded-1');
    await syncListener(reader);
    const socket = listenerSocket(reader);
    socket.pause();
    try {
      // A per-read barrier would now wait for a round trip that cannot complete (and time out, then load).
      expect(await reader.getOrLoad(space, 'k', load)).toBe('loaded-1');
      expect(loads).toBe(1);
    } finally {
      socket.resume();
    }
  });

  itWithRedisServer(
    'an invalidation Redis refused is acknowledged only after the deaf reader’s lease ran out (needs redis-server)',
    async () => {
      const prefix = `lease-${randomBytes(3).toString('hex')}`;
      const [reader, writer] = [await instance(prefix), await instance(prefix)];
      const space = 'stats:2';
      expect(await reader.getOrLoad(space, 'k', async () => 'before the write')).toBe('before the write');
      redis.refuseWrites();
      await syncListener(reader);
      const socket = listenerSocket(reader);
      socket.pause(); // the reader will not hear the writer's NOTIFY
      try {
        await writer.invalidate(space);
        // Redis still holds the old version and entry: only the expired lease sends this read to the loader.
        expect(await reader.getOrLoad(space, 'k', async () => 'after the write')).toBe('after the write');
      } finally {
        socket.resume();
      }
    },
  );
});
