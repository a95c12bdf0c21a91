import { openClient } from '../harness/barriers';
import { Learner, TestContext } from '../harness/context';
import { validPlan } from '../lessons/fixtures';
import { newCategory } from '../vocabulary/factories';

/**
 * issue 9: a paged list's items and total come from one snapshot. They used to run on two pool
 * connections at once (Promise.all), so a commit landing between the two made the total disagree
 * with the page, and one request held two connections. Now each list is one statement.
 */
describe('issue 9: page and total from one snapshot', () => {
  let ctx: TestContext;
  let author: Learner;
  beforeAll(async () => {
    ctx = await TestContext.create();
    author = await ctx.newAuthor();
  });
  afterAll(() => ctx.close());

  /** Inserts rows one committed statement at a time on a connection of its own until stopped. */
  const keepInserting = async (insert: (i: number) => [string, unknown[]], max: number) => {
    const client = await openClient(ctx.databaseUrl);
    let stop = false;
    let inserted = 0;
    const done = (async () => {
      while (!stop && inserted < max) await client.query(...insert(inserted++));
    })();
    return {
      stop: async () => {
        stop = true;
        await done;
        await client.end();
        return inserted;
      },
    };
  };

  /**
   * While rows are committed concurrently, fetches the whole list (fewer rows than perPage) again
   * and again — a different perPage each time, so every request misses the cache — and checks that
   * the total counts exactly the items returned.
   */
  const expectTotalsAgree = async (url: (perPage: number) => string, insert: (i: number) => [string, unknown[]]) => {
    const writer = await keepInserting(insert, 50);
    const seen: Array<{ items: number; total: number }> = [];
    try {
      for (let perPage = 51; perPage <= 100; perPage++) {
        const { body } = await ctx.http.get(url(perPage)).set(author.auth).expect(200);
        seen.push({ items: body.items.length, total: body.total });
      }
    } finally {
      expect(await writer.stop()).toBeGreaterThan(0);
    }
    expect(seen.filter((s) => s.items !== s.total)).toEqual([]);
  };

  it('GET /words: under concurrent inserts the total agrees with the items', async () => {
    const category = await newCategory(ctx);
    await expectTotalsAgree(
      (perPage) => `/api/words?categoryId=${category.id}&perPage=${perPage}`,
      (i) => [`INSERT INTO words (category_id, term, translation, difficulty_level) VALUES ($1, $2, 'x', 1)`, [category.id, `snap-${i}`]],
    );
  });

  it('GET /lessons: under concurrent inserts the total agrees with the items', async () => {
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM lessons`);
    expect(n).toBe(0); // a database of this file's own: the whole list fits one page
    await expectTotalsAgree(
      (perPage) => `/api/lessons?perPage=${perPage}`,
      (i) => [`INSERT INTO lessons (title) VALUES ($1)`, [`snap-${i}`]],
    );
  });

  it('every paged list is one statement, so one request holds one connection', async () => {
    const category = await newCategory(ctx);
    const lesson = (await ctx.http.post('/api/lessons').set(author.auth).send({ title: 'One statement' }).expect(201)).body;
    await ctx.http.post(`/api/lessons/${lesson.id}/versions`).set(author.auth).send({ lessonPlan: validPlan() }).expect(201);
    const goals = encodeURIComponent(JSON.stringify({ topic: 'snapshot' }));
    const lists = [
      `/api/words?categoryId=${category.id}&perPage=13`,
      '/api/lessons?perPage=13',
      `/api/lessons/${lesson.id}/versions?perPage=13`,
      `/api/profiles/search?learningGoals=${goals}&perPage=13`,
    ];
    for (const url of lists) {
      const { count, result } = await ctx.countStatements(() => ctx.http.get(url).set(author.auth));
      expect({ url, status: result.status, count }).toEqual({ url, status: 200, count: 1 });
    }
  });

  it('a page past the end still answers the true total', async () => {
    const lessons = await ctx.http.get('/api/lessons?page=1000&perPage=7').set(author.auth).expect(200);
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM lessons`);
    expect(lessons.body).toMatchObject({ items: [], total: n });
    const category = await newCategory(ctx);
    await ctx.dataSource.query(`INSERT INTO words (category_id, term, translation, difficulty_level) VALUES ($1, 'past', 'x', 1)`, [
      category.id,
    ]);
    const words = await ctx.http.get(`/api/words?categoryId=${category.id}&page=5&perPage=7`).set(author.auth).expect(200);
    expect(words.body).toMatchObject({ items: [], total: 1 });
  });
});
