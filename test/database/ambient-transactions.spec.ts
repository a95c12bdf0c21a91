import { Injectable, Module, DynamicModule } from '@nestjs/common';
import { APP_GUARD, RouterModule } from '@nestjs/core';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { ClsPluginTransactional, Transactional, TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { ClsModule } from 'nestjs-cls';
import { AsyncLocalStorage } from 'node:async_hooks';
import { randomBytes, randomUUID } from 'node:crypto';
import { EntityManager } from 'typeorm';
import { LinguaApiModule } from '../../src/api/lingua-api.module';
import { ApiError } from '../../src/common/api-error';
import { ConversationsService } from '../../src/conversations/conversations.service';
import { clsTransaction } from '../../src/database/cls-transaction';
import { buildDataSourceOptions } from '../../src/data-source-options';
import { LessonsService } from '../../src/lessons/lessons.service';
import { LinguaCoreModule } from '../../src/lingua-core.module';
import type { AmbientTransaction } from '../../src/lingua-core.options';
import { PracticeService } from '../../src/practice/practice.service';
import { UsersService } from '../../src/users/users.service';
import { CatalogueService } from '../../src/vocabulary/catalogue.service';
import { VocabularyService } from '../../src/vocabulary/vocabulary.service';
import { TestAppFactory, TestContext } from '../harness/context';
import { signTestToken, TestAuthGuard } from '../harness/test-auth';
import { databaseOptionsOf, linguaOptionsOf, TestEnv } from '../harness/test-options';
import { newCategory, newWords } from '../vocabulary/factories';

/**
 * Issue 21, Deliver 1: lingua-core's writes join the host's current transaction — a host on
 * `@nestjs-cls/transactional` (option `transaction: clsTransaction()`), and a host with a mechanism
 * of its own (option `transaction: () => manager`). Real PostgreSQL, the hosts as a team writes them.
 */

const ORDERS = 'host_orders';

/** The host's own code: writes an order, then runs lingua-core calls in the same `@Transactional()`. */
@Injectable()
class ClsOrders {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {}

  @Transactional()
  async place<T>(work: () => Promise<T>): Promise<T> {
    await this.txHost.tx.query(`INSERT INTO ${ORDERS} (note) VALUES ('order')`);
    return work();
  }
}

/** A host's own ambient mechanism: the transaction's manager in an AsyncLocalStorage. */
const hostStore = new AsyncLocalStorage<EntityManager>();

@Module({})
class AmbientHostModule {
  static forRoot(env: TestEnv, kind: 'cls' | 'plain'): DynamicModule {
    const transaction: AmbientTransaction = kind === 'cls' ? clsTransaction() : () => hostStore.getStore();
    return {
      module: AmbientHostModule,
      imports: [
        TypeOrmModule.forRootAsync({ useFactory: () => buildDataSourceOptions(databaseOptionsOf(env)) }),
        ...(kind === 'cls'
          ? [
              ClsModule.forRoot({
                global: true,
                plugins: [
                  new ClsPluginTransactional({ adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }) }),
                ],
              }),
            ]
          : []),
        LinguaCoreModule.forRoot({ ...linguaOptionsOf(env), transaction }),
        LinguaApiModule,
        RouterModule.register([{ path: 'api', module: LinguaApiModule }]),
      ],
      providers: [{ provide: APP_GUARD, useClass: TestAuthGuard }, ...(kind === 'cls' ? [ClsOrders] : [])],
    };
  }
}

const hostApp =
  (kind: 'cls' | 'plain'): TestAppFactory =>
  (env) => ({
    root: AmbientHostModule.forRoot(env, kind),
    configure: (app) => app.useLogger(false),
    logger: () => false,
    sign: (_app, userId, roles) => signTestToken(userId, roles),
  });

const LINGUA_TABLES = [
  'users',
  'user_profiles',
  'learning_paths',
  'categories',
  'words',
  'user_vocabulary',
  'practice_sessions',
  'practice_answers',
  'conversation_sessions',
  'conversation_messages',
  'lessons',
];

