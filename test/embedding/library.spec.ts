import { CanActivate, Controller, ExecutionContext, Get, INestApplication, Injectable, Module, Type, ValidationPipe } from '@nestjs/common';
import { APP_GUARD, RouterModule } from '@nestjs/core';
import { Test } from '@nestjs/testing';
import { getDataSourceToken, getRepositoryToken, TypeOrmModule } from '@nestjs/typeorm';
import { randomBytes } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { LinguaApiModule } from '../../src/api/lingua-api.module';
import { LINGUA_ENTITIES } from '../../src/entities';
import { LinguaDataSource } from '../../src/database/lingua-data-source';
import { LinguaCoreModule } from '../../src/lingua-core.module';
import { CatalogueService } from '../../src/vocabulary/catalogue.service';
import { UsersModule } from '../../src/users/users.module';
import { UsersService } from '../../src/users/users.service';
import { User } from '../../src/users/entities/user.entity';
import { VocabularyModule } from '../../src/vocabulary/vocabulary.module';
import { VocabularyService } from '../../src/vocabulary/vocabulary.service';
import { createDatabaseFromTemplate, dropDatabase } from '../harness/context';
import { withDatabase } from '../../scripts/lib/scratch-postgres';

/** issue 7: lingua-core embedded the way a host that did not write it would embed it. */

const newEmail = () => `host-${randomBytes(5).toString('hex')}@example.com`;
const learnerDto = () => ({ email: newEmail(), displayName: 'Host Learner', nativeLanguage: 'en', targetLanguage: 'de' });

/** A host's own auth: `x-user-id` / `x-roles` headers → request.user (learners get no `roles` at all). */
@Injectable()
class HeaderAuthGuard implements CanActivate {
  canActivate(ctx: ExecutionContext): boolean {
    const req = ctx.switchToHttp().getRequest<{ headers: Record<string, string>; user?: unknown }>();
    const id = Number(req.headers['x-user-id']);
    if (Number.isInteger(id)) req.user = req.headers['x-roles'] ? { id, roles: req.headers['x-roles'].split(',') } : { id };
    return true;
  }
}

@Controller('host')
class HostController {
  @Get('ping')
  ping(): { pong: true } {
    return { pong: true };
  }
}

/** The host's default connection: TypeORM's default naming strategy, lingua's entities listed. */
const hostConnection = (url: string, name?: string) =>
  TypeOrmModule.forRoot({ name, type: 'postgres', url, entities: [...LINGUA_ENTITIES], synchronize: false, migrationsRun: false });

async function start(
  imports: Array<Type<unknown> | ReturnType<typeof TypeOrmModule.forRoot>>,
  extra: { guard?: boolean; hostPipe?: ValidationPipe } = {},
): Promise<INestApplication> {
  const moduleRef = await Test.createTestingModule({
    imports: imports as never,
    controllers: [HostController],
    providers: extra.guard ? [{ provide: APP_GUARD, useClass: HeaderAuthGuard }] : [],
  }).compile();
  const app = moduleRef.createNestApplication({ logger: false });
  if (extra.hostPipe) app.useGlobalPipes(extra.hostPipe);
  await app.init();
  return app;
}

