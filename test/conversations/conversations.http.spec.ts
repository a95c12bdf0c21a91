import { Learner, TestContext } from '../harness/context';

describe('conversations over HTTP', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await TestContext.create();
  });
  afterAll(() => ctx.close());

  const newConversation = async (learner: Learner, body: object = { sessionType: 'home' }) =>
    (await ctx.http.post('/api/me/conversations').set(learner.auth).send(body).expect(201)).body;

  it('creates a conversation (201) and reads it back; bad bodies are 400 before any query', async () => {
    const learner = await ctx.newLearner();
    const created = await newConversation(learner, { sessionType: 'lesson', conversationContext: { topic: 'food' } });
    expect(created).toEqual({
      id: expect.any(Number),
      sessionType: 'lesson',
      status: 'active',
      conversationContext: { topic: 'food' },
      messageCount: 0,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const read = await ctx.http.get(`/api/me/conversations/${created.id}`).set(learner.auth).expect(200);
    expect(read.body).toEqual(created);

    for (const body of [
      { sessionType: 'chat' },
      { sessionType: 'home', status: 'active' },
      { sessionType: 'home', conversationContext: [1] },
      {},
    ]) {
      const { count, result } = await ctx.countStatements(() => ctx.http.post('/api/me/conversations').set(learner.auth).send(body));
      expect({ body, status: result.status, code: result.body.code, count }).toEqual({
        body,
        status: 400,
        code: 'validation_failed',
        count: 0,
      });
    }
  });

  it('lists newest first with status / sessionType / context filters and a keyset cursor', async () => {
    const learner = await ctx.newLearner();
    const a = await newConversation(learner, { sessionType: 'home', conversationContext: { topic: 'travel', level: 'A2' } });
    const b = await newConversation(learner, { sessionType: 'practice' });
    const c = await newConversation(learner, { sessionType: 'home', conversationContext: { topic: 'travel' } });
    await ctx.http.patch(`/api/me/conversations/${b.id}`).set(learner.auth).send({ status: 'paused' }).expect(200);

    const ids = (res: { body: { items: Array<{ id: number }> } }) => res.body.items.map((s) => s.id);
    const all = await ctx.http.get('/api/me/conversations').set(learner.auth).expect(200);
    expect(ids(all)).toEqual([c.id, b.id, a.id]);
    expect(ids(await ctx.http.get('/api/me/conversations?sessionType=home').set(learner.auth).expect(200))).toEqual([c.id, a.id]);
    expect(ids(await ctx.http.get('/api/me/conversations?status=paused').set(learner.auth).expect(200))).toEqual([b.id]);
    expect(ids(await ctx.http.get('/api/me/conversations?status=active&sessionType=practice').set(learner.auth).expect(200))).toEqual([]);
    const travel = encodeURIComponent(JSON.stringify({ topic: 'travel' }));
    expect(ids(await ctx.http.get(`/api/me/conversations?context=${travel}`).set(learner.auth).expect(200))).toEqual([c.id, a.id]);
    const a2 = encodeURIComponent(JSON.stringify({ level: 'A2' }));
    expect(ids(await ctx.http.get(`/api/me/conversations?context=${a2}`).set(learner.auth).expect(200))).toEqual([a.id]);

    const first = await ctx.http.get('/api/me/conversations?limit=2').set(learner.auth).expect(200);
    expect(ids(first)).toEqual([c.id, b.id]);
    const second = await ctx.http.get(`/api/me/conversations?limit=2&cursor=${first.body.nextCursor}`).set(learner.auth).expect(200);
    expect(second.body).toMatchObject({ items: [{ id: a.id }], nextCursor: null });

    for (const q of [
      'status=done',
      'sessionType=chat',
      'context=notjson',
      `context=${encodeURIComponent('[1]')}`,
      'cursor=bm9wZQ',
      'limit=101',
    ]) {
      const res = await ctx.http.get(`/api/me/conversations?${q}`).set(learner.auth);
      expect({ q, status: res.status }).toEqual({ q, status: 400 });
    }
  });

  it('PATCH changes status and replaces the context; closed conversations cannot change status (409)', async () => {
    const learner = await ctx.newLearner();
    const s = await newConversation(learner, { sessionType: 'home', conversationContext: { a: 1 } });
    const paused = await ctx.http
      .patch(`/api/me/conversations/${s.id}`)
      .set(learner.auth)
      .send({ status: 'paused', conversationContext: { b: 2 } })
      .expect(200);
    expect(paused.body).toMatchObject({ status: 'paused', conversationContext: { b: 2 } });
    await ctx.http.patch(`/api/me/conversations/${s.id}`).set(learner.auth).send({ status: 'completed' }).expect(200);
    const reopen = await ctx.http.patch(`/api/me/conversations/${s.id}`).set(learner.auth).send({ status: 'active' }).expect(409);
    expect(reopen.body.code).toBe('state_conflict');
    await ctx.http
      .patch(`/api/me/conversations/${s.id}`)
      .set(learner.auth)
      .send({ conversationContext: { summary: 'ok' } })
      .expect(200);
    const closedAppend = await ctx.http
      .post(`/api/me/conversations/${s.id}/messages`)
      .set(learner.auth)
      .send({ role: 'user', content: 'hi' })
      .expect(409);
    expect(closedAppend.body.code).toBe('state_conflict');
    await ctx.http.patch(`/api/me/conversations/${s.id}`).set(learner.auth).send({}).expect(400);
  });

  it('appends messages with consecutive orders and pages them in order with afterOrder', async () => {
    const learner = await ctx.newLearner();
    const s = await newConversation(learner);
    for (let i = 1; i <= 5; i++) {
      const res = await ctx.http
        .post(`/api/me/conversations/${s.id}/messages`)
        .set(learner.auth)
        .send({ role: i % 2 ? 'user' : 'assistant', content: `m${i}` })
        .expect(201);
      expect(res.body).toEqual({
        id: expect.any(Number),
        conversationId: s.id,
        role: i % 2 ? 'user' : 'assistant',
        content: `m${i}`,
        messageOrder: i,
        createdAt: expect.any(String),
      });
    }
    const first = await ctx.http.get(`/api/me/conversations/${s.id}/messages?limit=2`).set(learner.auth).expect(200);
    expect(first.body.items.map((m: { content: string }) => m.content)).toEqual(['m1', 'm2']);
    expect(first.body.nextAfterOrder).toBe(2);
    const rest = await ctx.http.get(`/api/me/conversations/${s.id}/messages?afterOrder=2&limit=10`).set(learner.auth).expect(200);
    expect(rest.body).toMatchObject({ items: [{ messageOrder: 3 }, { messageOrder: 4 }, { messageOrder: 5 }], nextAfterOrder: null });
    const empty = await ctx.http.get(`/api/me/conversations/${s.id}/messages?afterOrder=5`).set(learner.auth).expect(200);
    expect(empty.body).toEqual({ items: [], nextAfterOrder: null });
    expect((await ctx.http.get(`/api/me/conversations/${s.id}`).set(learner.auth)).body.messageCount).toBe(5);
    await ctx.http.post(`/api/me/conversations/${s.id}/messages`).set(learner.auth).send({ role: 'robot', content: 'x' }).expect(400);
    await ctx.http.post(`/api/me/conversations/${s.id}/messages`).set(learner.auth).send({ role: 'user', content: '' }).expect(400);
  });

  it('100 concurrent appends to one conversation get orders 1..100, no error, no gap', async () => {
    const learner = await ctx.newLearner();
    const s = await newConversation(learner);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) =>
        ctx.http
          .post(`/api/me/conversations/${s.id}/messages`)
          .set(learner.auth)
          .send({ role: 'user', content: `c${i}` }),
      ),
    );
    expect(results.map((r) => r.status).filter((st) => st !== 201)).toEqual([]);
    const orders = results.map((r) => r.body.messageOrder as number).sort((x, y) => x - y);
    expect(orders).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
    const [{ n, max, last }] = await ctx.dataSource.query(
      `SELECT count(*)::int AS n, max(message_order) AS max, (SELECT last_message_order FROM conversation_sessions WHERE id = $1) AS last
         FROM conversation_messages WHERE session_id = $1`,
      [s.id],
    );
    expect({ n, max, last }).toEqual({ n: 100, max: 100, last: 100 });
  });

  it('records interactions, looks them up by concept and metadata, and serves the due queue', async () => {
    const learner = await ctx.newLearner();
    const s = await newConversation(learner);
    const msg = (
      await ctx.http.post(`/api/me/conversations/${s.id}/messages`).set(learner.auth).send({ role: 'assistant', content: 'ser vs estar' })
    ).body;
    const now = Date.now();
    const post = (body: object) => ctx.http.post(`/api/me/conversations/${s.id}/interactions`).set(learner.auth).send(body);
    const i1 = (
      await post({
        interactionType: 'grammar_practiced',
        conceptId: 'ser-estar',
        messageId: msg.id,
        masteryLevel: 2,
        nextReviewDate: new Date(now - 3_600_000).toISOString(),
        metadata: { source: 'tutor', tags: ['verbs'] },
      }).expect(201)
    ).body;
    const i2 = (
      await post({
        interactionType: 'vocabulary_learned',
        conceptId: 'comida',
        confidenceSelfReported: 4,
        nextReviewDate: new Date(now - 7_200_000).toISOString(),
      }).expect(201)
    ).body;
    const i3 = (
      await post({
        interactionType: 'grammar_practiced',
        conceptId: 'ser-estar',
        nextReviewDate: new Date(now + 86_400_000).toISOString(),
      }).expect(201)
    ).body;
    await post({ interactionType: 'cultural_note' }).expect(201);
    expect(i1).toMatchObject({
      conversationId: s.id,
      messageId: msg.id,
      conceptId: 'ser-estar',
      masteryLevel: 2,
      confidenceSelfReported: null,
      metadata: { source: 'tutor', tags: ['verbs'] },
    });

    const byConcept = await ctx.http.get('/api/me/interactions?conceptId=ser-estar').set(learner.auth).expect(200);
    expect(byConcept.body.items.map((i: { id: number }) => i.id)).toEqual([i3.id, i1.id]);
    const meta = encodeURIComponent(JSON.stringify({ tags: ['verbs'] }));
    const byMeta = await ctx.http.get(`/api/me/interactions?metadata=${meta}`).set(learner.auth).expect(200);
    expect(byMeta.body.items.map((i: { id: number }) => i.id)).toEqual([i1.id]);
    const all = await ctx.http.get('/api/me/interactions?limit=3').set(learner.auth).expect(200);
    expect(all.body.items).toHaveLength(3);
    expect(all.body.nextCursor).toEqual(expect.any(String));

    const due = await ctx.http.get('/api/me/interactions/due').set(learner.auth).expect(200);
    expect(due.body.map((i: { id: number }) => i.id)).toEqual([i2.id, i1.id]);
    const later = await ctx.http
      .get(`/api/me/interactions/due?before=${encodeURIComponent(new Date(now + 2 * 86_400_000).toISOString())}&limit=2`)
      .set(learner.auth)
      .expect(200);
    expect(later.body.map((i: { id: number }) => i.id)).toEqual([i2.id, i1.id]);
    await ctx.http.get('/api/me/interactions/due?before=yesterday').set(learner.auth).expect(400);

    // a message of another conversation, a bad type or an out-of-range mastery are refused
    const other = await newConversation(learner);
    const foreign = (
      await ctx.http.post(`/api/me/conversations/${other.id}/messages`).set(learner.auth).send({ role: 'user', content: 'x' })
    ).body;
    expect((await post({ interactionType: 'cultural_note', messageId: foreign.id }).expect(404)).body.code).toBe('not_found');
    await post({ interactionType: 'gossip' }).expect(400);
    await post({ interactionType: 'cultural_note', masteryLevel: 9 }).expect(400);
  });

  it("another learner's conversation, messages and interactions are 404, and never listed", async () => {
    const owner = await ctx.newLearner();
    const intruder = await ctx.newLearner();
    const s = await newConversation(owner);
    await ctx.http.post(`/api/me/conversations/${s.id}/messages`).set(owner.auth).send({ role: 'user', content: 'private' }).expect(201);
    await ctx.http
      .post(`/api/me/conversations/${s.id}/interactions`)
      .set(owner.auth)
      .send({ interactionType: 'cultural_note', conceptId: 'secret', nextReviewDate: '2000-01-01T00:00:00Z' })
      .expect(201);

    const calls = {
      read: () => ctx.http.get(`/api/me/conversations/${s.id}`),
      patch: () => ctx.http.patch(`/api/me/conversations/${s.id}`).send({ status: 'paused' }),
      messages: () => ctx.http.get(`/api/me/conversations/${s.id}/messages`),
      append: () => ctx.http.post(`/api/me/conversations/${s.id}/messages`).send({ role: 'user', content: 'x' }),
      interaction: () => ctx.http.post(`/api/me/conversations/${s.id}/interactions`).send({ interactionType: 'cultural_note' }),
    };
    for (const [call, request] of Object.entries(calls)) {
      const res = await request().set(intruder.auth);
      expect({ call, status: res.status, code: res.body.code }).toEqual({ call, status: 404, code: 'not_found' });
    }
    expect((await ctx.http.get('/api/me/conversations').set(intruder.auth)).body.items).toEqual([]);
    expect((await ctx.http.get('/api/me/interactions?conceptId=secret').set(intruder.auth)).body.items).toEqual([]);
    expect((await ctx.http.get('/api/me/interactions/due').set(intruder.auth)).body).toEqual([]);
    const untouched = await ctx.http.get(`/api/me/conversations/${s.id}`).set(owner.auth).expect(200);
    expect(untouched.body).toMatchObject({ status: 'active', messageCount: 1 });
  });

  it('every list route runs the same number of statements for 1 row and for 40 rows', async () => {
    const measure = async (learner: Learner, conversationId: number) => {
      const routes = [
        '/api/me/conversations?limit=50',
        `/api/me/conversations/${conversationId}/messages?limit=50`,
        '/api/me/interactions?limit=50',
        '/api/me/interactions?conceptId=c&limit=50',
        `/api/me/interactions/due?limit=50&before=${encodeURIComponent('2100-01-01T00:00:00Z')}`,
      ];
      const counts: Record<string, number> = {};
      for (const route of routes) {
        const { count, result } = await ctx.countStatements(() => ctx.http.get(route).set(learner.auth));
        expect(result.status).toBe(200);
        counts[route.split('?')[0].replace(/\d+/g, ':id')] = count;
      }
      return counts;
    };
    const seed = async (n: number) => {
      const learner = await ctx.newLearner();
      let first = 0;
      for (let i = 0; i < n; i++) {
        const s = await newConversation(learner);
        first ||= s.id;
        await ctx.http
          .post(`/api/me/conversations/${first}/messages`)
          .set(learner.auth)
          .send({ role: 'user', content: `m${i}` })
          .expect(201);
        await ctx.http
          .post(`/api/me/conversations/${first}/interactions`)
          .set(learner.auth)
          .send({ interactionType: 'cultural_note', conceptId: 'c', nextReviewDate: '2001-01-01T00:00:00Z' })
          .expect(201);
      }
      return measure(learner, first);
    };
    const one = await seed(1);
    const many = await seed(40);
    expect(many).toEqual(one);
    expect(Object.values(one).every((c) => c === 1)).toBe(true);
  });
});
