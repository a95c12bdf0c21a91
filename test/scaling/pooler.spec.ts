import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { LINGUA_MIGRATIONS } from '../../migrations';
import { VersionedCache } from '../../src/cache/versioned-cache';
import { buildDataSourceOptions } from '../../src/data-source-options';
import { MigrationNeedsSessionError, withMigrationLock } from '../../src/database/migration-lock';
import { detectPooler } from '../../src/database/pooler';
import { validateEnv } from '../../host/env';
import { runPendingMigrations } from '../../host/run-migrations';
import { holdInTransaction } from '../harness/barriers';
import { withDatabase } from '../../scripts/lib/scratch-postgres';
import { createDatabaseFromTemplate, createEmptyDatabase, dropDatabase, TestContext } from '../harness/context';
import { HostTestContext } from '../host/host-context';
import { hasPgBouncer, PrivatePgBouncer } from '../../scripts/lib/private-pgbouncer';
import { ProbeModule } from '../harness/probe.module';
import { newCategory, newWords } from '../vocabulary/factories';

/**
 * Issue 13, SPEC §7: lingua-core behind PgBouncer in transaction mode. This file's PgBouncer has ONE
 * server connection, so every client's statements share it: session state left by one client would
 * be seen by the next at once, and a session feature (LISTEN, a session advisory lock) is
 * visibly not a session. Its database has no role or database defaults.
 */
const describeWithPgBouncer = hasPgBouncer() ? describe : describe.skip;
if (!hasPgBouncer()) it.skip('issue 13 pooler tests: skipped, pgbouncer is not installed (apt-get install -y pgbouncer)', () => undefined);

