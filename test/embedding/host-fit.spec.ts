import {
  ArgumentsHost,
  CanActivate,
  Catch,
  Controller,
  ExceptionFilter,
  ExecutionContext,
  Get,
  HttpException,
  INestApplication,
  Injectable,
  UnauthorizedException,
} from '@nestjs/common';
import { HttpAdapterHost, RouterModule } from '@nestjs/core';
import { APP_GUARD } from '@nestjs/core';
import { ApiProperty, DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { HealthCheckService, TerminusModule } from '@nestjs/terminus';
import { Test } from '@nestjs/testing';
import { TypeOrmModule } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { collectDefaultMetrics, Registry } from 'prom-client';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { withDatabase } from '../../scripts/lib/scratch-postgres';
import {
  LINGUA_ENTITIES,
  LinguaApiModule,
  LinguaCoreModule,
  LinguaCoreOptions,
  LinguaHealthIndicator,
  linguaHealth,
  LinguaHostRequest,
  LinguaHttpException,
  MetricsService,
  Public,
  UsersService,
} from '../../src/index';
import { observeQueries } from '../../src/database/query-observer';
import { createDatabaseFromTemplate, dropDatabase } from '../harness/context';

/**
 * issue 21, points 2–4: a host written the way teams write one today — its own user shape
 * (`req.user = { userId: <uuid>, roles }`), its own error envelope, its own prom-client registry,
 * terminus, and a bearer scheme named `jwt` — fits lingua-core through options alone.
 */

interface HostUser {
  userId: string;
  email: string;
  roles: string[];
}

/** The host's passport-style guard: `x-account` (a UUID) and `x-roles` headers → `req.user = { userId, email, roles }`. */
@Injectable()
class HostAuthGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: HostUser }>();
    const account = req.headers['x-account'];
    if (account === 'forged') throw new UnauthorizedException('The host rejects this token.');
    if (account) req.user = { userId: account, email: `${account}@host.example`, roles: (req.headers['x-roles'] ?? '').split(',') };
    return true;
  }
}

/** The host's envelope for every error: `{ error: { code, message } }`. */
@Catch()
class HostEnvelopeFilter implements ExceptionFilter {
  readonly seen: unknown[] = [];
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    this.seen.push(exception);
    const status = exception instanceof HttpException ? exception.getStatus() : 500;
    const code = exception instanceof LinguaHttpException ? exception.code : `host_${status}`;
    const message = exception instanceof Error ? exception.message : 'error';
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), { error: { code, message } }, status);
  }
}

class HostErrorDoc {
  @ApiProperty({ type: 'object', properties: { code: { type: 'string' }, message: { type: 'string' } } })
  error: { code: string; message: string };
}

@Public()
@Controller('health')
class HostHealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly lingua: LinguaHealthIndicator,
  ) {}

  @Get()
  check() {
    return this.health.check([() => this.lingua.pingCheck('database'), () => this.lingua.isHealthy('lingua')]);
  }
}

const registerDto = (email = `fit-${randomUUID()}@example.com`) => ({
  email,
  displayName: 'Fit',
  nativeLanguage: 'en',
  targetLanguage: 'de',
});

/** The host's lookup of lingua's `users.id` from its own account id, cached in process (a hit sends no statement). */
function accountLookup(dataSource: DataSource, cache: Map<string, number>) {
  return async (req: LinguaHostRequest): Promise<number | undefined> => {
    const account = (req.user as HostUser | undefined)?.userId;
    if (!account) return undefined;
    const hit = cache.get(account);
    if (hit !== undefined) return hit;
    const [row] = await dataSource.query<Array<{ lingua_user_id: number }>>(
      'SELECT lingua_user_id FROM host_accounts WHERE account_id = $1',
      [account],
    );
    if (row) cache.set(account, row.lingua_user_id);
    return row?.lingua_user_id;
  };
}

