import { INestApplication } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { randomUUID } from 'node:crypto';
import request from 'supertest';
import { DataSource } from 'typeorm';
import { AppModule } from '../src/app.module';
import { signToken, tokenSecret } from '../src/auth/token';
import { openApiDocument } from '../src/openapi';

interface Operation {
  security?: Array<Record<string, unknown>>;
  responses: Record<string, { content?: Record<string, { schema: { $ref?: string } }> }>;
}

/**
 * The team host's e2e tests, on a real PostgreSQL migrated with the host's CLI (DATABASE_URL).
 * Each point of lingua-core's issue 21 the host relies on has its test here.
 */
describe('team host with lingua-core', () => {
  let app: INestApplication;
  let dataSource: DataSource;
  let wordId: number;
  const http = () => request(app.getHttpServer());
  const bearer = (userId: string, roles: string[] = []) => ({
    Authorization: `Bearer ${signToken({ userId, email: `${userId}@team.example`, roles }, tokenSecret())}`,
  });
  const signUpBody = (email: string, starterWordIds: number[] = []) => ({
    email,
    displayName: 'Team learner',
    nativeLanguage: 'en',
    targetLanguage: 'es',
    starterWordIds,
  });
  const countOf = async (sql: string, params: unknown[]) => Number((await dataSource.query(sql, params))[0].n);

  beforeAll(async () => {
    const moduleRef = await Test.createTestingModule({ imports: [AppModule] }).compile();
    app = moduleRef.createNestApplication({ logger: ['error'] });
    await app.init();
    dataSource = app.get(DataSource);
    // An author (the host's token says so) adds a word to lingua's catalogue.
    const author = await http()
      .post('/accounts')
      .send(signUpBody(`author-${randomUUID()}@team.example`))
      .expect(201);
    const asAuthor = bearer(author.body.id, ['author']);
    const category = await http()
      .post('/lingua/categories')
      .set(asAuthor)
      .send({ name: `Food ${randomUUID()}` })
      .expect(201);
    const word = await http()
      .post('/lingua/words')
      .set(asAuthor)
      .send({ term: 'manzana', translation: 'apple', categoryId: category.body.id })
      .expect(201);
    wordId = word.body.id;
  });
  afterAll(() => app?.close());

  describe('the host @Transactional() around lingua writes', () => {
    it('commit: the account, lingua learner and starter word are visible; the host UUID user reaches GET /lingua/me', async () => {
      const email = `ana-${randomUUID()}@team.example`;
      const res = await http()
        .post('/accounts')
        .send(signUpBody(email, [wordId]))
        .expect(201);
      expect(res.body).toEqual({ id: expect.stringMatching(/^[0-9a-f-]{36}$/), email, roles: [], createdAt: expect.any(String) });
      const me = await http().get('/lingua/me').set(bearer(res.body.id)).expect(200);
      expect(me.body).toMatchObject({ id: expect.any(Number), email });
      const vocabulary = await http().get('/lingua/me/vocabulary').set(bearer(res.body.id)).expect(200);
      expect(JSON.stringify(vocabulary.body)).toContain('manzana');
    });

    it('rollback after lingua wrote: nothing of lingua’s stays (no learner, no vocabulary), nor the account', async () => {
      const email = `ben-${randomUUID()}@team.example`;
      const res = await http()
        .post('/accounts')
        .send(signUpBody(email, [wordId, 2_147_483_000]));
      // The unknown word fails lingua's foreign key after lingua registered the learner in the host's transaction.
      expect(res.status).toBe(409);
      expect(res.body).toEqual({ error: { code: 'foreign_key_violation', message: expect.any(String) } });
      expect(await countOf('SELECT count(*) AS n FROM users WHERE email = $1', [email])).toBe(0);
      expect(await countOf('SELECT count(*) AS n FROM accounts WHERE email = $1', [email])).toBe(0);
      // The email is free again for lingua.
      await http().post('/lingua/users').send({ email, displayName: 'Ben', nativeLanguage: 'en', targetLanguage: 'es' }).expect(201);
    });
  });

  describe("lingua's errors in the host's envelope (errors: 'host')", () => {
    it("401: a valid token for an account lingua does not know is lingua's unauthorized", async () => {
      const res = await http().get('/lingua/me').set(bearer(randomUUID())).expect(401);
      expect(res.body).toEqual({ error: { code: 'unauthorized', message: expect.any(String) } });
      expect(res.headers['x-request-id']).toEqual(expect.any(String));
    });

    it("401 from the host's own guard (no token, a forged token) in the same envelope", async () => {
      expect((await http().get('/lingua/me').expect(401)).body).toEqual({
        error: { code: 'unauthorized', message: 'A bearer token is required.' },
      });
      const forged = await http().get('/accounts/me').set('Authorization', 'Bearer e30.forged').expect(401);
      expect(forged.body).toEqual({ error: { code: 'unauthorized', message: 'Invalid token.' } });
    });

    it('404 not_found', async () => {
      const account = await http()
        .post('/accounts')
        .send(signUpBody(`cy-${randomUUID()}@team.example`))
        .expect(201);
      const res = await http().get('/lingua/words/2147483000').set(bearer(account.body.id)).expect(404);
      expect(res.body).toEqual({ error: { code: 'not_found', message: expect.any(String) } });
    });

    it('409 unique_violation', async () => {
      const email = `dee-${randomUUID()}@team.example`;
      const body = { email, displayName: 'Dee', nativeLanguage: 'en', targetLanguage: 'es' };
      await http().post('/lingua/users').send(body).expect(201);
      const res = await http().post('/lingua/users').send(body).expect(409);
      expect(res.body).toEqual({ error: { code: 'unique_violation', message: expect.any(String) } });
    });

    it("400 validation_failed: an unknown field, under the host's whitelist + forbidNonWhitelisted pipe", async () => {
      const body = {
        email: `eve-${randomUUID()}@team.example`,
        displayName: 'Eve',
        nativeLanguage: 'en',
        targetLanguage: 'es',
        isAdmin: true,
      };
      const res = await http().post('/lingua/users').send(body).expect(400);
      expect(res.body).toEqual({ error: { code: 'validation_failed', message: expect.any(String) } });
    });

    it("the host's own 400 and 404 keep the host's codes", async () => {
      const bad = await http()
        .post('/accounts')
        .send({ ...signUpBody(`fay-${randomUUID()}@team.example`), colour: 'red' })
        .expect(400);
      expect(bad.body).toEqual({ error: { code: 'bad_request', message: expect.any(String) } });
      const missing = await http().get('/nowhere').expect(404);
      expect(missing.body).toEqual({ error: { code: 'not_found', message: 'Cannot GET /nowhere' } });
    });
  });

  it("readiness (terminus) shows the host's database check and lingua's", async () => {
    const res = await http().get('/health/ready').expect(200);
    expect(res.body.status).toBe('ok');
    expect(res.body.info).toMatchObject({
      db: { status: 'up' },
      lingua_database: { status: 'up' },
      lingua: { status: 'up', database: { status: 'up' }, cache: { status: 'up' }, replicas: [] },
    });
  });

  it("/metrics has the host's and lingua's metrics on one registry, process metrics once", async () => {
    const res = await http().get('/metrics').expect(200);
    const types = res.text.split('\n').filter((line) => line.startsWith('# TYPE '));
    expect(types.filter((line) => line.includes('process_cpu_seconds_total'))).toEqual(['# TYPE process_cpu_seconds_total counter']);
    expect(res.text).toMatch(/^team_host_signups_total \d+/m);
    expect(res.text).toMatch(/^lingua_http_errors_total\{code="unauthorized"\} \d+/m);
    expect(res.text).not.toContain('lingua_process_');
    const names = types.map((line) => line.split(' ')[2]);
    expect(names.length).toBe(new Set(names).size);
  });

  it("lingua's OpenAPI operations name the host's security scheme and error envelope", () => {
    const doc = openApiDocument(app);
    expect(Object.keys(doc.components?.securitySchemes ?? {})).toEqual(['access-token']);
    const operations = Object.entries(doc.paths)
      .filter(([path]) => path.startsWith('/lingua/'))
      .flatMap(([, item]) => Object.values(item as Record<string, Operation>));
    expect(operations.length).toBeGreaterThan(30);
    const schemes = new Set(operations.flatMap((op) => (op.security ?? []).flatMap((s) => Object.keys(s))));
    expect([...schemes]).toEqual(['access-token']);
    const notFound = (doc.paths['/lingua/words/{id}'] as Record<string, Operation>).get.responses['404'];
    expect(notFound.content?.['application/json'].schema.$ref).toBe('#/components/schemas/ErrorEnvelope');
  });
});
