import { randomUUID } from 'node:crypto';
import { LinguaSettings } from '../../src/lingua-core.options';
import { Learner, TestContext } from '../harness/context';
import { newCategory, newWords } from './factories';

describe("a learner's vocabulary over HTTP (list, start/stop, due queue, stats)", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await TestContext.create();
  });
  afterAll(() => ctx.close());

  const learn = (learner: Learner, wordIds: number[]) =>
    Promise.all(wordIds.map((id) => ctx.http.put(`/api/me/vocabulary/${id}`).set(learner.auth).expect(201)));

  it('PUT starts learning a word (201), again is a no-op (200); DELETE stops (204, then 404)', async () => {
    const learner = await ctx.newLearner();
    const category = await newCategory(ctx);
    const [word] = await newWords(ctx, category.id, 1);
    const first = await ctx.http.put(`/api/me/vocabulary/${word.id}`).set(learner.auth).expect(201);
    expect(first.body).toMatchObject({
      wordId: word.id,
      word: { id: word.id, term: word.term, category: { id: category.id, name: category.name } },
      masteryLevel: 0,
      timesSeen: 0,
      timesCorrect: 0,
      state: 'new',
      reps: 0,
      lapses: 0,
      lastReviewedAt: null,
    });
    const again = await ctx.http.put(`/api/me/vocabulary/${word.id}`).set(learner.auth).expect(200);
    expect(again.body).toEqual(first.body);
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM user_vocabulary WHERE user_id = $1`, [learner.id]);
    expect(n).toBe(1);

    const unknown = await ctx.http.put('/api/me/vocabulary/2000000000').set(learner.auth).expect(409);
    expect(unknown.body).toMatchObject({ code: 'foreign_key_violation', constraint: 'fk_user_vocabulary_word_id' });

    await ctx.http.delete(`/api/me/vocabulary/${word.id}`).set(learner.auth).expect(204);
    await ctx.http.delete(`/api/me/vocabulary/${word.id}`).set(learner.auth).expect(404);

    // A valid token for a learner who no longer exists.
    const gone = await ctx.http.put(`/api/me/vocabulary/${word.id}`).set(ctx.auth(2_000_000_000)).expect(409);
    expect(gone.body).toMatchObject({ code: 'foreign_key_violation', constraint: 'fk_user_vocabulary_user_id' });
  });

  it('the unique (user_id, word_id) and the checks hold in the database', async () => {
    const learner = await ctx.newLearner();
    const [word] = await newWords(ctx, (await newCategory(ctx)).id, 1);
    await ctx.http.put(`/api/me/vocabulary/${word.id}`).set(learner.auth).expect(201);
    const constraintOf = async (sql: string, params: unknown[]) =>
      ctx.dataSource.query(sql, params).then(
        () => undefined,
        (err: { driverError?: { constraint?: string } }) => err.driverError?.constraint,
      );
    expect(await constraintOf(`INSERT INTO user_vocabulary (user_id, word_id) VALUES ($1, $2)`, [learner.id, word.id])).toBe(
      'uq_user_vocabulary_user_id_word_id',
    );
    expect(await constraintOf(`UPDATE user_vocabulary SET mastery_level = 6 WHERE user_id = $1`, [learner.id])).toBe(
      'ck_user_vocabulary_mastery_level',
    );
    expect(await constraintOf(`UPDATE user_vocabulary SET times_correct = 1 WHERE user_id = $1`, [learner.id])).toBe(
      'ck_user_vocabulary_times',
    );
    expect(await constraintOf(`UPDATE user_vocabulary SET times_correct = -1, times_seen = -1 WHERE user_id = $1`, [learner.id])).toBe(
      'ck_user_vocabulary_times',
    );
    expect(await constraintOf(`UPDATE user_vocabulary SET state = 4 WHERE user_id = $1`, [learner.id])).toBe('ck_user_vocabulary_state');
    expect(await constraintOf(`INSERT INTO user_vocabulary (user_id, word_id) VALUES (2000000000, $1)`, [word.id])).toBe(
      'fk_user_vocabulary_user_id',
    );
  });

  it('lists words with category and learner state by keyset cursor, filtered by category and mastery; others see nothing', async () => {
    const learner = await ctx.newLearner();
    const other = await ctx.newLearner();
    const a = await newCategory(ctx);
    const b = await newCategory(ctx);
    const wordsA = await newWords(ctx, a.id, 3);
    const wordsB = await newWords(ctx, b.id, 2);
    await learn(
      learner,
      [...wordsA, ...wordsB].map((w) => w.id),
    );
    await ctx.dataSource.query(`UPDATE user_vocabulary SET mastery_level = 4 WHERE user_id = $1 AND word_id = $2`, [
      learner.id,
      wordsB[1].id,
    ]);

    const ids: number[] = [];
    let cursor: string | null = null;
    do {
      const res: { body: { items: Array<{ wordId: number }>; nextCursor: string | null } } = await ctx.http
        .get(`/api/me/vocabulary?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
        .set(learner.auth)
        .expect(200);
      ids.push(...res.body.items.map((i) => i.wordId));
      cursor = res.body.nextCursor;
    } while (cursor);
    expect(ids).toEqual([...wordsA, ...wordsB].map((w) => w.id).sort((x, y) => x - y));

    const inB = await ctx.http.get(`/api/me/vocabulary?categoryId=${b.id}`).set(learner.auth).expect(200);
    expect(inB.body.items.map((i: { wordId: number }) => i.wordId)).toEqual(wordsB.map((w) => w.id));
    expect(inB.body.items[0].word.category).toEqual({ id: b.id, name: b.name });
    const mastered = await ctx.http.get('/api/me/vocabulary?mastery=4').set(learner.auth).expect(200);
    expect(mastered.body.items.map((i: { wordId: number }) => i.wordId)).toEqual([wordsB[1].id]);

    const none = await ctx.http.get('/api/me/vocabulary').set(other.auth).expect(200);
    expect(none.body).toEqual({ items: [], nextCursor: null });
    await ctx.http.delete(`/api/me/vocabulary/${wordsA[0].id}`).set(other.auth).expect(404);
  });

  it('the vocabulary list runs the same number of statements for 1 row and for 100 rows', async () => {
    const few = await ctx.newLearner();
    const many = await ctx.newLearner();
    const words = await newWords(ctx, (await newCategory(ctx)).id, 100);
    await learn(few, [words[0].id]);
    await ctx.dataSource.query(`INSERT INTO user_vocabulary (user_id, word_id) SELECT $1, unnest($2::int[])`, [
      many.id,
      words.map((w) => w.id),
    ]);
    const small = await ctx.countStatements(() => ctx.http.get('/api/me/vocabulary?limit=100').set(few.auth).expect(200));
    const large = await ctx.countStatements(() => ctx.http.get('/api/me/vocabulary?limit=100').set(many.auth).expect(200));
    expect(small.result.body.items).toHaveLength(1);
    expect(large.result.body.items).toHaveLength(100);
    expect(small.count).toBe(1);
    expect(large.count).toBe(small.count);
    const due = await ctx.countStatements(() => ctx.http.get('/api/me/vocabulary/due?limit=100').set(many.auth).expect(200));
    expect(due.result.body.items).toHaveLength(100);
    expect(due.count).toBe(1);
  });

  it('the due queue is earliest due first and only what is due', async () => {
    const learner = await ctx.newLearner();
    const words = await newWords(ctx, (await newCategory(ctx)).id, 4);
    await learn(
      learner,
      words.map((w) => w.id),
    );
    const offsets = ['-1 hour', '-3 days', '+2 days', '-5 minutes'];
    for (const [i, w] of words.entries()) {
      await ctx.dataSource.query(`UPDATE user_vocabulary SET due_at = now() + $3::interval WHERE user_id = $1 AND word_id = $2`, [
        learner.id,
        w.id,
        offsets[i],
      ]);
    }
    const due = await ctx.http.get('/api/me/vocabulary/due?limit=10').set(learner.auth).expect(200);
    expect(due.body.items.map((i: { wordId: number }) => i.wordId)).toEqual([words[1].id, words[0].id, words[3].id]);
    const limited = await ctx.http.get('/api/me/vocabulary/due?limit=1').set(learner.auth).expect(200);
    expect(limited.body.items).toHaveLength(1);
  });

  it('stats give totals by mastery level and due now, and are never stale after a write', async () => {
    const learner = await ctx.newLearner();
    const words = await newWords(ctx, (await newCategory(ctx)).id, 3);
    const empty = await ctx.http.get('/api/me/vocabulary/stats').set(learner.auth).expect(200);
    expect(empty.body).toMatchObject({ total: 0, dueNow: 0, nextDueAt: null });
    expect(empty.body.byMastery).toHaveLength(6);

    await learn(
      learner,
      words.map((w) => w.id),
    );
    const afterPut = await ctx.http.get('/api/me/vocabulary/stats').set(learner.auth).expect(200);
    expect(afterPut.body).toMatchObject({ total: 3, dueNow: 3 });
    expect(afterPut.body.byMastery[0]).toEqual({ masteryLevel: 0, count: 3 });
    const cached = await ctx.countStatements(() => ctx.http.get('/api/me/vocabulary/stats').set(learner.auth).expect(200));
    expect(cached.count).toBe(0);

    const session = await ctx.http.post('/api/me/practice-sessions').set(learner.auth).send({}).expect(201);
    await ctx.http
      .post(`/api/me/practice-sessions/${session.body.id}/answers`)
      .set(learner.auth)
      .send({ answerId: randomUUID(), wordId: words[0].id, rating: 3, responseMs: 900 })
      .expect(201);
    const afterAnswer = await ctx.http.get('/api/me/vocabulary/stats').set(learner.auth).expect(200);
    expect(afterAnswer.body).toMatchObject({ total: 3, dueNow: 2 });
    expect(afterAnswer.body.byMastery[0].count + afterAnswer.body.byMastery[1].count).toBe(3);
    expect(afterAnswer.body.nextDueAt).not.toBeNull();

    await ctx.http.delete(`/api/me/vocabulary/${words[1].id}`).set(learner.auth).expect(204);
    const afterDelete = await ctx.http.get('/api/me/vocabulary/stats').set(learner.auth).expect(200);
    expect(afterDelete.body).toMatchObject({ total: 2, dueNow: 1 });
  });

  it('issue 9: a cached dueNow is dropped once its nextDueAt has passed (clock moved, not waited for)', async () => {
    const learner = await ctx.newLearner();
    const control = await ctx.newLearner();
    const [word] = await newWords(ctx, (await newCategory(ctx)).id, 1);
    await learn(learner, [word.id]);
    await ctx.dataSource.query(`UPDATE user_vocabulary SET due_at = now() + interval '10 seconds' WHERE user_id = $1`, [learner.id]);
    await ctx.get((await import('../../src/vocabulary/vocabulary.cache')).VocabularyCache).statsChanged(learner.id);
    const before = await ctx.http.get('/api/me/vocabulary/stats').set(learner.auth).expect(200);
    expect(before.body.dueNow).toBe(0);
    expect(before.body.nextDueAt).not.toBeNull();
    await ctx.http.get('/api/me/vocabulary/stats').set(control.auth).expect(200); // cached, nextDueAt null

    // The app reads the clock through Date (the stats query gets `new Date()` as its "now"), so moving
    // Date 30 s ahead passes nextDueAt (10 s) without waiting — and stays inside the cache TTL, so an
    // entry can only be dropped by the nextDueAt rule (the control learner's stays cached).
    const skipMs = 30_000;
    expect(skipMs).toBeLessThan(ctx.get(LinguaSettings).cacheTtlMs);
    jest.useFakeTimers({
      doNotFake: [
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'setImmediate',
        'clearImmediate',
        'nextTick',
        'queueMicrotask',
        'hrtime',
        'performance',
      ],
    });
    try {
      jest.setSystemTime(Date.now() + skipMs);
      const controlAgain = await ctx.countStatements(() => ctx.http.get('/api/me/vocabulary/stats').set(control.auth).expect(200));
      expect(controlAgain.count).toBe(0);
      const after = await ctx.countStatements(() => ctx.http.get('/api/me/vocabulary/stats').set(learner.auth).expect(200));
      expect(after.count).toBeGreaterThan(0);
      expect(after.result.body).toMatchObject({ dueNow: 1, nextDueAt: null });
    } finally {
      jest.useRealTimers();
    }
  });

  it('rejects bad input with 400 before any query runs', async () => {
    const learner = await ctx.newLearner();
    const forged = [
      'bm90LWpzb24',
      Buffer.from('["x"]').toString('base64url'),
      Buffer.from('[1,2]').toString('base64url'),
      Buffer.from('{"id":1}').toString('base64url'),
      'not a cursor!',
    ];
    const urls = [
      ...forged.map((c) => `/api/me/vocabulary?cursor=${encodeURIComponent(c)}`),
      '/api/me/vocabulary?limit=0',
      '/api/me/vocabulary?limit=101',
      '/api/me/vocabulary?mastery=6',
      '/api/me/vocabulary?sort=id',
      '/api/me/vocabulary?categoryId=x',
      '/api/me/vocabulary/due?limit=0',
      '/api/me/vocabulary/due?limit=101',
      '/api/me/vocabulary/due?cursor=abc',
    ];
    for (const url of urls) {
      const { count, result } = await ctx.countStatements(() => ctx.http.get(url).set(learner.auth));
      expect({ url, status: result.status, code: result.body.code, count }).toEqual({
        url,
        status: 400,
        code: 'validation_failed',
        count: 0,
      });
    }
    const { count, result } = await ctx.countStatements(() => ctx.http.put('/api/me/vocabulary/0').set(learner.auth));
    expect([result.status, count]).toEqual([400, 0]);
  });
});
