import { randomBytes } from 'node:crypto';
import { LONE_LEASE_TIMING } from '../../src/cache/leases';
import { VersionedCache } from '../../src/cache/versioned-cache';
import { TestContext } from '../harness/context';
import { newCategory, newWords } from '../vocabulary/factories';
import { readsOf } from './cross-instance-reads';

/**
 * Issue 22, docs/caching.md "Lone lease": the default deployment — one instance, the in-process store,
 * the listener on, nothing configured. Alone, its hits run no SQL and no per-hit round trip on the
 * listener's connection; a second instance started on the same database and writing the moment it is
 * live leaves the first one's very next read fresh (no sleep, no waiting in between).
 */
interface ListenerClient {
  query: (...args: unknown[]) => unknown;
}
const listenerClient = (ctx: TestContext) =>
  (ctx.get(VersionedCache) as unknown as { listener: { client?: ListenerClient } }).listener.client;

/** Counts the barrier round trips (`SELECT 1`) on the listener's connection while `work` runs. */
async function countRoundTrips<T>(ctx: TestContext, work: () => Promise<T>): Promise<{ roundTrips: number; elapsedMs: number }> {
  const client = listenerClient(ctx);
  if (!client) throw new Error('the listener is not connected');
  const query = client.query;
  let roundTrips = 0;
  client.query = (...args: unknown[]) => {
    if (args[0] === 'SELECT 1') roundTrips++;
    return query.apply(client, args);
  };
  const t0 = performance.now();
  try {
    await work();
    return { roundTrips, elapsedMs: performance.now() - t0 };
  } finally {
    client.query = query;
  }
}

/** Polls until the instance holds the lone lease (quietMs after it began listening); the bound only turns "never" into a failure. */
async function untilAlone(ctx: TestContext, read: () => Promise<unknown>): Promise<void> {
  for (let attempt = 0; attempt < 600; attempt++) {
    await read();
    if (ctx.get(VersionedCache).holdsLoneLease()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error('the instance never held the lone lease');
}

describe('issue 22: one instance on the in-process store serves hits without PostgreSQL; a second one started later is never met by a stale read', () => {
  let a: TestContext;
  const env = { CACHE_KEY_PREFIX: `lingua-lone-${randomBytes(4).toString('hex')}` };

  beforeAll(async () => {
    a = await TestContext.create({ env });
  });
  afterAll(() => a?.close());

  it('alone, a hit costs no SQL statement and no round trip on the listener (only a background renewal every renewAfterMs)', async () => {
    const learner = await a.newLearner();
    const category = await newCategory(a);
    const [w1] = await newWords(a, category.id, 1);
    await a.http.put(`/api/me/vocabulary/${w1.id}`).set(learner.auth).expect(201);
    const { stats } = readsOf(category.id, w1.id, learner);
    await untilAlone(a, () => stats(a));
    const hits = 200;
    let statements = 0;
    const { roundTrips, elapsedMs } = await countRoundTrips(a, async () => {
      for (let i = 0; i < hits; i++) statements += (await a.countStatements(() => stats(a))).count;
    });
    expect(statements).toBe(0);
    // At most one renewal per renewAfterMs of the run, however many hits (a barrier per hit would be 200).
    expect(roundTrips).toBeLessThanOrEqual(1 + Math.floor(elapsedMs / LONE_LEASE_TIMING.renewAfterMs));
    expect(roundTrips).toBeLessThan(hits);
  });

  it('a second instance started while the first serves hits alone, writing the moment it is live: the first one’s next read is fresh', async () => {
    const author = await a.newAuthor();
    const learner = await a.newLearner();
    const category = await newCategory(a);
    const [w1, w2] = await newWords(a, category.id, 2);
    for (const w of [w1, w2]) await a.http.put(`/api/me/vocabulary/${w.id}`).set(learner.auth).expect(201);
    const reads = readsOf(category.id, w1.id, learner);
    for (const read of Object.values(reads)) {
      await read(a);
      expect((await a.countStatements(() => read(a))).count).toBe(0);
    }
    await untilAlone(a, () => reads.stats(a));

    const b = await TestContext.create({ databaseUrl: a.databaseUrl, env });
    try {
      await b.http.patch(`/api/words/${w1.id}`).set(author.auth).send({ translation: 'from b' }).expect(200);
      expect(await reads.page(a)).toMatchObject({ total: 2, translation: 'from b' });
      expect(await reads.word(a)).toMatchObject({ translation: 'from b' });
      await b.http.delete(`/api/words/${w2.id}`).set(author.auth).expect(204);
      expect(await reads.stats(a)).toMatchObject({ total: 1 });
      expect(await reads.page(a)).toMatchObject({ total: 1 });
      // And the other way round: the first instance writes, the new one reads.
      await a.http.patch(`/api/words/${w1.id}`).set(author.auth).send({ translation: 'from a' }).expect(200);
      expect(await reads.word(b)).toMatchObject({ translation: 'from a' });
      expect(a.get(VersionedCache).holdsLoneLease()).toBe(false); // it has heard the second instance
    } finally {
      await b.close();
    }
  });
});
