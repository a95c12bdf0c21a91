import { TestContext } from '../harness/context';
import { LEARNER_STATS_SQL, LearnerVocabularyRepository } from '../../src/vocabulary/learner-vocabulary.repository';

/**
 * Plans on a realistically sized table: 200k user_vocabulary rows (400 learners × 500 of 5,000
 * words in 50 categories), analysed. Each per-learner query must use its index and never scan the
 * big tables sequentially.
 */
describe('per-learner queries use their indexes on 200k user_vocabulary rows', () => {
  let ctx: TestContext;
  let userId: number;
  beforeAll(async () => {
    // Loading 200k rows (FK checks, four indexes) can outlast the app's 10 s statement timeout on a busy machine.
    ctx = await TestContext.create({ env: { DB_STATEMENT_TIMEOUT_MS: '300000' } });
    const q = (sql: string) => ctx.dataSource.query(sql);
    await q(
      `INSERT INTO users (email, display_name) SELECT 'explain-' || g || '@example.com', 'learner ' || g FROM generate_series(1, 400) g`,
    );
    await q(`INSERT INTO categories (name) SELECT 'explain category ' || g FROM generate_series(1, 50) g`);
    await q(`INSERT INTO words (term, translation, category_id, difficulty_level)
             SELECT 'term ' || g, 'translation ' || g, c.id, 1 + g % 5
               FROM generate_series(1, 5000) g JOIN categories c ON c.name = 'explain category ' || (1 + g % 50)`);
    await q(`INSERT INTO user_vocabulary (user_id, word_id, mastery_level, times_seen, times_correct, due_at, state)
             SELECT u.id, w.id, (u.id + w.id) % 6, 3, 1, now() + ((u.id * 7 + w.id) % 60 - 30) * interval '1 day', 2
               FROM users u
               JOIN LATERAL (SELECT id FROM words WHERE (id + u.id) % 10 = 0 LIMIT 500) w ON true
              WHERE u.email LIKE 'explain-%'`);
    // Steady state: autovacuum has run, so the visibility map allows index-only scans.
    await q(`VACUUM (ANALYZE) users, categories, words, user_vocabulary`);
    [{ id: userId }] = await ctx.dataSource.query(`SELECT id FROM users WHERE email = 'explain-200@example.com'`);
  }, 120_000);
  afterAll(() => ctx.close());

  it('has 200k rows to plan against', async () => {
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM user_vocabulary`);
    expect(n).toBe(200_000);
  });

  const noSeqScanOnBigTables = (seqScans: string[]) => expect(seqScans.filter((t) => t === 'user_vocabulary' || t === 'words')).toEqual([]);

  it('the vocabulary list is a range on uq_user_vocabulary_user_id_word_id', async () => {
    const [sql, params] = ctx.get(LearnerVocabularyRepository).listStatement(userId, { afterWordId: 100 }, 21);
    const plan = await ctx.explain(sql, params);
    expect(plan.usesIndex('uq_user_vocabulary_user_id_word_id')).toBe(true);
    // Each page row's word by primary key, never a merge join walking pk_words up to the page's last word.
    expect(plan.usesIndex('pk_words')).toBe(true);
    expect(plan.nodes.map((n) => n.type)).not.toContain('Merge Join');
    noSeqScanOnBigTables(plan.seqScans());
  });

  it('the vocabulary list filtered by mastery uses ix_user_vocabulary_user_id_mastery_level_word_id', async () => {
    const [sql, params] = ctx.get(LearnerVocabularyRepository).listStatement(userId, { mastery: 3 }, 21);
    const plan = await ctx.explain(sql, params);
    expect(plan.usesIndex('ix_user_vocabulary_user_id_mastery_level_word_id')).toBe(true);
    noSeqScanOnBigTables(plan.seqScans());
  });

  it('the due queue is one range scan on ix_user_vocabulary_user_id_due_at, earliest first', async () => {
    const [sql, params] = ctx.get(LearnerVocabularyRepository).dueStatement(userId, new Date(), 20);
    const plan = await ctx.explain(sql, params);
    expect(plan.usesIndex('ix_user_vocabulary_user_id_due_at')).toBe(true);
    expect(plan.nodes.map((n) => n.type)).not.toContain('Sort');
    noSeqScanOnBigTables(plan.seqScans());
  });

  it('stats are three index range scans on the learner, whichever per-learner index the planner picks for the counts', async () => {
    const plan = await ctx.explain(LEARNER_STATS_SQL, [userId, new Date()]);
    const scans = plan.nodes.filter((n) => n.relation === 'user_vocabulary');
    // PostgreSQL 15 counts by mastery with an index-only scan on …mastery_level_word_id; 18 reads the ~500 rows via …due_at.
    expect(scans).toHaveLength(3);
    for (const scan of scans) {
      expect(['Index Scan', 'Index Only Scan']).toContain(scan.type);
      expect(['ix_user_vocabulary_user_id_mastery_level_word_id', 'ix_user_vocabulary_user_id_due_at']).toContain(scan.index);
    }
    expect(plan.usesIndex('ix_user_vocabulary_user_id_due_at')).toBe(true);
    noSeqScanOnBigTables(plan.seqScans());
  });

  it("a category's words and its word count use uq_words_category_id_term", async () => {
    const [{ id: categoryId }] = await ctx.dataSource.query(`SELECT id FROM categories WHERE name = 'explain category 7'`);
    const plan = await ctx.explain(`SELECT count(*) FROM words w WHERE w.category_id = $1`, [categoryId]);
    expect(plan.usesIndex('uq_words_category_id_term')).toBe(true);
    const prefix = await ctx.explain(`SELECT id FROM words w WHERE lower(w.term) LIKE $1`, ['term 123%']);
    expect(prefix.usesIndex('ix_words_term_prefix')).toBe(true);
  });

  it("the word page route's own statements use their indexes: by category, and by term prefix", async () => {
    const learner = await ctx.newLearner();
    const [{ id: categoryId }] = await ctx.dataSource.query(`SELECT id FROM categories WHERE name = 'explain category 9'`);
    const cases: Array<[string, string]> = [
      [`/api/words?categoryId=${categoryId}&perPage=50`, 'uq_words_category_id_term'],
      [`/api/words?q=${encodeURIComponent('term 123')}&perPage=50`, 'ix_words_term_prefix'],
    ];
    for (const [url, index] of cases) {
      const { queries, result } = await ctx.countStatements(() => ctx.http.get(url).set(learner.auth));
      expect(result.status).toBe(200);
      expect(queries.length).toBeGreaterThan(0);
      for (const { sql, parameters } of queries) {
        const plan = await ctx.explain(sql, parameters);
        expect({ url, plan: plan.text, usesIndex: plan.usesIndex(index) }).toMatchObject({ url, usesIndex: true });
        noSeqScanOnBigTables(plan.seqScans());
      }
    }
  });
});
