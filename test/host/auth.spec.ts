import {
  CanActivate,
  ExecutionContext,
  INestApplication,
  Injectable,
  MiddlewareConsumer,
  Module,
  NestMiddleware,
  NestModule,
  RequestMethod,
  Type,
} from '@nestjs/common';
import { GUARDS_METADATA, METHOD_METADATA, PATH_METADATA } from '@nestjs/common/constants';
import { APP_GUARD, ModulesContainer, RouterModule } from '@nestjs/core';
import { JwtService } from '@nestjs/jwt';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import request from 'supertest';
import { LinguaApiModule } from '../../src/api/lingua-api.module';
import { AuthorGuard } from '../../src/common/auth';
import { LinguaCoreModule } from '../../src/lingua-core.module';
import { Learner, TEST_JWT_SECRET, TestContext, testPlatform } from '../harness/context';
import { HostTestContext } from './host-context';

/**
 * issue 9: every author-only route refuses a learner without the author role (403, SPEC §3 body),
 * and bad tokens are refused (401). The table of author routes is checked against the routes the
 * app really guards with AuthorGuard, so a new author route without a test fails here.
 */
const AUTHOR_ROUTES = [
  'POST /categories',
  'PATCH /categories/:id',
  'DELETE /categories/:id',
  'POST /words',
  'POST /words/bulk',
  'PATCH /words/:id',
  'DELETE /words/:id',
  'POST /lessons',
  'POST /lessons/:id/versions',
  'GET /profiles/search',
];

/** `METHOD /path` of every route of the app whose handler or controller uses AuthorGuard. */
function authorGuardedRoutes(app: INestApplication): string[] {
  const routes: string[] = [];
  for (const module of app.get(ModulesContainer).values()) {
    for (const wrapper of module.controllers.values()) {
      const controller = wrapper.metatype as Type<unknown> | null;
      if (!controller) continue;
      const classGuarded = usesAuthorGuard(controller);
      const prototype = controller.prototype as Record<string, unknown>;
      for (const name of Object.getOwnPropertyNames(prototype)) {
        const handler = prototype[name];
        if (name === 'constructor' || typeof handler !== 'function' || Reflect.getMetadata(PATH_METADATA, handler) === undefined) continue;
        if (!classGuarded && !usesAuthorGuard(handler)) continue;
        const method = RequestMethod[Reflect.getMetadata(METHOD_METADATA, handler) as RequestMethod];
        routes.push(`${method} ${joinPath(Reflect.getMetadata(PATH_METADATA, controller), Reflect.getMetadata(PATH_METADATA, handler))}`);
      }
    }
  }
  return routes.sort();
}

const usesAuthorGuard = (target: object) =>
  ((Reflect.getMetadata(GUARDS_METADATA, target) as unknown[] | undefined) ?? []).includes(AuthorGuard);
const joinPath = (...parts: string[]) =>
  `/${parts
    .flatMap((p) => p.split('/'))
    .filter(Boolean)
    .join('/')}`;

/** Calls `METHOD /path` under /api, with every `:param` set to 1 (guards run before any lookup). */
function call(http: ReturnType<typeof request>, route: string) {
  const [method, path] = route.split(' ');
  const url = `/api${path.replace(/:\w+/g, '1')}${path === '/profiles/search' ? '?learningGoals=%7B%7D' : ''}`;
  return http[method.toLowerCase() as 'get' | 'post' | 'patch' | 'delete'](url).send({});
}

function expectErrorBody(
  res: { status: number; body: Record<string, unknown>; headers: Record<string, string> },
  status: number,
  code: string,
) {
  expect({ status: res.status, code: res.body.code, statusCode: res.body.statusCode }).toEqual({ status, code, statusCode: status });
  expect(Object.keys(res.body).sort()).toEqual(['code', 'error', 'message', 'requestId', 'statusCode']);
  expect(res.body.error).toBe(status === 403 ? 'Forbidden' : 'Unauthorized');
  expect(typeof res.body.message).toBe('string');
  expect(res.body.requestId).toBe(res.headers['x-request-id']);
}

