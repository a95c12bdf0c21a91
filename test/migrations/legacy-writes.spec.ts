import { Client } from 'pg';
import { DataSource, QueryRunner } from 'typeorm';
import { APPEND_MESSAGE_SQL } from '../../src/conversations/conversations.repository';
import { LegacyDatabase } from '../harness/legacy';
import { migrationDataSource } from '../harness/migrations';

/**
 * Issue 10: the legacy app keeps writing while the chain runs. Before every statement the chain
 * sends outside a transaction (every DDL step, every batch), a legacy-style write goes in from
 * another connection: rows that name only legacy columns (the new ones — display_name, due_at,
 * progress_data's and conversation_context's defaults, status/started_at of lesson sessions,
 * metadata — left to the schema), a message appended the legacy way (max + 1) to a conversation the
 * chain renumbers, and a mastery update. Each must succeed at every point; afterwards every
 * conversation's last_message_order is its highest order and lingua-core's append follows it.
 *
 * Not covered, by design (docs/migrations.md): words and user_vocabulary columns the chain renames
 * (a legacy write naming `word` or `times_reviewed` fails after the rename), and practice sessions
 * without an owner (every new one needs one, LEGACY.md).
 */
const LEGACY_WRITE = `
  WITH u AS (INSERT INTO users (username, email, password_hash) VALUES ('legacy' || $1, 'legacy' || $1 || '@legacy.test', 'x') RETURNING id),
       v AS (INSERT INTO user_vocabulary (user_id, word_id, mastery_level) SELECT id, 1, 1 FROM u),
       mastery AS (UPDATE user_vocabulary SET mastery_level = least(mastery_level + 1, 5) WHERE id = 1),
       p AS (INSERT INTO user_profiles (user_id, learning_goals) SELECT id, '{"legacy": true}' FROM u),
       lp AS (INSERT INTO learning_paths (user_id, path_data) SELECT id, '{"steps": []}' FROM u),
       c AS (INSERT INTO categories (name) VALUES ('legacy category ' || $1)),
       s AS (INSERT INTO conversation_sessions (user_id, session_type, status) SELECT id, 'home', 'active' FROM u RETURNING id),
       m AS (INSERT INTO conversation_messages (session_id, role, content, message_order) SELECT id, 'user', 'hola', 1 FROM s),
       appended AS (INSERT INTO conversation_messages (session_id, role, content, message_order)
                    SELECT 1, 'user', 'legacy ' || $1, coalesce(max(message_order), 0) + 1 FROM conversation_messages WHERE session_id = 1),
       i AS (INSERT INTO conversation_interactions (user_id, session_id, interaction_type, mastery_level, confidence_self_reported)
             SELECT u.id, s.id, 'question_asked', 3, 3 FROM u, s),
       l AS (INSERT INTO lessons (title, can_do) VALUES ('legacy lesson ' || $1, 'I can') RETURNING id),
       lv AS (INSERT INTO lesson_versions (lesson_id, version, lesson_plan) SELECT id, 1, '{}' FROM l),
       ls AS (INSERT INTO lesson_sessions (lesson_id, user_id, score) SELECT l.id, u.id, 50 FROM l, u)
  SELECT 1`;

jest.setTimeout(240_000); // whole migration chains; on a loaded 2-core machine one took over 60 s

