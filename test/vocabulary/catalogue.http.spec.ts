import { TestContext } from '../harness/context';
import { newCategory, newWords } from './factories';

describe('catalogue over HTTP (categories, words, bulk)', () => {
  let ctx: TestContext;
  let author: Awaited<ReturnType<TestContext['newAuthor']>>;
  let learner: Awaited<ReturnType<TestContext['newLearner']>>;
  beforeAll(async () => {
    ctx = await TestContext.create();
    author = await ctx.newAuthor();
    learner = await ctx.newLearner();
  });
  afterAll(() => ctx.close());

  it('creates categories (author only) and rejects a name differing only in case (409 uq_categories_name)', async () => {
    const forbidden = await ctx.http.post('/api/categories').set(learner.auth).send({ name: 'Verbs' }).expect(403);
    expect(forbidden.body.code).toBe('forbidden');
    const created = await ctx.http
      .post('/api/categories')
      .set(author.auth)
      .send({ name: ' Verbs ', description: 'doing words' })
      .expect(201);
    expect(created.body).toMatchObject({ id: expect.any(Number), name: 'Verbs', description: 'doing words', wordCount: 0 });
    const dup = await ctx.http.post('/api/categories').set(author.auth).send({ name: 'VERBS' }).expect(409);
    expect(dup.body).toMatchObject({ code: 'unique_violation', constraint: 'uq_categories_name' });
  });

  it('lists categories with word counts, and a delete of a category with words is 409 fk_words_category_id', async () => {
    const category = await newCategory(ctx);
    await newWords(ctx, category.id, 3);
    const list = await ctx.http.get('/api/categories').set(learner.auth).expect(200);
    expect(list.body.items.find((c: { id: number }) => c.id === category.id)).toMatchObject({ name: category.name, wordCount: 3 });

    const blocked = await ctx.http.delete(`/api/categories/${category.id}`).set(author.auth).expect(409);
    expect(blocked.body).toMatchObject({ code: 'foreign_key_violation', constraint: 'fk_words_category_id' });

    const empty = await newCategory(ctx);
    await ctx.http.delete(`/api/categories/${empty.id}`).set(author.auth).expect(204);
    await ctx.http.delete(`/api/categories/${empty.id}`).set(author.auth).expect(404);
  });

  it('creates, reads, updates and deletes a word; duplicate term in the category (any case) → 409 uq_words_category_id_term', async () => {
    const category = await newCategory(ctx);
    const created = await ctx.http
      .post('/api/words')
      .set(author.auth)
      .send({ term: 'Casa', translation: 'house', categoryId: category.id, difficultyLevel: 2 })
      .expect(201);
    expect(created.body).toMatchObject({
      term: 'Casa',
      translation: 'house',
      difficultyLevel: 2,
      categoryId: category.id,
      category: { id: category.id, name: category.name },
    });
    const dup = await ctx.http
      .post('/api/words')
      .set(author.auth)
      .send({ term: 'casa', translation: 'home', categoryId: category.id })
      .expect(409);
    expect(dup.body).toMatchObject({ code: 'unique_violation', constraint: 'uq_words_category_id_term' });
    const other = await newCategory(ctx);
    await ctx.http.post('/api/words').set(author.auth).send({ term: 'casa', translation: 'home', categoryId: other.id }).expect(201);

    const unknownCategory = await ctx.http
      .post('/api/words')
      .set(author.auth)
      .send({ term: 'x', translation: 'y', categoryId: 2_000_000_000 })
      .expect(409);
    expect(unknownCategory.body).toMatchObject({ code: 'foreign_key_violation', constraint: 'fk_words_category_id' });

    const id = created.body.id;
    await ctx.http.get(`/api/words/${id}`).set(learner.auth).expect(200);
    const patched = await ctx.http.patch(`/api/words/${id}`).set(author.auth).send({ difficultyLevel: 5 }).expect(200);
    expect(patched.body.difficultyLevel).toBe(5);
    const read = await ctx.http.get(`/api/words/${id}`).set(learner.auth).expect(200);
    expect(read.body.difficultyLevel).toBe(5);
    await ctx.http.delete(`/api/words/${id}`).set(author.auth).expect(204);
    await ctx.http.get(`/api/words/${id}`).set(learner.auth).expect(404);
  });

  it('pages words with filters, term-prefix search and sort; word and category come in one statement', async () => {
    const category = await newCategory(ctx);
    await newWords(ctx, category.id, 25, 'Pfx');
    const page = await ctx.http.get(`/api/words?categoryId=${category.id}&perPage=10&page=2&sort=-term`).set(learner.auth).expect(200);
    expect(page.body).toMatchObject({ total: 25, page: 2, perPage: 10, pages: 3 });
    expect(page.body.items).toHaveLength(10);
    expect(page.body.items[0]).toMatchObject({ term: 'Pfx-0014', category: { id: category.id, name: category.name } });

    const byDifficulty = await ctx.http.get(`/api/words?categoryId=${category.id}&difficulty=3&perPage=100`).set(learner.auth).expect(200);
    expect(byDifficulty.body.total).toBe(5);
    expect(byDifficulty.body.items.every((w: { difficultyLevel: number }) => w.difficultyLevel === 3)).toBe(true);

    const search = await ctx.http.get(`/api/words?categoryId=${category.id}&q=pfx-001`).set(learner.auth).expect(200);
    expect(search.body.items.map((w: { term: string }) => w.term)).toEqual(Array.from({ length: 10 }, (_, i) => `Pfx-001${i}`));
    const wildcard = await ctx.http
      .get(`/api/words?categoryId=${category.id}&q=${encodeURIComponent('%')}`)
      .set(learner.auth)
      .expect(200);
    expect(wildcard.body.total).toBe(0);
  });

  it('word pages run the same number of statements for 1 row and for 100 rows', async () => {
    const one = await newCategory(ctx);
    const many = await newCategory(ctx);
    await newWords(ctx, one.id, 1);
    await newWords(ctx, many.id, 100);
    const small = await ctx.countStatements(() =>
      ctx.http.get(`/api/words?categoryId=${one.id}&perPage=100`).set(learner.auth).expect(200),
    );
    const large = await ctx.countStatements(() =>
      ctx.http.get(`/api/words?categoryId=${many.id}&perPage=100`).set(learner.auth).expect(200),
    );
    expect(small.result.body.items).toHaveLength(1);
    expect(large.result.body.items).toHaveLength(100);
    expect(large.count).toBe(small.count);
    expect(small.count).toBe(1); // the page with its categories and the total, one statement (issue 9: one snapshot)
    const cached = await ctx.countStatements(() =>
      ctx.http.get(`/api/words?categoryId=${many.id}&perPage=100`).set(learner.auth).expect(200),
    );
    expect(cached.count).toBe(0);
  });

  it('bulk-inserts up to 1000 words in one transaction', async () => {
    const category = await newCategory(ctx);
    const words = Array.from({ length: 1000 }, (_, i) => ({ term: `bulk-${i}`, translation: `t${i}`, categoryId: category.id }));
    const res = await ctx.http.post('/api/words/bulk').set(author.auth).send({ words }).expect(201);
    expect(res.body.items).toHaveLength(1000);
    expect(res.body.items[999]).toMatchObject({ term: 'bulk-999', difficultyLevel: 1, category: { id: category.id, name: category.name } });
    const tooMany = await ctx.http
      .post('/api/words/bulk')
      .set(author.auth)
      .send({ words: [...words, words[0]] })
      .expect(400);
    expect(tooMany.body.details.map((d: { field: string }) => d.field)).toEqual(['words']);
  });

  it('bulk insert is all or nothing and reports every bad row by index and field', async () => {
    const category = await newCategory(ctx);
    await newWords(ctx, category.id, 1, 'taken');
    const words = [
      { term: 'fine-1', translation: 'a', categoryId: category.id },
      { term: 'TAKEN-0000', translation: 'b', categoryId: category.id },
      { term: 'fine-2', translation: 'c', categoryId: 2_000_000_000 },
      { term: 'Fine-1', translation: 'd', categoryId: category.id },
    ];
    const res = await ctx.http.post('/api/words/bulk').set(author.auth).send({ words }).expect(409);
    expect(res.body).toMatchObject({ code: 'unique_violation', constraint: 'uq_words_category_id_term' });
    expect(res.body.details.map((d: { field: string }) => d.field)).toEqual(['words.1.term', 'words.2.categoryId', 'words.3.term']);
    const after = await ctx.http.get(`/api/words?categoryId=${category.id}`).set(learner.auth).expect(200);
    expect(after.body.total).toBe(1);

    const invalid = await ctx.http
      .post('/api/words/bulk')
      .set(author.auth)
      .send({
        words: [
          { term: 'ok', translation: 'ok', categoryId: category.id },
          { term: '', translation: 'x', categoryId: 'one' },
          { term: 'y', translation: 'z', categoryId: 1, difficultyLevel: 9, extra: 1 },
        ],
      })
      .expect(400);
    expect(invalid.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'words.1.categoryId',
      'words.1.term',
      'words.2.difficultyLevel',
      'words.2.extra',
    ]);
  });

  it('rejects bad input with 400 before any query runs', async () => {
    const cases: Array<[string, string, object | undefined]> = [
      ['get', '/api/words?perPage=0', undefined],
      ['get', '/api/words?perPage=101', undefined],
      ['get', '/api/words?sort=translation', undefined],
      ['get', '/api/words?sort=-password', undefined],
      ['get', '/api/words?difficulty=6', undefined],
      ['get', '/api/words?categoryId=abc', undefined],
      ['get', '/api/words?unknown=1', undefined],
      ['get', '/api/words/abc', undefined],
      ['post', '/api/words', { term: 'a', translation: 'b', categoryId: '1' }],
      ['post', '/api/words', { term: 'a', translation: 'b', categoryId: 1, difficultyLevel: 0 }],
      ['post', '/api/words', { term: '   ', translation: 'b', categoryId: 1 }],
      ['post', '/api/categories', { name: 'x', admin: true }],
      ['patch', '/api/categories/1', { name: 5 }],
    ];
    for (const [method, url, body] of cases) {
      const { count, result } = await ctx.countStatements(async () => {
        const req = method === 'get' ? ctx.http.get(url) : method === 'post' ? ctx.http.post(url) : ctx.http.patch(url);
        return req.set(author.auth).send(body);
      });
      expect({ url, body, status: result.status, code: result.body.code, count }).toEqual({
        url,
        body,
        status: 400,
        code: 'validation_failed',
        count: 0,
      });
    }
  });

  it('enforces the check constraints in the database too (ck_words_difficulty_level, ck_categories_name_not_blank, ck_words_term_not_blank)', async () => {
    const category = await newCategory(ctx);
    const violation = async (sql: string, params: unknown[]) => {
      try {
        await ctx.dataSource.query(sql, params);
      } catch (err) {
        return (err as { driverError?: { constraint?: string } }).driverError?.constraint;
      }
      return undefined;
    };
    expect(
      await violation(`INSERT INTO words (term, translation, category_id, difficulty_level) VALUES ('a', 'b', $1, 7)`, [category.id]),
    ).toBe('ck_words_difficulty_level');
    expect(await violation(`INSERT INTO words (term, translation, category_id) VALUES (' ', 'b', $1)`, [category.id])).toBe(
      'ck_words_term_not_blank',
    );
    expect(await violation(`INSERT INTO categories (name) VALUES ('  ')`, [])).toBe('ck_categories_name_not_blank');
  });
});
