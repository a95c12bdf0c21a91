import { DataSource } from 'typeorm';
import { LINGUA_MIGRATIONS } from '../../migrations';
import { createEmptyDatabase, dropDatabase } from '../harness/context';
import { migrateThrough, migrationDataSource, revertDownTo } from '../harness/migrations';

/**
 * A legacy database with every defect LEGACY.md lists for categories, words, user_vocabulary and
 * practice_sessions migrates with every original row accounted for (kept, merged or quarantined),
 * reverts to exactly the legacy rows, and migrates again.
 */
const LEGACY_ROWS = `
  INSERT INTO users (id, username, email) VALUES (1, 'ana', 'ana@example.com'), (2, 'ben', 'ben@example.com');
  INSERT INTO categories (id, name, description) VALUES
    (1, 'Food', 'eat'), (2, 'FOOD', 'duplicate name'), (3, 'Travel', NULL), (4, NULL, 'no name'), (5, 'Verbs', NULL);
  INSERT INTO words (id, word, translation, category_id, difficulty_level, created_at) VALUES
    (1, 'manzana', 'apple', 1, 1, '2024-01-01 08:00'),
    (2, 'Manzana', 'apple (dup)', 2, 3, '2024-01-02 08:00'),
    (3, 'pan', 'bread', 1, 0, '2024-01-03 08:00'),
    (4, 'tren', 'train', 3, 7, NULL),
    (5, 'huérfano', 'orphan', 99, 2, '2024-01-04 08:00'),
    (6, NULL, 'no term', 1, 1, '2024-01-05 08:00'),
    (7, 'nulo', NULL, NULL, NULL, '2024-01-06 08:00'),
    (8, 'ir', NULL, 4, NULL, '2024-01-07 08:00');
  INSERT INTO user_vocabulary (id, user_id, word_id, mastery_level, times_reviewed, times_correct, last_reviewed) VALUES
    (1, 1, 1, 2, 5, 3, '2024-01-01 10:00'),
    (2, 1, 1, 4, 2, 1, '2024-02-01 10:00'),
    (3, 1, 2, 1, 1, 1, '2024-03-01 10:00'),
    (4, 2, 1, 9, 0, 0, NULL),
    (5, 99, 1, 1, 1, 1, NULL),
    (6, 2, 5, 1, 1, 1, NULL),
    (7, 2, 3, -1, 1, 4, NULL),
    (8, NULL, 1, 0, 0, 0, NULL);
  INSERT INTO practice_sessions (id, session_date, total_questions, correct_answers, duration_seconds) VALUES
    (1, '2024-03-01 10:00', 10, 7, 300), (2, '2024-03-02 10:00', 5, 8, 100), (3, NULL, NULL, NULL, -5);
  SELECT setval(pg_get_serial_sequence(t, 'id'), 100) FROM unnest(ARRAY['users', 'categories', 'words', 'user_vocabulary', 'practice_sessions']) t;`;

const TABLES = ['users', 'categories', 'words', 'user_vocabulary', 'practice_sessions'];

