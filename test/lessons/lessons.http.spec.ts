import { seedDemoLessons } from '../../host/demo/lessons.demo';
import { Learner, TestContext } from '../harness/context';
import { validPlan } from './fixtures';

describe('lessons over HTTP', () => {
  let ctx: TestContext;
  let author: Learner;
  let learner: Learner;
  beforeAll(async () => {
    ctx = await TestContext.create();
    author = await ctx.newAuthor();
    learner = await ctx.newLearner();
  });
  afterAll(() => ctx.close());

  const newLesson = async (title = 'Ordering food') =>
    (await ctx.http.post('/api/lessons').set(author.auth).send({ title, canDo: 'I can order food' }).expect(201)).body;
  const compile = (id: number, lessonPlan: object) => ctx.http.post(`/api/lessons/${id}/versions`).set(author.auth).send({ lessonPlan });

  it('lesson writes are author-only (403); reads are open to learners', async () => {
    const res = await ctx.http.post('/api/lessons').set(learner.auth).send({ title: 'x' }).expect(403);
    expect(res.body.code).toBe('forbidden');
    const lesson = await newLesson();
    expect(lesson).toEqual({
      id: expect.any(Number),
      title: 'Ordering food',
      canDo: 'I can order food',
      status: 'draft',
      latestVersion: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    await ctx.http.post(`/api/lessons/${lesson.id}/versions`).set(learner.auth).send({ lessonPlan: validPlan() }).expect(403);
    const read = await ctx.http.get(`/api/lessons/${lesson.id}`).set(learner.auth).expect(200);
    expect(read.body).toMatchObject({ id: lesson.id, status: 'draft', latestVersion: null, lessonPlan: null });
    await ctx.http.post('/api/lessons').set(author.auth).send({ title: '   ' }).expect(400);
    await ctx.http.get('/api/lessons/999999999').set(learner.auth).expect(404);
  });

  it('compiles versions 1, 2 …; the lesson read returns the latest plan in one query', async () => {
    const lesson = await newLesson();
    const v1 = (await compile(lesson.id, validPlan('A1')).expect(201)).body;
    expect(v1).toMatchObject({ lessonId: lesson.id, version: 1, lessonPlan: { level: 'A1', stepCount: 2, totalMinutes: 15 } });
    const v2 = (await compile(lesson.id, validPlan('A2')).expect(201)).body;
    expect(v2.version).toBe(2);

    const { count, result } = await ctx.countStatements(() => ctx.http.get(`/api/lessons/${lesson.id}`).set(learner.auth));
    expect(result.body).toMatchObject({ status: 'completed', latestVersion: 2, lessonPlan: { level: 'A2' } });
    expect(count).toBe(1);

    const versions = await ctx.http.get(`/api/lessons/${lesson.id}/versions`).set(learner.auth).expect(200);
    expect(versions.body).toMatchObject({ total: 2, page: 1, items: [{ version: 2 }, { version: 1 }] });
    const one = await ctx.http.get(`/api/lessons/${lesson.id}/versions/1`).set(learner.auth).expect(200);
    expect(one.body).toEqual(v1);
    await ctx.http.get(`/api/lessons/${lesson.id}/versions/3`).set(learner.auth).expect(404);
    await ctx.http.get('/api/lessons/999999999/versions').set(learner.auth).expect(404);
    await compile(999_999_999, validPlan()).expect(404);
  });

  it('a plan the compiler rejects → 400 with its findings, status failed, no version row', async () => {
    const lesson = await newLesson();
    await compile(lesson.id, validPlan()).expect(201);
    const bad = {
      objectives: [],
      steps: [
        { id: 'a', type: 'presentation', title: 'A', durationMinutes: 5, dependsOn: ['b'] },
        { id: 'b', type: 'karaoke', title: 'B', durationMinutes: 500 },
        { id: 'a', type: 'quiz', title: '', durationMinutes: 5 },
      ],
    };
    const res = await compile(lesson.id, bad).expect(400);
    expect(res.body.code).toBe('validation_failed');
    expect(res.body.details.map((d: { field: string }) => d.field).sort()).toEqual([
      'lessonPlan.objectives',
      'lessonPlan.steps.0.dependsOn',
      'lessonPlan.steps.1.durationMinutes',
      'lessonPlan.steps.1.type',
      'lessonPlan.steps.2.id',
      'lessonPlan.steps.2.title',
    ]);
    const after = await ctx.http.get(`/api/lessons/${lesson.id}`).set(learner.auth).expect(200);
    expect(after.body).toMatchObject({ status: 'failed', latestVersion: 1 });
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM lesson_versions WHERE lesson_id = $1`, [lesson.id]);
    expect(n).toBe(1);
    await compile(lesson.id, { steps: 'none' }).expect(400);
    await ctx.http
      .post(`/api/lessons/${lesson.id}/versions`)
      .set(author.auth)
      .send({ lessonPlan: [1] })
      .expect(400);
    expect((await compile(lesson.id, validPlan()).expect(201)).body.version).toBe(2);
    expect((await ctx.http.get(`/api/lessons/${lesson.id}`).set(learner.auth)).body.status).toBe('completed');
  });

  it('a compile runs the same statements for a 2-step and a 60-step plan (no per-step queries)', async () => {
    const lesson = await newLesson();
    const small = await ctx.countStatements(() => compile(lesson.id, validPlan()).expect(201));
    const steps = Array.from({ length: 60 }, (_, i) => ({ id: `s${i}`, type: 'practice', title: `Step ${i}`, durationMinutes: 2 }));
    const big = await ctx.countStatements(() => compile(lesson.id, { objectives: ['Many steps'], steps }).expect(201));
    expect(big.result.body).toMatchObject({ version: 2, lessonPlan: { stepCount: 60, totalMinutes: 120 } });
    expect(big.count).toBe(small.count);
    expect(small.statements.map((sql) => sql.trim().split(/\s+/)[0].toUpperCase())).toEqual([
      'WITH',
      'START',
      'SET',
      'WITH',
      'INSERT',
      'COMMIT',
    ]); // compiling committed on its own (issue 9)
  });

  it('20 concurrent compiles of one lesson get distinct consecutive versions', async () => {
    const lesson = await newLesson();
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => compile(lesson.id, validPlan('B1', { run: i }))));
    expect(results.map((r) => r.status).filter((s) => s !== 201)).toEqual([]);
    expect(results.map((r) => r.body.version).sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const latest = await ctx.http.get(`/api/lessons/${lesson.id}`).set(learner.auth).expect(200);
    expect(latest.body).toMatchObject({ status: 'completed', latestVersion: 20 });
  });

  it('lists lessons paged, by status and by plan content (@>)', async () => {
    const a = await newLesson('Paging A');
    const b = await newLesson('Paging B');
    await compile(a.id, validPlan('C2', { theme: 'paging-test' })).expect(201);
    await compile(b.id, validPlan('C2', { theme: 'paging-test' })).expect(201);
    await compile(b.id, validPlan('C1', { theme: 'paging-test' })).expect(201);

    const theme = encodeURIComponent(JSON.stringify({ theme: 'paging-test' }));
    const byTheme = await ctx.http.get(`/api/lessons?plan=${theme}`).set(learner.auth).expect(200);
    expect(byTheme.body).toMatchObject({
      total: 2,
      items: [
        { id: b.id, latestVersion: 2 },
        { id: a.id, latestVersion: 1 },
      ],
    });
    // only the latest version counts: b's C2 plan was replaced by C1
    const c2 = encodeURIComponent(JSON.stringify({ theme: 'paging-test', level: 'C2' }));
    expect(
      (await ctx.http.get(`/api/lessons?plan=${c2}`).set(learner.auth).expect(200)).body.items.map((l: { id: number }) => l.id),
    ).toEqual([a.id]);
    const steps = encodeURIComponent(JSON.stringify({ theme: 'paging-test', steps: [{ type: 'practice' }] }));
    expect((await ctx.http.get(`/api/lessons?plan=${steps}`).set(learner.auth).expect(200)).body.total).toBe(2);

    const page = await ctx.http.get('/api/lessons?page=1&perPage=1').set(learner.auth).expect(200);
    expect(page.body).toMatchObject({ page: 1, perPage: 1, items: [expect.objectContaining({ id: expect.any(Number) })] });
    expect(page.body.pages).toBe(page.body.total);
    const drafts = await ctx.http.get('/api/lessons?status=draft&perPage=100').set(learner.auth).expect(200);
    expect(drafts.body.items.every((l: { status: string }) => l.status === 'draft')).toBe(true);
    for (const q of ['status=done', 'plan=x', 'perPage=101', 'page=0']) {
      expect((await ctx.http.get(`/api/lessons?${q}`).set(learner.auth)).status).toBe(400);
    }
  });

  it('caches lesson reads and lists; a compile or a new lesson invalidates them after commit', async () => {
    const lesson = await newLesson('Cached');
    await compile(lesson.id, validPlan('A1')).expect(201);
    await ctx.http.get(`/api/lessons/${lesson.id}`).set(learner.auth).expect(200);
    const hit = await ctx.countStatements(() => ctx.http.get(`/api/lessons/${lesson.id}`).set(learner.auth));
    expect(hit.count).toBe(0);
    await compile(lesson.id, validPlan('A2')).expect(201);
    const fresh = await ctx.countStatements(() => ctx.http.get(`/api/lessons/${lesson.id}`).set(learner.auth));
    expect(fresh.result.body).toMatchObject({ latestVersion: 2, lessonPlan: { level: 'A2' } });
    expect(fresh.count).toBe(1);

    const list = () => ctx.http.get('/api/lessons?perPage=5').set(learner.auth);
    await list();
    expect((await ctx.countStatements(list)).count).toBe(0);
    const created = await newLesson('Invalidates the list');
    const relisted = await ctx.countStatements(list);
    expect(relisted.count).toBe(1); // page and total in one statement (issue 9)
    expect(relisted.result.body.items[0].id).toBe(created.id);

    // concurrent misses of one key load once
    await compile(lesson.id, validPlan('B1')).expect(201);
    const burst = await ctx.countStatements(() =>
      Promise.all(Array.from({ length: 10 }, () => ctx.http.get(`/api/lessons/${lesson.id}`).set(learner.auth))),
    );
    expect(burst.result.every((r) => r.body.latestVersion === 3)).toBe(true);
    expect(burst.count).toBe(1);
  });

  it('a cache outage (Redis down) degrades to the database', async () => {
    const down = await TestContext.create({ databaseUrl: ctx.databaseUrl, env: { REDIS_URL: 'redis://127.0.0.1:1' } });
    try {
      const lesson = await newLesson('Outage');
      await compile(lesson.id, validPlan()).expect(201);
      const read = await down.http.get(`/api/lessons/${lesson.id}`).set(learner.auth).expect(200);
      expect(read.body).toMatchObject({ id: lesson.id, latestVersion: 1 });
      await down.http.get('/api/lessons?perPage=2').set(learner.auth).expect(200);
      await down.http
        .post(`/api/lessons/${lesson.id}/versions`)
        .set(author.auth)
        .send({ lessonPlan: validPlan('B2') })
        .expect(201);
      expect((await down.http.get(`/api/lessons/${lesson.id}`).set(learner.auth).expect(200)).body.latestVersion).toBe(2);
    } finally {
      await down.close();
    }
  });

  it('list routes run the same number of statements for 1 row and for 30 rows (cache misses)', async () => {
    const lone = await newLesson('Lone');
    await compile(lone.id, validPlan()).expect(201);
    const many = await newLesson('Many');
    for (let i = 0; i < 30; i++) await compile(many.id, validPlan()).expect(201);
    for (let i = 0; i < 25; i++) await newLesson(`Filler ${i}`);
    const versionsOne = await ctx.countStatements(() =>
      ctx.http.get(`/api/lessons/${lone.id}/versions?perPage=100`).set(learner.auth).expect(200),
    );
    const versionsMany = await ctx.countStatements(() =>
      ctx.http.get(`/api/lessons/${many.id}/versions?perPage=100`).set(learner.auth).expect(200),
    );
    expect(versionsMany.result.body.items).toHaveLength(30);
    expect(versionsMany.count).toBe(versionsOne.count);
    const listOne = await ctx.countStatements(() => ctx.http.get('/api/lessons?perPage=1&page=1').set(learner.auth).expect(200));
    const listMany = await ctx.countStatements(() => ctx.http.get('/api/lessons?perPage=100&page=1').set(learner.auth).expect(200));
    expect(listMany.result.body.items.length).toBeGreaterThan(20);
    expect(listMany.count).toBe(listOne.count);
    expect(listOne.count).toBe(1); // page and total in one statement (issue 9)
  });

  it('the demo seeder compiles its lessons through the real service', async () => {
    await seedDemoLessons(ctx.app);
    const res = await ctx.http.get('/api/lessons?perPage=2').set(learner.auth).expect(200);
    expect(res.body.items.map((l: { title: string; latestVersion: number }) => [l.title, l.latestVersion])).toEqual([
      ['Ordering food', 1],
      ['Greetings and introductions', 1],
    ]);
  });
});
