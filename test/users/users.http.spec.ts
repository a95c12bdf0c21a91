import { TestContext } from '../harness/context';

describe('users module over HTTP', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await TestContext.create();
  });
  afterAll(() => ctx.close());

  it('registers a learner (201) and rejects the same email in another case (409 uq_users_email)', async () => {
    const body = { email: 'Ana.Perez@Example.com', displayName: 'Ana', nativeLanguage: 'en', targetLanguage: 'es' };
    const created = await ctx.http.post('/api/users').send(body).expect(201);
    expect(created.body).toMatchObject({
      id: expect.any(Number),
      email: 'Ana.Perez@Example.com',
      displayName: 'Ana',
      nativeLanguage: 'en',
      targetLanguage: 'es',
    });
    expect(created.headers['x-request-id']).toBeDefined();

    const dup = await ctx.http
      .post('/api/users')
      .send({ ...body, email: 'ana.perez@EXAMPLE.com' })
      .expect(409);
    expect(dup.body).toEqual({
      statusCode: 409,
      error: 'Conflict',
      code: 'unique_violation',
      message: expect.any(String),
      requestId: dup.headers['x-request-id'],
      constraint: 'uq_users_email',
    });
  });

  it('rejects unknown fields, wrong types and bad values with per-field details (400) before any query', async () => {
    const { count, result } = await ctx.countStatements(() =>
      ctx.http.post('/api/users').send({ email: 'not-an-email', displayName: 5, nativeLanguage: 'en', targetLanguage: 'es', admin: true }),
    );
    expect(result.status).toBe(400);
    expect(result.body.code).toBe('validation_failed');
    const fields = result.body.details.map((d: { field: string }) => d.field).sort();
    expect(fields).toEqual(['admin', 'displayName', 'email']);
    expect(count).toBe(0);
  });

  it('needs a valid token for /me (401) and answers the learner with profile', async () => {
    await ctx.http.get('/api/me').expect(401);
    const bad = await ctx.http.get('/api/me').set('Authorization', 'Bearer nope').expect(401);
    expect(bad.body.code).toBe('unauthorized');

    const learner = await ctx.newLearner();
    const me = await ctx.http.get('/api/me').set(learner.auth).expect(200);
    expect(me.body).toMatchObject({ id: learner.id, profile: null });

    await ctx.http
      .put('/api/me/profile')
      .set(learner.auth)
      .send({ learningGoals: { travel: true }, usageContext: { minutes: 10 } })
      .expect(200);
    const after = await ctx.http.get('/api/me').set(learner.auth).expect(200);
    expect(after.body.profile).toMatchObject({ learningGoals: { travel: true }, previousKnowledge: null, usageContext: { minutes: 10 } });

    // replaced whole: omitted documents become null
    await ctx.http
      .put('/api/me/profile')
      .set(learner.auth)
      .send({ previousKnowledge: { a1: true } })
      .expect(200);
    const replaced = await ctx.http.get('/api/me').set(learner.auth).expect(200);
    expect(replaced.body.profile).toMatchObject({ learningGoals: null, previousKnowledge: { a1: true }, usageContext: null });
  });

  it('GET /me runs one statement', async () => {
    const learner = await ctx.newLearner();
    const { count } = await ctx.countStatements(() => ctx.http.get('/api/me').set(learner.auth).expect(200));
    expect(count).toBe(1);
  });

  it("lists learning paths newest first with a keyset cursor, and hides other learners' paths (404)", async () => {
    const learner = await ctx.newLearner();
    const other = await ctx.newLearner();
    const ids: number[] = [];
    for (let i = 0; i < 5; i++) {
      const res = await ctx.http
        .post('/api/me/learning-paths')
        .set(learner.auth)
        .send({ pathData: { step: i } })
        .expect(201);
      expect(res.body).toMatchObject({ pathData: { step: i }, progressData: {} });
      ids.push(res.body.id);
    }
    const first = await ctx.http.get('/api/me/learning-paths?limit=2').set(learner.auth).expect(200);
    expect(first.body.items.map((p: { id: number }) => p.id)).toEqual([ids[4], ids[3]]);
    const second = await ctx.http.get(`/api/me/learning-paths?limit=2&cursor=${first.body.nextCursor}`).set(learner.auth).expect(200);
    expect(second.body.items.map((p: { id: number }) => p.id)).toEqual([ids[2], ids[1]]);
    const last = await ctx.http.get(`/api/me/learning-paths?limit=2&cursor=${second.body.nextCursor}`).set(learner.auth).expect(200);
    expect(last.body).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });

    const patched = await ctx.http
      .patch(`/api/me/learning-paths/${ids[0]}`)
      .set(learner.auth)
      .send({ progressData: { done: 1 } })
      .expect(200);
    expect(patched.body.progressData).toEqual({ done: 1 });
    const hidden = await ctx.http.patch(`/api/me/learning-paths/${ids[0]}`).set(other.auth).send({ progressData: {} }).expect(404);
    expect(hidden.body.code).toBe('not_found');
    const otherList = await ctx.http.get('/api/me/learning-paths').set(other.auth).expect(200);
    expect(otherList.body.items).toEqual([]);
  });

  it('rejects forged cursors and out-of-range limits with 400', async () => {
    const learner = await ctx.newLearner();
    for (const q of [
      'cursor=bm90LWpzb24',
      `cursor=${Buffer.from('["x"]').toString('base64url')}`,
      'limit=0',
      'limit=101',
      'limit=abc',
      'sort=id',
    ]) {
      const res = await ctx.http.get(`/api/me/learning-paths?${q}`).set(learner.auth);
      expect({ q, status: res.status, code: res.body.code }).toEqual({ q, status: 400, code: 'validation_failed' });
    }
  });

  it('profile search by JSON containment is author-only (403) and pages results', async () => {
    const learner = await ctx.newLearner();
    await ctx.http
      .put('/api/me/profile')
      .set(learner.auth)
      .send({ learningGoals: { travel: true, level: 'B1' } })
      .expect(200);
    const goals = encodeURIComponent(JSON.stringify({ travel: true }));
    const forbidden = await ctx.http.get(`/api/profiles/search?learningGoals=${goals}`).set(learner.auth).expect(403);
    expect(forbidden.body.code).toBe('forbidden');

    const author = await ctx.newAuthor();
    const res = await ctx.http.get(`/api/profiles/search?learningGoals=${goals}&perPage=5`).set(author.auth).expect(200);
    expect(res.body).toMatchObject({ page: 1, perPage: 5 });
    expect(res.body.items.map((u: { id: number }) => u.id)).toContain(learner.id);
    await ctx.http
      .get(`/api/profiles/search?learningGoals=${encodeURIComponent('[1]')}`)
      .set(author.auth)
      .expect(400);
    await ctx.http.get(`/api/profiles/search?learningGoals=notjson`).set(author.auth).expect(400);
  });
});
