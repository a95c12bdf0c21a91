import { INestApplication, Type } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import type TestAgent from 'supertest/lib/agent';
import { DataSource } from 'typeorm';
import { AppModule } from '../../host/app.module';
import { AppEnv, validateEnv } from '../../host/env';
import { ObservedQuery, observeQueries } from '../../src/database/query-observer';
import { configureApp } from '../../host/configure-app';
import { UsersService } from '../../src/users/users.service';
import { adminQuery, withDatabase } from '../../scripts/lib/scratch-postgres';

export const TEST_JWT_SECRET = 'test-secret-0123456789abcdef';

export interface TestContextOptions {
  /** Extra environment for the app (e.g. DB_POOL_MAX, REDIS_URL). */
  env?: Record<string, string | undefined>;
  /** Use this database instead of a fresh clone of the template (e.g. a second app instance). */
  databaseUrl?: string;
  /** Extra Nest modules mounted next to AppModule (test probes). */
  imports?: Array<Type<unknown>>;
}

export interface Learner {
  id: number;
  token: string;
  auth: { Authorization: string };
}

/**
 * One Nest app (the real AppModule, configured like main.ts) over a database of its own, cloned
 * from the migrated template. Factories insert through the real services.
 */
export class TestContext {
  private constructor(
    readonly app: INestApplication,
    readonly databaseUrl: string,
    private readonly ownsDatabase: string | undefined,
  ) {}

  static async create(options: TestContextOptions = {}): Promise<TestContext> {
    let database: string | undefined;
    let databaseUrl = options.databaseUrl;
    if (!databaseUrl) {
      database = await createDatabaseFromTemplate();
      databaseUrl = withDatabase(requiredEnv('LINGUA_TEST_ADMIN_URL'), database);
    }
    const env = validateEnv({
      DATABASE_URL: databaseUrl,
      JWT_SECRET: TEST_JWT_SECRET,
      LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
      ...(throughPooler() ? await pooledDatabase(databaseUrl, database !== undefined, options.env ?? {}) : {}),
      ...options.env,
    });
    const moduleRef = await Test.createTestingModule({ imports: [AppModule, ...(options.imports ?? [])] })
      .overrideProvider(AppEnv)
      .useValue(env)
      .compile();
    const app = testPlatform() === 'fastify'
      ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { bufferLogs: true })
      : moduleRef.createNestApplication({ bufferLogs: true });
    // On Fastify, SwaggerModule loads @fastify/static with a dynamic import(), which jest cannot run
    // without --experimental-vm-modules; the OpenAPI page is tested on Express (test/host/ops.spec.ts).
    configureApp(app, { shutdownHooks: false, docs: testPlatform() === 'express' });
    await app.init();
    if (testPlatform() === 'fastify') await (app as NestFastifyApplication).getHttpAdapter().getInstance().ready();
    return new TestContext(app, databaseUrl, database);
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
    return this.app.get(JwtService).sign({ sub: String(userId), roles }, { secret: TEST_JWT_SECRET, algorithm: 'HS256' });
  }

  auth(userId: number, roles: string[] = []): { Authorization: string } {
    return { Authorization: `Bearer ${this.token(userId, roles)}` };
  }

  /** Registers a learner through UsersService; every field can be overridden. */
  async newLearner(overrides: Partial<{ email: string; displayName: string; nativeLanguage: string; targetLanguage: string }> = {}, roles: string[] = []): Promise<Learner> {
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
