import { APPEND_MESSAGE_SQL, ConversationsRepository, MESSAGE_PAGE_SQL } from '../../src/conversations/conversations.repository';
import { InteractionsRepository } from '../../src/conversations/interactions.repository';
import { PlanSummary, TestContext } from '../harness/context';

/**
 * The conversation queries at realistic volume: 2,000 learners, 80,000 conversations (one heavy
 * learner with 30,000), 500,000 messages, 230,000 interactions, built set-based and ANALYZEd.
 * Each plan must use its index and never scan a big table sequentially.
 */
describe('conversation query plans at volume', () => {
  let ctx: TestContext;
  let conversations: ConversationsRepository;
  let interactions: InteractionsRepository;
  let learner: number;
  let heavy: number;
  let session: number;
  let longSession: number;
  const timings: Record<string, number> = {};

  beforeAll(async () => {
    // The set-based build statements run longer than the app's default 10 s statement cap on a busy machine.
    ctx = await TestContext.create({ env: { DB_STATEMENT_TIMEOUT_MS: '300000' } });
    conversations = ctx.get(ConversationsRepository);
    interactions = ctx.get(InteractionsRepository);
    const q = (sql: string) => ctx.dataSource.query(sql);
    const started = Date.now();
    await q(`INSERT INTO users (email, display_name) SELECT 'vol' || g || '@example.com', 'Learner ' || g FROM generate_series(1, 2001) g`);
    [{ learner, heavy }] = await q(`SELECT min(id) AS learner, max(id) AS heavy FROM users WHERE email LIKE 'vol%'`);
    await q(`INSERT INTO conversation_sessions (user_id, session_type, status, conversation_context)
             SELECT u.id, (ARRAY['home','profile_building','lesson','practice'])[1 + (g % 4)],
                    (ARRAY['active','completed','abandoned','paused'])[1 + ((g / 4) % 4)],
                    jsonb_build_object('topic', 'topic-' || (g % 200), 'level', (ARRAY['A1','A2','B1','B2'])[1 + (g % 4)])
               FROM users u CROSS JOIN generate_series(1, 25) g WHERE u.email LIKE 'vol%' AND u.id <> ${heavy}`);
    await q(`INSERT INTO conversation_sessions (user_id, session_type, status, conversation_context)
             SELECT ${heavy}, (ARRAY['home','profile_building','lesson','practice'])[1 + (g % 4)], 'completed',
                    jsonb_build_object('topic', CASE WHEN g % 6000 = 0 THEN 'rare-topic' ELSE 'topic-' || (g % 200) END)
               FROM generate_series(1, 30000) g`);
    await q(`INSERT INTO conversation_messages (session_id, role, content, message_order)
             SELECT s.id, CASE WHEN n % 2 = 1 THEN 'user' ELSE 'assistant' END, 'message ' || n, n
               FROM conversation_sessions s CROSS JOIN generate_series(1, 10) n WHERE s.user_id <> ${heavy}`);
    await q(`UPDATE conversation_sessions SET last_message_order = 10 WHERE user_id <> ${heavy}`);
    [{ session, longSession }] = await q(
      `SELECT min(id) AS session, max(id) AS "longSession" FROM conversation_sessions WHERE user_id = ${learner}`,
    );
    await q(`DELETE FROM conversation_messages WHERE session_id = ${longSession}`);
    await q(`INSERT INTO conversation_messages (session_id, role, content, message_order)
             SELECT ${longSession}, 'user', 'long ' || n, n FROM generate_series(1, 5000) n`);
    await q(`INSERT INTO conversation_interactions (user_id, session_id, concept_id, interaction_type, mastery_level, next_review_date, metadata)
             SELECT s.user_id, s.id, 'concept-' || ((s.id * 7 + n) % 300), 'vocabulary_learned', 1 + (n % 5),
                    CASE WHEN n % 2 = 0 THEN now() + ((s.id % 60) - 30) * interval '1 day' END,
                    jsonb_build_object('source', (ARRAY['tutor','drill','chat'])[1 + (n % 3)], 'n', n)
               FROM conversation_sessions s CROSS JOIN generate_series(1, 4) n WHERE s.user_id <> ${heavy}`);
    await q(`INSERT INTO conversation_interactions (user_id, session_id, concept_id, interaction_type, metadata)
             SELECT ${heavy}, (SELECT min(id) FROM conversation_sessions WHERE user_id = ${heavy}), 'concept-' || (g % 300), 'question_asked',
                    jsonb_build_object('source', 'tutor', 'tag', CASE WHEN g % 6000 = 0 THEN 'rare-tag' ELSE 'tag-' || (g % 100) END)
               FROM generate_series(1, 30000) g`);
    await q(`ANALYZE conversation_sessions, conversation_messages, conversation_interactions, users`);
    timings.buildMs = Date.now() - started;
    const [counts] =
      await q(`SELECT (SELECT count(*) FROM conversation_sessions)::int AS sessions, (SELECT count(*) FROM conversation_messages)::int AS messages,
                                     (SELECT count(*) FROM conversation_interactions)::int AS interactions`);
    expect(counts.messages).toBeGreaterThanOrEqual(500_000);
    expect(counts.sessions).toBe(80_000);
    console.log(`[explain] built ${JSON.stringify(counts)} in ${timings.buildMs} ms`);
  }, 180_000);
  afterAll(() => ctx.close());

  const expectPlan = (plan: PlanSummary, index: string, bigTable: string) => {
    expect({ plan: plan.text, uses: plan.usesIndex(index) }).toEqual({ plan: plan.text, uses: true });
    expect(plan.seqScans()).not.toContain(bigTable);
  };
  const explainQb = (qb: { getQueryAndParameters(): [string, unknown[]] }) => {
    const [sql, params] = qb.getQueryAndParameters();
    return ctx.explain(sql, params);
  };

  it('message pages (first page, middle of a 5,000-message conversation) use the unique (session_id, message_order) index', async () => {
    expectPlan(
      await ctx.explain(MESSAGE_PAGE_SQL, [session, learner, 0, 51]),
      'uq_conversation_messages_session_id_message_order',
      'conversation_messages',
    );
    expectPlan(
      await ctx.explain(MESSAGE_PAGE_SQL, [longSession, learner, 2500, 51]),
      'uq_conversation_messages_session_id_message_order',
      'conversation_messages',
    );
  });

  it('appending a message finds its session by index (id and user_id are both equalities: pk or (user_id, id))', async () => {
    const plan = await ctx.explain(APPEND_MESSAGE_SQL, [session, learner, 'user', 'x']);
    expect(
      plan.nodes.some(
        (n) =>
          n.relation === 'conversation_sessions' &&
          ['pk_conversation_sessions', 'ix_conversation_sessions_user_id_id'].includes(n.index ?? ''),
      ),
    ).toBe(true);
    expect(plan.seqScans()).toEqual([]);
  });

  it.each([
    ['no filter', {}, 'ix_conversation_sessions_user_id_id'],
    ['status', { status: 'paused' }, 'ix_conversation_sessions_user_id_status_id'],
    ['sessionType', { sessionType: 'lesson' }, 'ix_conversation_sessions_user_id_session_type_id'],
  ] as const)('per-learner conversation list (%s: %j) uses %s', async (_label, filters, index) => {
    for (const user of [learner, heavy]) {
      if (user === heavy && 'status' in filters) continue; // the heavy learner's are all completed
      expectPlan(await explainQb(conversations.listSessionsQuery(user, filters, undefined, 21)), index, 'conversation_sessions');
    }
    expectPlan(await explainQb(conversations.listSessionsQuery(heavy, filters, 20_000_000, 21)), index, 'conversation_sessions');
  });

  it('conversations by context (@>) use the GIN index ix_conversation_sessions_conversation_context', async () => {
    const plan = await explainQb(conversations.listSessionsQuery(heavy, { context: { topic: 'rare-topic' } }, undefined, 21));
    expectPlan(plan, 'ix_conversation_sessions_conversation_context', 'conversation_sessions');
    const rows = await conversations.listSessionsQuery(heavy, { context: { topic: 'rare-topic' } }, undefined, 21).getMany();
    expect(rows).toHaveLength(5);
  });

  it('interactions by concept use ix_conversation_interactions_user_id_concept_id_id; unfiltered ones …_user_id_id', async () => {
    expectPlan(
      await explainQb(interactions.listQuery(learner, { conceptId: 'concept-7' }, undefined, 21)),
      'ix_conversation_interactions_user_id_concept_id_id',
      'conversation_interactions',
    );
    expectPlan(
      await explainQb(interactions.listQuery(heavy, { conceptId: 'concept-7' }, undefined, 21)),
      'ix_conversation_interactions_user_id_concept_id_id',
      'conversation_interactions',
    );
    expectPlan(
      await explainQb(interactions.listQuery(learner, {}, undefined, 21)),
      'ix_conversation_interactions_user_id_id',
      'conversation_interactions',
    );
    // (For the heavy learner, who owns the newest 13% of all rows, a backward primary-key scan finds
    // 21 of theirs at once: the planner rightly prefers it, and it scans no more than the index would.)
  });

  it('interactions by metadata (@>) use the GIN index ix_conversation_interactions_metadata', async () => {
    const plan = await explainQb(interactions.listQuery(heavy, { metadata: { tag: 'rare-tag' } }, undefined, 21));
    expectPlan(plan, 'ix_conversation_interactions_metadata', 'conversation_interactions');
    expect(await interactions.listQuery(heavy, { metadata: { tag: 'rare-tag' } }, undefined, 21).getMany()).toHaveLength(5);
  });

  it('the due queue uses the partial index ix_conversation_interactions_user_id_next_review_date', async () => {
    expectPlan(
      await explainQb(interactions.dueQuery(learner, new Date(), 20)),
      'ix_conversation_interactions_user_id_next_review_date',
      'conversation_interactions',
    );
    expectPlan(
      await explainQb(interactions.dueQuery(heavy, new Date(), 20)),
      'ix_conversation_interactions_user_id_next_review_date',
      'conversation_interactions',
    );
  });

  it('deleting a conversation finds its messages and interactions by index (cascade)', async () => {
    const plan = await ctx.explain(`SELECT 1 FROM conversation_interactions WHERE session_id = $1`, [session]);
    expectPlan(plan, 'ix_conversation_interactions_session_id', 'conversation_interactions');
    const started = Date.now();
    await ctx.dataSource.query(`DELETE FROM conversation_sessions WHERE id = $1`, [longSession]);
    timings.cascadeDeleteMs = Date.now() - started;
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM conversation_messages WHERE session_id = $1`, [longSession]);
    expect(n).toBe(0);
    console.log(`[explain] cascade delete of a 5,000-message conversation: ${timings.cascadeDeleteMs} ms`);
  });
});
