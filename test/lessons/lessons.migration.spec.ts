import { LegacyDatabase } from '../harness/legacy';

const TABLES = ['lessons', 'lesson_versions', 'lesson_sessions'];

/** Repair of the legacy lesson tables (LEGACY.md defects), and back down to the legacy state. */
describe('RepairLessons on a legacy database', () => {
  let db: LegacyDatabase;
  const legacy: Record<string, Array<Record<string, unknown>>> = {};
  beforeAll(async () => {
    db = await LegacyDatabase.create();
    const q = (text: string) => db.sql.query(text);
    await q(`INSERT INTO users (id, username, email) VALUES (1, 'ana', 'ana@example.com'), (2, 'ben', 'ben@example.com')`);
    await q(`INSERT INTO lessons (id, title, can_do, status) VALUES
      (1, 'Greetings', 'I can greet', 'published'), (2, NULL, NULL, NULL), (3, 'Weird', NULL, 'weird'), (4, 'Draft', NULL, 'draft')`);
    await q(`INSERT INTO lesson_versions (id, lesson_id, version, lesson_plan, created_at) VALUES
      (10, 1, 0, '{"level":"A1"}', '2024-01-01 10:00:00'),
      (11, 1, 1, '{"level":"A2"}', '2024-01-02 10:00:00'),
      (20, 2, NULL, '{"level":"B1"}', '2024-01-03 10:00:00'),
      (21, 2, 1, '{"level":"B2"}', '2024-01-01 10:00:00'),
      (30, NULL, 1, '{}', '2024-01-01 10:00:00'),
      (40, 4, 1, NULL, '2024-01-01 10:00:00')`);
    await q(`INSERT INTO lesson_sessions (id, lesson_id, user_id, status, score, started_at, completed_at) VALUES
      (100, 1, 1, 'done', 150, '2024-01-01 10:00:00', '2024-01-01 10:30:00'),
      (101, 9999, 1, 'started', 10, '2024-01-01 10:00:00', NULL),
      (102, 1, 9999, 'started', 10, '2024-01-01 10:00:00', NULL),
      (103, NULL, 1, 'started', 10, '2024-01-01 10:00:00', NULL),
      (104, 2, 2, NULL, NULL, NULL, '2024-01-05 12:00:00'),
      (105, 3, 2, 'started', -5, '2024-01-06 09:00:00', NULL)`);
    for (const t of TABLES) legacy[t] = await db.rows(t);
    await db.migrateUp();
  });
  afterAll(() => db.close());

  const rows = async (sql: string) => (await db.sql.query(sql)).rows;
  const moved = async (table: string) =>
    (
      await rows(`SELECT (row_data->>'id')::int AS id, split_part(reason, ':', 1) AS reason FROM quarantined_rows
                  WHERE source_table = '${table}' AND NOT repaired_in_place ORDER BY 1`)
    ).map((r) => [r.id, r.reason]);

  it('keeps every legacy row: repaired in place or quarantined with the reason', async () => {
    for (const table of TABLES) {
      const kept = (await rows(`SELECT id FROM ${table}`)).map((r) => r.id);
      const ids = [...kept, ...(await moved(table)).map(([id]) => id)].sort((a, b) => a - b);
      expect({ table, ids }).toEqual({ table, ids: legacy[table].map((r) => r.id) });
    }
    expect(await moved('lessons')).toEqual([]);
    expect(await moved('lesson_versions')).toEqual([[30, 'no_lesson']]);
    expect(await moved('lesson_sessions')).toEqual([
      [101, 'orphan_lesson'],
      [102, 'orphan_user'],
      [103, 'orphan_lesson'],
    ]);
  });

  it('maps lesson statuses (version-aware fallback) and fills blank titles', async () => {
    expect(await rows(`SELECT id, title, status FROM lessons ORDER BY id`)).toEqual([
      { id: 1, title: 'Greetings', status: 'completed' },
      { id: 2, title: 'Untitled lesson 2', status: 'completed' },
      { id: 3, title: 'Weird', status: 'draft' },
      { id: 4, title: 'Draft', status: 'draft' },
    ]);
  });

  it('renumbers NULL and zero versions 1..n in order, and adopts the legacy unique index as uq_', async () => {
    expect(await rows(`SELECT id, lesson_id, version, lesson_plan FROM lesson_versions ORDER BY lesson_id, version`)).toEqual([
      { id: 10, lesson_id: 1, version: 1, lesson_plan: { level: 'A1' } },
      { id: 11, lesson_id: 1, version: 2, lesson_plan: { level: 'A2' } },
      { id: 21, lesson_id: 2, version: 1, lesson_plan: { level: 'B2' } },
      { id: 20, lesson_id: 2, version: 2, lesson_plan: { level: 'B1' } },
      { id: 40, lesson_id: 4, version: 1, lesson_plan: {} },
    ]);
    const indexes = (await rows(`SELECT indexname FROM pg_indexes WHERE tablename = 'lesson_versions' ORDER BY 1`)).map((r) => r.indexname);
    expect(indexes).toEqual(['ix_lesson_versions_lesson_plan', 'pk_lesson_versions', 'uq_lesson_versions_lesson_id_version']);
    const [{ contype }] = await rows(`SELECT contype FROM pg_constraint WHERE conname = 'uq_lesson_versions_lesson_id_version'`);
    expect(contype).toBe('u');
  });

  it('maps session statuses, clamps scores into 0–100, fills started_at, adds the FKs', async () => {
    const sessions = await rows(
      `SELECT id, lesson_id, user_id, status, score, started_at, lesson_version_id FROM lesson_sessions ORDER BY id`,
    );
    expect(sessions.map((s) => ({ ...s, started_at: new Date(s.started_at).toISOString() }))).toEqual([
      {
        id: 100,
        lesson_id: 1,
        user_id: 1,
        status: 'completed',
        score: 100,
        started_at: '2024-01-01T10:00:00.000Z',
        lesson_version_id: null,
      },
      {
        id: 104,
        lesson_id: 2,
        user_id: 2,
        status: 'completed',
        score: null,
        started_at: '2024-01-05T12:00:00.000Z',
        lesson_version_id: null,
      },
      {
        id: 105,
        lesson_id: 3,
        user_id: 2,
        status: 'in_progress',
        score: 0,
        started_at: '2024-01-06T09:00:00.000Z',
        lesson_version_id: null,
      },
    ]);
    const fks = (
      await rows(`SELECT conname FROM pg_constraint WHERE conrelid = 'lesson_sessions'::regclass AND contype = 'f' ORDER BY 1`)
    ).map((r) => r.conname);
    expect(fks).toEqual(['fk_lesson_sessions_lesson_id', 'fk_lesson_sessions_lesson_version_id', 'fk_lesson_sessions_user_id']);
  });

  it('reverts to the exact legacy rows and the legacy index, and migrates up again', async () => {
    await db.revertToBaseline();
    for (const table of TABLES) expect({ table, rows: await db.rows(table) }).toEqual({ table, rows: legacy[table] });
    const indexes = (await rows(`SELECT indexname FROM pg_indexes WHERE tablename = 'lesson_versions' ORDER BY 1`)).map((r) => r.indexname);
    expect(indexes).toEqual(['idx_lesson_versions_lesson_version', 'lesson_versions_pkey']);
    await db.migrateUp();
    expect((await rows(`SELECT version FROM lesson_versions WHERE lesson_id = 2 ORDER BY version`)).map((r) => r.version)).toEqual([1, 2]);
  });
});
