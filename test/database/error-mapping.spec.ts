import { LoggerService } from '@nestjs/common';
import { Client } from 'pg';
import { sqlStateOf } from '../../src/database/transactions';
import { holdAdvisoryLock, holdInTransaction, openClient, waitForWaiters } from '../harness/barriers';
import { TestContext } from '../harness/context';
import { ProbeModule } from '../harness/probe.module';

const DEADLOCK_BARRIER = 90_001;
const SERIALIZATION_BARRIER = 90_002;

/**
 * Routes the app's Nest logger to an in-memory logger for the duration of a test (the filter logs
 * through Nest's Logger), so a test can read what the app logged for a request.
 */
function captureErrorLogs(ctx: TestContext): { entries: Array<Record<string, unknown>>; restore: () => void } {
  const entries: Array<Record<string, unknown>> = [];
  const capture: LoggerService = {
    log: () => undefined,
    warn: () => undefined,
    error: (message: unknown) => {
      if (typeof message === 'object' && message) entries.push(message as Record<string, unknown>);
    },
  };
  ctx.app.useLogger(capture);
  return { entries, restore: () => ctx.restoreLogger() };
}

/**
 * Each row of the SQLSTATE/error-class → API error mapping (docs/errors.md), produced for real
 * against a PostgreSQL server and observed over HTTP.
 */
