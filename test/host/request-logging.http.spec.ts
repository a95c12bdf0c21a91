import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { freePort } from '../../dev/embedded-postgres';
import { withDatabase } from '../../scripts/lib/scratch-postgres';
import { createDatabaseFromTemplate, dropDatabase, TEST_JWT_SECRET, testPlatform } from '../harness/context';
import { signTestToken } from '../harness/test-auth';

/**
 * The reference host's request lines on the platform of this jest project: the real host process
 * (host/main.ts with HTTP_PLATFORM, NODE_ENV=production, stdout to a file, as deployed) writes exactly
 * one line per request — request id, method, url, status and response time — on Express and on
 * Fastify alike (nestjs-pino's default routes log nothing under RouterModule on Fastify). Not covered:
 * a body Express's JSON parser rejects (it runs before any Nest middleware, so before pino-http).
 */
describe(`request logging on ${testPlatform()}`, () => {
  const root = path.resolve(__dirname, '../..');
  const logFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'lingua-request-log-')), 'host.log');
  let database: string;
  let host: ChildProcess;
  let base: string;

  beforeAll(async () => {
    database = await createDatabaseFromTemplate();
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    const out = fs.openSync(logFile, 'a');
    host = spawn(process.execPath, ['-r', 'ts-node/register/transpile-only', path.join(root, 'host/main.ts')], {
      cwd: root,
      env: {
        PATH: process.env.PATH,
        NODE_ENV: 'production',
        DATABASE_URL: withDatabase(process.env.LINGUA_TEST_ADMIN_URL as string, database),
        JWT_SECRET: TEST_JWT_SECRET,
        PORT: String(port),
        HOST: '127.0.0.1',
        HTTP_PLATFORM: testPlatform(),
        LOG_LEVEL: 'info',
      },
      stdio: ['ignore', out, out],
    });
    fs.closeSync(out);
    const deadline = Date.now() + 90_000;
    for (;;) {
      if (host.exitCode !== null) throw new Error(`the host exited:\n${fs.readFileSync(logFile, 'utf8')}`);
      if (Date.now() > deadline) throw new Error(`the host did not start:\n${fs.readFileSync(logFile, 'utf8')}`);
      if (
        await fetch(`${base}/health/live`).then(
          (r) => r.ok,
          () => false,
        )
      )
        break;
      await new Promise((r) => setTimeout(r, 250));
    }
  }, 120_000);

  afterAll(async () => {
    if (host && host.exitCode === null) {
      const exited = new Promise((resolve) => host.once('exit', resolve));
      host.kill('SIGINT');
      await exited;
    }
    if (database) await dropDatabase(database);
    fs.rmSync(path.dirname(logFile), { recursive: true, force: true });
  });

  const requestLines = () =>
    fs
      .readFileSync(logFile, 'utf8')
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .filter((entry) => entry.msg === 'request completed');

  it('writes one line per request with the request id, method, url, status and response time; none for health probes', async () => {
    const token = signTestToken(1);
    const requests: Array<{ method: string; url: string; headers?: Record<string, string>; body?: string; status: number }> = [
      { method: 'GET', url: '/api/categories', headers: { authorization: `Bearer ${token}` }, status: 200 },
      { method: 'GET', url: '/api/me/vocabulary?limit=5', headers: { authorization: `Bearer ${token}` }, status: 200 },
      { method: 'GET', url: '/api/me', headers: { 'x-request-id': 'trace-log-1' }, status: 401 },
      { method: 'GET', url: '/api/no-such-route', status: 404 },
      {
        method: 'POST',
        url: '/api/me/conversations',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: '{"topic": 42}',
        status: 400,
      },
    ];
    const ids: string[] = [];
    for (const r of requests) {
      const res = await fetch(base + r.url, { method: r.method, headers: r.headers, body: r.body });
      await res.text();
      expect(res.status).toBe(r.status);
      ids.push(res.headers.get('x-request-id') as string);
    }
    await fetch(`${base}/health/live`).then((r) => r.text());
    await fetch(`${base}/health/ready`).then((r) => r.text());
    // pino writes asynchronously: wait for the lines to land.
    const deadline = Date.now() + 5_000;
    while (requestLines().length < requests.length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    await new Promise((r) => setTimeout(r, 200));

    const lines = requestLines();
    expect(lines).toHaveLength(requests.length);
    expect(ids[2]).toBe('trace-log-1');
    requests.forEach((r, i) => {
      const line = lines[i];
      expect(line).toMatchObject({
        level: 30,
        requestId: ids[i],
        req: { id: ids[i], method: r.method, url: r.url },
        res: { statusCode: r.status },
        responseTime: expect.any(Number),
      });
      // The fields and nothing of the request's headers (no bearer token).
      expect(Object.keys(line.req as object).sort()).toEqual(['id', 'method', 'url']);
      expect(JSON.stringify(line)).not.toContain(token);
    });
  });
});
