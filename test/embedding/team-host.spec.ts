import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEmptyDatabase, dropDatabase } from '../harness/context';
import { copyExample, packLinguaCore, PackedTarball, resolvedVersions, TEAM_HOST_DIR } from './packing';
import { ChildServer, freePort, run, RunResult, runOk } from './processes';

/**
 * issue 21, point 7 (and the rest of point 6): examples/team-host — a host written the way a team
 * writes one today (Nest CLI + SWC, nestjs-cls @Transactional(), its own guard and user shape, its own
 * error envelope, terminus, @willsoto/nestjs-prometheus) — installed from the packed tarball, built,
 * migrated with its CLI, then its own Jest e2e suite is run against that database; and it is bundled
 * with esbuild and the bundle started alone. Installs use npm's cache (`--prefer-offline`), as
 * example-host.spec.ts does: after the first run on a machine nothing is downloaded again.
 */

/** The example's e2e tests (examples/team-host/test/app.e2e-spec.ts), each of which must pass. */
const E2E_TESTS = [
  'commit: the account, lingua learner and starter word are visible; the host UUID user reaches GET /lingua/me',
  'rollback after lingua wrote: nothing of lingua’s stays (no learner, no vocabulary), nor the account',
  "401: a valid token for an account lingua does not know is lingua's unauthorized",
  "401 from the host's own guard (no token, a forged token) in the same envelope",
  '404 not_found',
  '409 unique_violation',
  "400 validation_failed: an unknown field, under the host's whitelist + forbidNonWhitelisted pipe",
  "the host's own 400 and 404 keep the host's codes",
  "readiness (terminus) shows the host's database check and lingua's",
  "/metrics has the host's and lingua's metrics on one registry, process metrics once",
  "lingua's OpenAPI operations name the host's security scheme and error envelope",
];

let work: string;
let appDir: string;
let tarball: PackedTarball;
let before: Map<string, string>;
let after: Map<string, string>;
let installStderr: string;
let databaseName: string | undefined;
let databaseUrl: string;
let migration: RunResult;
let e2e: { result: RunResult; tests: Map<string, string> };
const figures: Record<string, string> = {};
const npmInstall = (args: string[] = []) =>
  runOk('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline', ...args], { cwd: appDir });
const seconds = (since: number) => `${((Date.now() - since) / 1000).toFixed(1)} s`;

beforeAll(async () => {
  let t = Date.now();
  work = await mkdtemp(join(tmpdir(), 'lingua-team-host-'));
  tarball = await packLinguaCore(work);
  appDir = join(work, 'team-host');
  await copyExample(appDir, TEAM_HOST_DIR);
  // The team's app as it was before lingua-core: installed, its resolved tree recorded.
  await runOk('npm', ['pkg', 'delete', 'dependencies.lingua-core'], { cwd: appDir });
  await npmInstall();
  before = await resolvedVersions(appDir);
  // Then `npm install <lingua-core>` into it, as a team adds a dependency.
  ({ stderr: installStderr } = await npmInstall([`lingua-core@file:${tarball.path}`]));
  after = await resolvedVersions(appDir);
  figures['pack + installs'] = seconds(t);
  t = Date.now();
  await runOk('npx', ['--no', '--', 'nest', 'build'], { cwd: appDir });
  figures['nest build (swc)'] = seconds(t);
  const db = await createEmptyDatabase();
  databaseName = db.name;
  databaseUrl = db.url;
  migration = await run('npx', ['--no', '--', 'typeorm', '-d', 'dist/ormconfig.js', 'migration:run'], {
    cwd: appDir,
    env: { DATABASE_URL: databaseUrl },
  });
  t = Date.now();
  const report = join(work, 'e2e.json');
  const result = await run('npx', ['--no', '--', 'jest', '--config', 'test/jest-e2e.config.js', '--json', `--outputFile=${report}`], {
    cwd: appDir,
    env: { DATABASE_URL: databaseUrl },
  });
  const parsed = JSON.parse(await readFile(report, 'utf8').catch(() => '{"testResults":[]}')) as {
    testResults: Array<{ assertionResults: Array<{ title: string; status: string }> }>;
  };
  e2e = { result, tests: new Map(parsed.testResults.flatMap((f) => f.assertionResults.map((a) => [a.title, a.status] as const))) };
  figures['example jest'] = seconds(t);
}, 15 * 60_000);