async function rowCounts(ctx: TestContext): Promise<Record<string, number>> {
  const counts: Record<string, number> = {};
  for (const table of [...LINGUA_TABLES, ORDERS]) {
    const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM ${table}`);
    counts[table] = n;
  }
  return counts;
}

const unique = () => randomBytes(4).toString('hex');

/** One of every kind of lingua-core write, as a host's transaction would make them. */
async function linguaWrites(ctx: TestContext, wordId: number): Promise<void> {
  const user = await ctx.get(UsersService).register({
    email: `tx-${unique()}@example.com`,
    displayName: 'In a host transaction',
    nativeLanguage: 'en',
    targetLanguage: 'es',
  });
  await ctx.get(UsersService).replaceProfile(user.id, { learningGoals: { goal: 'travel' } });
  await ctx.get(UsersService).createLearningPath(user.id, { pathData: { steps: 1 } });
  const category = await ctx.get(CatalogueService).createCategory({ name: `tx-${unique()}` });
  await ctx.get(CatalogueService).createWord({ term: `tx-${unique()}`, translation: 't', categoryId: category.id });
  await ctx.get(CatalogueService).bulkCreateWords({ words: [{ term: `tx-${unique()}`, translation: 't', categoryId: category.id }] });
  await ctx.get(VocabularyService).startLearning(user.id, wordId);
  const session = await ctx.get(PracticeService).start(user.id);
  await ctx.get(PracticeService).answer(user.id, session.id, { answerId: randomUUID(), wordId, rating: 3, responseMs: 900 });
  await ctx.get(PracticeService).finish(user.id, session.id);
  const conversation = await ctx.get(ConversationsService).create(user.id, { sessionType: 'home' });
  await ctx.get(ConversationsService).appendMessage(user.id, conversation.id, { role: 'user', content: 'hola' });
  await ctx.get(LessonsService).create({ title: `tx-${unique()}` });
}

class HostFailure extends Error {}

describe('issue 21: lingua-core writes join the host transaction', () => {
  describe('@nestjs-cls/transactional (option transaction: clsTransaction())', () => {
    let ctx: TestContext;
    let orders: ClsOrders;
    let wordId: number;

    beforeAll(async () => {
      ctx = await TestContext.create({}, hostApp('cls'));
      await ctx.dataSource.query(`CREATE TABLE ${ORDERS} (id serial PRIMARY KEY, note text NOT NULL)`);
      orders = ctx.get(ClsOrders);
      [{ id: wordId }] = await newWords(ctx, (await newCategory(ctx)).id, 1);
    });
    afterAll(() => ctx?.close());

    it('a rollback after lingua writes leaves nothing of them (nor of the host)', async () => {
      const before = await rowCounts(ctx);
      await expect(
        orders.place(async () => {
          await linguaWrites(ctx, wordId);
          throw new HostFailure('the host changes its mind');
        }),
      ).rejects.toBeInstanceOf(HostFailure);
      expect(await rowCounts(ctx)).toEqual(before);
    });

    it('a commit makes the writes visible and invalidates the caches only once committed', async () => {
      const learner = await ctx.newLearner();
      const vocabulary = ctx.get(VocabularyService);
      const catalogue = ctx.get(CatalogueService);
      const category = await newCategory(ctx);
      expect((await vocabulary.stats(learner.id)).total).toBe(0);
      expect((await catalogue.listWords({ categoryId: category.id, page: 1, perPage: 20 })).total).toBe(0);
      const before = await rowCounts(ctx);

      await orders.place(async () => {
        await vocabulary.startLearning(learner.id, wordId);
        await catalogue.createWord({ term: `c-${unique()}`, translation: 't', categoryId: category.id });
        await linguaWrites(ctx, wordId);
        // Readers outside the transaction meanwhile (re)fill the caches with what is committed:
        // an invalidation that ran before the commit would leave these stale answers behind.
        expect((await vocabulary.stats(learner.id)).total).toBe(0);
        expect((await catalogue.listWords({ categoryId: category.id, page: 1, perPage: 20 })).total).toBe(0);
      });

      expect((await vocabulary.stats(learner.id)).total).toBe(1);
      expect((await catalogue.listWords({ categoryId: category.id, page: 1, perPage: 20 })).total).toBe(1);
      const after = await rowCounts(ctx);
      expect(after[ORDERS]).toBe(before[ORDERS] + 1);
      const added: Record<string, number> = { words: 3, user_vocabulary: 2 };
      for (const table of LINGUA_TABLES) expect([table, after[table]]).toEqual([table, before[table] + (added[table] ?? 1)]);
      // The HTTP routes (which read through the cache) see them too.
      expect((await ctx.http.get('/api/me/vocabulary/stats').set(learner.auth).expect(200)).body.total).toBe(1);
    });

    it("a lingua transaction inside the host's runs in a savepoint: a rejected batch leaves the host's transaction usable", async () => {
      const category = await newCategory(ctx);
      const [taken] = await newWords(ctx, category.id, 1);
      const before = await rowCounts(ctx);
      const { statements } = await ctx.countStatements(() =>
        orders.place(async () => {
          await ctx.get(CatalogueService).createCategory({ name: `kept-${unique()}` });
          const rejected = ctx.get(CatalogueService).bulkCreateWords({
            words: [
              { term: `new-${unique()}`, translation: 't', categoryId: category.id },
              { term: taken.term, translation: 't', categoryId: category.id },
            ],
          });
          await expect(rejected).rejects.toBeInstanceOf(ApiError);
          // The host goes on in its transaction after lingua's failure, and commits.
          await ctx.get(VocabularyService).startLearning((await ctx.newLearner()).id, taken.id);
        }),
      );
      expect(statements.filter((s) => /^SAVEPOINT /.test(s))).toHaveLength(1);
      expect(statements.filter((s) => /^ROLLBACK TO SAVEPOINT /.test(s))).toHaveLength(1);
      // No lingua transaction of its own, no SET LOCAL over the host's settings.
      expect(statements.filter((s) => /^(START TRANSACTION|SET TRANSACTION|SET LOCAL)/.test(s))).toHaveLength(1);
      const after = await rowCounts(ctx);
      expect(after[ORDERS]).toBe(before[ORDERS] + 1);
      expect(after.categories).toBe(before.categories + 1);
      expect(after.words).toBe(before.words);
      expect(after.user_vocabulary).toBe(before.user_vocabulary + 1);
    });

    it("the practice answer inside the host's transaction takes the locking path in a savepoint, rolled back with the host", async () => {
      const learner = await ctx.newLearner();
      await ctx.get(VocabularyService).startLearning(learner.id, wordId);
      const session = await ctx.get(PracticeService).start(learner.id);
      const { statements } = await ctx.countStatements(() =>
        expect(
          orders.place(async () => {
            await ctx.get(PracticeService).answer(learner.id, session.id, { answerId: randomUUID(), wordId, rating: 4, responseMs: 500 });
            throw new HostFailure();
          }),
        ).rejects.toBeInstanceOf(HostFailure),
      );
      expect(statements.some((s) => /^SAVEPOINT /.test(s))).toBe(true);
      expect(statements.some((s) => /^RELEASE SAVEPOINT /.test(s))).toBe(true);
      expect((await ctx.get(PracticeService).get(learner.id, session.id)).totalQuestions).toBe(0);
      const [{ n }] = await ctx.dataSource.query(`SELECT count(*)::int AS n FROM practice_answers WHERE session_id = $1`, [session.id]);
      expect(n).toBe(0);
    });

    it('an explicit { manager } wins over the ambient transaction', async () => {
      const learner = await ctx.newLearner();
      await expect(
        orders.place(async () => {
          await ctx.get(VocabularyService).startLearning(learner.id, wordId, { manager: ctx.dataSource.manager });
          throw new HostFailure();
        }),
      ).rejects.toBeInstanceOf(HostFailure);
      expect((await ctx.get(VocabularyService).stats(learner.id)).total).toBe(1);
    });

    it('outside @Transactional() every write commits on its own, as without the option', async () => {
      const learner = await ctx.newLearner();
      await ctx.get(VocabularyService).startLearning(learner.id, wordId);
      expect((await ctx.get(VocabularyService).stats(learner.id)).total).toBe(1);
    });
  });

  describe("a host's own mechanism (option transaction: () => EntityManager | undefined)", () => {
    let ctx: TestContext;
    let wordId: number;

    /** The host's transaction helper: its manager is the ambient one while `work` runs. */
    const inHostTransaction = <T>(work: () => Promise<T>): Promise<T> =>
      ctx.dataSource.transaction(async (manager) => {
        await manager.query(`INSERT INTO ${ORDERS} (note) VALUES ('order')`);
        return hostStore.run(manager, work);
      });

    beforeAll(async () => {
      ctx = await TestContext.create({}, hostApp('plain'));
      await ctx.dataSource.query(`CREATE TABLE ${ORDERS} (id serial PRIMARY KEY, note text NOT NULL)`);
      [{ id: wordId }] = await newWords(ctx, (await newCategory(ctx)).id, 1);
    });
    afterAll(() => ctx?.close());

    it('a rollback leaves nothing of the lingua writes', async () => {
      const before = await rowCounts(ctx);
      await expect(
        inHostTransaction(async () => {
          await linguaWrites(ctx, wordId);
          throw new HostFailure();
        }),
      ).rejects.toBeInstanceOf(HostFailure);
      expect(await rowCounts(ctx)).toEqual(before);
    });

    it('a commit makes them visible and invalidates the cache after it', async () => {
      const learner = await ctx.newLearner();
      const vocabulary = ctx.get(VocabularyService);
      expect((await vocabulary.stats(learner.id)).total).toBe(0);
      await inHostTransaction(async () => {
        await vocabulary.startLearning(learner.id, wordId);
        expect((await vocabulary.stats(learner.id)).total).toBe(0);
      });
      expect((await vocabulary.stats(learner.id)).total).toBe(1);
    });
  });
});
