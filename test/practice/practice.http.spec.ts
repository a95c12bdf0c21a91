import { randomUUID } from 'node:crypto';
import { TestContext } from '../harness/context';
import { newCategory, newWords } from '../vocabulary/factories';

describe('practice sessions over HTTP', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await TestContext.create();
  });
  afterAll(() => ctx.close());

  it("starts, lists (newest first, keyset) and reads sessions; another learner's session is 404", async () => {
    const learner = await ctx.newLearner();
    const other = await ctx.newLearner();
    const ids: number[] = [];
    for (let i = 0; i < 3; i++) {
      const res = await ctx.http.post('/api/me/practice-sessions').set(learner.auth).send({}).expect(201);
      expect(res.body).toMatchObject({
        id: expect.any(Number),
        finishedAt: null,
        totalQuestions: 0,
        correctAnswers: 0,
        durationSeconds: null,
      });
      ids.push(res.body.id);
    }
    const first = await ctx.http.get('/api/me/practice-sessions?limit=2').set(learner.auth).expect(200);
    expect(first.body.items.map((s: { id: number }) => s.id)).toEqual([ids[2], ids[1]]);
    const second = await ctx.http.get(`/api/me/practice-sessions?limit=2&cursor=${first.body.nextCursor}`).set(learner.auth).expect(200);
    expect(second.body).toMatchObject({ items: [{ id: ids[0] }], nextCursor: null });

    await ctx.http.get(`/api/me/practice-sessions/${ids[0]}`).set(learner.auth).expect(200);
    const hidden = await ctx.http.get(`/api/me/practice-sessions/${ids[0]}`).set(other.auth).expect(404);
    expect(hidden.body.code).toBe('not_found');
    await ctx.http
      .post(`/api/me/practice-sessions/${ids[0]}/answers`)
      .set(other.auth)
      .send({ answerId: randomUUID(), wordId: 1, rating: 3, responseMs: 1 })
      .expect(404);
    await ctx.http.post(`/api/me/practice-sessions/${ids[0]}/finish`).set(other.auth).expect(404);
    expect((await ctx.http.get('/api/me/practice-sessions').set(other.auth).expect(200)).body.items).toEqual([]);

    // A valid token for a learner who no longer exists.
    const gone = await ctx.http.post('/api/me/practice-sessions').set(ctx.auth(2_000_000_000)).send({}).expect(409);
    expect(gone.body).toMatchObject({ code: 'foreign_key_violation', constraint: 'fk_practice_sessions_user_id' });
  });

  it("an answer updates counters, the learner's FSRS card and the log in one go; a retry returns the first result", async () => {
    const learner = await ctx.newLearner();
    const [good, bad] = await newWords(ctx, (await newCategory(ctx)).id, 2);
    const session = (await ctx.http.post('/api/me/practice-sessions').set(learner.auth).send({}).expect(201)).body;
    const answerId = randomUUID();
    const first = await ctx.http
      .post(`/api/me/practice-sessions/${session.id}/answers`)
      .set(learner.auth)
      .send({ answerId, wordId: good.id, rating: 3, responseMs: 1200 })
      .expect(201);
    expect(first.body).toMatchObject({
      answerId,
      sessionId: session.id,
      wordId: good.id,
      rating: 3,
      correct: true,
      responseMs: 1200,
      card: {
        state: 'learning',
        masteryLevel: 1,
        dueAt: expect.any(String),
        stability: expect.any(Number),
        difficulty: expect.any(Number),
      },
    });
    const retry = await ctx.http
      .post(`/api/me/practice-sessions/${session.id}/answers`)
      .set(learner.auth)
      .send({ answerId, wordId: good.id, rating: 3, responseMs: 1200 })
      .expect(201);
    expect(retry.body).toEqual(first.body);
    await ctx.http
      .post(`/api/me/practice-sessions/${session.id}/answers`)
      .set(learner.auth)
      .send({ answerId: randomUUID(), wordId: bad.id, rating: 1, responseMs: 3000 })
      .expect(201);

    const read = await ctx.http.get(`/api/me/practice-sessions/${session.id}`).set(learner.auth).expect(200);
    expect(read.body).toMatchObject({ totalQuestions: 2, correctAnswers: 1 });
    const vocab = await ctx.http.get('/api/me/vocabulary').set(learner.auth).expect(200);
    expect(vocab.body.items).toEqual([
      expect.objectContaining({ wordId: good.id, timesSeen: 1, timesCorrect: 1, reps: 1, state: 'learning', dueAt: first.body.card.dueAt }),
      expect.objectContaining({ wordId: bad.id, timesSeen: 1, timesCorrect: 0, reps: 1 }),
    ]);
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM practice_answers WHERE session_id = $1`, [session.id]);
    expect(n).toBe(2);
  });

  it('finish sets finished_at and duration (idempotent); answering a finished session is 409 state_conflict', async () => {
    const learner = await ctx.newLearner();
    const [word] = await newWords(ctx, (await newCategory(ctx)).id, 1);
    const session = (await ctx.http.post('/api/me/practice-sessions').set(learner.auth).send({}).expect(201)).body;
    const answerId = randomUUID();
    await ctx.http
      .post(`/api/me/practice-sessions/${session.id}/answers`)
      .set(learner.auth)
      .send({ answerId, wordId: word.id, rating: 4, responseMs: 10 })
      .expect(201);
    const finished = await ctx.http.post(`/api/me/practice-sessions/${session.id}/finish`).set(learner.auth).expect(200);
    expect(finished.body).toMatchObject({
      finishedAt: expect.any(String),
      durationSeconds: expect.any(Number),
      totalQuestions: 1,
      correctAnswers: 1,
    });
    const again = await ctx.http.post(`/api/me/practice-sessions/${session.id}/finish`).set(learner.auth).expect(200);
    expect(again.body).toEqual(finished.body);

    const late = await ctx.http
      .post(`/api/me/practice-sessions/${session.id}/answers`)
      .set(learner.auth)
      .send({ answerId: randomUUID(), wordId: word.id, rating: 3, responseMs: 10 })
      .expect(409);
    expect(late.body.code).toBe('state_conflict');
    // A retry of an answer given before the finish still gets its first result.
    await ctx.http
      .post(`/api/me/practice-sessions/${session.id}/answers`)
      .set(learner.auth)
      .send({ answerId, wordId: word.id, rating: 4, responseMs: 10 })
      .expect(201);
  });

  it('answering an unknown word is 409 fk_user_vocabulary_word_id and counts nothing', async () => {
    const learner = await ctx.newLearner();
    const session = (await ctx.http.post('/api/me/practice-sessions').set(learner.auth).send({}).expect(201)).body;
    const res = await ctx.http
      .post(`/api/me/practice-sessions/${session.id}/answers`)
      .set(learner.auth)
      .send({ answerId: randomUUID(), wordId: 2_000_000_000, rating: 3, responseMs: 10 })
      .expect(409);
    expect(res.body).toMatchObject({ code: 'foreign_key_violation', constraint: 'fk_user_vocabulary_word_id' });
    const read = await ctx.http.get(`/api/me/practice-sessions/${session.id}`).set(learner.auth).expect(200);
    expect(read.body.totalQuestions).toBe(0);
  });

  it('the database enforces the session and review-log rules (owner, counters, rating, response time, append-only)', async () => {
    const learner = await ctx.newLearner();
    const [word] = await newWords(ctx, (await newCategory(ctx)).id, 1);
    const session = (await ctx.http.post('/api/me/practice-sessions').set(learner.auth).send({}).expect(201)).body;
    const failure = (sql: string, params: unknown[]) =>
      ctx.dataSource.query(sql, params).then(
        () => undefined,
        (err: { driverError?: { constraint?: string; code?: string } }) => err.driverError?.constraint ?? err.driverError?.code,
      );
    expect(await failure(`INSERT INTO practice_sessions DEFAULT VALUES`, [])).toBe('ck_practice_sessions_user_id_required');
    expect(await failure(`UPDATE practice_sessions SET correct_answers = 1 WHERE id = $1`, [session.id])).toBe(
      'ck_practice_sessions_answers',
    );
    expect(await failure(`UPDATE practice_sessions SET duration_seconds = -1 WHERE id = $1`, [session.id])).toBe(
      'ck_practice_sessions_duration_seconds',
    );
    const answer = `INSERT INTO practice_answers (session_id, user_id, word_id, answer_id, rating, response_ms, state, due_at, stability, difficulty, mastery_level)
                    VALUES ($1, $2, $3, $4, $5, $6, 0, now(), 0, 0, 0)`;
    expect(await failure(answer, [session.id, learner.id, word.id, randomUUID(), 5, 1])).toBe('ck_practice_answers_rating');
    expect(await failure(answer, [session.id, learner.id, word.id, randomUUID(), 3, -1])).toBe('ck_practice_answers_response_ms');
    const id = randomUUID();
    expect(await failure(answer, [session.id, learner.id, word.id, id, 3, 1])).toBeUndefined();
    expect(await failure(answer, [session.id, learner.id, word.id, id, 3, 1])).toBe('uq_practice_answers_session_id_answer_id');
    expect(await failure(`UPDATE practice_answers SET rating = 1 WHERE answer_id = $1`, [id])).toBe('55000');
  });

  it('rejects bad answers with 400 before any query runs', async () => {
    const learner = await ctx.newLearner();
    const bodies = [
      { answerId: 'not-a-uuid', wordId: 1, rating: 3, responseMs: 1 },
      { answerId: randomUUID(), wordId: 1, rating: 5, responseMs: 1 },
      { answerId: randomUUID(), wordId: 1, rating: 0, responseMs: 1 },
      { answerId: randomUUID(), wordId: '1', rating: 3, responseMs: 1 },
      { answerId: randomUUID(), wordId: 1, rating: 3, responseMs: -1 },
      { answerId: randomUUID(), wordId: 1, rating: 3 },
      { answerId: randomUUID(), wordId: 1, rating: 3, responseMs: 1, correct: true },
    ];
    for (const body of bodies) {
      const { count, result } = await ctx.countStatements(() =>
        ctx.http.post('/api/me/practice-sessions/1/answers').set(learner.auth).send(body),
      );
      expect({ body, status: result.status, count }).toEqual({ body, status: 400, count: 0 });
    }
    for (const url of [
      '/api/me/practice-sessions?limit=0',
      '/api/me/practice-sessions?limit=101',
      `/api/me/practice-sessions?cursor=${Buffer.from('["1"]').toString('base64url')}`,
    ]) {
      const { count, result } = await ctx.countStatements(() => ctx.http.get(url).set(learner.auth));
      expect({ url, status: result.status, count }).toEqual({ url, status: 400, count: 0 });
    }
    const extra = await ctx.countStatements(() => ctx.http.post('/api/me/practice-sessions').set(learner.auth).send({ userId: 1 }));
    expect([extra.result.status, extra.count]).toEqual([400, 0]);
  });

  it('the session list runs the same number of statements for 1 row and for 100 rows', async () => {
    const few = await ctx.newLearner();
    const many = await ctx.newLearner();
    await ctx.dataSource.query(`INSERT INTO practice_sessions (user_id) SELECT $1 FROM generate_series(1, 100)`, [many.id]);
    await ctx.dataSource.query(`INSERT INTO practice_sessions (user_id) VALUES ($1)`, [few.id]);
    const small = await ctx.countStatements(() => ctx.http.get('/api/me/practice-sessions?limit=100').set(few.auth).expect(200));
    const large = await ctx.countStatements(() => ctx.http.get('/api/me/practice-sessions?limit=100').set(many.auth).expect(200));
    expect([small.result.body.items.length, large.result.body.items.length]).toEqual([1, 100]);
    expect(large.count).toBe(small.count);
  });
});
