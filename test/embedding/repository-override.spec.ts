import { randomBytes } from 'node:crypto';
import { ReplicaSet } from '../../src/database/replicas/replica-set';
import { Learner, TestContext } from '../harness/context';
import { migratedCluster, RanOn, withWordRepositorySpy } from '../harness/word-repository-spy';
import { hasPostgresServerBinaries, ReplicatedCluster } from '../../scripts/lib/replicated-cluster';

/**
 * Issue 21 (5): a host test overrides `getRepositoryToken(Word)` and every words route uses the
 * override — the reads the ReadRouter sends to the primary or to a replica included. The override is a
 * spy over the real repository: it records each `createQueryBuilder` and where the statement ran.
 */
type Ran = RanOn;

const recording = (ran: Ran[]) =>
  withWordRepositorySpy((qb, ranOn) => {
    ran.push(ranOn);
    return qb;
  });

/** Each words route (bulk aside: it runs one raw statement and uses no repository) and what it must have used. */
async function everyWordsRoute(
  ctx: TestContext,
  author: Learner,
  ran: Ran[],
  reads: Ran,
  afterWrite: () => Promise<void> = async () => undefined,
): Promise<void> {
  const used = async (route: string, call: () => Promise<unknown>): Promise<Ran[]> => {
    const before = ran.length;
    await call();
    const seen = ran.slice(before);
    expect({ route, used: seen.length > 0 }).toEqual({ route, used: true });
    return seen;
  };
  const name = `c-${randomBytes(4).toString('hex')}`;
  const categoryId = (await ctx.http.post('/api/categories').set(author.auth).send({ name }).expect(201)).body.id;
  let id = 0;
  await used('POST /words', async () => {
    id = (await ctx.http.post('/api/words').set(author.auth).send({ categoryId, term: 'Haus', translation: 'house' }).expect(201)).body.id;
  });
  await afterWrite();
  expect(await used('GET /words', () => ctx.http.get(`/api/words?categoryId=${categoryId}`).set(author.auth).expect(200))).toContain(reads);
  expect(await used('GET /words/:id', () => ctx.http.get(`/api/words/${id}`).set(author.auth).expect(200))).toContain(reads);
  await used('PATCH /words/:id', () => ctx.http.patch(`/api/words/${id}`).set(author.auth).send({ translation: 'home' }).expect(200));
  await used('DELETE /words/:id', () => ctx.http.delete(`/api/words/${id}`).set(author.auth).expect(204));
}

describe('issue 21: an override of getRepositoryToken(Word) is honoured on every words route', () => {
  it('on the primary (no replicas)', async () => {
    const ran: Ran[] = [];
    const ctx = await TestContext.create({}, recording(ran));
    try {
      await everyWordsRoute(ctx, await ctx.newAuthor(), ran, 'primary');
      expect(ran).not.toContain('replica');
    } finally {
      await ctx.close();
    }
  });

  const describeWithCluster = hasPostgresServerBinaries() ? describe : describe.skip;
  describeWithCluster('with a streaming replica (PostgreSQL server binaries)', () => {
    let cluster: ReplicatedCluster;
    beforeAll(async () => {
      cluster = await migratedCluster('lingua');
    }, 120_000);
    afterAll(() => cluster?.stop());

    it("reads routed to the replica run the override's methods on the replica's connection", async () => {
      const ran: Ran[] = [];
      const ctx = await TestContext.create(
        {
          databaseUrl: cluster.primaryUrl('lingua'),
          env: { DATABASE_REPLICA_URLS: cluster.replicaUrl('lingua'), DB_REPLICA_PROBE_INTERVAL_MS: '50' },
        },
        recording(ran),
      );
      try {
        expect(ctx.get(ReplicaSet).report()).toEqual([expect.objectContaining({ state: 'up' })]);
        // The cluster commits with synchronous_commit = off: the replica replays a write within ~200 ms.
        await everyWordsRoute(ctx, await ctx.newAuthor(), ran, 'replica', () => cluster.waitForCatchUp());
      } finally {
        await ctx.close();
      }
    });
  });
});
