/**
 * The naive baseline of `npm run bench:capacity`: the legacy data layer's read patterns the seeds
 * describe, behind `node:http` with the floor's plumbing (bearer check, JSON, error answers). The
 * reads are the `naive baseline` implementations of `bench/scenarios` (run through TypeORM
 * repositories, per request for the requesting learner): the N+1 over words and categories,
 * `Word.query.all()` for a catalogue page, every row of a learner loaded and filtered in JS, all of a
 * conversation's messages read without the session index, the profile as a second lazy query; no
 * cache. Its writes send the floor's statements (`FLOOR_WRITES`): the seeds describe no legacy write
 * path, and the floor's is the cheapest, so the baseline is if anything flattered. Run as its own process:
 *
 *   DATABASE_URL=… JWT_SECRET=… PORT=… node -r ts-node/register/transpile-only bench/capacity/naive-server.ts
 */
import 'reflect-metadata';
import type { INestApplicationContext } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { LINGUA_ENTITIES } from '../../src/entities';
import type { ConversationMessage } from '../../src/conversations/entities/conversation-message.entity';
import { UserProfile } from '../../src/users/entities/user-profile.entity';
import { User } from '../../src/users/entities/user.entity';
import { toUserWithProfileDto } from '../../src/users/users.mapper';
import type { UserVocabulary } from '../../src/vocabulary/entities/user-vocabulary.entity';
import type { Word } from '../../src/vocabulary/entities/word.entity';
import { toWordDto } from '../../src/vocabulary/vocabulary.mapper';
import { CARD_STATES } from '../../src/vocabulary/srs';
import { FLOOR_WRITES, message, notFound, RouteTable, serve } from '../http/floor';
import { wordPage } from '../scenarios/catalogue';
import type { BenchContext, Fixtures } from '../scenarios/context';
import { NAIVE } from '../scenarios/context';
import { messagePage } from '../scenarios/conversations';
import { dueQueue, vocabularyPage, vocabularyStats } from '../scenarios/vocabulary';

const dataSource = new DataSource({
  type: 'postgres',
  url: process.env.DATABASE_URL,
  entities: LINGUA_ENTITIES,
  poolSize: Number(process.env.DB_POOL_MAX ?? 10),
  extra: { options: '-c TimeZone=UTC' },
  synchronize: false,
});

/** The naive side of a bench/scenarios scenario, for one request's learner and arguments. */
function naive(build: (ctx: BenchContext) => { impls: Array<{ name: string; run: () => Promise<unknown> }> }, fixtures: Partial<Fixtures>) {
  // The naive implementations read only the DataSource and the fixtures; the app is never asked for a service.
  const ctx = { app: { get: () => undefined } as unknown as INestApplicationContext, dataSource, fixtures } as unknown as BenchContext;
  const impl = build(ctx).impls.find((i) => i.name === NAIVE);
  if (!impl) throw new Error('scenario without a naive baseline');
  return impl.run();
}

const iso = (d: Date | null) => (d ? d.toISOString() : null);
const item = (r: UserVocabulary) => {
  const w = r.word as Word;
  return {
    wordId: r.wordId,
    word: {
      id: w.id,
      term: w.term,
      translation: w.translation,
      difficultyLevel: w.difficultyLevel,
      category: { id: w.categoryId, name: w.category?.name },
    },
    masteryLevel: r.masteryLevel,
    timesSeen: r.timesSeen,
    timesCorrect: r.timesCorrect,
    state: CARD_STATES[r.state],
    dueAt: iso(r.dueAt),
    stability: r.stability,
    difficulty: r.difficulty,
    reps: r.reps,
    lapses: r.lapses,
    lastReviewedAt: iso(r.lastReviewedAt),
    createdAt: iso(r.createdAt),
  };
};
const int = (url: URL, name: string, fallback: number) => Number(url.searchParams.get(name) ?? fallback);

const READS: RouteTable = [
  [
    'GET',
    /^\/api\/me$/,
    async (userId) => {
      // User.query.get(id), then the lazy `user.profile` relationship: a second query.
      const user = await dataSource.getRepository(User).findOneBy({ id: userId });
      if (!user) return notFound('User');
      return [200, toUserWithProfileDto(user, await dataSource.getRepository(UserProfile).findOneBy({ userId }))];
    },
  ],
  [
    'GET',
    /^\/api\/me\/vocabulary$/,
    async (userId, _m, url) => {
      const limit = int(url, 'limit', 20);
      // One row more than the page (the naive N+1 included) tells whether there is a next page.
      const rows = (await naive((ctx) => vocabularyPage(ctx, limit + 1), { learnerId: userId })) as UserVocabulary[];
      const page = rows.slice(0, limit);
      const next = rows.length > limit ? Buffer.from(JSON.stringify([page[page.length - 1].wordId])).toString('base64url') : null;
      return [200, { items: page.map(item), nextCursor: next }];
    },
  ],
  [
    'GET',
    /^\/api\/me\/vocabulary\/due$/,
    async (userId, _m, url) => {
      const rows = (await naive((ctx) => dueQueue(ctx, int(url, 'limit', 20)), { learnerId: userId })) as UserVocabulary[];
      return [200, { items: rows.map(item) }];
    },
  ],
  ['GET', /^\/api\/me\/vocabulary\/stats$/, async (userId) => [200, await naive(vocabularyStats, { learnerId: userId })]],
  [
    'GET',
    /^\/api\/words$/,
    async (_userId, _m, url) => {
      const page = int(url, 'page', 1);
      const perPage = int(url, 'perPage', 20);
      const result = (await naive((ctx) => wordPage(ctx, page, perPage), { categoryId: int(url, 'categoryId', 0) })) as {
        items: Word[];
        total: number;
      };
      const { total } = result;
      return [200, { items: result.items.map((w) => toWordDto(w)), total, page, perPage, pages: Math.ceil(total / perPage) }];
    },
  ],
  [
    'GET',
    /^\/api\/me\/conversations\/(\d+)\/messages$/,
    async (userId, m, url) => {
      const limit = int(url, 'limit', 50);
      if (url.searchParams.has('afterOrder')) return [400, { statusCode: 400, message: 'afterOrder is not supported by the baseline' }];
      const found = (await naive((ctx) => messagePage(ctx, limit + 1), {
        conversationId: Number(m[1]),
        conversationUserId: userId,
      }).catch((err: Error) => {
        if (err.message === 'conversation not found') return null;
        throw err;
      })) as ConversationMessage[] | null;
      if (!found) return notFound('Conversation');
      const page = found
        .slice(0, limit)
        .map((r) => message({ ...r, session_id: r.sessionId, message_order: r.messageOrder, created_at: r.createdAt }));
      return [200, { items: page, nextAfterOrder: found.length > limit ? page[page.length - 1].messageOrder : null }];
    },
  ],
];

void dataSource.initialize().then(
  () => serve([...READS, ...FLOOR_WRITES], Number(process.env.PORT ?? 3200), () => dataSource.destroy()),
  (err: unknown) => {
    console.error(err);
    process.exit(1);
  },
);
