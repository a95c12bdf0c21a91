import { holdInTransaction, waitForWaiters } from '../harness/barriers';
import { Learner, TestContext } from '../harness/context';
import { validPlan } from './fixtures';

/**
 * issue 9: a compile's status is truthful and race-free. `compiling` is visible while an attempt
 * runs; a rejected compile whose failure is recorded after another compile completed never leaves
 * the lesson `failed` over that newer version.
 *
 * Ordering is set by locks, not sleeps: the test holds the lesson row FOR KEY SHARE, which lets
 * the status writes of a compile (no-key UPDATEs) through but stops a failed attempt at the row
 * lock it takes to record the failure (SELECT … FOR UPDATE); pg_stat_activity shows it waiting.
 */
describe('issue 9: lesson compile status under concurrent compiles', () => {
  let ctx: TestContext;
  let author: Learner;
  let learner: Learner;
  beforeAll(async () => {
    // Lock and statement timeouts far above the test timeout: a failure recorder that waited on the
    // row for the wrong reason must hang the test, not give up quietly and leave the status alone.
    ctx = await TestContext.create({ env: { DB_LOCK_TIMEOUT_MS: '600000', DB_STATEMENT_TIMEOUT_MS: '600000' } });
    author = await ctx.newAuthor();
    learner = await ctx.newLearner();
  });
  afterAll(() => ctx.close());

  const rejectedPlan = { objectives: [], steps: [] };
  const newLesson = async () =>
    (await ctx.http.post('/api/lessons').set(author.auth).send({ title: 'Race' }).expect(201)).body.id as number;
  const compile = (id: number, lessonPlan: object) =>
    ctx.http
      .post(`/api/lessons/${id}/versions`)
      .set(author.auth)
      .send({ lessonPlan })
      .then((r) => r);
  const read = async (id: number) => (await ctx.http.get(`/api/lessons/${id}`).set(learner.auth).expect(200)).body;
  const versionRows = async (id: number) =>
    (await ctx.dataSource.query(`SELECT version FROM lesson_versions WHERE lesson_id = $1 ORDER BY version`, [id])).map(
      (r: { version: number }) => r.version,
    );
  const failuresWaiting = (count: number) =>
    waitForWaiters(ctx.databaseUrl, { count, waitEventType: 'Lock', queryLike: '%FROM lessons WHERE id = $1 FOR UPDATE%' });
  const expectLesson = async (id: number, status: string, versions: number[]) => {
    expect(await read(id)).toMatchObject({ status, latestVersion: versions[versions.length - 1] });
    expect(await versionRows(id)).toEqual(versions);
  };

  /**
   * Runs `work` while the test holds the lesson row FOR KEY SHARE, then releases it. `work` hands
   * back pending requests wrapped (not awaited here: they finish only once the row is released).
   */
  const withRowHeld = async <T>(id: number, work: () => Promise<T>): Promise<T> => {
    const row = await holdInTransaction(ctx.databaseUrl, [`SELECT 1 FROM lessons WHERE id = ${id} FOR KEY SHARE`]);
    try {
      return await work();
    } finally {
      await row.release();
    }
  };

  it('a rejected compile that began before a successful one completed leaves the lesson completed, not failed', async () => {
    const id = await newLesson();
    await compile(id, validPlan('A1'));
    const rejected = await withRowHeld(id, async () => {
      const pending = compile(id, rejectedPlan);
      await failuresWaiting(1); // A began (compiling committed), was rejected, waits to record it
      expect((await read(id)).status).toBe('compiling'); // a reader sees the attempt in progress
      const good = await compile(id, validPlan('A2')); // B begins and completes meanwhile
      expect({ status: good.status, version: good.body.version }).toEqual({ status: 201, version: 2 });
      return { pending };
    }); // released: now A records its failure
    expect((await rejected.pending).status).toBe(400);
    await expectLesson(id, 'completed', [1, 2]);
  });

  it('a rejected compile that began after the last success leaves the lesson failed, with no version row', async () => {
    const id = await newLesson();
    await compile(id, validPlan('A1'));
    const rejected = await withRowHeld(id, async () => {
      const pending = compile(id, rejectedPlan);
      await failuresWaiting(1);
      return { pending };
    });
    expect((await rejected.pending).status).toBe(400);
    await expectLesson(id, 'failed', [1]);
  });

  it('of two rejected compiles the one still to record its failure does it: failed, never stuck compiling', async () => {
    const id = await newLesson();
    await compile(id, validPlan('A1'));
    const both = await withRowHeld(id, async () => {
      const first = compile(id, rejectedPlan);
      await failuresWaiting(1);
      // a second attempt begins after the first: the first must leave the status to it
      const second = compile(id, rejectedPlan);
      await failuresWaiting(2);
      return { pending: Promise.all([first, second]) };
    });
    expect((await both.pending).map((r) => r.status)).toEqual([400, 400]);
    await expectLesson(id, 'failed', [1]);
  });
});
