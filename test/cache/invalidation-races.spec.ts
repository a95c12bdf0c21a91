import { randomBytes } from 'node:crypto';
import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { Client } from 'pg';
import { CacheStore } from '../../src/cache/cache-store';
import { VersionedCache } from '../../src/cache/versioned-cache';
import { LinguaDataSource } from '../../src/database/lingua-data-source';
import { LinguaCacheOptions, LinguaSettings } from '../../src/lingua-core.options';
import { MetricsService } from '../../src/observability/metrics.service';
import { TestContext } from '../harness/context';
import { newCategory, newWords } from '../vocabulary/factories';

const ns = () => `race-${randomBytes(4).toString('hex')}`;

/** A promise and its resolver: the test decides when a step of the cache continues. */
function gate<T = void>(): { promise: Promise<T>; open: (value: T) => void } {
  let open!: (value: T) => void;
  const promise = new Promise<T>((resolve) => (open = resolve));
  return { promise, open };
}

/**
 * The in-process Keyv store, with one switch: `holdNextGetMany()` makes the next version lookup
 * (getMany) wait, after reading, until the test releases it — a Redis round trip still in flight.
 */
function gatedStore(): { store: Keyv; holdNextGetMany: () => { started: Promise<void>; release: () => void } } {
  const store = new Keyv();
  const getMany = store.getMany.bind(store);
  type Gate = ReturnType<typeof gate<void>>;
  let hold: { started: Gate; released: Gate } | undefined;
  store.getMany = (async (keys: string[]) => {
    const mine = hold;
    hold = undefined;
    const values = await getMany(keys);
    if (mine) {
      mine.started.open();
      await mine.released.promise;
    }
    return values;
  }) as typeof store.getMany;
  return {
    store,
    holdNextGetMany: () => {
      const mine = { started: gate<void>(), released: gate<void>() };
      hold = mine;
      return { started: mine.started.promise, release: () => mine.released.open() };
    },
  };
}

describe('issue 9: a read never crosses an invalidation it could have seen', () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await TestContext.create();
  });
  afterAll(() => ctx.close());

  async function cacheOn(store: Keyv, cache: LinguaCacheOptions = {}): Promise<VersionedCache> {
    const versioned = new VersionedCache(
      new CacheStore(createCache({ stores: [store] })),
      new LinguaSettings({ cache }),
      new MetricsService(),
      ctx.dataSource as LinguaDataSource,
    );
    await versioned.onModuleInit();
    return versioned;
  }

  it('a read that begins after an invalidation does not join a version lookup that began before it (version-lookup race)', async () => {
    const { store, holdNextGetMany } = gatedStore();
    const cache = await cacheOn(store);
    try {
      const space = ns();
      expect(await cache.getOrLoad(space, 'k', async () => 'old')).toBe('old');
      const hold = holdNextGetMany();
      const before = cache.getOrLoad(space, 'k', async () => 'loaded-by-the-early-read');
      await hold.started; // the early read's version lookup has read the old version and is still in flight
      await cache.invalidate(space);
      const after = cache.getOrLoad(space, 'k', async () => 'new');
      hold.release();
      expect(await after).toBe('new');
      await before;
      expect(await cache.getOrLoad(space, 'k', async () => 'reloaded')).toBe('new');
    } finally {
      await cache.onApplicationShutdown();
    }
  });

  it('with a shared store, a read that begins after another instance invalidated does not join a version lookup that began before', async () => {
    const { store, holdNextGetMany } = gatedStore();
    // The writer sends no NOTIFY (no listener): the shared store is the only way the reader can learn of it.
    const reader = await cacheOn(store, { store, shared: true });
    const writer = await cacheOn(store, { store, shared: true, listen: false });
    try {
      const space = ns();
      expect(await reader.getOrLoad(space, 'k', async () => 'old')).toBe('old');
      const hold = holdNextGetMany();
      const before = reader.getOrLoad(space, 'k', async () => 'loaded-by-the-early-read');
      await hold.started; // the early read's version lookup has read the old version and is still in flight
      await writer.invalidate(space);
      const after = reader.getOrLoad(space, 'k', async () => 'new');
      hold.release();
      expect(await after).toBe('new');
      expect(await before).toBe('old');
    } finally {
      await reader.onApplicationShutdown();
      await writer.onApplicationShutdown();
    }
  });

  it('a load that an invalidation overtook is returned but not cached', async () => {
    const memory = new Map<string, unknown>();
    const cache = await cacheOn(new Keyv({ store: memory }));
    try {
      const space = ns();
      const load = gate<string>();
      const loading = gate<void>();
      const early = cache.getOrLoad(space, 'k', () => {
        loading.open();
        return load.promise;
      });
      await loading.promise; // the early read is loading: now an invalidation overtakes it
      await cache.invalidate(space);
      load.open('pre-invalidation data');
      expect(await early).toBe('pre-invalidation data');
      expect([...memory.keys()].filter((key) => key.endsWith(':k'))).toEqual([]);
      expect(await cache.getOrLoad(space, 'k', async () => 'fresh')).toBe('fresh');
    } finally {
      await cache.onApplicationShutdown();
    }
  });
});

describe("issue 9: deleting a word invalidates its learners' stats with a bounded number of writes", () => {
  let ctx: TestContext;
  beforeAll(async () => {
    ctx = await TestContext.create();
  });
  afterAll(() => ctx.close());

  it("one NOTIFY naming three scopes, whether 1 or 25 learners had the word; every learner's stats fresh after", async () => {
    const author = await ctx.newAuthor();
    const category = await newCategory(ctx);
    const [few, many] = await newWords(ctx, category.id, 2);
    const learners = await Promise.all(Array.from({ length: 25 }, () => ctx.newLearner()));
    await ctx.http.put(`/api/me/vocabulary/${few.id}`).set(learners[0].auth).expect(201);
    for (const learner of learners) await ctx.http.put(`/api/me/vocabulary/${many.id}`).set(learner.auth).expect(201);
    for (const learner of learners) await ctx.http.get('/api/me/vocabulary/stats').set(learner.auth).expect(200);

    // Listen like another instance would; a round trip on the listening connection after the delete's
    // response delivers every notification committed before it (the read barrier of docs/caching.md).
    const listener = new Client({ connectionString: ctx.databaseUrl });
    await listener.connect();
    const scopes: string[][] = [];
    listener.on('notification', (n) =>
      scopes.push(
        String(n.payload)
          .split(' ')
          .slice(2)
          .map((pair) => pair.split('=')[0]),
      ),
    );
    await listener.query('LISTEN lingua_cache');
    const notifiesOf = async (wordId: number) => {
      scopes.length = 0;
      await ctx.http.delete(`/api/words/${wordId}`).set(author.auth).expect(204);
      await listener.query('SELECT 1');
      return [...scopes];
    };
    try {
      expect(await notifiesOf(few.id)).toEqual([['categories', 'words', 'stats']]);
      expect(await notifiesOf(many.id)).toEqual([['categories', 'words', 'stats']]);
    } finally {
      await listener.end();
    }
    for (const learner of learners) {
      expect((await ctx.http.get('/api/me/vocabulary/stats').set(learner.auth).expect(200)).body.total).toBe(0);
    }
  });
});
