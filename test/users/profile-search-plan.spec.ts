import { TestContext } from '../harness/context';

describe('GET /profiles/search is served by the GIN index', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await TestContext.create();
    // 50k learners with varied goals: enough that the planner prefers the index to a scan
    await ctx.dataSource.query(`
      INSERT INTO users (email, display_name) SELECT 'u' || g || '@example.com', 'u' || g FROM generate_series(1, 50000) g;
      INSERT INTO user_profiles (user_id, learning_goals)
        SELECT id, jsonb_build_object('topic', 'topic' || (id % 500), 'level', (ARRAY['A1','A2','B1','B2'])[1 + id % 4], 'travel', id % 97 = 0)
          FROM users;`);
    // What autovacuum (or npm run db:maintain) does in production: it also flushes the GIN pending
    // list, without which the planner prices the index above a scan.
    await ctx.dataSource.query(`VACUUM ANALYZE users`);
    await ctx.dataSource.query(`VACUUM ANALYZE user_profiles`);
  });
  afterAll(() => ctx.close());

  it('runs the statements the route really sends on ix_user_profiles_learning_goals, scanning no table', async () => {
    const author = await ctx.newAuthor();
    const goals = encodeURIComponent(JSON.stringify({ topic: 'topic42' }));
    const { queries } = await ctx.countStatements(() =>
      ctx.http.get(`/api/profiles/search?learningGoals=${goals}`).set(author.auth).expect(200),
    );
    expect(queries.length).toBeGreaterThan(0);
    for (const { sql, parameters } of queries) {
      const plan = await ctx.explain(sql, parameters);
      expect(plan.text).toMatch(/ix_user_profiles_learning_goals/);
      expect(plan.seqScans()).toEqual([]);
    }
  });

  it('answers the route with one statement: page and total from one snapshot (issue 9)', async () => {
    const author = await ctx.newAuthor();
    const goals = encodeURIComponent(JSON.stringify({ topic: 'topic42' }));
    const { count, result } = await ctx.countStatements(() =>
      ctx.http.get(`/api/profiles/search?learningGoals=${goals}&perPage=100`).set(author.auth),
    );
    expect(result.status).toBe(200);
    expect(result.body.total).toBe(100);
    expect(result.body.items).toHaveLength(100);
    expect(count).toBe(1);
  });
});
