import { randomBytes } from 'node:crypto';
import { VersionedCache } from '../../src/cache/versioned-cache';
import { TestContext } from '../harness/context';
import { hasRedisServer, PrivateRedis } from '../harness/private-redis';
import { newCategory, newWords } from '../vocabulary/factories';
import { Read, readsOf } from './cross-instance-reads';

/**
 * Issue 9, SPEC §4: once a write is acknowledged, no instance serves the old answer — with a cold
 * writer, with Redis refusing writes, with Redis stopped, and after Redis returns. Two app instances
 * share one PostgreSQL database and a private redis-server this file starts on its own port (the
 * shared one at REDIS_URL is never broken). B (the reader) caches a word page, a single word and a
 * learner's stats; A (the writer) starts after that, so its cache connection is new; Redis is
 * broken; A writes; B's very next read — no waiting, no sleep — must show the write.
 */
const itWithRedisServer = hasRedisServer() ? it : it.skip;

describe('issue 9: no stale read on another instance after an acknowledged write (private redis-server)', () => {
  let redis: PrivateRedis;
  let b: TestContext;
  let env: Record<string, string>;

  beforeAll(async () => {
    if (!hasRedisServer()) return;
    redis = await PrivateRedis.start();
    env = { REDIS_URL: redis.url, CACHE_KEY_PREFIX: `lingua-x-${randomBytes(4).toString('hex')}` };
    b = await TestContext.create({ env });
  });
  afterAll(async () => {
    await b?.close();
    redis?.stop();
  });

  itWithRedisServer('cold writer: an instance started after B cached answers, first write → B fresh at once (needs redis-server)', () =>
    expectNoStaleReads({ breakRedis: () => undefined, restoreRedis: () => undefined }),
  );

  itWithRedisServer('Redis refusing writes (maxmemory, noeviction) during the writes, then accepting them again (needs redis-server)', () =>
    expectNoStaleReads({ breakRedis: () => redis.refuseWrites(), restoreRedis: () => redis.acceptWrites() }),
  );

  itWithRedisServer('Redis stopped during the writes, then restarted (needs redis-server)', () =>
    expectNoStaleReads({ breakRedis: () => redis.stop(), restoreRedis: () => redis.restart() }),
  );

  async function expectNoStaleReads({
    breakRedis,
    restoreRedis,
  }: {
    breakRedis: () => unknown;
    restoreRedis: () => unknown;
  }): Promise<void> {
    const author = await b.newAuthor();
    const learner = await b.newLearner();
    const category = await newCategory(b);
    const [w1, w2] = await newWords(b, category.id, 2);
    for (const w of [w1, w2]) await b.http.put(`/api/me/vocabulary/${w.id}`).set(learner.auth).expect(201);
    const reads = readsOf(category.id, w1.id, learner);

    // B caches all three answers: the second read of each runs no SQL.
    for (const read of Object.values(reads)) {
      await read(b);
      expect((await b.countStatements(() => read(b))).count).toBe(0);
    }
    expect(await reads.page(b)).toMatchObject({ total: 2, translation: w1.translation });
    expect(await reads.stats(b)).toMatchObject({ total: 2 });

    const a = await TestContext.create({ databaseUrl: b.databaseUrl, env });
    try {
      await breakRedis();
      await a.http.patch(`/api/words/${w1.id}`).set(author.auth).send({ translation: 'during' }).expect(200);
      for (const ctx of [b, a]) {
        expect(await reads.page(ctx)).toMatchObject({ total: 2, translation: 'during' });
        expect(await reads.word(ctx)).toMatchObject({ translation: 'during' });
      }
      // Deleting a word drops it from the learner's vocabulary: the learner's stats change too.
      await a.http.delete(`/api/words/${w2.id}`).set(author.auth).expect(204);
      expect(await reads.page(b)).toMatchObject({ total: 1 });
      expect(await reads.stats(b)).toMatchObject({ total: 1 });
      const w3 = (
        await a.http
          .post('/api/words')
          .set(author.auth)
          .send({ term: `w3-${randomBytes(3).toString('hex')}`, translation: 'x', categoryId: category.id })
          .expect(201)
      ).body;
      await a.http.put(`/api/me/vocabulary/${w3.id}`).set(learner.auth).expect(201);
      expect(await reads.page(b)).toMatchObject({ total: 2 });
      expect(await reads.stats(b)).toMatchObject({ total: 2 });

      await restoreRedis();
      expect(await reads.page(b)).toMatchObject({ total: 2, translation: 'during' });
      expect(await reads.stats(b)).toMatchObject({ total: 2 });
      await a.http.patch(`/api/words/${w1.id}`).set(author.auth).send({ translation: 'after' }).expect(200);
      await a.http.delete(`/api/me/vocabulary/${w3.id}`).set(learner.auth).expect(204);
      expect(await reads.page(b)).toMatchObject({ translation: 'after' });
      expect(await reads.stats(b)).toMatchObject({ total: 1 });

      // Redis back: B serves from the cache again (no SQL), and what it serves is the latest.
      for (const read of Object.values(reads)) await untilCached(b, read);
      expect(await reads.page(b)).toMatchObject({ total: 2, translation: 'after' });
      expect(await reads.word(b)).toMatchObject({ translation: 'after' });
      expect(await reads.stats(b)).toMatchObject({ total: 1 });
    } finally {
      await a.close();
      await redis.heal();
    }
  }
});

/**
 * Reads until one is served from the cache. Recovery is asynchronous (the Redis client reconnects
 * with backoff, unconfirmed invalidations are settled by a version write): this polls for that
 * state; the bound only turns "never recovers" into a failure instead of a hang.
 */
async function untilCached(ctx: TestContext, read: Read): Promise<void> {
  for (let attempt = 0; attempt < 400; attempt++) {
    if ((await ctx.get(VersionedCache).probe()).up && (await ctx.countStatements(() => read(ctx))).count === 0) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the cache was not used again after Redis returned');
}
