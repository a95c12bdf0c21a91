import { DataSource } from 'typeorm';
import { PRACTICE_REPAIRS } from '../../migrations/1763800100200-RepairPractice';
import { VOCABULARY_REPAIRS } from '../../migrations/1763800100000-RepairVocabulary';
import { PATH_REPAIRS, PROFILE_REPAIRS, USER_REPAIRS } from '../../migrations/1763800000200-RepairUsers';
import { CONVERSATION_SESSION_STEPS, INTERACTION_STEPS, MESSAGE_STEPS } from '../../migrations/1763800200000-RepairConversations';
import { LESSON_SESSION_STEPS, LESSON_STEPS, VERSION_STEPS } from '../../migrations/1763800200200-RepairLessons';
import { adminQuery, withDatabase } from '../../scripts/lib/scratch-postgres';
import { generateLegacy } from '../../scripts/legacy/generate';
import { Inventory } from '../../scripts/legacy/inventory';
import { verifyAdopted } from '../../scripts/legacy/verify-adopted';
import { verifyReverted } from '../../scripts/legacy/verify-reverted';
import { observeQueries } from '../../src/database/query-observer';
import { RepairStep, stepName } from '../../migrations/lib/v1/repair-steps';
import { migrationDataSource, revertDownTo } from '../harness/migrations';

/**
 * Issue 10: the chain on a generated dirty legacy database (scripts/legacy, smallest scale) with a
 * batch size small enough that every batched step runs at least three batches — so every keyset
 * loop really goes from one batch to the next — then the inventory proof: every legacy row in its
 * table (repaired by its rule) or quarantined with its reason, none lost, none twice; then a full
 * revert gives back exactly the legacy database.
 */
const BATCH_SIZE = 12;
const STEPS: RepairStep[] = [
  ...USER_REPAIRS, ...PROFILE_REPAIRS, ...PATH_REPAIRS, ...VOCABULARY_REPAIRS, ...PRACTICE_REPAIRS,
  ...CONVERSATION_SESSION_STEPS, ...MESSAGE_STEPS, ...INTERACTION_STEPS, ...LESSON_STEPS, ...VERSION_STEPS, ...LESSON_SESSION_STEPS,
];

jest.setTimeout(240_000); // whole migration chains; on a loaded 2-core machine one took over 60 s

describe('the repair chain on a generated legacy database, in small keyset batches', () => {
  const name = `lingua_t_${process.env.LINGUA_TEST_RUN}_scale`;
  const url = withDatabase(process.env.LINGUA_TEST_ADMIN_URL!, name);
  let inventory: Inventory;
  let ds: DataSource;
  const batches = new Map<string, number>();

  beforeAll(async () => {
    ({ inventory } = await generateLegacy(url, { scale: 0.001, replace: true }));
    ds = await migrationDataSource(url, { batchSize: BATCH_SIZE });
  });
  afterAll(async () => {
    await ds?.destroy();
    await adminQuery(process.env.LINGUA_TEST_ADMIN_URL!, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  });

  it('runs every batched step in at least three batches and accounts for every legacy row', async () => {
    const stop = observeQueries(ds, ({ sql }) => {
      const step = /\/\* lingua-batch (.+?) \*\//.exec(sql)?.[1];
      if (step) batches.set(step, (batches.get(step) ?? 0) + 1);
    });
    try {
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      stop();
    }
    const expected = STEPS.flatMap((s) => (s.kind === 'map' ? [] : [stepName(s)]));
    expect(expected.filter((s) => !batches.has(s))).toEqual([]);
    const fewer = [...batches].filter(([, n]) => n < 3).map(([step, n]) => `${step}: ${n}`);
    expect(fewer).toEqual([]);

    const adopted = await verifyAdopted(url, inventory);
    expect(adopted.problems).toEqual([]);
    const legacyRows = adopted.tables.reduce((n, t) => n + t.legacy, 0);
    const accounted = adopted.tables.reduce((n, t) => n + t.inTable + t.quarantined, 0);
    expect(accounted).toBe(legacyRows);
    expect(adopted.tables.filter((t) => t.quarantined > 0).length).toBeGreaterThan(3);
  });

  it('reverts all the way to exactly the legacy database: rows, values, column order, indexes', async () => {
    await revertDownTo(ds, 1);
    const reverted = await verifyReverted(url, inventory);
    expect(reverted.problems).toEqual([]);
  });
});