describe('issue 9: authorization of author-only routes and token checks (reference host)', () => {
  let ctx: TestContext;
  let learner: Learner;
  let author: Learner;
  beforeAll(async () => {
    ctx = await HostTestContext.create();
    learner = await ctx.newLearner();
    author = await ctx.newAuthor();
  });
  afterAll(() => ctx.close());

  it('the tested table is exactly the set of routes guarded by AuthorGuard', () => {
    expect(authorGuardedRoutes(ctx.app)).toEqual([...AUTHOR_ROUTES].sort());
  });

  it.each(AUTHOR_ROUTES)('%s: a learner without the author role → 403 forbidden', async (route) => {
    expectErrorBody(await call(ctx.http, route).set(learner.auth), 403, 'forbidden');
    expectErrorBody(await call(ctx.http, route).set(ctx.auth(learner.id, ['reader', 'coauthor'])), 403, 'forbidden');
  });

  it.each(AUTHOR_ROUTES)('%s: no token → 401 unauthorized', async (route) => {
    expectErrorBody(await call(ctx.http, route), 401, 'unauthorized');
  });

  it('an author passes the guard (the 403s above are the role, not the route)', async () => {
    const res = await call(ctx.http, 'POST /categories').set(author.auth);
    expect(res.status).toBe(400); // reached validation: {} is not a category
  });

  describe('bad tokens → 401 unauthorized, on a learner route and on an author route', () => {
    const jwt = () => ctx.app.get(JwtService);
    const now = () => Math.floor(Date.now() / 1000);
    const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
    const sign = (payload: object, options: { secret?: string; algorithm?: 'HS256' | 'HS512' } = {}) =>
      jwt().sign(payload, { secret: options.secret ?? TEST_JWT_SECRET, algorithm: options.algorithm ?? 'HS256' });

    const badHeaders: Array<[string, () => string | undefined]> = [
      // exp an hour ago: no clock skew tolerance is configured, so this cannot pass by timing
      ['expired', () => `Bearer ${sign({ sub: String(author.id), roles: ['author'], exp: now() - 3600 })}`],
      ['not yet valid (nbf in an hour)', () => `Bearer ${sign({ sub: String(author.id), roles: ['author'], nbf: now() + 3600 })}`],
      ['alg: none', () => `Bearer ${b64({ alg: 'none', typ: 'JWT' })}.${b64({ sub: String(author.id), roles: ['author'] })}.`],
      [
        'wrong secret',
        () => `Bearer ${sign({ sub: String(author.id), roles: ['author'] }, { secret: 'not-the-secret-0123456789abcdef' })}`,
      ],
      ['HS512 (only HS256 is accepted)', () => `Bearer ${sign({ sub: String(author.id), roles: ['author'] }, { algorithm: 'HS512' })}`],
      [
        'payload changed after signing',
        () => {
          const [header, , signature] = ctx.token(learner.id).split('.');
          return `Bearer ${header}.${b64({ sub: String(learner.id), roles: ['author'] })}.${signature}`;
        },
      ],
      ['non-numeric sub', () => `Bearer ${sign({ sub: 'abc', roles: ['author'] })}`],
      ['sub 0', () => `Bearer ${sign({ sub: '0', roles: ['author'] })}`],
      ['fractional sub', () => `Bearer ${sign({ sub: '1.5', roles: ['author'] })}`],
      ['no sub', () => `Bearer ${sign({ roles: ['author'] })}`],
      ['missing Bearer scheme', () => author.token],
      ['another scheme', () => `Basic ${author.token}`],
      ['Bearer without a token', () => 'Bearer'],
      ['not a JWT', () => 'Bearer not-a-jwt'],
      ['no Authorization header', () => undefined],
    ];

    it.each(badHeaders)('%s', async (_name, header) => {
      const value = header();
      for (const route of ['GET /me', 'POST /categories']) {
        const req = call(ctx.http, route);
        expectErrorBody(await (value === undefined ? req : req.set('Authorization', value)), 401, 'unauthorized');
      }
    });
  });
});

/** An embedding host's authentication, as a test can drive it: `request.user` from a header. */
@Injectable()
class HeaderUserGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string | undefined>; user?: unknown }>();
    if (req.headers['x-test-user']) req.user = JSON.parse(req.headers['x-test-user']);
    return true;
  }
}

