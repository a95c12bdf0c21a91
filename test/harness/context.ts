import { ConsoleLogger, DynamicModule, INestApplication, LoggerService, LogLevel, Type } from '@nestjs/common';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test, TestingModuleBuilder } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { ObservedQuery, observeQueries } from '../../src/database/query-observer';
import { UsersService } from '../../src/users/users.service';
import { adminQuery, withDatabase } from '../../scripts/lib/scratch-postgres';
import { LibraryTestModule } from './library-test.module';
import { signTestToken } from './test-auth';
import { assertKnownTestEnv, TestEnv } from './test-options';

export { TEST_JWT_SECRET } from './test-auth';

export interface TestContextOptions {
  /** Extra settings for the app, by the reference host's variable names (e.g. DB_POOL_MAX, REDIS_URL). */
  env?: Record<string, string | undefined>;
  /** Use this database instead of a fresh clone of the template (e.g. a second app instance). */
  databaseUrl?: string;
  /** Extra Nest modules mounted next to the app's root module (test probes). */
  imports?: Array<Type<unknown>>;
}

/**
 * The app a TestContext boots, given its settings: the library test module (`libraryTestApp`, the
 * default) or the reference host (`test/host/host-context.ts`).
 */
export interface TestApp {
  root: Type<unknown> | DynamicModule;
  /** Applied to the testing module before it compiles. */
  override?: (builder: TestingModuleBuilder) => TestingModuleBuilder;
  /** Applied to the Nest app before init, as the app's main would (it sets the app's logger). */
  configure(app: INestApplication): void;
  /** The logger `configure` set, for tests that swap it and put it back. */
  logger(app: INestApplication): LoggerService | false;
  /** Options of the FastifyAdapter when the app runs on Fastify (the reference host's own). */
  fastifyOptions?: ConstructorParameters<typeof FastifyAdapter>[0];
  /** A bearer token the app accepts for this user. */
  sign(app: INestApplication, userId: number, roles: string[]): string;
}

export type TestAppFactory = (env: TestEnv) => TestApp;

/** The library test module (test/harness/library-test.module.ts), logging through Nest's ConsoleLogger at TEST_LOG_LEVEL. */
export const libraryTestApp: TestAppFactory = (env) => {
  assertKnownTestEnv(env);
  const logger = consoleLoggerAt(process.env.TEST_LOG_LEVEL ?? 'silent');
  return {
    root: LibraryTestModule.forRoot(env),
    configure: (app) => app.useLogger(logger),
    logger: () => logger,
    sign: (_app, userId, roles) => signTestToken(userId, roles),
  };
};

/** TEST_LOG_LEVEL takes pino's level names (the reference host's LOG_LEVEL); Nest's logger gets the matching levels. */
function consoleLoggerAt(level: string): LoggerService | false {
  const order: LogLevel[] = ['fatal', 'error', 'warn', 'log', 'debug', 'verbose'];
  const upTo: Record<string, LogLevel | undefined> = {
    fatal: 'fatal',
    error: 'error',
    warn: 'warn',
    info: 'log',
    debug: 'debug',
    trace: 'verbose',
  };
  const last = upTo[level];
  return last ? new ConsoleLogger({ logLevels: order.slice(0, order.indexOf(last) + 1) }) : SILENT;
}

/** `silent` (the default): a logger that drops everything, so later apps in the same file stay quiet too. */
const SILENT: LoggerService = { log: () => undefined, error: () => undefined, warn: () => undefined };

export interface Learner {
  id: number;
  token: string;
  auth: { Authorization: string };
}

/**
 * One Nest app over a database of its own, cloned from the migrated template: by default the library
 * test module (lingua-core as a minimal host mounts it); `HostTestContext` (test/host/host-context.ts)
 * boots the reference host instead. Factories insert through the real services.
 */
export class TestContext {
  private constructor(
    readonly app: INestApplication,
    readonly databaseUrl: string,
    private readonly ownsDatabase: string | undefined,
    private readonly testApp: TestApp,
  ) {}

