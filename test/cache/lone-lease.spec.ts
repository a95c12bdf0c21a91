import { randomBytes } from 'node:crypto';
import type { Socket } from 'node:net';
import { createCache } from 'cache-manager';
import { CacheStore, createCacheStore } from '../../src/cache/cache-store';
import { LoneLease, LoneLeaseRules, LoneLeaseTiming } from '../../src/cache/leases';
import { VersionedCache } from '../../src/cache/versioned-cache';
import { LinguaDataSource } from '../../src/database/lingua-data-source';
import { LinguaSettings } from '../../src/lingua-core.options';
import { MetricsService } from '../../src/observability/metrics.service';
import { TestContext } from '../harness/context';

/**
 * docs/caching.md, "Lone lease": each rule, shown to matter by switching it off. Two instances on the
 * in-process store share one database; the reader holds (or, by a rule, must not hold) the lone lease,
 * then its listener socket stops being read — as when its process or network stalls — so nothing but
 * the rule under test stands between the writer's acknowledged invalidation and a stale hit: a reader
 * that does not trust its lease waits for a barrier that cannot complete and reads PostgreSQL.
 * Every run asserts the fresh answer with the rule on and the stale one with the rule off.
 * Timings are lengthened (a 3 s lease) so that what the test does between two events takes far less
 * than a lease even on a loaded machine; every wait is polled, never slept.
 */
type Internals = {
  lone: LoneLease;
  listener: { sync(): Promise<void>; times(): { listeningSince: number }; client?: { connection: { stream: Socket } } };
};
const internals = (cache: VersionedCache) => cache as unknown as Internals;

const BASE: Partial<LoneLeaseTiming> = { leaseMs: 3_000, quietMs: 1_000, heartbeatMs: 200 };

describe('lone lease: each rule matters (in-process store, two instances)', () => {
  let ctx: TestContext;
  const caches: VersionedCache[] = [];

  beforeAll(async () => {
    ctx = await TestContext.create();
  });
  afterAll(async () => {
    for (const c of caches) await c.onApplicationShutdown();
    await ctx.close();
  });

  async function instance(prefix: string, timing: Partial<LoneLeaseTiming>, rules: Partial<LoneLeaseRules>): Promise<VersionedCache> {
    const settings = new LinguaSettings({ cache: { keyPrefix: prefix } });
    const cache = new VersionedCache(
      new CacheStore(createCache({ stores: [createCacheStore(settings)] })),
      settings,
      new MetricsService(),
      ctx.dataSource as LinguaDataSource,
    );
    Object.assign(internals(cache).lone.timing, timing);
    Object.assign(internals(cache).lone.rules, rules);
    caches.push(cache);
    await cache.onModuleInit();
    return cache;
  }

  /** Both instances, the reader caching `before` under `space`, given who starts first. */
  async function pair(
    timing: Partial<LoneLeaseTiming>,
    rules: Partial<LoneLeaseRules>,
    writerFirst: boolean,
  ): Promise<{ reader: VersionedCache; writer: () => Promise<VersionedCache>; space: string }> {
    const prefix = `lone-${randomBytes(3).toString('hex')}`;
    const space = 'stats:1';
    const early = writerFirst ? await instance(prefix, timing, rules) : undefined;
    if (early) await until(() => internals(early).lone.ackNotBefore() < performance.now(), 'the writer’s chain to mature');
    const reader = await instance(prefix, timing, rules);
    expect(await reader.getOrLoad(space, 'k', async () => 'before')).toBe('before');
    return { reader, writer: async () => early ?? (await instance(prefix, timing, rules)), space };
  }

  /** The reader's listener stops being read right after a completed round trip (a fresh lease, if it holds one). */
  async function deafen(reader: VersionedCache): Promise<() => void> {
    await internals(reader).listener.sync();
    const socket = internals(reader).listener.client?.connection.stream;
    if (!socket) throw new Error('the listener is not connected');
    socket.pause();
    return () => socket.resume();
  }

  /** The reader's answer after the writer invalidated `space` and was acknowledged. */
  async function readAfterWrite(reader: VersionedCache, writer: () => Promise<VersionedCache>, space: string): Promise<string> {
    const resume = await deafen(reader);
    try {
      await (await writer()).invalidate(space);
      return await reader.getOrLoad(space, 'k', async () => 'after');
    } finally {
      resume();
    }
  }

  async function untilAlone(cache: VersionedCache): Promise<void> {
    await until(async () => {
      await internals(cache)
        .listener.sync()
        .catch(() => undefined);
      return cache.holdsLoneLease();
    }, 'the lone lease');
  }

  describe.each([
    ['on: the reader is fresh', true],
    ['off: the reader serves the old entry', false],
  ])('rule %s', (_, on) => {
    const expected = on ? 'after' : 'before';

    it('a lease runs out leaseMs after the round trip that granted it (a new instance writes once it is out)', async () => {
      const { reader, writer, space } = await pair(BASE, { leaseExpires: on }, false);
      await untilAlone(reader);
      expect(await readAfterWrite(reader, writer, space)).toBe(expected);
    });

    it('a new instance acknowledges its first write only leaseMs + marginMs after its hello', async () => {
      const { reader, writer, space } = await pair(BASE, { waitOutChainStart: on }, false);
      await untilAlone(reader);
      expect(await readAfterWrite(reader, writer, space)).toBe(expected);
    });

    it('no lease within quietMs of hearing another instance (its heartbeats)', async () => {
      const { reader, writer, space } = await pair(BASE, { quietLongEnough: on }, true);
      const since = internals(reader).listener.times().listeningSince;
      await until(() => performance.now() - since > BASE.quietMs! + 50, 'the reader to listen quietMs');
      expect(await readAfterWrite(reader, writer, space)).toBe(expected);
    });

    it('no lease before the connection has listened quietMs (it may not have heard the others yet)', async () => {
      // Heartbeats far apart: the reader, started after the writer's hello, hears nothing of it.
      const { reader, writer, space } = await pair({ ...BASE, quietMs: 60_000, heartbeatMs: 30_000 }, { listenedLongEnough: on }, true);
      expect(await readAfterWrite(reader, writer, space)).toBe(expected);
    });

    it('a writer silent for quietMs − marginMs starts a new chain and waits a lease out', async () => {
      // No heartbeats: the writer's hello is its only announcement before the write.
      const { reader, writer, space } = await pair({ ...BASE, heartbeatMs: 3_600_000 }, { gapsBreakChain: on }, true);
      await untilAlone(reader);
      expect(await readAfterWrite(reader, writer, space)).toBe(expected);
    });
  });
});

/** Polls `ready` every 25 ms; the bound only turns "never" into a failure instead of a hang. */
async function until(ready: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let attempt = 0; attempt < 1_200; attempt++) {
    if (await ready()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}
