import { randomBytes, randomUUID } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import createClient, { Client } from 'openapi-fetch';
import { fetchDocument, generateClientTypes } from '../../scripts/openapi-document';
import { TestContext } from '../harness/context';
import { HostTestContext } from './host-context';
import { conformanceMiddleware, OpenApiDocument } from '../openapi/conformance';
import type { components, paths } from '../openapi/lingua-api';

/**
 * Issue 16: a TypeScript client generated from the document the reference host serves
 * (openapi-typescript → test/openapi/lingua-api.d.ts, used through openapi-fetch) drives the running
 * host over a real socket. `npm run typecheck` compiles this file against the committed types, and
 * the first test fails when they no longer match the served document — so a contract change breaks
 * the build until the types are regenerated (`npm run openapi:client`) and this test is updated.
 * Every response is checked against the document as well (status documented, body conforms).
 */
const TYPES = path.join(__dirname, '..', 'openapi', 'lingua-api.d.ts');

type Api = Client<paths>;
type Schemas = components['schemas'];

describe('issue 16: a client generated from the OpenAPI document', () => {
  let ctx: TestContext;
  let baseUrl: string;
  let document: OpenApiDocument;
  /** A client with no token: what an app uses before the learner has one. */
  let anonymous: Api;
  let author: Api;

  const clientFor = (token?: string): Api => {
    const client = createClient<paths>({ baseUrl, headers: token ? { Authorization: `Bearer ${token}` } : {} });
    client.use(conformanceMiddleware(document));
    return client;
  };

  beforeAll(async () => {
    ctx = await HostTestContext.create();
    document = (await fetchDocument(ctx.app)) as OpenApiDocument;
    baseUrl = (await ctx.app.getUrl()).replace('[::1]', '127.0.0.1');
    anonymous = clientFor();
    author = clientFor((await ctx.newAuthor()).token);
  });
  afterAll(() => ctx.close());

  it('the committed client types are generated from the document the host serves', () => {
    const fresh = generateClientTypes(document);
    const committed = fs.readFileSync(TYPES, 'utf8');
    if (fresh !== committed) {
      throw new Error(
        'test/openapi/lingua-api.d.ts is stale: the served OpenAPI document changed. Run `npm run openapi:client`, review the diff, fix what no longer compiles.',
      );
    }
  });

  /** A category with `count` words, written through the client with an author's token. */
  async function catalogue(count: number): Promise<Schemas['WordDto'][]> {
    const category = await author.POST('/api/categories', { body: { name: `client ${randomBytes(4).toString('hex')}` } });
    expect(category.response.status).toBe(201);
    const words = await author.POST('/api/words/bulk', {
      body: {
        words: Array.from({ length: count }, (_, i) => ({
          term: `palabra ${i}`,
          translation: `word ${i}`,
          categoryId: category.data!.id,
          difficultyLevel: 1 + (i % 5),
        })),
      },
    });
    expect(words.response.status).toBe(201);
    return words.data!.items;
  }

  it('registers a learner, logs words, answers a practice session and reads the stats', async () => {
    const email = `client-${randomBytes(4).toString('hex')}@example.com`;
    const registered = await anonymous.POST('/api/users', {
      body: { email, displayName: 'Client Learner', nativeLanguage: 'en', targetLanguage: 'es' },
    });
    expect(registered.response.status).toBe(201);
    const user: Schemas['UserDto'] = registered.data!;
    expect(user.email).toBe(email);

    const again = await anonymous.POST('/api/users', {
      body: { email: email.toUpperCase(), displayName: 'Twin', nativeLanguage: 'en', targetLanguage: 'es' },
    });
    expect(again.response.status).toBe(409);
    expect(again.error?.code).toBe('unique_violation');

    // The reference host issues no tokens: an identity provider would. Sign one for the new learner.
    const learner = clientFor(ctx.token(user.id));
    const me = await learner.GET('/api/me');
    expect(me.data?.id).toBe(user.id);

    const words = await catalogue(3);
    for (const word of words) {
      const logged = await learner.PUT('/api/me/vocabulary/{wordId}', { params: { path: { wordId: word.id } } });
      expect(logged.response.status).toBe(201);
      expect(logged.data?.word.id).toBe(word.id);
    }
    const relogged = await learner.PUT('/api/me/vocabulary/{wordId}', { params: { path: { wordId: words[0].id } } });
    expect(relogged.response.status).toBe(200);

    const vocabulary = await learner.GET('/api/me/vocabulary', { params: { query: { limit: 2 } } });
    expect(vocabulary.data?.items).toHaveLength(2);
    const rest = await learner.GET('/api/me/vocabulary', { params: { query: { limit: 2, cursor: vocabulary.data!.nextCursor! } } });
    expect(rest.data?.items).toHaveLength(1);
    expect(rest.data?.nextCursor).toBeNull();

    const session = await learner.POST('/api/me/practice-sessions', { body: {} });
    expect(session.response.status).toBe(201);
    const sessionId = session.data!.id;
    const ratings = [3, 1, 4] as const;
    for (const [i, word] of words.entries()) {
      const answer: Schemas['SubmitAnswerDto'] = { answerId: randomUUID(), wordId: word.id, rating: ratings[i], responseMs: 900 + i };
      const answered = await learner.POST('/api/me/practice-sessions/{id}/answers', { params: { path: { id: sessionId } }, body: answer });
      expect(answered.response.status).toBe(201);
      expect(answered.data).toMatchObject({
        answerId: answer.answerId,
        sessionId,
        wordId: word.id,
        rating: answer.rating,
        correct: answer.rating > 1,
      });
      if (i === 0) {
        const retried = await learner.POST('/api/me/practice-sessions/{id}/answers', { params: { path: { id: sessionId } }, body: answer });
        expect(retried.data?.answeredAt).toBe(answered.data?.answeredAt);
      }
    }
    const finished = await learner.POST('/api/me/practice-sessions/{id}/finish', { params: { path: { id: sessionId } } });
    expect(finished.response.status).toBe(200);
    expect(finished.data).toMatchObject({ id: sessionId, totalQuestions: 3, correctAnswers: 2 });
    expect(finished.data?.finishedAt).not.toBeNull();

    const late = await learner.POST('/api/me/practice-sessions/{id}/answers', {
      params: { path: { id: sessionId } },
      body: { answerId: randomUUID(), wordId: words[0].id, rating: 3, responseMs: 500 },
    });
    expect(late.response.status).toBe(409);
    expect(late.error?.code).toBe('state_conflict');

    const sessions = await learner.GET('/api/me/practice-sessions');
    expect(sessions.data?.items.map((s) => s.id)).toEqual([sessionId]);

    const stats = await learner.GET('/api/me/vocabulary/stats');
    expect(stats.response.status).toBe(200);
    const totals: Schemas['VocabularyStatsDto'] = stats.data!;
    expect(totals.total).toBe(3);
    expect(totals.byMastery.reduce((sum, m) => sum + m.count, 0)).toBe(3);
  });

  it("pages a conversation's messages in order", async () => {
    const learner = clientFor((await ctx.newLearner()).token);
    const conversation = await learner.POST('/api/me/conversations', {
      body: { sessionType: 'practice', conversationContext: { topic: 'travel' } },
    });
    expect(conversation.response.status).toBe(201);
    const id = conversation.data!.id;
    for (let i = 1; i <= 5; i++) {
      const appended = await learner.POST('/api/me/conversations/{id}/messages', {
        params: { path: { id } },
        body: { role: i % 2 ? 'user' : 'assistant', content: `message ${i}` },
      });
      expect(appended.data?.messageOrder).toBe(i);
    }
    const seen: string[] = [];
    let afterOrder: number | null = 0;
    while (afterOrder !== null) {
      const page: { data?: Schemas['MessagePage'] } = await learner.GET('/api/me/conversations/{id}/messages', {
        params: { path: { id }, query: { afterOrder, limit: 2 } },
      });
      seen.push(...page.data!.items.map((m) => m.content));
      afterOrder = page.data!.nextAfterOrder;
    }
    expect(seen).toEqual(['message 1', 'message 2', 'message 3', 'message 4', 'message 5']);

    const listed = await learner.GET('/api/me/conversations', { params: { query: { context: JSON.stringify({ topic: 'travel' }) } } });
    expect(listed.data?.items.map((c) => c.id)).toEqual([id]);
  });

  it('answers errors with the documented body, and public routes need no token', async () => {
    const unauthenticated = await anonymous.GET('/api/me');
    expect(unauthenticated.response.status).toBe(401);
    expect(unauthenticated.error).toMatchObject({ statusCode: 401, code: 'unauthorized' });
    expect(unauthenticated.error?.requestId).toEqual(expect.any(String));

    const invalid = await author.POST('/api/words', { body: { term: '', translation: 'x', categoryId: 1, difficultyLevel: 9 } });
    expect(invalid.response.status).toBe(400);
    expect(invalid.error?.code).toBe('validation_failed');
    expect(invalid.error?.details?.map((d) => d.field)).toEqual(expect.arrayContaining(['term', 'difficultyLevel']));

    const live = await anonymous.GET('/health/live');
    expect(live.data?.status).toBe('ok');
    const ready = await anonymous.GET('/health/ready');
    expect(ready.data?.details.database?.status).toBe('up');
  });
});