describeWithPgBouncer('issue 13: through a transaction-mode pooler (PgBouncer, pool size 1)', () => {
  let bouncer: PrivatePgBouncer;
  let ctx: TestContext;
  let pooled: string;
  let database: string;

  beforeAll(async () => {
    const admin = process.env.LINGUA_TEST_ADMIN_URL as string;
    const direct = new URL(admin);
    bouncer = await PrivatePgBouncer.start({ host: direct.hostname, port: Number(direct.port || 5432) }, { poolSize: 1 });
    database = await createDatabaseFromTemplate();
    pooled = bouncer.urlFor(withDatabase(admin, database));
    // No DATABASE_DIRECT_URL: the listener must find out for itself that this is no session.
    ctx = await HostTestContext.create({
      databaseUrl: withDatabase(admin, database),
      imports: [ProbeModule],
      env: { DATABASE_URL: pooled, DB_STATEMENT_TIMEOUT_MS: '400', DB_LOCK_TIMEOUT_MS: '300' },
    });
  });
  afterAll(async () => {
    await ctx?.close();
    bouncer?.stop();
    if (database) await dropDatabase(database);
  });

  it('detects the pooler (it refuses the startup parameter `options`) and connects without one', async () => {
    expect(await detectPooler(pooled)).toBe('transaction');
    expect(await detectPooler(ctx.databaseUrl)).toBe('none');
    expect((ctx.dataSource.options.extra as { options?: string }).options).toBeUndefined();
    await ctx.http.get('/health/ready').expect(200);
  });

  it("lingua-core's transactions carry their statement and lock timeouts (SET LOCAL) on whichever server connection runs them", async () => {
    const slow = await ctx.http.post('/api/__probe/tx').send({ statements: ['SELECT pg_sleep(3)'] });
    expect({ status: slow.status, code: slow.body.code }).toEqual({ status: 503, code: 'db_timeout' });

    await ctx.http
      .post('/api/__probe/sql')
      .send({ sql: 'CREATE TABLE IF NOT EXISTS pooler_probe (id int PRIMARY KEY, v int)' })
      .expect(201);
    await ctx.http.post('/api/__probe/sql').send({ sql: 'INSERT INTO pooler_probe VALUES (1, 0) ON CONFLICT DO NOTHING' }).expect(201);
    const held = await holdInTransaction(ctx.databaseUrl, ['UPDATE pooler_probe SET v = v + 1 WHERE id = 1']);
    try {
      const blocked = await ctx.http.post('/api/__probe/tx').send({ statements: ['UPDATE pooler_probe SET v = v + 1 WHERE id = 1'] });
      expect({ status: blocked.status, code: blocked.body.code }).toEqual({ status: 503, code: 'db_timeout' });
    } finally {
      await held.release();
    }
  });

  it('leaves no session state behind: the next client of the same server connection sees the defaults', async () => {
    for (let i = 0; i < 5; i++)
      await ctx.http
        .post('/api/__probe/tx')
        .send({ statements: ['SELECT 1'] })
        .expect(201);
    const other = new Client({ connectionString: pooled });
    await other.connect();
    try {
      const { rows } = await other.query(
        `SELECT current_setting('statement_timeout') AS st, current_setting('lock_timeout') AS lt, current_setting('idle_in_transaction_session_timeout') AS it`,
      );
      expect(rows[0]).toEqual({ st: '0', lt: '0', it: '0' });
    } finally {
      await other.end();
    }
  });

  it('says that statements outside a transaction lack the timeouts (no role defaults) — readiness and /metrics — without failing', async () => {
    const ready = (await ctx.http.get('/health/ready').expect(200)).body;
    expect(ready.sessionSettings).toMatchObject({ inForce: false, found: { statement_timeout: '0' } });
    const metrics = (await ctx.http.get('/metrics').expect(200)).text;
    expect(metrics).toMatch(/^lingua_db_session_settings_in_force 0$/m);
  });

  it('the cache listener finds its connection is no session, says so, and cached reads go to PostgreSQL', async () => {
    expect(ctx.get(VersionedCache).listenerState()).toBe('not_a_session');
    const ready = (await ctx.http.get('/health/ready').expect(200)).body;
    expect(ready.cacheListener).toBe('not_a_session');
    expect((await ctx.http.get('/metrics').expect(200)).text).toMatch(/^lingua_cache_listener_up 0$/m);
    const learner = await ctx.newLearner();
    await ctx.http.get('/api/categories').set(learner.auth).expect(200);
    const { statements } = await ctx.countStatements(() => ctx.http.get('/api/categories').set(learner.auth).expect(200));
    // Without a listener the instance announces itself through the pool (docs/caching.md, "Lone lease"): not the read's.
    expect(statements.filter((sql) => !sql.includes('pg_notify'))).toHaveLength(1);
  });

  it('with DATABASE_DIRECT_URL the listener holds a real session and the cache serves hits', async () => {
    const direct = await HostTestContext.create({
      databaseUrl: ctx.databaseUrl,
      env: { DATABASE_URL: pooled, DATABASE_DIRECT_URL: ctx.databaseUrl },
    });
    try {
      expect(direct.get(VersionedCache).listenerState()).toBe('up');
      const learner = await direct.newLearner();
      const category = await newCategory(direct);
      await newWords(direct, category.id, 1);
      await direct.http.get('/api/categories').set(learner.auth).expect(200);
      expect((await direct.countStatements(() => direct.http.get('/api/categories').set(learner.auth).expect(200))).count).toBe(0);
    } finally {
      await direct.close();
    }
  });

  it('the migration lock refuses a pooled connection (both instances would get it) and migrates nothing', async () => {
    const db = await createEmptyDatabase();
    const throughPooler = withMigrationLock(
      new DataSource(
        buildDataSourceOptions({ url: bouncer.urlFor(db.url), pooler: 'transaction' }, { role: 'migrations', logging: false }),
      ),
    );
    try {
      await throughPooler.initialize();
      await expect(throughPooler.runMigrations({ transaction: 'each' })).rejects.toBeInstanceOf(MigrationNeedsSessionError);
      const [{ n }] = await throughPooler.query(`SELECT count(*)::int AS n FROM pg_tables WHERE tablename = 'migrations'`);
      expect(n).toBe(0);
    } finally {
      await throughPooler.destroy();
      await dropDatabase(db.name);
    }
  });

  it('two deploys migrating at once (DATABASE_URL at the pooler, DATABASE_DIRECT_URL at the server): one migrates, the other finds nothing', async () => {
    const db = await createEmptyDatabase();
    const env = validateEnv({ DATABASE_URL: bouncer.urlFor(db.url), DATABASE_DIRECT_URL: db.url, JWT_SECRET: 'x'.repeat(16) });
    try {
      const applied = await Promise.all([0, 1].map(() => runPendingMigrations(env, () => undefined)));
      expect(applied.sort((a, b) => a - b)).toEqual([0, LINGUA_MIGRATIONS.length]);
    } finally {
      await dropDatabase(db.name);
    }
  }, 240_000);
});