describe('database errors become SPEC §3 error bodies', () => {
  let ctx: TestContext;
  const sql = (statement: string) => ctx.http.post('/api/__probe/sql').send({ sql: statement });

  beforeAll(async () => {
    ctx = await TestContext.create({ imports: [ProbeModule], env: { DB_LOCK_TIMEOUT_MS: '300', DB_STATEMENT_TIMEOUT_MS: '1500' } });
    await sql(
      `CREATE TABLE probe_parent (id int PRIMARY KEY, v int NOT NULL DEFAULT 0 CONSTRAINT ck_probe_parent_v CHECK (v < 1000))`,
    ).expect(201);
    await sql(
      `CREATE TABLE probe_child (id int PRIMARY KEY, parent_id int CONSTRAINT fk_probe_child_parent_id REFERENCES probe_parent(id) ON DELETE RESTRICT)`,
    ).expect(201);
    await sql(`INSERT INTO probe_parent (id) VALUES (1), (2); INSERT INTO probe_child VALUES (1, 1)`).expect(201);
    await sql(`CREATE TABLE probe_text (v varchar(2))`).expect(201);
  });

  /** The SQLSTATE PostgreSQL itself raises for a statement: proves each case is the state it claims. */
  const sqlStateOfStatement = async (statement: string) => {
    const client = await openClient(ctx.databaseUrl);
    try {
      await client.query(`BEGIN; ${statement}`);
      return undefined;
    } catch (err) {
      return (err as { code?: string }).code;
    } finally {
      await client.end();
    }
  };
  afterAll(() => ctx.close());

  const expectBody = (
    res: { status: number; body: Record<string, unknown>; headers: Record<string, string> },
    status: number,
    code: string,
    constraint?: string,
  ) => {
    expect({ status: res.status, code: res.body.code, constraint: res.body.constraint }).toEqual({ status, code, constraint });
    expect(res.body.requestId).toBe(res.headers['x-request-id']);
    // nothing but the documented fields, and a message of our own (no SQL, stack or driver text)
    const allowed = ['statusCode', 'error', 'code', 'message', 'requestId', 'constraint', 'details'];
    expect(Object.keys(res.body).filter((k) => !allowed.includes(k))).toEqual([]);
    expect(String(res.body.message)).not.toMatch(
      /probe_|INSERT|SELECT|UPDATE|DELETE|pg_sleep|at \w+ \(|duplicate key|violates|relation|syntax/i,
    );
    if (status === 503) expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
  };

  it('23505 unique → 409 unique_violation', async () => {
    expectBody(await sql(`INSERT INTO probe_parent (id) VALUES (1)`), 409, 'unique_violation', 'probe_parent_pkey');
  });

  it('23503 foreign key on insert → 409 foreign_key_violation', async () => {
    expectBody(await sql(`INSERT INTO probe_child VALUES (2, 99)`), 409, 'foreign_key_violation', 'fk_probe_child_parent_id');
  });

  it('23001 delete blocked by ON DELETE RESTRICT → 409 foreign_key_violation', async () => {
    expectBody(await sql(`DELETE FROM probe_parent WHERE id = 1`), 409, 'foreign_key_violation', 'fk_probe_child_parent_id');
  });

  it('23514 check → 409 check_violation', async () => {
    expectBody(await sql(`UPDATE probe_parent SET v = 5000 WHERE id = 2`), 409, 'check_violation', 'ck_probe_parent_v');
  });

  it('23502 not null → 409 not_null_violation naming the column', async () => {
    expectBody(await sql(`INSERT INTO probe_parent (id, v) VALUES (3, NULL)`), 409, 'not_null_violation', 'v');
  });

  it('22P02 malformed value → 400 validation_failed', async () => {
    expectBody(await sql(`SELECT 'abc'::int`), 400, 'validation_failed');
  });

  // issue 9: class 22 is a 400 only where a client's value can cause it (src/database/data-exceptions.ts).
  const clientDataExceptions: Array<[string, string]> = [
    ['22001', `INSERT INTO probe_text (v) VALUES ('abc')`],
    ['22003', `SELECT 99999999999::int`],
    ['22007', `SELECT 'not a date'::timestamptz`],
    ['22008', `SELECT '2026-02-30'::date`],
    ['22009', `SELECT '2026-01-01 00:00+25:00'::timestamptz`],
    ['22015', `SELECT '2147483648 months'::interval`],
    ['22021', `SELECT convert_from('\\xff'::bytea, 'UTF8')`],
    ['22P02', `SELECT '{"a":'::jsonb`],
    ['22P05', `SELECT '"\\u0000"'::jsonb`],
  ];
  it.each(clientDataExceptions)('issue 9: %s (a client value can cause it) → 400 validation_failed', async (state, statement) => {
    expect(await sqlStateOfStatement(statement)).toBe(state);
    expectBody(await sql(statement), 400, 'validation_failed');
  });

  const serverDataExceptions: Array<[string, string]> = [
    ['22012', `SELECT 1 / 0`],
    ['22023', `SELECT generate_series(1, 2, 0)`],
    ['2201E', `SELECT ln(0)`],
    ['2202E', `SELECT json_object('{a,b}'::text[], '{1}'::text[])`],
    ['2201W', `SELECT 1 LIMIT -1`],
  ];
  it.each(serverDataExceptions)(
    'issue 9: %s (only our own SQL can cause it) → 500 internal, logged with the request id',
    async (state, statement) => {
      expect(await sqlStateOfStatement(statement)).toBe(state);
      const logged = captureErrorLogs(ctx);
      try {
        const res = await sql(statement);
        expectBody(res, 500, 'internal');
        const entry = logged.entries.find((e) => e.requestId === res.body.requestId);
        expect(entry).toMatchObject({ code: 'internal' });
        expect(sqlStateOf(entry?.err)).toBe(state);
      } finally {
        logged.restore();
      }
    },
  );

  it('55P03 lock timeout → 503 db_timeout with Retry-After', async () => {
    await withRowLocked(ctx.databaseUrl, async () => {
      expectBody(await sql(`UPDATE probe_parent SET v = v + 1 WHERE id = 2`), 503, 'db_timeout');
    });
  });

  it('57014 statement timeout → 503 db_timeout', async () => {
    expectBody(await sql(`SELECT pg_sleep(3)`), 503, 'db_timeout');
  });

  it('40P01 deadlock is retried on a fresh transaction and both writers succeed', async () => {
    // Each writer locks one row, then waits at a barrier (an advisory lock the test holds) until both
    // hold their first row; only then may they reach for the other's: a deadlock every time, not
    // whenever two pg_sleeps happen to overlap. The victim's retry passes the (open) barrier freely.
    const writer = (first: number, second: number) => [
      "SET LOCAL lock_timeout = '30s'",
      "SET LOCAL statement_timeout = '30s'",
      `UPDATE probe_parent SET v = v + 1 WHERE id = ${first}`,
      `SELECT pg_advisory_xact_lock_shared(${DEADLOCK_BARRIER})`,
      `UPDATE probe_parent SET v = v + 1 WHERE id = ${second}`,
    ];
    const before = (await sql('SELECT id, v FROM probe_parent ORDER BY id')).body.rows;
    const barrier = await holdAdvisoryLock(ctx.databaseUrl, DEADLOCK_BARRIER);
    try {
      const forward = ctx.http
        .post('/api/__probe/tx')
        .send({ statements: writer(1, 2) })
        .then((r) => r);
      const backward = ctx.http
        .post('/api/__probe/tx')
        .send({ statements: writer(2, 1) })
        .then((r) => r);
      await waitForWaiters(ctx.databaseUrl, { count: 2, waitEvent: 'advisory' });
      await barrier.release();
      const [a, b] = await Promise.all([forward, backward]);
      expect([a.status, b.status]).toEqual([201, 201]);
      expect(a.body.attempts + b.body.attempts).toBe(3); // exactly one was chosen as the deadlock victim and retried
    } finally {
      await barrier.release();
    }
    const after = (await sql('SELECT id, v FROM probe_parent ORDER BY id')).body.rows;
    expect(after.map((r: { v: number }) => r.v)).toEqual(before.map((r: { v: number }) => r.v + 2));
  });

  it('issue 9: a client query_timeout (pg "read timeout", no SQLSTATE) → 503 db_timeout, not db_unavailable', async () => {
    // pg_sleep(1) cannot answer before 1 s, so the 100 ms client timeout always fires first.
    const res = await ctx.http.post('/api/__probe/read-timeout').send({ sql: 'SELECT pg_sleep(1)', timeoutMs: 100 });
    expectBody(res, 503, 'db_timeout');
  });

  it('a unknown error → 500 internal without driver text', async () => {
    const res = await sql(`SELECT * FROM no_such_table`);
    expectBody(res, 500, 'internal');
    expect(res.body.message).toBe('An unexpected error occurred.');
  });
});

describe('retries exhausted and pool exhaustion', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await TestContext.create({
      imports: [ProbeModule],
      env: { DB_TX_MAX_RETRIES: '0', DB_POOL_MAX: '2', DB_POOL_ACQUIRE_TIMEOUT_MS: '200', DB_LOCK_TIMEOUT_MS: '5000' },
    });
    await ctx.http
      .post('/api/__probe/sql')
      .send({ sql: `CREATE TABLE probe_counter (id int PRIMARY KEY, v int NOT NULL); INSERT INTO probe_counter VALUES (1, 0)` })
      .expect(201);
  });
  afterAll(() => ctx.close());

  it('40001 serialization failure with no retries left → 503 db_contention', async () => {
    // Both SERIALIZABLE transactions take their snapshot (the SELECT), then wait at a barrier the
    // test holds until both are there: their read-modify-writes overlap every time.
    const rmw = () =>
      ctx.http
        .post('/api/__probe/tx')
        .send({
          isolation: 'SERIALIZABLE',
          statements: [
            'SELECT v FROM probe_counter WHERE id = 1',
            `SELECT pg_advisory_xact_lock_shared(${SERIALIZATION_BARRIER})`,
            'UPDATE probe_counter SET v = v + 1 WHERE id = 1',
          ],
        })
        .then((r) => r);
    const barrier = await holdAdvisoryLock(ctx.databaseUrl, SERIALIZATION_BARRIER);
    let results;
    try {
      const pending = [rmw(), rmw()];
      await waitForWaiters(ctx.databaseUrl, { count: 2, waitEvent: 'advisory' });
      await barrier.release();
      results = await Promise.all(pending);
    } finally {
      await barrier.release();
    }
    const statuses = results.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 503]);
    const failed = results.find((r) => r.status === 503)!;
    expect(failed.body.code).toBe('db_contention');
    expect(failed.headers['retry-after']).toBeDefined();
  });

  it('a full pool fails fast: 503 db_unavailable after the acquire timeout, not a hang', async () => {
    const blockers = await holdInTransaction(ctx.databaseUrl, ['LOCK TABLE probe_counter IN ACCESS EXCLUSIVE MODE']);
    try {
      // two requests wait on the lock, holding both pool connections
      const stuck = [1, 2].map(() =>
        ctx.http
          .post('/api/__probe/sql')
          .send({ sql: 'UPDATE probe_counter SET v = v + 1 WHERE id = 1' })
          .then((r) => r),
      );
      await waitForWaiters(ctx.databaseUrl, { count: 2, waitEventType: 'Lock', queryLike: 'UPDATE probe_counter%' });
      const t0 = Date.now();
      const res = await ctx.http.post('/api/__probe/sql').send({ sql: 'SELECT 1' });
      const waitedMs = Date.now() - t0;
      expect(res.status).toBe(503);
      expect(res.body.code).toBe('db_unavailable');
      // Not a hang: the answer came while both connections were still held (the lock is only released
      // below), so it cannot have waited for one to free up. It waited the acquire timeout (200 ms) —
      // a lower bound, which a busy machine can only lengthen, never shorten (10 ms for timer rounding).
      expect(
        await waitForWaiters(ctx.databaseUrl, { count: 2, waitEventType: 'Lock', queryLike: 'UPDATE probe_counter%' }, 0),
      ).toHaveLength(2);
      expect(waitedMs).toBeGreaterThanOrEqual(190);
      await blockers.release();
      expect((await Promise.all(stuck)).map((r) => r.status)).toEqual([201, 201]);
    } finally {
      await blockers.release();
    }
  });
});

async function withRowLocked(url: string, work: () => Promise<void>): Promise<void> {
  const client = new Client({ connectionString: url });
  await client.connect();
  await client.query('BEGIN');
  await client.query('SELECT * FROM probe_parent WHERE id = 2 FOR UPDATE');
  try {
    await work();
  } finally {
    await client.query('ROLLBACK');
    await client.end();
  }
}
