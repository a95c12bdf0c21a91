import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { validateEnv } from '../../host/env';
import { EmbeddedPostgres } from '../../dev/embedded-postgres';
import { runPendingMigrations } from '../../host/run-migrations';
import { waitForWaiters } from '../harness/barriers';
import { TestContext } from '../harness/context';
import { HostTestContext } from '../host/host-context';
import { ProbeModule } from '../harness/probe.module';
import { TEST_CLUSTER_PREFIX } from '../harness/servers';

/**
 * A PostgreSQL server of this test's own (whatever server the rest of the suite uses), stopped and
 * restarted under a running app: requests get 503 with Retry-After while it is down, and succeed
 * again after, without restarting the app.
 */
describe('PostgreSQL stopped and restarted under a running app', () => {
  let server: EmbeddedPostgres;
  let ctx: TestContext;
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), `${TEST_CLUSTER_PREFIX}${process.pid}-restart-`));

  beforeAll(async () => {
    server = await EmbeddedPostgres.start({ dataDir, settings: { fsync: 'off' } });
    await runPendingMigrations(validateEnv({ DATABASE_URL: server.url }), () => undefined);
    ctx = await HostTestContext.create({ databaseUrl: server.url, imports: [ProbeModule] });
  });
  afterAll(async () => {
    await ctx?.close();
    await server?.stop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('57P01 for the query in flight, 503 db_unavailable while down, 200 again after restart', async () => {
    const learner = await ctx.newLearner();
    await ctx.http.get('/api/me').set(learner.auth).expect(200);

    const inFlight = ctx.http.post('/api/__probe/sql').send({ sql: 'SELECT pg_sleep(5)' });
    const inFlightResponse = inFlight.then((r) => r);
    // the statement is running on the server (not merely sent) before the server goes down
    await waitForWaiters(ctx.databaseUrl, { count: 1, queryLike: 'SELECT pg_sleep(5)%' });
    const port = server.port;
    await server.stop();

    const killed = await inFlightResponse;
    expect({ status: killed.status, code: killed.body.code }).toEqual({ status: 503, code: 'db_unavailable' });
    expect(killed.headers['retry-after']).toBeDefined();

    const down = await ctx.http.get('/api/me').set(learner.auth);
    expect({ status: down.status, code: down.body.code }).toEqual({ status: 503, code: 'db_unavailable' });
    expect(Number(down.headers['retry-after'])).toBeGreaterThan(0);
    const ready = await ctx.http.get('/health/ready');
    expect(ready.status).toBe(503);

    server = await EmbeddedPostgres.start({ dataDir, port, settings: { fsync: 'off' } });
    // Polls until the pool reconnects; the deadline only turns a hang into a failure (30 s is two
    // orders of magnitude above a normal recovery), it is not what the test measures.
    let status = 0;
    for (const deadline = Date.now() + 30_000; status !== 200 && Date.now() < deadline;) {
      status = (await ctx.http.get('/api/me').set(learner.auth)).status;
      if (status !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(status).toBe(200);
    await ctx.http.get('/health/ready').expect(200);
  });
});