  static async create(options: TestContextOptions = {}, appFor: TestAppFactory = libraryTestApp): Promise<TestContext> {
    let database: string | undefined;
    let databaseUrl = options.databaseUrl;
    if (!databaseUrl) {
      database = await createDatabaseFromTemplate();
      databaseUrl = withDatabase(requiredEnv('LINGUA_TEST_ADMIN_URL'), database);
    }
    const testApp = appFor({
      DATABASE_URL: databaseUrl,
      ...(throughPooler() ? await pooledDatabase(databaseUrl, database !== undefined, options.env ?? {}) : {}),
      ...options.env,
    });
    const builder = Test.createTestingModule({ imports: [testApp.root, ...(options.imports ?? [])] });
    const moduleRef = await (testApp.override ? testApp.override(builder) : builder).compile();
    const app =
      testPlatform() === 'fastify'
        ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(testApp.fastifyOptions), { bufferLogs: true })
        : moduleRef.createNestApplication({ bufferLogs: true });
    testApp.configure(app);
    await app.init();
    if (testPlatform() === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
    return new TestContext(app, databaseUrl, database, testApp);
  }

  get http(): TestAgent {
    return request(this.app.getHttpServer());
  }

  get dataSource(): DataSource {
    return this.app.get(DataSource);
  }

  get<T>(token: new (...args: never[]) => T): T {
    return this.app.get(token);
  }

  token(userId: number, roles: string[] = []): string {
    return this.testApp.sign(this.app, userId, roles);
  }

  /** Puts back the logger the app was configured with (after a test routed logs elsewhere). */
  restoreLogger(): void {
    this.app.useLogger(this.testApp.logger(this.app));
  }

  auth(userId: number, roles: string[] = []): { Authorization: string } {
    return { Authorization: `Bearer ${this.token(userId, roles)}` };
  }

  /** Registers a learner through UsersService; every field can be overridden. */
  async newLearner(
    overrides: Partial<{ email: string; displayName: string; nativeLanguage: string; targetLanguage: string }> = {},
    roles: string[] = [],
  ): Promise<Learner> {
    const user = await this.get(UsersService).register({
      email: `learner-${randomBytes(5).toString('hex')}@example.com`,
      displayName: 'Test Learner',
      nativeLanguage: 'en',
      targetLanguage: 'es',
      ...overrides,
    });
    const token = this.token(user.id, roles);
    return { id: user.id, token, auth: { Authorization: `Bearer ${token}` } };
  }

  newAuthor(): Promise<Learner> {
    return this.newLearner({ displayName: 'Test Author' }, ['author']);
  }

  /** Runs `work` and returns how many SQL statements the app ran meanwhile, with its result. */
  async countStatements<T>(work: () => Promise<T>): Promise<{ count: number; statements: string[]; queries: ObservedQuery[]; result: T }> {
    const queries: ObservedQuery[] = [];
    const stop = observeQueries(this.dataSource, (query) => queries.push(query));
    try {
      const result = await work();
      return { count: queries.length, statements: queries.map((q) => q.sql), queries, result };
    } finally {
      stop();
    }
  }

  /** EXPLAIN (FORMAT JSON) of a statement: the plan tree's node types and index names, flattened. */
  async explain(sql: string, params: unknown[] = []): Promise<PlanSummary> {
    const [{ 'QUERY PLAN': plan }] = await this.dataSource.query(`EXPLAIN (FORMAT JSON) ${sql}`, params);
    return summarisePlan(plan[0].Plan);
  }

  async close(): Promise<void> {
    await this.app.close();
    if (this.ownsDatabase) await dropDatabase(this.ownsDatabase);
  }
}

export interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

export interface PlanSummary {
  nodes: Array<{ type: string; relation?: string; index?: string }>;
  text: string;
  usesIndex(name: string): boolean;
  seqScans(): string[];
}

