import { Lesson } from '../../src/lessons/entities/lesson.entity';
import { classifyDatabaseError } from '../../src/database/db-errors';
import { Learner, TestContext } from '../harness/context';
import { validPlan } from './fixtures';

describe('lesson sessions, lesson constraints, cascades and updated_at', () => {
  let ctx: TestContext;
  let author: Learner;
  beforeAll(async () => {
    ctx = await TestContext.create();
    author = await ctx.newAuthor();
  });
  afterAll(() => ctx.close());

  const compiledLesson = async (versions = 1) => {
    const lesson = (await ctx.http.post('/api/lessons').set(author.auth).send({ title: 'Greetings' }).expect(201)).body;
    for (let i = 0; i < versions; i++)
      await ctx.http.post(`/api/lessons/${lesson.id}/versions`).set(author.auth).send({ lessonPlan: validPlan() }).expect(201);
    return lesson.id as number;
  };

  it('starts a session on the latest (or a chosen) version, updates it, and refuses changes once it is over', async () => {
    const learner = await ctx.newLearner();
    const lessonId = await compiledLesson(2);
    const started = await ctx.http.post('/api/me/lesson-sessions').set(learner.auth).send({ lessonId }).expect(201);
    expect(started.body).toEqual({
      id: expect.any(Number),
      lessonId,
      lessonTitle: 'Greetings',
      lessonVersionId: expect.any(Number),
      version: 2,
      status: 'in_progress',
      score: null,
      startedAt: expect.any(String),
      completedAt: null,
    });
    const older = await ctx.http.post('/api/me/lesson-sessions').set(learner.auth).send({ lessonId, version: 1 }).expect(201);
    expect(older.body.version).toBe(1);
    await ctx.http.post('/api/me/lesson-sessions').set(learner.auth).send({ lessonId, version: 9 }).expect(404);
    await ctx.http.post('/api/me/lesson-sessions').set(learner.auth).send({ lessonId: 999_999_999 }).expect(404);
    const draft = (await ctx.http.post('/api/lessons').set(author.auth).send({ title: 'Draft' })).body;
    expect((await ctx.http.post('/api/me/lesson-sessions').set(learner.auth).send({ lessonId: draft.id }).expect(409)).body.code).toBe(
      'state_conflict',
    );

    const scored = await ctx.http.patch(`/api/me/lesson-sessions/${started.body.id}`).set(learner.auth).send({ score: 40 }).expect(200);
    expect(scored.body).toMatchObject({ status: 'in_progress', score: 40, completedAt: null });
    const done = await ctx.http
      .patch(`/api/me/lesson-sessions/${started.body.id}`)
      .set(learner.auth)
      .send({ status: 'completed', score: 85 })
      .expect(200);
    expect(done.body).toMatchObject({ status: 'completed', score: 85, completedAt: expect.any(String) });
    expect(
      (await ctx.http.patch(`/api/me/lesson-sessions/${started.body.id}`).set(learner.auth).send({ score: 99 }).expect(409)).body.code,
    ).toBe('state_conflict');
    await ctx.http.patch(`/api/me/lesson-sessions/${started.body.id}`).set(learner.auth).send({ score: 101 }).expect(400);
    await ctx.http.patch(`/api/me/lesson-sessions/${older.body.id}`).set(learner.auth).send({}).expect(400);

    const list = await ctx.http.get('/api/me/lesson-sessions?limit=1').set(learner.auth).expect(200);
    expect(list.body.items.map((s: { id: number }) => s.id)).toEqual([older.body.id]);
    const next = await ctx.http.get(`/api/me/lesson-sessions?limit=1&cursor=${list.body.nextCursor}`).set(learner.auth).expect(200);
    expect(next.body).toMatchObject({ items: [{ id: started.body.id, status: 'completed' }], nextCursor: null });
    const completed = await ctx.http.get('/api/me/lesson-sessions?status=completed').set(learner.auth).expect(200);
    expect(completed.body.items.map((s: { id: number }) => s.id)).toEqual([started.body.id]);
  });

  it("another learner's lesson session is 404 and never listed", async () => {
    const owner = await ctx.newLearner();
    const intruder = await ctx.newLearner();
    const lessonId = await compiledLesson();
    const s = (await ctx.http.post('/api/me/lesson-sessions').set(owner.auth).send({ lessonId }).expect(201)).body;
    const res = await ctx.http.patch(`/api/me/lesson-sessions/${s.id}`).set(intruder.auth).send({ status: 'abandoned' }).expect(404);
    expect(res.body.code).toBe('not_found');
    expect((await ctx.http.get('/api/me/lesson-sessions').set(intruder.auth)).body.items).toEqual([]);
    expect((await ctx.http.get('/api/me/lesson-sessions').set(owner.auth)).body.items[0]).toMatchObject({
      id: s.id,
      status: 'in_progress',
    });
  });

  it('GET /me/lesson-sessions runs the same number of statements for 1 and 30 sessions', async () => {
    const lessonId = await compiledLesson();
    const measure = async (n: number) => {
      const learner = await ctx.newLearner();
      for (let i = 0; i < n; i++) await ctx.http.post('/api/me/lesson-sessions').set(learner.auth).send({ lessonId }).expect(201);
      const { count, result } = await ctx.countStatements(() =>
        ctx.http.get('/api/me/lesson-sessions?limit=50').set(learner.auth).expect(200),
      );
      expect(result.body.items).toHaveLength(n);
      return count;
    };
    const one = await measure(1);
    expect(await measure(30)).toBe(one);
    expect(one).toBe(1);
  });

  describe('constraints → 409 naming them', () => {
    let lessonId: number;
    let versionId: number;
    let userId: number;
    beforeAll(async () => {
      lessonId = await compiledLesson();
      [{ id: versionId }] = await ctx.dataSource.query(`SELECT id FROM lesson_versions WHERE lesson_id = $1`, [lessonId]);
      userId = (await ctx.newLearner()).id;
    });
    const ls = `INSERT INTO lesson_sessions (lesson_id, lesson_version_id, user_id, status, score) VALUES ($1, $2, $3, $4, $5)`;
    const cases: Array<[string, string, () => [string, unknown[]]]> = [
      ['check_violation', 'ck_lessons_status', () => [`INSERT INTO lessons (title, status) VALUES ('x', 'published')`, []]],
      [
        'check_violation',
        'ck_lesson_versions_version',
        () => [`INSERT INTO lesson_versions (lesson_id, version, lesson_plan) VALUES ($1, 0, '{}')`, [lessonId]],
      ],
      [
        'unique_violation',
        'uq_lesson_versions_lesson_id_version',
        () => [`INSERT INTO lesson_versions (lesson_id, version, lesson_plan) VALUES ($1, 1, '{}')`, [lessonId]],
      ],
      [
        'foreign_key_violation',
        'fk_lesson_versions_lesson_id',
        () => [`INSERT INTO lesson_versions (lesson_id, version, lesson_plan) VALUES (2000000000, 1, '{}')`, []],
      ],
      ['check_violation', 'ck_lesson_sessions_status', () => [ls, [lessonId, versionId, userId, 'done', 50]]],
      ['check_violation', 'ck_lesson_sessions_score', () => [ls, [lessonId, versionId, userId, 'completed', 101]]],
      ['foreign_key_violation', 'fk_lesson_sessions_user_id', () => [ls, [lessonId, versionId, 2_000_000_000, 'in_progress', null]]],
      ['foreign_key_violation', 'fk_lesson_sessions_lesson_id', () => [ls, [2_000_000_000, versionId, userId, 'in_progress', null]]],
      ['foreign_key_violation', 'fk_lesson_sessions_lesson_version_id', () => [ls, [lessonId, 2_000_000_000, userId, 'in_progress', null]]],
    ];
    it.each(cases)('%s on %s', async (code, constraint, build) => {
      const [sql, params] = build();
      const err = await ctx.dataSource.query(sql, params).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(classifyDatabaseError(err)).toMatchObject({ status: 409, code, constraint });
    });

    it('a lesson with learner sessions cannot be deleted (RESTRICT → 409); without sessions its versions go with it', async () => {
      const learner = await ctx.newLearner();
      await ctx.http.post('/api/me/lesson-sessions').set(learner.auth).send({ lessonId }).expect(201);
      const err = await ctx.dataSource.query(`DELETE FROM lessons WHERE id = $1`, [lessonId]).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(classifyDatabaseError(err)).toMatchObject({
        status: 409,
        code: 'foreign_key_violation',
        constraint: expect.stringMatching(/^fk_lesson_sessions_lesson(_version)?_id$/),
      });

      const free = await compiledLesson(3);
      await ctx.dataSource.query(`DELETE FROM lessons WHERE id = $1`, [free]);
      const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM lesson_versions WHERE lesson_id = $1`, [free]);
      expect(n).toBe(0);

      await ctx.dataSource.query(`DELETE FROM users WHERE id = $1`, [learner.id]);
      const [{ left }] = await ctx.dataSource.query(`SELECT count(*)::int AS left FROM lesson_sessions WHERE user_id = $1`, [learner.id]);
      expect(left).toBe(0);
    });
  });

  it('lessons.updated_at advances on QueryBuilder .update() and on raw SQL', async () => {
    const id = await compiledLesson(0);
    const stamp = async () =>
      new Date((await ctx.dataSource.query(`SELECT updated_at FROM lessons WHERE id = $1`, [id]))[0].updated_at).getTime();
    // Each write starts from a stamp in the distant past (set with the trigger off), so "advanced"
    // does not depend on two writes landing in different milliseconds.
    const backdate = async () => {
      await ctx.dataSource.query(`ALTER TABLE lessons DISABLE TRIGGER trg_lessons_updated_at`);
      await ctx.dataSource.query(`UPDATE lessons SET updated_at = '2000-01-01' WHERE id = $1`, [id]);
      await ctx.dataSource.query(`ALTER TABLE lessons ENABLE TRIGGER trg_lessons_updated_at`);
      return stamp();
    };
    const t0 = await backdate();
    await ctx.dataSource.createQueryBuilder().update(Lesson).set({ title: 'QB' }).where('id = :id', { id }).execute();
    expect(await stamp()).toBeGreaterThan(t0);
    const t1 = await backdate();
    await ctx.dataSource.query(`UPDATE lessons SET title = 'raw', updated_at = '2000-01-01' WHERE id = $1`, [id]);
    expect(await stamp()).toBeGreaterThan(t1); // even an explicit value is overridden by the trigger
  });
});
