import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { takeInventory } from '../../scripts/legacy/inventory';
import { verifyAdopted } from '../../scripts/legacy/verify-adopted';
import { LegacyDatabase } from '../harness/legacy';
import { migrateThrough, migrationDataSource } from '../harness/migrations';

/**
 * Issue 10, "killable": the chain stopped at the worst moments — its connection terminated in the
 * middle of a batch (as when the process is killed: the server aborts the statement), an index
 * build that left an INVALID index, a constraint added NOT VALID whose VALIDATE never ran — and run
 * again: it completes, the INVALID index is dropped and rebuilt, nothing is quarantined twice, no
 * row is lost (the legacy-tools inventory proves it).
 */
jest.setTimeout(240_000); // whole migration chains; on a loaded 2-core machine one took over 60 s

describe('the chain interrupted and run again', () => {
  let db: LegacyDatabase;
  let blocker: Client;
  /** Looks and acts from outside (a transaction open while polling would hold back the chain's concurrent index builds). */
  let observer: Client;
  /** Small keyset batches, so every batched step runs many batches and a kill can land inside one. */
  const batchSize = 5;

  beforeAll(async () => {
    db = await LegacyDatabase.create();
    await db.sql.query(`
      INSERT INTO users (id, username, email) SELECT g, 'u' || g, CASE WHEN g % 4 = 0 THEN 'U' || (g - 1) || '@x.com' ELSE 'u' || g || '@x.com' END
        FROM generate_series(1, 40) g;
      SELECT setval('users_id_seq', 40);
      INSERT INTO learning_paths (id, user_id, path_data, progress_data)
        SELECT g, CASE WHEN g % 9 = 0 THEN NULL ELSE g END, CASE WHEN g % 3 = 0 THEN NULL ELSE '{}'::jsonb END, NULL FROM generate_series(1, 40) g;
      INSERT INTO conversation_sessions (id, user_id, session_type, status) SELECT g, g, 'home', 'active' FROM generate_series(1, 10) g;
      INSERT INTO conversation_messages (session_id, role, content, message_order) SELECT 1 + g % 10, 'user', 'm', 1 + g / 30 FROM generate_series(1, 60) g;
      INSERT INTO lessons (id, title) VALUES (1, 'L');
      INSERT INTO lesson_versions (lesson_id, version, lesson_plan) VALUES (1, 1, '{}')`);
    blocker = new Client({ connectionString: db.url });
    await blocker.connect();
    observer = new Client({ connectionString: db.url });
    await observer.connect();
  });
  afterAll(async () => {
    await blocker?.end();
    await observer?.end();
    await db?.close();
  });

  const run = async () => {
    const ds: DataSource = await migrationDataSource(db.url, { batchSize });
    try {
      await ds.runMigrations({ transaction: 'each' });
    } finally {
      await ds.destroy();
    }
  };
  const waitForBatchBlocked = async (step: string, settled: () => unknown): Promise<number> => {
    for (;;) {
      if (settled()) throw new Error(`the chain ended before ${step} blocked: ${settled()}`);
      const [row] = (await observer.query(
        `SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock' AND query LIKE $1`,
        [`%lingua-batch ${step}%`],
      )).rows;
      if (row) return row.pid;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  };

  it('completes after a batch is killed half-way, an index build left INVALID and a VALIDATE that never ran', async () => {
    const legacy = await takeInventory(db.url, { defects: false });
    const ds = await migrationDataSource(db.url, { batchSize });
    await migrateThrough(ds, 'CreateSharedInfrastructure1763800000100');
    await ds.destroy();
    // An interrupted CREATE INDEX CONCURRENTLY: the unique email index, built over duplicates, fails and stays INVALID.
    await blocker.query(`CREATE UNIQUE INDEX CONCURRENTLY uq_users_email ON users (lower(email))`).catch(() => undefined);
    expect((await blocker.query(`SELECT indisvalid FROM pg_index WHERE indexrelid = 'uq_users_email'::regclass`)).rows).toEqual([{ indisvalid: false }]);

    // A batch killed half-way: the batch of learning paths 17–22 waits (its record of path 21 meets an
    // uncommitted one of the same key in quarantined_rows); its backend is terminated.
    await blocker.query(`BEGIN; INSERT INTO quarantined_rows (source_table, reason, migration, row_data)
                         VALUES ('learning_paths', 'held', 'RepairUsers1763800000200#learning_paths.path_data', '{"id": 21}')`);
    const first = run();
    let settled: unknown;
    first.then(() => (settled = 'completed'), (err: Error) => (settled = err.message));
    const pid = await waitForBatchBlocked('learning_paths:learning_paths.path_data', () => settled);
    await observer.query(`SELECT pg_terminate_backend($1)`, [pid]);
    await blocker.query('ROLLBACK');
    await expect(first).rejects.toThrow();
    const [{ before }] = (await blocker.query(`SELECT count(*)::int AS before FROM quarantined_rows WHERE migration LIKE '%learning_paths.path_data'`)).rows;
    expect(before).toBe(4); // the three batches before the killed one: paths 3, 6, 12, 15 (9 had no owner: moved first)

    // A constraint whose VALIDATE never ran (killed after ADD … NOT VALID): the re-run validates it, it is not re-added.
    await blocker.query(`ALTER TABLE learning_paths ADD CONSTRAINT fk_learning_paths_user_id FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE NOT VALID`);

    await run();
    expect((await blocker.query(`SELECT c.relname FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE NOT i.indisvalid`)).rows).toEqual([]);
    expect((await blocker.query(`SELECT convalidated FROM pg_constraint WHERE conname = 'fk_learning_paths_user_id'`)).rows).toEqual([{ convalidated: true }]);
    const twice = (await blocker.query(`SELECT source_table, migration, row_data->>'id' AS id FROM quarantined_rows GROUP BY 1, 2, 3 HAVING count(*) > 1`)).rows;
    expect(twice).toEqual([]);
    const adopted = await verifyAdopted(db.url, legacy);
    expect(adopted.problems).toEqual([]);
    expect((await blocker.query(`SELECT count(*)::int AS n FROM learning_paths WHERE path_data = '{}'`)).rows).toEqual([{ n: 36 }]);
  });
});