export function summarisePlan(root: PlanNode): PlanSummary {
  const nodes: PlanSummary['nodes'] = [];
  const walk = (n: PlanNode) => {
    nodes.push({ type: n['Node Type'], relation: n['Relation Name'], index: n['Index Name'] });
    n.Plans?.forEach(walk);
  };
  walk(root);
  return {
    nodes,
    text: nodes.map((n) => `${n.type}${n.relation ? ` on ${n.relation}` : ''}${n.index ? ` using ${n.index}` : ''}`).join(' > '),
    usesIndex: (name) => nodes.some((n) => n.index === name),
    seqScans: () => nodes.filter((n) => n.type === 'Seq Scan').map((n) => n.relation ?? '?'),
  };
}

/** The `pooler` jest project: the app's pool goes through a transaction-mode PgBouncer (global-setup). */
export function throughPooler(): boolean {
  return process.env.LINGUA_TEST_THROUGH_POOLER === '1';
}

/**
 * The app's environment as deployed behind a transaction pooler: DATABASE_URL at the pooler (its mode
 * detected at start-up), DATABASE_DIRECT_URL at the server for the cache listener, and — the
 * documented way for statements outside a transaction — the timeouts as database defaults.
 */
async function pooledDatabase(directUrl: string, owned: boolean, env: Record<string, string | undefined>): Promise<Record<string, string>> {
  const url = new URL(directUrl);
  if (owned) {
    const name = url.pathname.slice(1);
    const ms = (variable: string, fallback: number) => `'${env[variable] ?? fallback}ms'`;
    for (const setting of [
      `statement_timeout = ${ms('DB_STATEMENT_TIMEOUT_MS', 10_000)}`,
      `lock_timeout = ${ms('DB_LOCK_TIMEOUT_MS', 5_000)}`,
      `idle_in_transaction_session_timeout = ${ms('DB_IDLE_IN_TRANSACTION_TIMEOUT_MS', 30_000)}`,
      `TimeZone = 'UTC'`,
    ]) {
      await adminQuery(requiredEnv('LINGUA_TEST_ADMIN_URL'), `ALTER DATABASE ${name} SET ${setting}`);
    }
  }
  url.hostname = '127.0.0.1';
  url.port = requiredEnv('LINGUA_TEST_POOLER_PORT');
  return { DATABASE_URL: url.toString(), DATABASE_DIRECT_URL: directUrl };
}

/** The HTTP platform of this jest project (jest.config.js): Express unless the fastify project runs. */
export function testPlatform(): 'express' | 'fastify' {
  return process.env.LINGUA_TEST_PLATFORM === 'fastify' ? 'fastify' : 'express';
}

function requiredEnv(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run tests through jest (test/harness/global-setup.ts)`);
  return value;
}

export async function createDatabaseFromTemplate(): Promise<string> {
  const name = `lingua_t_${requiredEnv('LINGUA_TEST_RUN')}_${randomBytes(4).toString('hex')}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await adminQuery(requiredEnv('LINGUA_TEST_ADMIN_URL'), `CREATE DATABASE ${name} TEMPLATE ${requiredEnv('LINGUA_TEST_TEMPLATE')}`);
      return name;
    } catch (err) {
      // 55006: another file's CREATE DATABASE is reading the template at this instant.
      if ((err as { code?: string }).code !== '55006' || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 50 * attempt));
    }
  }
}

export async function dropDatabase(name: string): Promise<void> {
  await adminQuery(requiredEnv('LINGUA_TEST_ADMIN_URL'), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
}

/** Same server, new empty database (for migration tests that start from nothing or from legacy). */
export async function createEmptyDatabase(): Promise<{ name: string; url: string }> {
  const name = `lingua_t_${requiredEnv('LINGUA_TEST_RUN')}_${randomBytes(4).toString('hex')}`;
  await adminQuery(requiredEnv('LINGUA_TEST_ADMIN_URL'), `CREATE DATABASE ${name}`);
  return { name, url: withDatabase(requiredEnv('LINGUA_TEST_ADMIN_URL'), name) };
}
