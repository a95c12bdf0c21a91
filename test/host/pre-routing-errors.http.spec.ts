import { TestContext } from '../harness/context';
import { HostTestContext } from './host-context';

/**
 * Issue 16 (part 4): errors Nest raises before a lingua controller is chosen — a malformed JSON body,
 * an unknown path under /api — answer lingua's SPEC §3 body when the host registers
 * LinguaPathsExceptionFilter for lingua's prefix (the reference host does); the host's own paths keep
 * Nest's default body. Runs on Express and Fastify.
 */
describe('issue 16: errors raised before routing on lingua paths', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await HostTestContext.create();
  });
  afterAll(() => ctx.close());

  it('a malformed JSON body on a lingua route answers 400 validation_failed with a request id', async () => {
    const res = await ctx.http
      .post('/api/users')
      .set('Content-Type', 'application/json')
      .set('X-Request-Id', 'bad-json-1')
      .send('{"email": ');
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      statusCode: 400,
      error: 'Bad Request',
      code: 'validation_failed',
      message: expect.any(String),
      requestId: 'bad-json-1',
    });
    expect(res.headers['x-request-id']).toBe('bad-json-1');
  });

  it("an unknown path under /api answers 404 not_found with lingua's body", async () => {
    const res = await ctx.http.get('/api/no-such-route').expect(404);
    expect(res.body).toEqual({
      statusCode: 404,
      error: 'Not Found',
      code: 'not_found',
      message: 'Cannot GET /api/no-such-route',
      requestId: expect.any(String),
    });
    expect(res.headers['x-request-id']).toBe(res.body.requestId);
  });

  it("paths outside lingua's prefix keep Nest's default body", async () => {
    const res = await ctx.http.get('/not-lingua').expect(404);
    expect(res.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /not-lingua' });
    await ctx.http.get('/apix').expect(404, { statusCode: 404, error: 'Not Found', message: 'Cannot GET /apix' });
  });
});
