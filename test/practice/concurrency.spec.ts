import { randomUUID } from 'node:crypto';
import { TestContext } from '../harness/context';
import { newCategory, newWords } from '../vocabulary/factories';

describe('practice answers under concurrency', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    // 50 requests queue on one session's row lock: give the pool's acquire wait room for that.
    ctx = await TestContext.create({ env: { DB_POOL_MAX: '10', DB_POOL_ACQUIRE_TIMEOUT_MS: '20000' } });
  });
  afterAll(() => ctx.close());

  it("50 concurrent answers for one learner's session and word leave every counter exactly right", async () => {
    const learner = await ctx.newLearner();
    const [word] = await newWords(ctx, (await newCategory(ctx)).id, 1);
    const session = (await ctx.http.post('/api/me/practice-sessions').set(learner.auth).send({}).expect(201)).body;
    const ratings = Array.from({ length: 50 }, (_, i) => ((i % 4) + 1) as 1 | 2 | 3 | 4);
    const results = await Promise.all(
      ratings.map((rating) =>
        ctx.http
          .post(`/api/me/practice-sessions/${session.id}/answers`)
          .set(learner.auth)
          .send({ answerId: randomUUID(), wordId: word.id, rating, responseMs: 100 }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(ratings.map(() => 201));
    const correct = ratings.filter((r) => r >= 2).length;

    const read = await ctx.http.get(`/api/me/practice-sessions/${session.id}`).set(learner.auth).expect(200);
    expect(read.body).toMatchObject({ totalQuestions: 50, correctAnswers: correct });
    const [card] = await ctx.dataSource.query(
      `SELECT times_seen, times_correct, reps FROM user_vocabulary WHERE user_id = $1 AND word_id = $2`,
      [learner.id, word.id],
    );
    expect(card).toEqual({ times_seen: 50, times_correct: correct, reps: 50 });
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM practice_answers WHERE session_id = $1`, [session.id]);
    expect(n).toBe(50);
    const stats = await ctx.http.get('/api/me/vocabulary/stats').set(learner.auth).expect(200);
    expect(stats.body.total).toBe(1);
  });

  it('the same answerId sent 10 times concurrently is applied once and every caller gets the same result', async () => {
    const learner = await ctx.newLearner();
    const [word] = await newWords(ctx, (await newCategory(ctx)).id, 1);
    const session = (await ctx.http.post('/api/me/practice-sessions').set(learner.auth).send({}).expect(201)).body;
    const body = { answerId: randomUUID(), wordId: word.id, rating: 3, responseMs: 500 };
    const results = await Promise.all(
      Array.from({ length: 10 }, () => ctx.http.post(`/api/me/practice-sessions/${session.id}/answers`).set(learner.auth).send(body)),
    );
    expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
    for (const r of results) expect(r.body).toEqual(results[0].body);

    const read = await ctx.http.get(`/api/me/practice-sessions/${session.id}`).set(learner.auth).expect(200);
    expect(read.body).toMatchObject({ totalQuestions: 1, correctAnswers: 1 });
    const [card] = await ctx.dataSource.query(
      `SELECT times_seen, times_correct, reps FROM user_vocabulary WHERE user_id = $1 AND word_id = $2`,
      [learner.id, word.id],
    );
    expect(card).toEqual({ times_seen: 1, times_correct: 1, reps: 1 });
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM practice_answers WHERE session_id = $1`, [session.id]);
    expect(n).toBe(1);
  });

  it('two sessions of one learner answering the same word concurrently serialise on the card row', async () => {
    const learner = await ctx.newLearner();
    const [word] = await newWords(ctx, (await newCategory(ctx)).id, 1);
    const sessions = await Promise.all(
      [1, 2].map(async () => (await ctx.http.post('/api/me/practice-sessions').set(learner.auth).send({}).expect(201)).body.id as number),
    );
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        ctx.http
          .post(`/api/me/practice-sessions/${sessions[i % 2]}/answers`)
          .set(learner.auth)
          .send({ answerId: randomUUID(), wordId: word.id, rating: 3, responseMs: 1 }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const [card] = await ctx.dataSource.query(`SELECT times_seen, reps FROM user_vocabulary WHERE user_id = $1 AND word_id = $2`, [
      learner.id,
      word.id,
    ]);
    expect(card).toEqual({ times_seen: 20, reps: 20 });
  });

  describe('on cards already being learned (the two-statement path)', () => {
    const learnWords = async (learner: { auth: Record<string, string> }, count: number) => {
      const words = await newWords(ctx, (await newCategory(ctx)).id, count);
      for (const w of words)
        await ctx.http
          .put(`/api/me/vocabulary/${w.id}`)
          .set(learner.auth)
          .expect((r) => expect([200, 201]).toContain(r.status));
      return words;
    };
    const startSession = async (learner: { auth: Record<string, string> }) =>
      (await ctx.http.post('/api/me/practice-sessions').set(learner.auth).send({}).expect(201)).body.id as number;
    const answer = (learner: { auth: Record<string, string> }, sessionId: number, body: Record<string, unknown>) =>
      ctx.http
        .post(`/api/me/practice-sessions/${sessionId}/answers`)
        .set(learner.auth)
        .send({ responseMs: 10, rating: 3, ...body });

    it('an answer is two statements and no transaction of its own: the snapshot and the statement that applies it', async () => {
      const learner = await ctx.newLearner();
      const [word] = await learnWords(learner, 1);
      const sessionId = await startSession(learner);
      const { result, statements } = await ctx.countStatements(() =>
        answer(learner, sessionId, { answerId: randomUUID(), wordId: word.id }),
      );
      expect(result.status).toBe(201);
      const own = statements.filter((sql) => !/pg_notify|pg_current_wal/.test(sql));
      expect(own).toHaveLength(2);
      expect(own.join('\n')).not.toMatch(/START TRANSACTION|BEGIN|COMMIT/i);
      expect(own[1]).toMatch(/INSERT INTO practice_answers/);
      const retry = await ctx.countStatements(() => answer(learner, sessionId, { answerId: result.body.answerId, wordId: word.id }));
      expect(retry.result.body).toEqual(result.body);
      expect(retry.statements.filter((sql) => !/pg_notify|pg_current_wal/.test(sql))).toHaveLength(1);
    });

    it('50 concurrent answers to one card: each is applied once on the version before it (no lost update)', async () => {
      const learner = await ctx.newLearner();
      const [word] = await learnWords(learner, 1);
      const sessionId = await startSession(learner);
      const results = await Promise.all(
        Array.from({ length: 50 }, () => answer(learner, sessionId, { answerId: randomUUID(), wordId: word.id })),
      );
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
      const [card] = await ctx.dataSource.query(
        `SELECT times_seen, times_correct, reps FROM user_vocabulary WHERE user_id = $1 AND word_id = $2`,
        [learner.id, word.id],
      );
      expect(card).toEqual({ times_seen: 50, times_correct: 50, reps: 50 });
      const [counts] = await ctx.dataSource.query(
        `SELECT s.total_questions, (SELECT count(*)::int FROM practice_answers a WHERE a.session_id = s.id) AS logged FROM practice_sessions s WHERE s.id = $1`,
        [sessionId],
      );
      expect(counts).toEqual({ total_questions: 50, logged: 50 });
    });

    it('answers racing a finish are each either applied in full (201) or refused (409), never half-applied', async () => {
      const learner = await ctx.newLearner();
      const words = await learnWords(learner, 20);
      const sessionId = await startSession(learner);
      const answers = words.map((w) => answer(learner, sessionId, { answerId: randomUUID(), wordId: w.id }));
      const finish = ctx.http.post(`/api/me/practice-sessions/${sessionId}/finish`).set(learner.auth);
      const [finished, ...results] = await Promise.all([finish, ...answers]);
      expect(finished.status).toBe(200);
      expect(results.every((r) => r.status === 201 || (r.status === 409 && r.body.code === 'state_conflict'))).toBe(true);
      const applied = results.filter((r) => r.status === 201).length;
      const [counts] = await ctx.dataSource.query(
        `SELECT s.total_questions, (SELECT count(*)::int FROM practice_answers a WHERE a.session_id = s.id) AS logged,
                (SELECT sum(times_seen)::int FROM user_vocabulary v WHERE v.user_id = s.user_id) AS seen
           FROM practice_sessions s WHERE s.id = $1`,
        [sessionId],
      );
      expect(counts).toEqual({ total_questions: applied, logged: applied, seen: applied });
    });

    it('one answerId sent concurrently for ten different cards is applied to exactly one, and every caller gets that result', async () => {
      const learner = await ctx.newLearner();
      const words = await learnWords(learner, 10);
      const sessionId = await startSession(learner);
      const answerId = randomUUID();
      const results = await Promise.all(words.map((w) => answer(learner, sessionId, { answerId, wordId: w.id })));
      expect(results.map((r) => r.status)).toEqual(Array(10).fill(201));
      for (const r of results) expect(r.body).toEqual(results[0].body);
      const [counts] = await ctx.dataSource.query(
        `SELECT s.total_questions, (SELECT count(*)::int FROM practice_answers a WHERE a.session_id = s.id) AS logged,
                (SELECT sum(times_seen)::int FROM user_vocabulary v WHERE v.user_id = s.user_id) AS seen
           FROM practice_sessions s WHERE s.id = $1`,
        [sessionId],
      );
      expect(counts).toEqual({ total_questions: 1, logged: 1, seen: 1 });
    });
  });
});
