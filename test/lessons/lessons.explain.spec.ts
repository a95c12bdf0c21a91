import { LESSON_DETAIL_SQL, lessonListParts, lessonPageSql } from '../../src/lessons/lessons.repository';
import { sessionPageSql } from '../../src/lessons/lesson-sessions.repository';
import { PlanSummary, TestContext } from '../harness/context';

/**
 * The lesson queries at realistic volume: 20,000 lessons with 54,600 compiled versions (plans as
 * JSON documents) and 218,400 lesson sessions of 2,000 learners, built set-based and ANALYZEd.
 */
describe('lesson query plans at volume', () => {
  let ctx: TestContext;
  let lessonId: number;
  let learner: number;

  beforeAll(async () => {
    ctx = await TestContext.create({ env: { DB_STATEMENT_TIMEOUT_MS: '300000' } });
    const q = (sql: string) => ctx.dataSource.query(sql);
    const started = Date.now();
    await q(`INSERT INTO users (email, display_name) SELECT 'les' || g || '@example.com', 'Learner ' || g FROM generate_series(1, 2000) g`);
    await q(`INSERT INTO lessons (title, can_do, status)
             SELECT 'Lesson ' || g, 'I can do ' || g, CASE WHEN g % 100 = 0 THEN 'failed' WHEN g % 10 = 0 THEN 'draft' ELSE 'completed' END
               FROM generate_series(1, 20000) g`);
    await q(`INSERT INTO lesson_versions (lesson_id, version, lesson_plan)
             SELECT l.id, v, jsonb_build_object(
                      'level', (ARRAY['A1','A2','B1','B2','C1','C2'])[1 + (l.id % 6)],
                      'theme', CASE WHEN l.id % 2000 = 0 AND v = 3 THEN 'rare-theme' ELSE 'theme-' || (l.id % 300) END,
                      'objectives', jsonb_build_array('objective ' || l.id),
                      'steps', jsonb_build_array(jsonb_build_object('id', 'intro', 'type', 'presentation', 'title', 'Intro', 'durationMinutes', 5),
                                                 jsonb_build_object('id', 's' || v, 'type', (ARRAY['practice','quiz','dialogue'])[1 + (v % 3)], 'title', 'Step', 'durationMinutes', 10)))
               FROM lessons l CROSS JOIN generate_series(1, 3) v WHERE l.status <> 'draft'`);
    await q(`INSERT INTO lesson_sessions (lesson_id, lesson_version_id, user_id, status, score)
             SELECT v.lesson_id, v.id, u0.id + ((v.id * 7 + k * 13) % 2000), 'completed', (v.id + k) % 101
               FROM lesson_versions v CROSS JOIN generate_series(0, 3) k
              CROSS JOIN (SELECT min(id) AS id FROM users WHERE email LIKE 'les%') u0`);
    await q(`ANALYZE lessons, lesson_versions, lesson_sessions, users`);
    [{ lessonId }] = await q(`SELECT max(lesson_id) AS "lessonId" FROM lesson_versions`);
    [{ learner }] = await q(`SELECT min(id) AS learner FROM users WHERE email LIKE 'les%'`);
    const [counts] =
      await q(`SELECT (SELECT count(*) FROM lessons)::int AS lessons, (SELECT count(*) FROM lesson_versions)::int AS versions,
                                     (SELECT count(*) FROM lesson_sessions)::int AS sessions`);
    console.log(`[explain] built ${JSON.stringify(counts)} in ${Date.now() - started} ms`);
    expect(counts).toEqual({ lessons: 20_000, versions: 54_600, sessions: 218_400 });
  }, 180_000);
  afterAll(() => ctx.close());

  const expectPlan = (plan: PlanSummary, index: string, bigTables: string[]) => {
    expect({ plan: plan.text, uses: plan.usesIndex(index) }).toEqual({ plan: plan.text, uses: true });
    for (const t of bigTables) expect(plan.seqScans()).not.toContain(t);
  };

  it('a lesson read with its latest plan is one statement using the primary key and the unique (lesson_id, version) index', async () => {
    const plan = await ctx.explain(LESSON_DETAIL_SQL, [lessonId]);
    expectPlan(plan, 'uq_lesson_versions_lesson_id_version', ['lessons', 'lesson_versions']);
    expect(plan.usesIndex('pk_lessons')).toBe(true);
  });

  it('lessons by a rare status use ix_lessons_status_id (the common one walks the primary key backwards)', async () => {
    const { sql, params } = lessonPageSql({ status: 'failed' }, 0, 20);
    expectPlan(await ctx.explain(sql, params), 'ix_lessons_status_id', ['lessons', 'lesson_versions']);
    // The page of the dominant status walks the primary key backwards, scanning no table.
    const common = lessonListParts({ status: 'completed' }, 0, 20);
    expect((await ctx.explain(common.pageSql, common.params)).seqScans()).toEqual([]);
    // Its total counts most of the table, where a scan is the planner's best choice — as it was when
    // the total was a statement of its own. Since issue 9 page and total are one statement: the
    // count's scan is the only one in it.
    const count = await ctx.explain(common.countSql, common.params.slice(0, common.countParams));
    const whole = lessonPageSql({ status: 'completed' }, 0, 20);
    expect((await ctx.explain(whole.sql, whole.params)).seqScans()).toEqual(count.seqScans());
  });

  it('lessons by plan content (@>) use the GIN index ix_lesson_versions_lesson_plan', async () => {
    const { sql, params } = lessonPageSql({ plan: { theme: 'rare-theme' } }, 0, 20);
    expectPlan(await ctx.explain(sql, params), 'ix_lesson_versions_lesson_plan', ['lessons', 'lesson_versions']);
    const rows = await ctx.dataSource.query(sql, params);
    expect(rows).toHaveLength(10);
    const nested = lessonPageSql({ plan: { theme: 'theme-7', steps: [{ type: 'quiz' }] } }, 0, 20);
    expectPlan(await ctx.explain(nested.sql, nested.params), 'ix_lesson_versions_lesson_plan', ['lessons', 'lesson_versions']);
  });

  it("a learner's lesson sessions page uses ix_lesson_sessions_user_id_id", async () => {
    const { sql, params } = sessionPageSql(learner, undefined, undefined, 21);
    expectPlan(await ctx.explain(sql, params), 'ix_lesson_sessions_user_id_id', ['lesson_sessions', 'lessons', 'lesson_versions']);
  });

  it('the next-version insert reads max(version) from the unique index', async () => {
    const plan = await ctx.explain(`SELECT coalesce(max(version), 0) + 1 FROM lesson_versions WHERE lesson_id = $1`, [lessonId]);
    expectPlan(plan, 'uq_lesson_versions_lesson_id_version', ['lesson_versions']);
  });
});