describe('issue 9: request.user set by an embedding host without (valid) roles', () => {
  let ctx: TestContext;
  let host: INestApplication;
  let learnerId: number;
  beforeAll(async () => {
    ctx = await HostTestContext.create();
    learnerId = (await ctx.newLearner()).id;
    const moduleRef = await Test.createTestingModule({
      imports: [
        LinguaCoreModule.forRoot({ database: { url: ctx.databaseUrl, poolMax: 2 } }),
        LinguaApiModule,
        RouterModule.register([{ path: 'api', module: LinguaApiModule }]),
      ],
      providers: [{ provide: APP_GUARD, useClass: HeaderUserGuard }],
    }).compile();
    host =
      testPlatform() === 'fastify'
        ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false })
        : moduleRef.createNestApplication({ logger: false });
    await host.init();
    if (testPlatform() === 'fastify') await (host as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await host?.close();
    await ctx?.close();
  });

  const users: Array<[string, () => object]> = [
    ['{ id } without roles', () => ({ id: learnerId })],
    ['roles: null', () => ({ id: learnerId, roles: null })],
    ["roles: 'author' (a string, not an array)", () => ({ id: learnerId, roles: 'author' })],
    ["roles: 'coauthor'", () => ({ id: learnerId, roles: 'coauthor' })],
    ['roles: {} (an object)', () => ({ id: learnerId, roles: {} })],
  ];

  it('the embedding host mounts the same author routes', () => {
    expect(authorGuardedRoutes(host)).toEqual([...AUTHOR_ROUTES].sort());
  });

  it.each(users)('%s → 403 on every author route, never 500', async (_name, user) => {
    for (const route of AUTHOR_ROUTES) {
      const res = await call(request(host.getHttpServer()), route).set('x-test-user', JSON.stringify(user()));
      expect({ route, status: res.status }).toEqual({ route, status: 403 });
      expectErrorBody(res, 403, 'forbidden');
    }
  });

  it('{ id } without roles is still a learner on learner routes', async () => {
    await request(host.getHttpServer())
      .get('/api/me')
      .set('x-test-user', JSON.stringify({ id: learnerId }))
      .expect(200);
  });

  it('no request.user → 401 on author and learner routes', async () => {
    expectErrorBody(await call(request(host.getHttpServer()), 'POST /categories'), 401, 'unauthorized');
    expectErrorBody(await call(request(host.getHttpServer()), 'GET /me'), 401, 'unauthorized');
  });
});

/**
 * An embedding host's authentication as a Nest middleware. On Fastify, Nest hands middleware the raw
 * Node request, so `request.user` lands on `request.raw.user` (issue 16: a host written from scratch
 * tripped on it); lingua-core reads both.
 */
@Injectable()
class HeaderUserMiddleware implements NestMiddleware {
  use(req: { headers: Record<string, string | string[] | undefined>; user?: unknown }, _res: unknown, next: () => void): void {
    const header = req.headers['x-test-user'];
    if (typeof header === 'string') req.user = JSON.parse(header);
    next();
  }
}

@Module({
  imports: [LinguaApiModule, RouterModule.register([{ path: 'api', module: LinguaApiModule }])],
})
class MiddlewareAuthHostModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HeaderUserMiddleware).forRoutes('*path');
  }
}

describe('issue 16: request.user set by a Nest middleware of the host (on Fastify: on the raw request)', () => {
  let ctx: TestContext;
  let host: INestApplication;
  let learnerId: number;
  beforeAll(async () => {
    ctx = await HostTestContext.create();
    learnerId = (await ctx.newLearner()).id;
    const moduleRef = await Test.createTestingModule({
      imports: [LinguaCoreModule.forRoot({ database: { url: ctx.databaseUrl, poolMax: 2 } }), MiddlewareAuthHostModule],
    }).compile();
    host =
      testPlatform() === 'fastify'
        ? moduleRef.createNestApplication<NestFastifyApplication>(new FastifyAdapter(), { logger: false })
        : moduleRef.createNestApplication({ logger: false });
    await host.init();
    if (testPlatform() === 'fastify') await (host as NestFastifyApplication).getHttpAdapter().getInstance().ready();
  });
  afterAll(async () => {
    await host?.close();
    await ctx?.close();
  });

  it('a learner set by the middleware reads their own data; roles set there pass the author guard', async () => {
    const me = await request(host.getHttpServer())
      .get('/api/me')
      .set('x-test-user', JSON.stringify({ id: learnerId }));
    expect({ status: me.status, id: me.body.id }).toEqual({ status: 200, id: learnerId });
    const author = await call(request(host.getHttpServer()), 'POST /categories').set(
      'x-test-user',
      JSON.stringify({ id: learnerId, roles: ['author'] }),
    );
    expect(author.status).toBe(400); // past the guard, into validation: {} is not a category
    expectErrorBody(
      await call(request(host.getHttpServer()), 'POST /categories').set('x-test-user', JSON.stringify({ id: learnerId })),
      403,
      'forbidden',
    );
  });

  it('without the header the middleware sets nothing: 401', async () => {
    expectErrorBody(await call(request(host.getHttpServer()), 'GET /me'), 401, 'unauthorized');
  });
});