describe('legacy vocabulary and practice data: repair up, down, up', () => {
  let database: { name: string; url: string };
  let ds: DataSource;
  const sql = (query: string, params: unknown[] = []) => ds.query(query, params);
  const snapshot = async () =>
    Object.fromEntries(
      await Promise.all(
        TABLES.map(async (t) => [
          t,
          (await sql(`SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.id), '[]') AS rows FROM ${t} x`))[0].rows,
        ]),
      ),
    );
  const idsOf = async (table: string) => (await sql(`SELECT id FROM ${table} ORDER BY id`)).map((r: { id: number }) => r.id);
  const quarantined = async (table: string) =>
    sql(
      `SELECT (row_data->>'id')::int AS id, reason, repaired_in_place FROM quarantined_rows WHERE source_table = $1 ORDER BY (row_data->>'id')::int, quarantined_rows.id`,
      [table],
    );

  beforeAll(async () => {
    database = await createEmptyDatabase();
    ds = await migrationDataSource(database.url);
    await migrateThrough(ds, LINGUA_MIGRATIONS[0].name);
    await ds.query(LEGACY_ROWS);
  });
  afterAll(async () => {
    await ds?.destroy();
    if (database) await dropDatabase(database.name);
  });

  let legacy: Record<string, unknown>;

  it('migrates the legacy rows, keeping, merging or quarantining every one of them', async () => {
    legacy = await snapshot();
    await ds.runMigrations({ transaction: 'each' });

    // Every original id is either in its table or quarantined (moved), never both, never neither.
    const original: Record<string, number[]> = {
      categories: [1, 2, 3, 4, 5],
      words: [1, 2, 3, 4, 5, 6, 7, 8],
      user_vocabulary: [1, 2, 3, 4, 5, 6, 7, 8],
      practice_sessions: [1, 2, 3],
    };
    for (const [table, ids] of Object.entries(original)) {
      const kept = await idsOf(table);
      const moved = (await quarantined(table))
        .filter((q: { repaired_in_place: boolean }) => !q.repaired_in_place)
        .map((q: { id: number }) => q.id);
      expect({ table, accounted: [...kept, ...moved].sort((a, b) => a - b) }).toEqual({ table, accounted: ids });
    }

    expect(await sql(`SELECT id, name FROM categories ORDER BY id`)).toEqual([
      { id: 1, name: 'Food' },
      { id: 3, name: 'Travel' },
      { id: 4, name: 'Unnamed category 4' },
      { id: 5, name: 'Verbs' },
    ]);
    expect(await sql(`SELECT id, term, translation, category_id, difficulty_level FROM words ORDER BY id`)).toEqual([
      { id: 1, term: 'manzana', translation: 'apple', category_id: 1, difficulty_level: 1 },
      { id: 3, term: 'pan', translation: 'bread', category_id: 1, difficulty_level: 1 },
      { id: 4, term: 'tren', translation: 'train', category_id: 3, difficulty_level: 5 },
      { id: 8, term: 'ir', translation: '', category_id: 4, difficulty_level: 1 },
    ]);
    expect(
      await sql(`SELECT id, user_id, word_id, mastery_level, times_seen, times_correct, last_reviewed_at, due_at, state
                        FROM user_vocabulary ORDER BY id`),
    ).toEqual([
      {
        id: 1,
        user_id: 1,
        word_id: 1,
        mastery_level: 4,
        times_seen: 8,
        times_correct: 5,
        last_reviewed_at: new Date('2024-03-01T10:00:00Z'),
        due_at: new Date('2024-03-01T10:00:00Z'),
        state: 0,
      },
      expect.objectContaining({ id: 4, user_id: 2, word_id: 1, mastery_level: 5, times_seen: 0, times_correct: 0, last_reviewed_at: null }),
      expect.objectContaining({ id: 7, user_id: 2, word_id: 3, mastery_level: 0, times_seen: 4, times_correct: 4 }),
    ]);
    expect(
      await sql(`SELECT id, user_id, total_questions, correct_answers, duration_seconds, finished_at FROM practice_sessions ORDER BY id`),
    ).toEqual([
      { id: 1, user_id: null, total_questions: 10, correct_answers: 7, duration_seconds: 300, finished_at: null },
      { id: 2, user_id: null, total_questions: 8, correct_answers: 8, duration_seconds: 100, finished_at: null },
      { id: 3, user_id: null, total_questions: 0, correct_answers: 0, duration_seconds: null, finished_at: null },
    ]);

    const reasons = (rows: Array<{ id: number; reason: string }>) => rows.map((r) => `${r.id} ${r.reason.split(':')[0]}`);
    expect(reasons(await quarantined('categories'))).toEqual(['2 duplicate_name', '4 blank_name']);
    expect(reasons(await quarantined('words'))).toEqual([
      '2 merged_category',
      '2 duplicate_term',
      '3 out_of_range',
      '4 out_of_range',
      '5 orphan_category',
      '6 blank_term',
      '7 orphan_category',
      '8 out_of_range',
    ]);
    expect(reasons(await quarantined('user_vocabulary'))).toEqual([
      '1 merge_survivor',
      '2 duplicate',
      '3 merged_word',
      '3 duplicate',
      '4 out_of_range',
      '5 orphan_user',
      '6 orphan_word',
      '7 out_of_range',
      '8 orphan_user',
    ]);
    expect(reasons(await quarantined('practice_sessions'))).toEqual(['2 out_of_range', '3 out_of_range', '3 out_of_range', '3 missing']);

    // Legacy sessions keep no owner; every new one needs one.
    await expect(sql(`INSERT INTO practice_sessions DEFAULT VALUES`)).rejects.toMatchObject({
      driverError: { constraint: 'ck_practice_sessions_user_id_required' },
    });
    await sql(`INSERT INTO practice_sessions (user_id) VALUES (1)`);
  });

  it('reverts to the baseline with exactly the legacy rows back', async () => {
    await sql(`DELETE FROM practice_sessions WHERE user_id IS NOT NULL`);
    await revertDownTo(ds, 1);
    expect(await snapshot()).toEqual(legacy);
    expect((await sql(`SELECT to_regclass('practice_answers') AS t, to_regclass('quarantined_rows') AS q`))[0]).toEqual({
      t: null,
      q: null,
    });
  });

  it('migrates up again to the same result', async () => {
    await ds.runMigrations({ transaction: 'each' });
    expect(await idsOf('categories')).toEqual([1, 3, 4, 5]);
    expect(await idsOf('words')).toEqual([1, 3, 4, 8]);
    expect(await idsOf('user_vocabulary')).toEqual([1, 4, 7]);
    expect(await idsOf('practice_sessions')).toEqual([1, 2, 3]);
  });
});