afterAll(async () => {
  if (databaseName) await dropDatabase(databaseName);
  if (work) await rm(work, { recursive: true, force: true });
  console.log(
    `[team-host] ${Object.entries(figures)
      .map(([k, v]) => `${k}: ${v}`)
      .join('; ')}`,
  );
}, 60_000);

describe('installing lingua-core into the team host', () => {
  // keyv: the host's Node 22+ tree resolves 6.1.0 (for @nestjs/cache-manager's `keyv >=5`), and any new
  // package asking for keyv 5 makes npm re-hoist it to 5.6.0; lingua-core bundles its keyv (README "Install").
  it('moves none of the packages the host had already resolved (npm ls --all before and after)', () => {
    const moved = [...before]
      .filter(([path, version]) => after.get(path) !== version)
      .map(([path, version]) => `${path}: ${version} → ${after.get(path)}`);
    expect(moved).toEqual([]);
    expect(before.get('node_modules/keyv')).toEqual(expect.any(String));
    figures['packages'] = `${before.size} before, ${after.size} after`;
  });

  it('raises no peer-dependency warning', () => {
    expect(installStderr.split('\n').filter((line) => /ERESOLVE|peer/i.test(line))).toEqual([]);
  });

  it('migrates lingua-core’s chain and the host’s (SnakeNamingStrategy) with the host’s CLI, with no drift', async () => {
    expect({ code: migration.code, err: migration.code === 0 ? '' : migration.stderr.slice(-2000) }).toEqual({ code: 0, err: '' });
    expect(migration.stdout).toContain('Migration CreateAccounts1796000000000 has been executed successfully');
    const check = await run(
      'npx',
      ['--no', '--', 'typeorm', '-d', 'dist/ormconfig.js', 'migration:generate', '--check', '--dr', 'migrations/Drift'],
      {
        cwd: appDir,
        env: { DATABASE_URL: databaseUrl },
      },
    );
    expect({ code: check.code, out: check.stdout + check.stderr }).toEqual({
      code: 0,
      out: expect.stringContaining('No changes in database schema were found'),
    });
  }, 120_000);
});

describe("the team host's own Jest e2e suite (transformIgnorePatterns for Nest 12's ESM packages)", () => {
  it('runs every test and passes', () => {
    const failed = [...e2e.tests].filter(([, status]) => status !== 'passed').map(([title]) => title);
    expect({ failed, exit: e2e.result.code, out: e2e.result.code === 0 ? '' : e2e.result.stderr.slice(-4000) }).toEqual({
      failed: [],
      exit: 0,
      out: '',
    });
    expect([...e2e.tests.keys()].sort()).toEqual([...E2E_TESTS].sort());
  });

  it.each(E2E_TESTS)('%s', (title) => {
    expect(e2e.tests.get(title)).toBe('passed');
  });
});

describe('an esbuild bundle of the team host (examples/team-host/esbuild.mjs)', () => {
  let server: ChildServer | undefined;
  afterAll(() => server?.stop(), 30_000);

  it('starts from one file with no node_modules beside it, and serves lingua-core through the host’s @Transactional()', async () => {
    await runOk('node', ['esbuild.mjs'], { cwd: appDir });
    const alone = join(work, 'bundle-alone');
    await runOk('mkdir', ['-p', alone], { cwd: work });
    await runOk('cp', [join(appDir, 'bundle/main.js'), alone], { cwd: work });
    server = await ChildServer.start('main.js', {
      cwd: alone,
      port: await freePort(),
      env: { DATABASE_URL: databaseUrl, OPENAPI_UI: 'off', NODE_PATH: '' },
      readyPath: '/health/ready',
      timeoutMs: 60_000,
    });
    const email = `bundle-${Date.now()}@team.example`;
    const res = await fetch(`${server.baseUrl}/accounts`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ email, displayName: 'Bundled', nativeLanguage: 'en', targetLanguage: 'es' }),
    });
    expect({ status: res.status, body: await res.json() }).toEqual({ status: 201, body: expect.objectContaining({ email }) });
    const ready = await fetch(`${server.baseUrl}/health/ready`);
    expect(((await ready.json()) as { info: Record<string, unknown> }).info).toHaveProperty('lingua.status', 'up');
  }, 120_000);
});