describe('issue 21: a host with its own user, error envelope, health and metrics', () => {
  let database: string;
  let url: string;
  beforeAll(async () => {
    database = await createDatabaseFromTemplate();
    url = withDatabase(process.env.LINGUA_TEST_ADMIN_URL as string, database);
    const setup = new DataSource({ type: 'postgres', url });
    await setup.initialize();
    await setup.query('CREATE TABLE host_accounts (account_id uuid PRIMARY KEY, lingua_user_id integer NOT NULL REFERENCES users (id))');
    await setup.destroy();
  });
  afterAll(() => dropDatabase(database));

  const lookupCache = new Map<string, number>();

  async function start(
    options: (ds: DataSource) => LinguaCoreOptions,
    { filter = false, terminus = false }: { filter?: boolean; terminus?: boolean } = {},
  ): Promise<{ app: INestApplication; filter?: HostEnvelopeFilter }> {
    const moduleRef = await Test.createTestingModule({
      imports: [
        TypeOrmModule.forRoot({ type: 'postgres', url, entities: [...LINGUA_ENTITIES] }),
        LinguaCoreModule.forRootAsync({ inject: [DataSource], useFactory: options }),
        LinguaApiModule,
        RouterModule.register([{ path: 'lingua', module: LinguaApiModule }]),
        ...(terminus ? [TerminusModule] : []),
      ],
      controllers: terminus ? [HostHealthController] : [],
      providers: [{ provide: APP_GUARD, useClass: HostAuthGuard }],
    }).compile();
    const app = moduleRef.createNestApplication({ logger: false });
    const envelope = filter ? new HostEnvelopeFilter(app.get(HttpAdapterHost)) : undefined;
    if (envelope) app.useGlobalFilters(envelope);
    await app.init();
    return { app, filter: envelope };
  }

  async function linkAccount(app: INestApplication): Promise<{ account: string; learnerId: number }> {
    const learner = await app.get(UsersService).register(registerDto());
    const account = randomUUID();
    await app.get(DataSource).query('INSERT INTO host_accounts (account_id, lingua_user_id) VALUES ($1, $2)', [account, learner.id]);
    return { account, learnerId: learner.id };
  }

  describe('the learner from the host request (option learner, roles)', () => {
    let app: INestApplication;
    beforeAll(async () => {
      ({ app } = await start((ds) => ({
        learner: accountLookup(ds, lookupCache),
        roles: (req) => (req.user as HostUser | undefined)?.roles,
      })));
    });
    afterAll(() => app.close());

    it("maps the host's UUID to lingua's users.id through its lookup: one lookup statement, none on a cache hit", async () => {
      const { account, learnerId } = await linkAccount(app);
      const statementsOf = async () => {
        const sql: string[] = [];
        const stop = observeQueries(app.get(DataSource), (q) => sql.push(q.sql));
        try {
          const res = await request(app.getHttpServer()).get('/lingua/me').set('x-account', account).expect(200);
          expect(res.body.id).toBe(learnerId);
        } finally {
          stop();
        }
        return sql;
      };
      const miss = await statementsOf();
      const hit = await statementsOf();
      const again = await statementsOf();
      expect(miss.filter((s) => s.includes('host_accounts'))).toHaveLength(1);
      expect(hit.filter((s) => s.includes('host_accounts'))).toHaveLength(0);
      // A hit costs lingua's own statements only: the same count on every later request.
      expect(miss.length - 1).toBeGreaterThanOrEqual(hit.length);
      expect(again.length).toBe(hit.length);
    });

    it('answers 401 when the lookup finds no learner (unknown account, no user), SPEC body by default', async () => {
      const unknown = await request(app.getHttpServer()).get('/lingua/me').set('x-account', randomUUID()).expect(401);
      expect(unknown.body).toMatchObject({ statusCode: 401, code: 'unauthorized', requestId: expect.any(String) });
      await request(app.getHttpServer()).get('/lingua/me').expect(401);
    });

    it("reads the roles with the host's roles option (author writes)", async () => {
      const { account } = await linkAccount(app);
      const http = request(app.getHttpServer());
      await http
        .post('/lingua/categories')
        .set('x-account', account)
        .send({ name: `c-${randomUUID()}` })
        .expect(403);
      await http
        .post('/lingua/categories')
        .set({ 'x-account': account, 'x-roles': 'author' })
        .send({ name: `c-${randomUUID()}` })
        .expect(201);
    });
  });

  describe("the host's error envelope (option errors: 'host', errorBody)", () => {
    it("hands lingua's 401/404/409/400 to the host's global filter as LinguaHttpException; the host's own exception as it was", async () => {
      const { app, filter } = await start((ds) => ({ learner: accountLookup(ds, lookupCache), errors: 'host' }), { filter: true });
      try {
        const { account } = await linkAccount(app);
        const http = request(app.getHttpServer());
        const unauthorized = await http.get('/lingua/me').expect(401);
        expect(unauthorized.body).toEqual({ error: { code: 'unauthorized', message: 'Authentication required.' } });
        expect(unauthorized.headers['x-request-id']).toEqual(expect.any(String));
        const notFound = await http.get('/lingua/words/2147483000').set('x-account', account).expect(404);
        expect(notFound.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
        const email = `dup-${randomUUID()}@example.com`;
        await http.post('/lingua/users').send(registerDto(email)).expect(201);
        const duplicate = await http.post('/lingua/users').send(registerDto(email)).expect(409);
        expect(duplicate.body).toEqual({ error: { code: 'unique_violation', message: expect.any(String) } });
        const invalid = await http
          .post('/lingua/users')
          .send({ ...registerDto(), extra: 1 })
          .expect(400);
        expect(invalid.body).toEqual({ error: { code: 'validation_failed', message: 'The request is invalid.' } });
        const handed = filter!.seen.filter((e): e is LinguaHttpException => e instanceof LinguaHttpException);
        expect(handed.map((e) => e.code)).toEqual(['unauthorized', 'not_found', 'unique_violation', 'validation_failed']);
        expect(handed[2].constraint).toEqual(expect.any(String));
        expect(handed[3].details).toEqual(expect.arrayContaining([expect.objectContaining({ field: 'extra' })]));
        expect(handed[0].requestId).toBe(unauthorized.headers['x-request-id']);
        // The host guard's own 401 reaches the host's filter unchanged.
        const forged = await http.get('/lingua/me').set('x-account', 'forged').expect(401);
        expect(forged.body).toEqual({ error: { code: 'host_401', message: 'The host rejects this token.' } });
      } finally {
        await app.close();
      }
    });

    it("keeps SPEC §3's body by default, even with the host's global filter registered", async () => {
      const { app, filter } = await start((ds) => ({ learner: accountLookup(ds, lookupCache) }), { filter: true });
      try {
        const res = await request(app.getHttpServer()).get('/lingua/me').expect(401);
        expect(res.body).toEqual({
          statusCode: 401,
          error: 'Unauthorized',
          code: 'unauthorized',
          message: 'Authentication required.',
          requestId: expect.any(String),
        });
        expect(filter!.seen).toHaveLength(0);
      } finally {
        await app.close();
      }
    });

    it('reshapes the body with errorBody (status and Retry-After/X-Request-Id stay lingua’s)', async () => {
      const { app } = await start((ds) => ({
        learner: accountLookup(ds, lookupCache),
        errorBody: (e) => ({ error: { code: e.code, message: e.message, id: e.requestId } }),
      }));
      try {
        const res = await request(app.getHttpServer()).get('/lingua/me').set('X-Request-Id', 'trace-1').expect(401);
        expect(res.body).toEqual({ error: { code: 'unauthorized', message: 'Authentication required.', id: 'trace-1' } });
      } finally {
        await app.close();
      }
    });
  });

  describe('OpenAPI follows the host (openApi.securityScheme, openApi.errorBody)', () => {
    const documentOf = (app: INestApplication) =>
      SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth({ type: 'http', scheme: 'bearer' }, 'jwt').build());

    it("names the host's bearer scheme and documents the host's error body with errors: 'host'", async () => {
      const { app } = await start(() => ({ errors: 'host', openApi: { securityScheme: 'jwt', errorBody: HostErrorDoc } }), {
        filter: true,
      });
      try {
        const doc = documentOf(app);
        const ops = Object.values(doc.paths).flatMap((p) =>
          Object.values(
            p as Record<
              string,
              { security?: unknown[]; responses: Record<string, { content?: { 'application/json': { schema: { $ref?: string } } } }> }
            >,
          ),
        );
        expect(ops.length).toBeGreaterThan(30);
        const schemes = new Set(ops.flatMap((op) => (op.security ?? []).flatMap((s) => Object.keys(s as object))));
        expect([...schemes]).toEqual(['jwt']);
        expect(Object.keys(doc.components?.securitySchemes ?? {})).toEqual(['jwt']);
        const notFound = (doc.paths['/lingua/words/{id}'] as Record<string, (typeof ops)[number]>).get.responses['404'];
        expect(notFound.content?.['application/json'].schema.$ref).toBe('#/components/schemas/HostErrorDoc');
        expect(doc.components?.schemas).not.toHaveProperty('ErrorBodyDoc');
      } finally {
        await app.close();
      }
    });

    it("documents SPEC §3's body and the bearer scheme by default", async () => {
      const { app } = await start(() => ({}));
      try {
        const doc = SwaggerModule.createDocument(app, new DocumentBuilder().addBearerAuth().build());
        const get = (
          doc.paths['/lingua/words/{id}'] as Record<
            string,
            { security: unknown[]; responses: Record<string, { content: { 'application/json': { schema: { $ref: string } } } }> }
          >
        ).get;
        expect(get.security).toEqual([{ bearer: [] }]);
        expect(get.responses['404'].content['application/json'].schema.$ref).toBe('#/components/schemas/ErrorBodyDoc');
      } finally {
        await app.close();
      }
    });
  });

  describe('metrics on the host registry (option metrics)', () => {
    it("registers lingua's metrics on the host's registry, no process metrics of its own, and removes them when the app closes", async () => {
      const registry = new Registry();
      collectDefaultMetrics({ register: registry });
      for (let round = 0; round < 2; round++) {
        const { app } = await start(() => ({ metrics: { registry } }));
        try {
          expect(app.get(MetricsService).registry).toBe(registry);
          await request(app.getHttpServer()).get('/lingua/me').expect(401);
          const text = await registry.metrics();
          expect(text).toMatch(/lingua_http_errors_total\{code="unauthorized"\} 1/);
          expect(text).toMatch(/^process_cpu_seconds_total /m);
          expect(text).not.toContain('lingua_process_');
        } finally {
          await app.close();
        }
        expect(await registry.metrics()).not.toContain('lingua_');
      }
    });

    it('collects process metrics only when asked (defaultMetrics)', async () => {
      for (const defaultMetrics of [false, true]) {
        const { app } = await start(() => (defaultMetrics ? { metrics: { defaultMetrics } } : {}));
        try {
          const text = await app.get(MetricsService).registry.metrics();
          expect(text).toContain('lingua_http_errors_total');
          expect(text.includes('lingua_process_cpu_seconds_total')).toBe(defaultMetrics);
        } finally {
          await app.close();
        }
      }
    });
  });

  describe('health a host plugs in (LinguaHealthIndicator, linguaHealth)', () => {
    it('is a terminus indicator: database and the whole report, on the public API', async () => {
      const { app } = await start(() => ({}), { terminus: true });
      try {
        const res = await request(app.getHttpServer()).get('/health').expect(200);
        expect(res.body.status).toBe('ok');
        expect(res.body.info.database).toEqual({ status: 'up' });
        expect(res.body.info.lingua).toMatchObject({
          status: 'up',
          database: { status: 'up' },
          cache: { status: 'up' },
          cacheListener: 'up',
          replicas: [],
        });
      } finally {
        await app.close();
      }
    });

    it('reports without terminus (linguaHealth), down when the database does not answer', async () => {
      const { app } = await start(() => ({}));
      try {
        const up = await linguaHealth(app);
        expect(up).toMatchObject({ status: 'up', database: { status: 'up' }, cache: { status: 'up' }, replicas: [] });
        await app.get(DataSource).destroy();
        const down = await linguaHealth(app, { timeoutMs: 500 });
        expect(down.status).toBe('down');
        expect(down.database).toEqual({ status: 'down', message: expect.any(String) });
        expect(down.cache.status).toBe('up');
      } finally {
        await app.close().catch(() => undefined);
      }
    });

    it('keeps @nestjs/terminus optional: nothing in src/ imports it, and it is no dependency of the package', () => {
      const files = (dir: string): string[] =>
        readdirSync(dir).flatMap((name) => (statSync(join(dir, name)).isDirectory() ? files(join(dir, name)) : [join(dir, name)]));
      const root = join(__dirname, '../..');
      const importers = files(join(root, 'src')).filter((f) =>
        /from '@nestjs\/terminus'|require\('@nestjs\/terminus'\)/.test(readFileSync(f, 'utf8')),
      );
      expect(importers).toEqual([]);
      const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
      expect(pkg.dependencies).not.toHaveProperty('@nestjs/terminus');
      expect(pkg.peerDependencies ?? {}).not.toHaveProperty('@nestjs/terminus');
    });
  });
});
