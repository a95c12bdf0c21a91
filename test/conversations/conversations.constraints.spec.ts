import { ConversationMessage } from '../../src/conversations/entities/conversation-message.entity';
import { ConversationSession } from '../../src/conversations/entities/conversation-session.entity';
import { classifyDatabaseError } from '../../src/database/db-errors';
import { TestContext } from '../harness/context';

/** Every check, unique and foreign key of the conversation tables fires and maps to 409 naming it. */
describe('conversation constraints, cascades and updated_at', () => {
  let ctx: TestContext;
  let userId: number;
  let sessionId: number;
  let messageId: number;
  beforeAll(async () => {
    ctx = await TestContext.create();
    const learner = await ctx.newLearner();
    userId = learner.id;
    sessionId = (await ctx.http.post('/api/me/conversations').set(learner.auth).send({ sessionType: 'home' })).body.id;
    messageId = (
      await ctx.http.post(`/api/me/conversations/${sessionId}/messages`).set(learner.auth).send({ role: 'user', content: 'hola' })
    ).body.id;
  });
  afterAll(() => ctx.close());

  const violation = async (sql: string, params: unknown[]) => {
    try {
      await ctx.dataSource.query(sql, params);
    } catch (err) {
      return classifyDatabaseError(err);
    }
    throw new Error(`no violation: ${sql}`);
  };
  const session = (type: string, status: string, user = () => userId, last = 0) =>
    [
      `INSERT INTO conversation_sessions (user_id, session_type, status, last_message_order) VALUES ($1, $2, $3, $4)`,
      [user(), type, status, last],
    ] as const;
  const message = (session: () => number, role: string, order: number) =>
    [
      `INSERT INTO conversation_messages (session_id, role, content, message_order) VALUES ($1, $2, 'x', $3)`,
      [session(), role, order],
    ] as const;
  const interaction = (
    over: Partial<{ user: number; session: number; message: number; type: string; mastery: number; confidence: number }>,
  ) =>
    [
      `INSERT INTO conversation_interactions (user_id, session_id, message_id, interaction_type, mastery_level, confidence_self_reported)
     VALUES ($1, $2, $3, $4, $5, $6)`,
      [
        over.user ?? userId,
        over.session ?? sessionId,
        over.message ?? messageId,
        over.type ?? 'cultural_note',
        over.mastery ?? 3,
        over.confidence ?? 3,
      ],
    ] as const;

  const cases: Array<[string, string, () => readonly [string, readonly unknown[]]]> = [
    ['check_violation', 'ck_conversation_sessions_session_type', () => session('chat', 'active')],
    ['check_violation', 'ck_conversation_sessions_status', () => session('home', 'done')],
    ['check_violation', 'ck_conversation_sessions_last_message_order', () => session('home', 'active', () => userId, -1)],
    ['foreign_key_violation', 'fk_conversation_sessions_user_id', () => session('home', 'active', () => 2_000_000_000)],
    ['check_violation', 'ck_conversation_messages_role', () => message(() => sessionId, 'bot', 50)],
    ['check_violation', 'ck_conversation_messages_message_order', () => message(() => sessionId, 'user', 0)],
    ['unique_violation', 'uq_conversation_messages_session_id_message_order', () => message(() => sessionId, 'user', 1)],
    ['foreign_key_violation', 'fk_conversation_messages_session_id', () => message(() => 2_000_000_000, 'user', 1)],
    ['check_violation', 'ck_conversation_interactions_interaction_type', () => interaction({ type: 'gossip' })],
    ['check_violation', 'ck_conversation_interactions_mastery_level', () => interaction({ mastery: 9 })],
    ['check_violation', 'ck_conversation_interactions_confidence_self_reported', () => interaction({ confidence: 0 })],
    ['foreign_key_violation', 'fk_conversation_interactions_user_id', () => interaction({ user: 2_000_000_000 })],
    ['foreign_key_violation', 'fk_conversation_interactions_session_id', () => interaction({ session: 2_000_000_000 })],
    ['foreign_key_violation', 'fk_conversation_interactions_message_id', () => interaction({ message: 2_000_000_000 })],
  ];
  it.each(cases)('%s on %s → 409 naming it', async (code, constraint, build) => {
    const [sql, params] = build();
    expect(await violation(sql, [...params])).toMatchObject({ status: 409, code, constraint });
  });

  it('keeps the order counter right when raw SQL (a legacy app) inserts a message: the next append follows it', async () => {
    const learner = await ctx.newLearner();
    const s = (await ctx.http.post('/api/me/conversations').set(learner.auth).send({ sessionType: 'home' })).body;
    await ctx.dataSource.query(
      `INSERT INTO conversation_messages (session_id, role, content, message_order) VALUES ($1, 'system', 'manual', 1)`,
      [s.id],
    );
    const res = await ctx.http
      .post(`/api/me/conversations/${s.id}/messages`)
      .set(learner.auth)
      .send({ role: 'user', content: 'x' })
      .expect(201);
    expect(res.body).toMatchObject({ messageOrder: 2 });
    const [{ last }] = await ctx.dataSource.query(`SELECT last_message_order AS last FROM conversation_sessions WHERE id = $1`, [s.id]);
    expect(last).toBe(2);
  });

  it('answers 409 unique_violation over HTTP when the order counter is bypassed by raw SQL', async () => {
    const learner = await ctx.newLearner();
    const s = (await ctx.http.post('/api/me/conversations').set(learner.auth).send({ sessionType: 'home' })).body;
    await ctx.dataSource.query(
      `INSERT INTO conversation_messages (session_id, role, content, message_order) VALUES ($1, 'system', 'manual', 1)`,
      [s.id],
    );
    // the trigger raised the counter to 1; put it back behind the table by hand
    await ctx.dataSource.query(`UPDATE conversation_sessions SET last_message_order = 0 WHERE id = $1`, [s.id]);
    const res = await ctx.http
      .post(`/api/me/conversations/${s.id}/messages`)
      .set(learner.auth)
      .send({ role: 'user', content: 'x' })
      .expect(409);
    expect(res.body).toMatchObject({ code: 'unique_violation', constraint: 'uq_conversation_messages_session_id_message_order' });
    // the failed statement rolled back its counter bump too
    const [{ last }] = await ctx.dataSource.query(`SELECT last_message_order AS last FROM conversation_sessions WHERE id = $1`, [s.id]);
    expect(last).toBe(0);
  });

  it('answers 409 foreign_key_violation over HTTP for a learner whose account is gone', async () => {
    const learner = await ctx.newLearner();
    await ctx.dataSource.query(`DELETE FROM users WHERE id = $1`, [learner.id]);
    const res = await ctx.http.post('/api/me/conversations').set(learner.auth).send({ sessionType: 'home' }).expect(409);
    expect(res.body).toMatchObject({ code: 'foreign_key_violation', constraint: 'fk_conversation_sessions_user_id' });
  });

  it('deleting a conversation removes its messages and interactions; deleting the learner removes everything', async () => {
    const learner = await ctx.newLearner();
    const mk = async () => {
      const s = (await ctx.http.post('/api/me/conversations').set(learner.auth).send({ sessionType: 'home' })).body;
      const m = (await ctx.http.post(`/api/me/conversations/${s.id}/messages`).set(learner.auth).send({ role: 'user', content: 'x' })).body;
      await ctx.http
        .post(`/api/me/conversations/${s.id}/interactions`)
        .set(learner.auth)
        .send({ interactionType: 'cultural_note', messageId: m.id })
        .expect(201);
      return s.id as number;
    };
    const [a, b] = [await mk(), await mk()];
    const count = async (sql: string, id: number) => (await ctx.dataSource.query(sql, [id]))[0].n as number;
    const left = async (id: number) => [
      await count(`SELECT count(*)::int AS n FROM conversation_messages WHERE session_id = $1`, id),
      await count(`SELECT count(*)::int AS n FROM conversation_interactions WHERE session_id = $1`, id),
    ];
    expect(await left(a)).toEqual([1, 1]);
    await ctx.dataSource.query(`DELETE FROM conversation_sessions WHERE id = $1`, [a]);
    expect(await left(a)).toEqual([0, 0]);
    expect(await left(b)).toEqual([1, 1]);
    await ctx.dataSource.query(`DELETE FROM users WHERE id = $1`, [learner.id]);
    expect(await left(b)).toEqual([0, 0]);
    expect(await count(`SELECT count(*)::int AS n FROM conversation_sessions WHERE user_id = $1`, learner.id)).toBe(0);
    expect(await count(`SELECT count(*)::int AS n FROM conversation_interactions WHERE user_id = $1`, learner.id)).toBe(0);
  });

  it.each(['conversation_sessions', 'conversation_messages'])(
    'updated_at on %s advances on QueryBuilder .update() and raw SQL',
    async (table) => {
      const [{ id }] = await ctx.dataSource.query(`SELECT id FROM ${table} ORDER BY id LIMIT 1`);
      const stamp = async () =>
        new Date((await ctx.dataSource.query(`SELECT updated_at FROM ${table} WHERE id = $1`, [id]))[0].updated_at).getTime();
      await ctx.dataSource.query(`ALTER TABLE ${table} DISABLE TRIGGER trg_${table}_updated_at`);
      await ctx.dataSource.query(`UPDATE ${table} SET updated_at = '2000-01-01' WHERE id = $1`, [id]);
      await ctx.dataSource.query(`ALTER TABLE ${table} ENABLE TRIGGER trg_${table}_updated_at`);
      const old = await stamp();
      const column = table === 'conversation_sessions' ? 'conversation_context' : 'content';
      if (table === 'conversation_sessions') {
        await ctx.dataSource
          .createQueryBuilder()
          .update(ConversationSession)
          .set({ conversationContext: { qb: true } })
          .where('id = :id', { id })
          .execute();
      } else {
        await ctx.dataSource.createQueryBuilder().update(ConversationMessage).set({ content: 'qb' }).where('id = :id', { id }).execute();
      }
      const afterQb = await stamp();
      expect(afterQb).toBeGreaterThan(old);
      await ctx.dataSource.query(`UPDATE ${table} SET updated_at = '2000-01-01' WHERE id = $1`, [id]);
      expect(await stamp()).toBeGreaterThanOrEqual(afterQb); // even an explicit value is overridden by the trigger
      // from a stamp in the distant past (trigger off), so "advanced" needs no two writes a millisecond apart
      await ctx.dataSource.query(`ALTER TABLE ${table} DISABLE TRIGGER trg_${table}_updated_at`);
      await ctx.dataSource.query(`UPDATE ${table} SET updated_at = '2000-01-01' WHERE id = $1`, [id]);
      await ctx.dataSource.query(`ALTER TABLE ${table} ENABLE TRIGGER trg_${table}_updated_at`);
      const backdated = await stamp();
      await ctx.dataSource.query(
        `UPDATE ${table} SET ${column} = ${table === 'conversation_sessions' ? `'{"raw":1}'` : `'raw'`} WHERE id = $1`,
        [id],
      );
      expect(await stamp()).toBeGreaterThan(backdated);
    },
  );
});
