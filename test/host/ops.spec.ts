import { TransactionRunner } from '../../src/database/transaction-runner';
import { Logger } from '@nestjs/common';
import { TestContext } from '../harness/context';
import { HostTestContext } from './host-context';

describe('operations endpoints and observability', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await HostTestContext.create({ env: { DB_SLOW_QUERY_MS: '1' } });
  });
  afterAll(() => ctx.close());

  it('serves /health/live and /health/ready outside /api', async () => {
    await ctx.http.get('/health/live').expect(200, { status: 'ok' });
    const ready = await ctx.http.get('/health/ready').expect(200);
    expect(ready.body.info).toMatchObject({ database: { status: 'up' } });
    expect(ready.body.cache).toEqual({ status: 'up' });
    await ctx.http.get('/api/health/live').expect(404);
  });

  it('exports query durations, pool state, error counts and cache lookups on /metrics', async () => {
    const learner = await ctx.newLearner();
    await ctx.http.get('/api/me').set(learner.auth).expect(200);
    await ctx.http.get('/api/me').expect(401);
    const res = await ctx.http.get('/metrics').expect(200);
    expect(res.headers['content-type']).toMatch(/text\/plain/);
    expect(res.text).toMatch(/lingua_db_query_duration_seconds_bucket\{le="[^"]+",kind="SELECT",success="true"\} \d+/);
    expect(res.text).toMatch(/lingua_db_pool_connections\{state="total"\} \d+/);
    expect(res.text).toMatch(/lingua_db_pool_connections\{state="waiting"\} 0/);
    expect(res.text).toMatch(/lingua_http_errors_total\{code="unauthorized"\} [1-9]/);
    expect(res.text).toContain('lingua_cache_lookups_total');
  });

  it('exports every error code, the retried SQLSTATEs and slow statements from the start, and the pool bound (issue 16: alert rules need the series)', async () => {
    await ctx.dataSource.query('SELECT pg_sleep(0.005)');
    const res = await ctx.http.get('/metrics').expect(200);
    for (const code of ['db_unavailable', 'db_timeout', 'db_contention', 'internal', 'not_found']) {
      expect(res.text).toMatch(new RegExp(`lingua_http_errors_total\\{code="${code}"\\} \\d+`));
    }
    expect(res.text).toMatch(/lingua_db_transaction_retries_total\{sqlstate="40001"\} \d+/);
    expect(res.text).toMatch(/lingua_db_transaction_retries_total\{sqlstate="40P01"\} \d+/);
    expect(res.text).toMatch(/lingua_db_slow_queries_total\{kind="UPDATE"\} \d+/);
    expect(res.text).toMatch(/lingua_db_slow_queries_total\{kind="SELECT"\} [1-9]/); // DB_SLOW_QUERY_MS=1 here
    expect(res.text).toMatch(/lingua_db_pool_max_connections 10\n/); // DB_POOL_MAX's default
  });

  it('echoes a sane incoming X-Request-Id and uses it in error bodies', async () => {
    const res = await ctx.http.get('/api/me').set('X-Request-Id', 'trace-abc.123').expect(401);
    expect(res.headers['x-request-id']).toBe('trace-abc.123');
    expect(res.body.requestId).toBe('trace-abc.123');
    const injected = await ctx.http.get('/api/me').set('X-Request-Id', 'bad id with spaces; and <html>');
    expect(injected.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it('logs statements slower than DB_SLOW_QUERY_MS with duration and a normalised statement', async () => {
    const warn = jest.spyOn(Logger.prototype, 'warn');
    try {
      // Through lingua-core (its transaction runner): the host's own statements are not lingua's to log (issue 14).
      await ctx.get(TransactionRunner).run((manager) => manager.query(`SELECT pg_sleep(0.01), 'secret-literal' AS x, 42 AS n`));
      const call = warn.mock.calls.find(
        ([payload]) =>
          typeof payload === 'object' && payload !== null && String((payload as { statement?: unknown }).statement).includes('pg_sleep'),
      );
      expect(call).toBeDefined();
      const payload = call![0] as { durationMs: number; statement: string };
      expect(payload.durationMs).toBeGreaterThanOrEqual(1);
      expect(payload.statement).toBe('SELECT pg_sleep(?), ? AS x, ? AS n');
    } finally {
      warn.mockRestore();
    }
  });

  it('describes every SPEC §3 route and its error responses in the OpenAPI document', async () => {
    const doc = await ctx.http.get('/docs-json').expect(200);
    const routes = Object.entries(doc.body.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    const spec = [
      'POST /api/users',
      'GET /api/me',
      'PUT /api/me/profile',
      'GET /api/me/learning-paths',
      'POST /api/me/learning-paths',
      'PATCH /api/me/learning-paths/{id}',
      'GET /api/profiles/search',
      'GET /api/categories',
      'POST /api/categories',
      'PATCH /api/categories/{id}',
      'DELETE /api/categories/{id}',
      'GET /api/words',
      'GET /api/words/{id}',
      'POST /api/words',
      'PATCH /api/words/{id}',
      'DELETE /api/words/{id}',
      'POST /api/words/bulk',
      'GET /api/me/vocabulary',
      'PUT /api/me/vocabulary/{wordId}',
      'DELETE /api/me/vocabulary/{wordId}',
      'GET /api/me/vocabulary/due',
      'GET /api/me/vocabulary/stats',
      'POST /api/me/practice-sessions',
      'GET /api/me/practice-sessions',
      'GET /api/me/practice-sessions/{id}',
      'POST /api/me/practice-sessions/{id}/answers',
      'POST /api/me/practice-sessions/{id}/finish',
      'POST /api/me/conversations',
      'GET /api/me/conversations',
      'GET /api/me/conversations/{id}',
      'PATCH /api/me/conversations/{id}',
      'POST /api/me/conversations/{id}/messages',
      'GET /api/me/conversations/{id}/messages',
      'POST /api/me/conversations/{id}/interactions',
      'GET /api/me/interactions',
      'GET /api/me/interactions/due',
      'POST /api/lessons',
      'GET /api/lessons',
      'GET /api/lessons/{id}',
      'POST /api/lessons/{id}/versions',
      'GET /api/lessons/{id}/versions',
      'GET /api/lessons/{id}/versions/{version}',
      'POST /api/me/lesson-sessions',
      'GET /api/me/lesson-sessions',
      'PATCH /api/me/lesson-sessions/{id}',
      'GET /health/live',
      'GET /health/ready',
    ];
    expect(spec.filter((r) => !routes.includes(r))).toEqual([]);
    expect(doc.body.paths['/api/users'].post.responses['409']).toBeDefined();
    expect(doc.body.components.schemas.ErrorBodyDoc).toBeDefined();
  });
});