describe('embedding lingua-core in a host app (issue 7)', () => {
  let database: string;
  let url: string;
  beforeAll(async () => {
    database = await createDatabaseFromTemplate();
    url = withDatabase(process.env.LINGUA_TEST_ADMIN_URL as string, database);
  });
  afterAll(() => dropDatabase(database));

  it('importing the package reads and writes no environment variable and validates nothing', () => {
    const hostEnv = { LOG_LEVEL: 'verbose', JWT_SECRET: 'short', PORT: undefined as string | undefined };
    const saved = { ...process.env };
    Object.assign(process.env, { LOG_LEVEL: hostEnv.LOG_LEVEL, JWT_SECRET: hostEnv.JWT_SECRET });
    delete process.env.PORT;
    try {
      const before = { ...process.env };
      jest.isolateModules(() => {
        // eslint-disable-next-line @typescript-eslint/no-require-imports -- a fresh load of the package is the point
        require('../../src/index');
      });
      expect({ ...process.env }).toEqual(before);
      expect(process.env.PORT).toBeUndefined();
    } finally {
      process.env = saved;
    }
  });

  it("runs on the host's default connection (default naming strategy): one pool, no connection of its own", async () => {
    const app = await start([hostConnection(url), LinguaCoreModule.forRoot(), UsersModule]);
    try {
      expect(app.get(LinguaDataSource)).toBe(app.get(DataSource));
      const user = await app.get(UsersService).register(learnerDto());
      expect(user.id).toBeGreaterThan(0);
    } finally {
      await app.close();
    }
  });

  it("runs on a named connection of the host's", async () => {
    const app = await start([hostConnection(url, 'lingua'), LinguaCoreModule.forRoot({ dataSource: 'lingua' }), UsersModule]);
    try {
      expect(app.get(LinguaDataSource)).toBe(app.get(getDataSourceToken('lingua')));
      await app.get(UsersService).register(learnerDto());
    } finally {
      await app.close();
    }
  });

  it('runs on a connection of its own from options, closed with the app', async () => {
    const app = await start([LinguaCoreModule.forRoot({ database: { url, poolMax: 2 } }), UsersModule]);
    const own = app.get(LinguaDataSource);
    await app.get(UsersService).register(learnerDto());
    await app.close();
    expect(own.isInitialized).toBe(false);
  });

  it('issue 14: a host test overrides a repository with the standard token, getRepositoryToken(Entity[, connection])', async () => {
    const fake = {
      createQueryBuilder: () => ({
        insert: () => ({
          values: () => ({ returning: () => ({ execute: async () => ({ raw: [{ id: 4242, email: 'fake@example.com' }] }) }) }),
        }),
      }),
    };
    for (const name of [undefined, 'lingua']) {
      const moduleRef = await Test.createTestingModule({
        imports: [hostConnection(url, name), LinguaCoreModule.forRoot(name ? { dataSource: name } : {}), UsersModule] as never,
      })
        .overrideProvider(getRepositoryToken(User, name))
        .useValue(fake)
        .compile();
      const app = await moduleRef.createNestApplication({ logger: false }).init();
      try {
        expect((await app.get(UsersService).register(learnerDto())).id).toBe(4242);
      } finally {
        await app.close();
      }
    }
  });

  it('says what is missing when there is no connection to run on', async () => {
    await expect(start([LinguaCoreModule.forRoot(), UsersModule])).rejects.toThrow(/no TypeORM connection.*LINGUA_ENTITIES.*database/s);
  });

  it('forRootAsync builds the options from injected providers', async () => {
    @Module({ providers: [{ provide: 'HOST_SETTINGS', useValue: { cacheTtl: 1_234 } }], exports: ['HOST_SETTINGS'] })
    class HostSettingsModule {}
    const app = await start([
      hostConnection(url),
      LinguaCoreModule.forRootAsync({
        imports: [HostSettingsModule],
        inject: ['HOST_SETTINGS'],
        useFactory: (s: { cacheTtl: number }) => ({ cache: { ttlMs: s.cacheTtl, keyPrefix: 'host-app' } }),
      }),
      UsersModule,
    ]);
    try {
      await app.get(UsersService).register(learnerDto());
    } finally {
      await app.close();
    }
  });

  describe("a host transaction that includes lingua-core's writes", () => {
    let app: INestApplication;
    let ds: DataSource;
    beforeAll(async () => {
      app = await start([hostConnection(url), LinguaCoreModule.forRoot(), UsersModule, VocabularyModule]);
      ds = app.get(DataSource);
      await ds.query(`CREATE TABLE IF NOT EXISTS host_notes (id serial PRIMARY KEY, body text NOT NULL)`);
    });
    afterAll(() => app.close());

    it('rolls back with the host: neither the host row nor the lingua user exists', async () => {
      const dto = learnerDto();
      await expect(
        ds.transaction(async (manager) => {
          await manager.query(`INSERT INTO host_notes (body) VALUES ($1)`, [dto.email]);
          await app.get(UsersService).register(dto, { manager });
          throw new Error('host changed its mind');
        }),
      ).rejects.toThrow('host changed its mind');
      expect(
        await ds.query(`SELECT 1 FROM users WHERE email = $1 UNION ALL SELECT 1 FROM host_notes WHERE body = $1`, [dto.email]),
      ).toEqual([]);
    });

    it('commits with the host, and invalidates the learner stats only after the commit', async () => {
      const author = await app.get(CatalogueService).createCategory({ name: `host-cat-${randomBytes(4).toString('hex')}` });
      const word = await app
        .get(CatalogueService)
        .createWord({ categoryId: author.id, term: 'Haus', translation: 'house', difficultyLevel: 1 });
      const learner = await app.get(UsersService).register(learnerDto());
      const vocabulary = app.get(VocabularyService);
      expect((await vocabulary.stats(learner.id)).total).toBe(0); // now cached

      let resolveInside!: () => void;
      const insideDone = new Promise<void>((r) => (resolveInside = r));
      let releaseHost!: () => void;
      const hostMayCommit = new Promise<void>((r) => (releaseHost = r));
      const hostTx = ds.transaction(async (manager) => {
        await manager.query(`INSERT INTO host_notes (body) VALUES ('learning Haus')`);
        await vocabulary.startLearning(learner.id, word.id, { manager });
        resolveInside();
        await hostMayCommit;
      });
      await insideDone;
      // Not committed yet: a read elsewhere sees (and may cache) the old state…
      expect((await vocabulary.stats(learner.id)).total).toBe(0);
      releaseHost();
      await hostTx;
      // …and the commit invalidates it, so the cached 0 is never served again.
      expect((await vocabulary.stats(learner.id)).total).toBe(1);
    });
  });

  describe('services modules and the API module', () => {
    it('services modules mount no route', async () => {
      const app = await start([hostConnection(url), LinguaCoreModule.forRoot(), UsersModule]);
      try {
        await request(app.getHttpServer()).post('/users').send(learnerDto()).expect(404);
      } finally {
        await app.close();
      }
    });

    it('LinguaApiModule under a RouterModule prefix serves the SPEC bodies with nothing global, and leaves host routes alone', async () => {
      const app = await start(
        [
          hostConnection(url),
          LinguaCoreModule.forRoot(),
          LinguaApiModule,
          RouterModule.register([{ path: 'lingua', module: LinguaApiModule }]),
        ],
        { guard: true },
      );
      try {
        const http = request(app.getHttpServer());
        const dto = learnerDto();
        await http.post('/lingua/users').send(dto).expect(201);
        const dup = await http
          .post('/lingua/users')
          .set('X-Request-Id', 'host-req-42')
          .send({ ...dto, email: dto.email.toUpperCase() })
          .expect(409);
        expect(dup.body).toMatchObject({ statusCode: 409, code: 'unique_violation', requestId: 'host-req-42' });
        expect(dup.body.constraint).toMatch(/^uq_users_email/);
        expect(dup.headers['x-request-id']).toBe('host-req-42');

        const unknown = await http
          .post('/lingua/users')
          .send({ ...learnerDto(), isAdmin: true })
          .expect(400);
        expect(unknown.body.code).toBe('validation_failed');
        expect(unknown.body.requestId).toBe(unknown.headers['x-request-id']);
        expect(unknown.body.requestId).toMatch(/^[0-9a-f-]{36}$/);

        // request.user = { id } with no roles: an author route is 403, never 500.
        const learner = dup.body && (await http.post('/lingua/users').send(learnerDto()).expect(201)).body;
        const forbidden = await http.post('/lingua/categories').set('x-user-id', String(learner.id)).send({ name: 'nope' }).expect(403);
        expect(forbidden.body.code).toBe('forbidden');
        await http.get('/lingua/me/vocabulary?limit=abc').set('x-user-id', String(learner.id)).expect(400);

        // The host's own routes: Nest's own bodies, no lingua request id or code.
        await http.get('/host/ping').expect(200, { pong: true });
        const hostMissing = await http.get('/host/nothing').expect(404);
        expect(hostMissing.body.code).toBeUndefined();
        expect(hostMissing.headers['x-request-id']).toBeUndefined();
      } finally {
        await app.close();
      }
    });

    it("keeps lingua's 400 body (with details) when the host's own global ValidationPipe rejects the input first", async () => {
      const app = await start(
        [
          hostConnection(url),
          LinguaCoreModule.forRoot(),
          LinguaApiModule,
          RouterModule.register([{ path: 'lingua', module: LinguaApiModule }]),
        ],
        { guard: true, hostPipe: new ValidationPipe({ forbidNonWhitelisted: true, whitelist: true }) },
      );
      try {
        const http = request(app.getHttpServer());
        const learner = (await http.post('/lingua/users').send(learnerDto()).expect(201)).body;
        const bad = await http.get('/lingua/me/vocabulary?limit=abc').set('x-user-id', String(learner.id)).expect(400);
        expect(bad.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'limit', messages: expect.any(Array) }] });
        const unknown = await http
          .post('/lingua/users')
          .send({ ...learnerDto(), isAdmin: true })
          .expect(400);
        expect(unknown.body).toMatchObject({ code: 'validation_failed', details: [{ field: 'isAdmin', messages: expect.any(Array) }] });
      } finally {
        await app.close();
      }
    });
  });
});
