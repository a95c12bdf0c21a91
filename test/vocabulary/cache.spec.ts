import { randomBytes, randomUUID } from 'node:crypto';
import { Learner, TestContext } from '../harness/context';
import { newCategory, newWords } from './factories';

const REDIS_URL = process.env.REDIS_URL;
const itWithRedis = REDIS_URL ? it : it.skip;

/** Reads after writes see the write: in memory, on Redis, and through a second instance sharing both. */
async function expectFreshReads(writer: TestContext, reader: TestContext): Promise<void> {
  const author = await writer.newAuthor();
  const learner: Learner = await writer.newLearner();
  const readerAuth = reader.auth(learner.id);
  const category = await newCategory(writer);
  const [word] = await newWords(writer, category.id, 1);

  // Warm the reader's caches, then write through the writer.
  const page = `/api/words?categoryId=${category.id}`;
  expect((await reader.http.get(page).set(readerAuth).expect(200)).body.items[0].translation).toBe(word.translation);
  expect((await reader.http.get(`/api/words/${word.id}`).set(readerAuth).expect(200)).body.translation).toBe(word.translation);
  const countOf = async () =>
    (await reader.http.get('/api/categories').set(readerAuth).expect(200)).body.items.find((c: { id: number }) => c.id === category.id);
  expect(await countOf()).toMatchObject({ wordCount: 1 });
  expect((await reader.http.get('/api/me/vocabulary/stats').set(readerAuth).expect(200)).body.total).toBe(0);

  await writer.http.patch(`/api/words/${word.id}`).set(author.auth).send({ translation: 'changed' }).expect(200);
  await writer.http.post('/api/words').set(author.auth).send({ term: 'second', translation: 'x', categoryId: category.id }).expect(201);
  await writer.http
    .patch(`/api/categories/${category.id}`)
    .set(author.auth)
    .send({ name: `${category.name}-renamed` })
    .expect(200);
  const fresh = (await reader.http.get(page).set(readerAuth).expect(200)).body;
  expect(fresh.total).toBe(2);
  expect(fresh.items.find((w: { id: number }) => w.id === word.id)).toMatchObject({
    translation: 'changed',
    category: { id: category.id, name: `${category.name}-renamed` },
  });
  expect((await reader.http.get(`/api/words/${word.id}`).set(readerAuth).expect(200)).body.translation).toBe('changed');
  expect(await countOf()).toMatchObject({ wordCount: 2, name: `${category.name}-renamed` });

  await writer.http.put(`/api/me/vocabulary/${word.id}`).set(learner.auth).expect(201);
  expect((await reader.http.get('/api/me/vocabulary/stats').set(readerAuth).expect(200)).body).toMatchObject({ total: 1, dueNow: 1 });
  const session = (await writer.http.post('/api/me/practice-sessions').set(learner.auth).send({}).expect(201)).body;
  await writer.http
    .post(`/api/me/practice-sessions/${session.id}/answers`)
    .set(learner.auth)
    .send({ answerId: randomUUID(), wordId: word.id, rating: 4, responseMs: 10 })
    .expect(201);
  const stats = (await reader.http.get('/api/me/vocabulary/stats').set(readerAuth).expect(200)).body;
  expect(stats).toMatchObject({ total: 1, dueNow: 0 });
  expect(stats.byMastery[0].count).toBe(0);

  await writer.http.delete(`/api/words/${word.id}`).set(author.auth).expect(204);
  await reader.http.get(`/api/words/${word.id}`).set(readerAuth).expect(404);
  // Deleting a word cascades to the learners' vocabulary: their stats change too.
  expect((await reader.http.get('/api/me/vocabulary/stats').set(readerAuth).expect(200)).body.total).toBe(0);
}

describe('cached reads', () => {
  describe('in memory', () => {
    let ctx: TestContext;
    beforeAll(async () => {
      ctx = await TestContext.create();
    });
    afterAll(() => ctx.close());

    it('word pages, single words, categories and stats are never stale after a write', () => expectFreshReads(ctx, ctx));

    it('concurrent misses on one key run the query once', async () => {
      const learner = await ctx.newLearner();
      const category = await newCategory(ctx);
      await newWords(ctx, category.id, 5);
      const { count, result } = await ctx.countStatements(() =>
        Promise.all(
          Array.from({ length: 10 }, () => ctx.http.get(`/api/words?categoryId=${category.id}&perPage=7`).set(learner.auth).expect(200)),
        ),
      );
      expect(result.every((r) => r.body.total === 5)).toBe(true);
      expect(count).toBe(1); // one load: the page and its total are one statement (issue 9)
    });
  });

  describe('on Redis', () => {
    let first: TestContext;
    let second: TestContext;
    const env = { REDIS_URL, CACHE_KEY_PREFIX: `lingua-test-${randomBytes(4).toString('hex')}` };
    beforeAll(async () => {
      if (!REDIS_URL) return;
      first = await TestContext.create({ env });
      second = await TestContext.create({ databaseUrl: first.databaseUrl, env });
    });
    afterAll(async () => {
      await second?.close();
      await first?.close();
    });

    itWithRedis('reads after writes are fresh on one instance (needs REDIS_URL)', () => expectFreshReads(first, first));
    itWithRedis("reads on a second instance sharing the Redis see the first instance's writes (needs REDIS_URL)", () =>
      expectFreshReads(first, second),
    );
  });

  it('a cache outage falls back to the database', async () => {
    const ctx = await TestContext.create({ env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const learner = await ctx.newLearner();
      const category = await newCategory(ctx);
      await newWords(ctx, category.id, 3);
      const res = await ctx.http.get(`/api/words?categoryId=${category.id}`).set(learner.auth).expect(200);
      expect(res.body.total).toBe(3);
      expect((await ctx.http.get('/api/me/vocabulary/stats').set(learner.auth).expect(200)).body.total).toBe(0);
    } finally {
      await ctx.close();
    }
  });
});
