import { LegacyDatabase } from '../harness/legacy';

const TABLES = ['conversation_sessions', 'conversation_messages', 'conversation_interactions'];

/** Repair of the legacy conversation tables (LEGACY.md defects), and back down to the legacy state. */
describe('RepairConversations on a legacy database', () => {
  let db: LegacyDatabase;
  let legacy: Record<string, Array<Record<string, unknown>>>;
  beforeAll(async () => {
    db = await LegacyDatabase.create();
    const q = (text: string) => db.sql.query(text);
    await q(`INSERT INTO users (id, username, email) VALUES (1, 'ana', 'ana@example.com'), (2, 'ben', 'ben@example.com')`);
    await q(`INSERT INTO conversation_sessions (id, user_id, session_type, status, conversation_context, updated_at) VALUES
      (1, 1, 'home', 'done', NULL, NULL),
      (2, 1, 'Profile-Building', 'active', '{"topic":"travel"}', '2024-01-01 10:00:00'),
      (3, NULL, 'home', 'active', '{}', '2024-01-01 10:00:00'),
      (4, 2, 'chat', NULL, '{}', '2024-01-01 10:00:00')`);
    await q(`INSERT INTO conversation_messages (id, session_id, role, content, message_order, created_at) VALUES
      (10, 1, 'user', 'first of the dupes', 1, '2024-01-01 10:00:01'),
      (11, 1, 'assistant', 'second of the dupes', 1, '2024-01-01 10:00:02'),
      (12, 1, 'Bot', 'order zero', 0, '2024-01-01 10:00:03'),
      (13, 1, 'user', 'order two', 2, '2024-01-01 10:00:04'),
      (20, 2, 'user', NULL, 1, '2024-01-01 10:00:00'),
      (21, 2, 'assistant', 'fine', 2, '2024-01-01 10:00:00'),
      (30, 3, 'user', 'ownerless conversation', 1, '2024-01-01 10:00:00'),
      (40, NULL, 'user', 'no conversation', 1, '2024-01-01 10:00:00'),
      (41, 4, 'narrator', 'unknown role', 1, '2024-01-01 10:00:00')`);
    await q(`INSERT INTO conversation_interactions
      (id, user_id, session_id, message_id, concept_id, interaction_type, mastery_level, confidence_self_reported, next_review_date, metadata) VALUES
      (100, 1, 1, 10, 'ser-estar', 'grammar_practiced', 9, 0, '2024-02-01 00:00:00', '{"source":"tutor"}'),
      (101, 1, 999, NULL, 'comida', 'vocabulary_learned', 3, 3, NULL, '{}'),
      (102, NULL, 1, NULL, NULL, 'cultural_note', 2, 2, NULL, '{}'),
      (103, 1, 1, NULL, NULL, 'gossip', 2, 2, NULL, '{}'),
      (104, 2, 4, NULL, 'hola', ' Vocabulary_Learned', NULL, NULL, NULL, NULL),
      (105, 2, 4, 99999, 'adios', 'question_asked', 5, 5, '2024-03-01 00:00:00', '{}'),
      (106, 1, 3, 30, NULL, 'cultural_note', 1, 1, NULL, '{}')`);
    legacy = {};
    for (const t of TABLES) legacy[t] = await db.rows(t);
    await db.migrateUp();
  });
  afterAll(() => db.close());

  const quarantined = async (table: string) =>
    (
      await db.sql.query(
        `SELECT (row_data->>'id')::int AS id, reason, repaired_in_place AS "inPlace" FROM quarantined_rows
       WHERE source_table = $1 ORDER BY 1, 3`,
        [table],
      )
    ).rows;
  const rows = async (sql: string) => (await db.sql.query(sql)).rows;

  it('keeps every legacy row: repaired in place or quarantined with the reason', async () => {
    for (const table of TABLES) {
      const kept = (await rows(`SELECT id FROM ${table}`)).map((r) => r.id);
      const moved = (await quarantined(table)).filter((r) => !r.inPlace).map((r) => r.id);
      expect({ table, ids: [...kept, ...moved].sort((a, b) => a - b) }).toEqual({ table, ids: legacy[table].map((r) => r.id) });
    }
    expect((await quarantined('conversation_sessions')).filter((r) => !r.inPlace)).toEqual([
      { id: 3, reason: 'no_owner: user_id is null', inPlace: false },
    ]);
    expect((await quarantined('conversation_messages')).filter((r) => !r.inPlace).map((r) => [r.id, r.reason.split(':')[0]])).toEqual([
      [30, 'session_quarantined'],
      [40, 'no_session'],
      [41, 'invalid_role'],
    ]);
    expect((await quarantined('conversation_interactions')).filter((r) => !r.inPlace).map((r) => [r.id, r.reason.split(':')[0]])).toEqual([
      [102, 'no_owner'],
      [103, 'invalid_interaction_type'],
    ]);
  });

  it('maps statuses and types, fills NULL contexts, and sets the message counter', async () => {
    expect(
      await rows(`SELECT id, session_type, status, conversation_context, last_message_order FROM conversation_sessions ORDER BY id`),
    ).toEqual([
      { id: 1, session_type: 'home', status: 'completed', conversation_context: {}, last_message_order: 4 },
      { id: 2, session_type: 'profile_building', status: 'active', conversation_context: { topic: 'travel' }, last_message_order: 2 },
      { id: 4, session_type: 'home', status: 'paused', conversation_context: {}, last_message_order: 0 },
    ]);
    const [{ updated_at: untouched }] = await rows(`SELECT updated_at FROM conversation_sessions WHERE id = 2`);
    expect(new Date(untouched).toISOString()).toBe('2024-01-01T10:00:00.000Z');
  });

  it('renumbers duplicate and zero message orders 1..n keeping their order; valid sessions are untouched', async () => {
    expect(await rows(`SELECT id, role, content, message_order FROM conversation_messages ORDER BY session_id, message_order`)).toEqual([
      { id: 12, role: 'assistant', content: 'order zero', message_order: 1 },
      { id: 10, role: 'user', content: 'first of the dupes', message_order: 2 },
      { id: 11, role: 'assistant', content: 'second of the dupes', message_order: 3 },
      { id: 13, role: 'user', content: 'order two', message_order: 4 },
      { id: 20, role: 'user', content: '', message_order: 1 },
      { id: 21, role: 'assistant', content: 'fine', message_order: 2 },
    ]);
  });

  it('clamps mastery/confidence into 1–5, clears dangling references, normalises types', async () => {
    expect(
      await rows(`SELECT id, session_id, message_id, interaction_type, mastery_level, confidence_self_reported, metadata
                         FROM conversation_interactions ORDER BY id`),
    ).toEqual([
      {
        id: 100,
        session_id: 1,
        message_id: 10,
        interaction_type: 'grammar_practiced',
        mastery_level: 5,
        confidence_self_reported: 1,
        metadata: { source: 'tutor' },
      },
      {
        id: 101,
        session_id: null,
        message_id: null,
        interaction_type: 'vocabulary_learned',
        mastery_level: 3,
        confidence_self_reported: 3,
        metadata: {},
      },
      {
        id: 104,
        session_id: 4,
        message_id: null,
        interaction_type: 'vocabulary_learned',
        mastery_level: null,
        confidence_self_reported: null,
        metadata: {},
      },
      {
        id: 105,
        session_id: 4,
        message_id: null,
        interaction_type: 'question_asked',
        mastery_level: 5,
        confidence_self_reported: 5,
        metadata: {},
      },
      {
        id: 106,
        session_id: null,
        message_id: null,
        interaction_type: 'cultural_note',
        mastery_level: 1,
        confidence_self_reported: 1,
        metadata: {},
      },
    ]);
    const [{ next_review_date: due }] = await rows(`SELECT next_review_date FROM conversation_interactions WHERE id = 100`);
    expect(new Date(due).toISOString()).toBe('2024-02-01T00:00:00.000Z');
  });

  it('ends with the SPEC constraints, indexes and triggers in place', async () => {
    // contype 'n': PostgreSQL 18 lists NOT NULL as constraints too; they are checked as columns elsewhere.
    const names = (
      await rows(
        `SELECT conname FROM pg_constraint WHERE contype <> 'n' AND conrelid::regclass::text = ANY($1::text[]) ORDER BY 1`.replace(
          '$1',
          `'{${TABLES}}'`,
        ),
      )
    ).map((r) => r.conname);
    expect(names).toEqual([
      'ck_conversation_interactions_confidence_self_reported',
      'ck_conversation_interactions_interaction_type',
      'ck_conversation_interactions_mastery_level',
      'ck_conversation_messages_message_order',
      'ck_conversation_messages_role',
      'ck_conversation_sessions_last_message_order',
      'ck_conversation_sessions_session_type',
      'ck_conversation_sessions_status',
      'fk_conversation_interactions_message_id',
      'fk_conversation_interactions_session_id',
      'fk_conversation_interactions_user_id',
      'fk_conversation_messages_session_id',
      'fk_conversation_sessions_user_id',
      'pk_conversation_interactions',
      'pk_conversation_messages',
      'pk_conversation_sessions',
      'uq_conversation_messages_session_id_message_order',
    ]);
    const triggers = (
      await rows(`SELECT tgname FROM pg_trigger WHERE NOT tgisinternal AND tgrelid::regclass::text LIKE 'conversation_%' ORDER BY 1`)
    ).map((r) => r.tgname);
    expect(triggers).toEqual([
      'trg_conversation_messages_last_message_order_insert',
      'trg_conversation_messages_last_message_order_update',
      'trg_conversation_messages_updated_at',
      'trg_conversation_sessions_updated_at',
    ]);
  });

  it('reverts to the exact legacy rows (quarantined ones back, repairs undone), and migrates up again', async () => {
    await db.revertToBaseline();
    for (const table of TABLES) expect({ table, rows: await db.rows(table) }).toEqual({ table, rows: legacy[table] });
    const [{ n }] = await rows(`SELECT count(*)::int AS n FROM pg_constraint WHERE conname LIKE 'conversation_%_pkey'`);
    expect(n).toBe(3);
    await db.migrateUp();
    expect(
      (await rows(`SELECT message_order FROM conversation_messages WHERE session_id = 1 ORDER BY message_order`)).map(
        (r) => r.message_order,
      ),
    ).toEqual([1, 2, 3, 4]);
  });
});
