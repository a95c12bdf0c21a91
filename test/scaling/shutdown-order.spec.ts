import { Logger } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { VersionedCache } from '../../src/cache/versioned-cache';
import { ReplicaSet } from '../../src/database/replicas/replica-set';
import { MetricsService } from '../../src/observability/metrics.service';
import { TestContext } from '../harness/context';
import { migratedCluster, withWordRepositorySpy } from '../harness/word-repository-spy';
import { hasPostgresServerBinaries, ReplicatedCluster } from '../../scripts/lib/replicated-cluster';

/**
 * Issue 21 (5): lingua's replica pools, probes and cache listener close after the host's HTTP server
 * has drained (onApplicationShutdown), not before it (onModuleDestroy). Requests reading from a replica
 * are held in flight by a gate in an override of the Word repository (which the replica reads use)
 * while `app.close()` runs: when the gate opens they all answer from the replica, with no fallback to
 * the primary and no warning.
 */
const describeWithCluster = hasPostgresServerBinaries() ? describe : describe.skip;

interface Gate {
  held: number;
  open: () => void;
  opened: Promise<void>;
}

function newGate(): Gate {
  let open!: () => void;
  const opened = new Promise<void>((resolve) => (open = resolve));
  return { held: 0, open, opened };
}

/** A replica read's `getOne` waits for the gate. */
const gatedReplicaReads = (gate: Gate) =>
  withWordRepositorySpy((qb, ranOn) => {
    if (ranOn === 'primary') return qb;
    const getOne = qb.getOne.bind(qb);
    qb.getOne = async () => {
      gate.held++;
      await gate.opened;
      return getOne();
    };
    return qb;
  });

describeWithCluster('issue 21: shutdown closes replicas and the cache listener after the HTTP drain', () => {
  let cluster: ReplicatedCluster;
  beforeAll(async () => {
    cluster = await migratedCluster('lingua');
  }, 120_000);
  afterAll(() => cluster?.stop());

  it('requests in flight on a replica when app.close() starts are all answered by the replica, without fallback or warning', async () => {
    const gate = newGate();
    const ctx = await TestContext.create(
      {
        databaseUrl: cluster.primaryUrl('lingua'),
        env: { DATABASE_REPLICA_URLS: cluster.replicaUrl('lingua'), DB_REPLICA_PROBE_INTERVAL_MS: '50' },
      },
      gatedReplicaReads(gate),
    );
    const author = await ctx.newAuthor();
    const categoryId = (
      await ctx.http
        .post('/api/categories')
        .set(author.auth)
        .send({ name: `c-${randomBytes(4).toString('hex')}` })
        .expect(201)
    ).body.id;
    const ids: number[] = [];
    for (const term of ['eins', 'zwei', 'drei', 'vier', 'fünf'])
      ids.push((await ctx.http.post('/api/words').set(author.auth).send({ categoryId, term, translation: term }).expect(201)).body.id);
    await cluster.waitForCatchUp();
    await ctx.app.listen(0, '127.0.0.1');
    const base = await ctx.app.getUrl();
    const warnings = jest.spyOn(Logger.prototype, 'warn');
    const reads = ctx.get(MetricsService).reads;
    try {
      const answers = ids.map((id) =>
        fetch(`${base}/api/words/${id}`, { headers: author.auth }).then(
          async (r) => [r.status, (await r.json()) as { id: number }] as const,
        ),
      );
      await until(() => gate.held === ids.length);

      let closed = false;
      const closing = ctx.app.close().then(() => (closed = true));
      // onModuleDestroy and beforeApplicationShutdown have run; the server is draining the held requests.
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(closed).toBe(false);
      expect(ctx.get(ReplicaSet).report()).toEqual([expect.objectContaining({ state: 'up' })]);
      expect(ctx.get(VersionedCache).listenerState()).toBe('up');

      gate.open();
      expect((await Promise.all(answers)).map(([status, body]) => [status, body.id])).toEqual(ids.map((id) => [200, id]));
      await closing;
      const values = (await reads.get()).values.filter((v) => v.value > 0).map((v) => v.labels);
      expect(values).toContainEqual({ target: 'replica', reason: 'caught_up' });
      expect(values.filter((labels) => labels.target === 'primary')).toEqual([]);
      expect(warnings.mock.calls.map((call) => String(call[0]))).toEqual([]);
    } finally {
      warnings.mockRestore();
      gate.open();
      await ctx.app.close();
    }
  });
});

async function until(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the held reads');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
