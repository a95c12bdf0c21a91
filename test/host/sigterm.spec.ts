import { Agent, get, request as httpRequest } from 'node:http';
import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import * as path from 'node:path';
import { withDatabase } from '../../scripts/lib/scratch-postgres';
import { ChildServer, freePort, runOk } from '../embedding/processes';
import { createDatabaseFromTemplate, dropDatabase, TEST_JWT_SECRET } from '../harness/context';
import { signTestToken } from '../harness/test-auth';

/**
 * Issue 21 (5): SIGTERM to the real reference host process (host/main.ts, built) while keep-alive
 * clients have requests in flight (a POST whose body is still coming), 20 times: every request is answered and the process exits 0 well
 * within SHUTDOWN_TIMEOUT_MS. Before, a socket whose request was in flight at SIGTERM stayed open for
 * its keep-alive timeout (72 s) after its response — and the process, with lingua's pools, listener and
 * probes, with it.
 */
const ROOT = path.resolve(__dirname, '../..');
// A private build, not dist/: a test that packs the package meanwhile rebuilds dist/ from nothing.
const BUILD = path.join(ROOT, '.data', `sigterm-host-${process.pid}`);
const RUNS = 20;
const SOCKETS = 8;
const SHUTDOWN_TIMEOUT_MS = 10_000;

function request(agent: Agent, url: string, token: string): Promise<number | string> {
  return new Promise((resolve) => {
    get(url, { agent, headers: { authorization: `Bearer ${token}` } }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    }).on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
  });
}

/**
 * A POST whose headers and half its body are sent now, the rest when `finish` is called: a request in
 * flight on the server (headers parsed, body awaited) for as long as the test likes.
 */
function slowPost(agent: Agent, url: string, token: string, body: object): { finish: () => void; answer: Promise<number | string> } {
  const json = JSON.stringify(body);
  const half = Math.floor(json.length / 2);
  let finish!: () => void;
  const answer = new Promise<number | string>((resolve) => {
    const req = httpRequest(url, {
      method: 'POST',
      agent,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', 'content-length': Buffer.byteLength(json) },
    });
    req.on('response', (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? String(err)));
    req.write(json.slice(0, half));
    finish = () => req.end(json.slice(half));
  });
  return { finish, answer };
}

describe('issue 21: SIGTERM with keep-alive requests in flight', () => {
  let database: string;
  beforeAll(async () => {
    database = await createDatabaseFromTemplate();
    await runOk('npx', ['--no', '--', 'tsc', '-p', 'host/tsconfig.json', '--outDir', BUILD], { cwd: ROOT });
  }, 180_000);
  afterAll(async () => {
    await rm(BUILD, { recursive: true, force: true });
    if (database) await dropDatabase(database);
  });

  it(`exits 0 within the drain timeout, every request answered, ${RUNS} times out of ${RUNS}`, async () => {
    const token = signTestToken(1);
    const authorToken = signTestToken(1, ['author']);
    const exits: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const port = await freePort();
      const server = await ChildServer.start(path.join(BUILD, 'host/main.js'), {
        cwd: ROOT,
        port,
        readyPath: '/health/live',
        timeoutMs: 60_000,
        env: {
          DATABASE_URL: withDatabase(process.env.LINGUA_TEST_ADMIN_URL as string, database),
          JWT_SECRET: TEST_JWT_SECRET,
          HTTP_PLATFORM: run % 2 ? 'fastify' : 'express',
          LOG_LEVEL: 'warn',
          SHUTDOWN_TIMEOUT_MS: String(SHUTDOWN_TIMEOUT_MS),
        },
      });
      const agent = new Agent({ keepAlive: true, maxSockets: SOCKETS });
      const url = `${server.baseUrl}/api/categories`;
      try {
        // Open the keep-alive sockets, then put a request in flight on each and SIGTERM at once.
        await Promise.all(Array.from({ length: SOCKETS }, () => request(agent, url, token)));
        const inFlight = Array.from({ length: SOCKETS }, () =>
          slowPost(agent, url, authorToken, { name: `sigterm-${randomBytes(5).toString('hex')}` }),
        );
        await new Promise((resolve) => setTimeout(resolve, 200)); // the servers have parsed the headers
        const started = Date.now();
        const stopped = server.stop();
        await new Promise((resolve) => setTimeout(resolve, 300)); // the app is shutting down, the requests wait for their bodies
        inFlight.forEach((r) => r.finish());
        expect({ run, answers: await Promise.all(inFlight.map((r) => r.answer)) }).toEqual({ run, answers: Array(SOCKETS).fill(201) });
        const { code } = await stopped;
        exits.push(Date.now() - started);
        expect({ run, code, log: code === 0 ? '' : server.log }).toEqual({ run, code: 0, log: '' });
      } finally {
        agent.destroy();
        await server.stop();
      }
    }
    console.log(`SIGTERM → exit, ms, ${RUNS} runs: ${exits.join(' ')}`);
    expect(Math.max(...exits)).toBeLessThan(SHUTDOWN_TIMEOUT_MS);
  }, 600_000);
});
