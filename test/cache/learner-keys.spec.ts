import { TestContext } from '../harness/context';

/** SPEC §4: keys include the learner where the data is the learner's — no learner sees another's cached answer. */
describe('per-learner cached reads', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await TestContext.create();
  });
  afterAll(() => ctx.close());

  it('never serves one learner the stats cached for another', async () => {
    const author = await ctx.newAuthor();
    const category = await ctx.http
      .post('/api/categories')
      .set(author.auth)
      .send({ name: `cat-${Date.now()}` })
      .expect(201);
    const words = [];
    for (const term of ['uno', 'dos']) {
      words.push(
        (await ctx.http.post('/api/words').set(author.auth).send({ term, translation: term, categoryId: category.body.id }).expect(201))
          .body,
      );
    }
    const a = await ctx.newLearner();
    const b = await ctx.newLearner();
    for (const w of words) await ctx.http.put(`/api/me/vocabulary/${w.id}`).set(a.auth).expect(201);

    const statsA = await ctx.http.get('/api/me/vocabulary/stats').set(a.auth).expect(200);
    expect(statsA.body.total).toBe(2);
    // B asks right after A's answer was cached, twice (miss, then hit): always B's own
    for (let i = 0; i < 2; i++) {
      const { count, result } = await ctx.countStatements(() => ctx.http.get('/api/me/vocabulary/stats').set(b.auth).expect(200));
      expect(result.body.total).toBe(0);
      if (i === 1) expect(count).toBe(0); // B's own answer now comes from the cache
    }
    expect((await ctx.http.get('/api/me/vocabulary/stats').set(a.auth).expect(200)).body.total).toBe(2);
  });
});
