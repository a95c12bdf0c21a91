import { randomUUID } from 'node:crypto';
import { TestContext } from '../harness/context';
import { newCategory, newWords } from '../vocabulary/factories';

/**
 * The hot statements (marked with PREPARE_COMMENT / prepared()) are named prepared statements on a
 * direct connection — parsed once per connection and executed again from there — and stay unnamed
 * behind a transaction pooler, where the next statement may run on another server connection.
 * One pool connection, so the statements the app ran are the ones this test's query can see.
 */
const PREPARED = `SELECT name, statement, generic_plans + custom_plans AS runs FROM pg_prepared_statements WHERE name LIKE 'lingua\\_%'`;

async function exerciseHotRoutes(ctx: TestContext): Promise<void> {
  const learner = await ctx.newLearner();
  const [word] = await newWords(ctx, (await newCategory(ctx)).id, 1);
  await ctx.http.put(`/api/me/vocabulary/${word.id}`).set(learner.auth).expect(201);
  const session = (await ctx.http.post('/api/me/practice-sessions').set(learner.auth).send({}).expect(201)).body;
  for (let i = 0; i < 3; i++) {
    await ctx.http.get('/api/me/vocabulary/due?limit=20').set(learner.auth).expect(200);
    await ctx.http.get('/api/me/vocabulary?limit=50').set(learner.auth).expect(200);
    await ctx.http
      .post(`/api/me/practice-sessions/${session.id}/answers`)
      .set(learner.auth)
      .send({ answerId: randomUUID(), wordId: word.id, rating: 3, responseMs: 100 })
      .expect(201);
  }
}

describe('prepared statements', () => {
  it('on a direct connection, the marked hot statements are named, and each is executed again without a new Parse', async () => {
    const ctx = await TestContext.create({ env: { DB_POOL_MAX: '1', DATABASE_POOLER: 'none' } });
    try {
      await exerciseHotRoutes(ctx);
      const rows: Array<{ name: string; statement: string; runs: number }> = await ctx.dataSource.query(PREPARED);
      const runsOf = (pattern: RegExp) => rows.filter((r) => pattern.test(r.statement)).map((r) => Number(r.runs));
      expect(rows.every((r) => r.statement.startsWith('/* lingua:prepare */'))).toBe(true);
      // Three requests each: one statement text, prepared once, run three times.
      expect(runsOf(/uv\.due_at <= \$2/)).toEqual([3]);
      expect(runsOf(/WHERE uv\.user_id = \$1 ORDER BY uv\.word_id LIMIT \$2/)).toEqual([3]);
      expect(runsOf(/INSERT INTO practice_answers/)).toEqual([3]);

      // A deploy's migration adds columns under the prepared statements of a running instance: they
      // are replanned, and none changes its result (explicit column lists), so nothing fails.
      for (const table of ['user_vocabulary', 'words', 'categories', 'practice_sessions', 'practice_answers'])
        await ctx.dataSource.query(`ALTER TABLE ${table} ADD COLUMN added_by_a_deploy integer`);
      await exerciseHotRoutes(ctx);
    } finally {
      await ctx.close();
    }
  });

  it('behind a transaction pooler (pooler: transaction), nothing is prepared: every statement stays unnamed', async () => {
    const ctx = await TestContext.create({ env: { DB_POOL_MAX: '1', DATABASE_POOLER: 'transaction' } });
    try {
      await exerciseHotRoutes(ctx);
      expect(await ctx.dataSource.query(PREPARED)).toEqual([]);
    } finally {
      await ctx.close();
    }
  });
});