describe('legacy writes while the chain runs', () => {
  let db: LegacyDatabase;
  let ds: DataSource;
  let writer: Client;
  const failures: string[] = [];
  let writes = 0;

  beforeAll(async () => {
    db = await LegacyDatabase.create();
    await db.sql.query(`
      INSERT INTO users (id, username, email) VALUES (1, 'ana', 'ana@example.com'), (2, 'ana2', 'ANA@example.com'), (3, NULL, 'bo@example.com');
      SELECT setval('users_id_seq', 3);
      INSERT INTO categories (id, name) VALUES (1, 'food'), (2, 'Food');
      SELECT setval('categories_id_seq', 2);
      INSERT INTO words (id, word, translation, category_id) VALUES (1, 'hola', 'hello', 1), (2, 'Hola', 'hi', 2);
      SELECT setval('words_id_seq', 2);
      INSERT INTO user_vocabulary (id, user_id, word_id, mastery_level, times_reviewed, times_correct) VALUES
        (1, 1, 1, 1, 3, 1), (2, 1, 2, 2, 1, 1), (3, 3, 1, 9, 0, 0), (4, 99, 1, 0, 0, 0);
      SELECT setval('user_vocabulary_id_seq', 4);
      INSERT INTO conversation_sessions (id, user_id, session_type, status) VALUES (1, 1, 'home', 'Active'), (2, 3, 'Home', NULL);
      SELECT setval('conversation_sessions_id_seq', 2);
      INSERT INTO conversation_messages (session_id, role, content, message_order) VALUES
        (1, 'user', 'a', 1), (1, 'Bot', 'b', 1), (1, 'user', 'c', 3), (2, 'user', 'd', 0);
      INSERT INTO conversation_interactions (user_id, session_id, interaction_type, mastery_level, confidence_self_reported) VALUES (1, 1, 'question_asked', 9, 0);
      INSERT INTO lessons (id, title, status) VALUES (1, 'Greetings', 'published');
      SELECT setval('lessons_id_seq', 1);
      INSERT INTO lesson_versions (lesson_id, version, lesson_plan) VALUES (1, 0, '{}'), (1, 1, NULL);
      INSERT INTO lesson_sessions (lesson_id, user_id, status, score) VALUES (1, 1, 'done', 150);
      INSERT INTO user_profiles (user_id, learning_goals) VALUES (1, '{}');
      INSERT INTO learning_paths (user_id, path_data, progress_data) VALUES (1, NULL, NULL)`);
    writer = new Client({ connectionString: db.url });
    await writer.connect();
    await writer.query(`SET lock_timeout = '10s'`);
    ds = await migrationDataSource(db.url, { batchSize: 5 });
  });
  afterAll(async () => {
    await writer?.end();
    await ds?.destroy();
    await db?.close();
  });

  /**
   * Where a legacy write goes in: before every statement of the chain that changes the schema
   * outside a transaction (ALTER, CREATE, DROP, COMMENT), and at the start and the end of every
   * keyset walk (its `max(key)` reads: rows written then are inside the walk's bound or in its
   * catch-up round). Not between one batch of a walk and the next (the rows written would make every
   * walk longer, and the test quadratic), nor before catalog look-ups (nothing changes there).
   */
  const SCHEMA_CHANGE = /^\s*(?:--[^\n]*\n\s*)*(?:ALTER|CREATE|DROP|COMMENT)\b/i;
  const writeBefore = (sql: string) => SCHEMA_CHANGE.test(sql) || /^SELECT max\(\w+\)::text AS top/.test(sql);

  /** The chain's query runner, with a legacy write before each of its statements outside a transaction (writeBefore). */
  function writeBeforeEachStatement(): void {
    const createQueryRunner = ds.createQueryRunner.bind(ds);
    ds.createQueryRunner = (...args: Parameters<DataSource['createQueryRunner']>): QueryRunner => {
      const qr = createQueryRunner(...args);
      const query = qr.query.bind(qr);
      qr.query = (async (...q: Parameters<QueryRunner['query']>) => {
        if (!qr.isTransactionActive && writeBefore(String(q[0]))) {
          writes++;
          await writer.query(LEGACY_WRITE, [writes]).catch((err: Error) => failures.push(`before «${String(q[0]).trim().slice(0, 120)}»: ${err.message}`));
        }
        return query(...q);
      }) as QueryRunner['query'];
      return qr;
    };
  }

  it('accepts a legacy-style write before every statement of the chain', async () => {
    writeBeforeEachStatement();
    await ds.runMigrations({ transaction: 'each' });
    expect(failures).toEqual([]);
    expect(writes).toBeGreaterThan(200);
    const [{ n }] = (await db.sql.query(`SELECT count(*)::int AS n FROM users WHERE email LIKE '%@legacy.test'`)).rows;
    expect(n).toBe(writes);
  });

  it('keeps last_message_order at each conversation\'s highest order through legacy inserts around the repair', async () => {
    const stale = (await db.sql.query(`
      SELECT s.id, s.last_message_order, max(m.message_order) AS top FROM conversation_sessions s
        LEFT JOIN conversation_messages m ON m.session_id = s.id GROUP BY s.id HAVING s.last_message_order <> coalesce(max(m.message_order), 0)`)).rows;
    expect(stale).toEqual([]);
    const orders = (await db.sql.query(`SELECT message_order FROM conversation_messages WHERE session_id = 1 ORDER BY 1`)).rows.map((r) => r.message_order);
    expect(orders).toEqual(orders.map((_, i) => i + 1));
  });

  it('lets lingua-core append after legacy inserts, and a legacy insert after it, with no order taken twice', async () => {
    const top = async () => (await db.sql.query(`SELECT max(message_order) AS m, (SELECT last_message_order FROM conversation_sessions WHERE id = 1) AS c
                                                  FROM conversation_messages WHERE session_id = 1`)).rows[0];
    const before = await top();
    const [first] = (await db.sql.query(APPEND_MESSAGE_SQL, [1, 1, 'user', 'lingua'])).rows;
    expect(first.message_order).toBe(before.m + 1);
    await writer.query(LEGACY_WRITE, [++writes]);
    const [second] = (await db.sql.query(APPEND_MESSAGE_SQL, [1, 1, 'assistant', 'lingua again'])).rows;
    expect(second.message_order).toBe(before.m + 3);
    expect(await top()).toEqual({ m: before.m + 3, c: before.m + 3 });
  });
});
