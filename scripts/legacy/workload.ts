import { Client } from 'pg';
import { connect } from './database';

/**
 * The legacy app's traffic on users, words, user_vocabulary and conversation_messages, written as
 * the LEGACY app writes it: legacy column names that the chain keeps (a legacy statement naming a
 * column the chain renames fails by design: legacy code cannot run after that migration), and no
 * column the chain adds (no due_at, no display_name, no last_message_order). Each client owns one
 * user it created and a set of conversations, so its writes never conflict with another client's.
 */
export const WORKLOAD_APPLICATION_NAME = 'legacy-workload';

export interface ClientState {
  client: Client;
  index: number;
  userId: number;
  nextWord: number;
  sessions: number[];
  seed: number;
  inserted: number;
}

export interface Shared {
  runId: string;
  maxUserId: number;
  maxVocabularyId: number;
  maxCategoryId: number;
  /** Words the legacy app can use (clean terms in clean categories). */
  words: number[];
  /** Conversations with an owner, split between the clients. */
  sessions: number[];
}

export interface StatementKind {
  kind: string;
  write: boolean;
  weight: number;
  run(s: ClientState, shared: Shared): Promise<unknown>;
}

const pick = (s: ClientState, n: number) => {
  s.seed = (s.seed * 1103515245 + 12345) % 2147483648;
  return s.seed % n;
};

export const STATEMENTS: StatementKind[] = [
  {
    kind: 'users: SELECT by email',
    write: false,
    weight: 2,
    run: (s, sh) => s.client.query(`SELECT * FROM users WHERE email = $1`, [`user${1 + pick(s, sh.maxUserId)}@example.com`]),
  },
  {
    kind: 'users: INSERT (legacy columns)',
    write: true,
    weight: 1,
    run: (s, sh) => {
      const name = `wl_${sh.runId}_${s.index}_${s.inserted++}`;
      return s.client.query(`INSERT INTO users (username, email, password_hash) VALUES ($1, $2, $3) RETURNING id`, [
        name,
        `${name}@workload.example`,
        'x',
      ]);
    },
  },
  {
    kind: 'words: SELECT by category',
    write: false,
    weight: 2,
    run: (s, sh) => s.client.query(`SELECT * FROM words WHERE category_id = $1`, [1 + pick(s, sh.maxCategoryId)]),
  },
  {
    kind: 'words: UPDATE difficulty',
    write: true,
    weight: 1,
    run: (s, sh) =>
      s.client.query(`UPDATE words SET difficulty_level = $1 WHERE id = $2`, [1 + pick(s, 5), sh.words[pick(s, sh.words.length)]]),
  },
  {
    kind: 'user_vocabulary: SELECT by user',
    write: false,
    weight: 2,
    run: (s, sh) => s.client.query(`SELECT * FROM user_vocabulary WHERE user_id = $1`, [1 + pick(s, sh.maxUserId)]),
  },
  {
    kind: 'user_vocabulary: INSERT (no due_at)',
    write: true,
    weight: 2,
    run: (s, sh) =>
      s.client.query(`INSERT INTO user_vocabulary (user_id, word_id, mastery_level) VALUES ($1, $2, 0)`, [
        s.userId,
        sh.words[s.nextWord++ % sh.words.length],
      ]),
  },
  {
    kind: 'user_vocabulary: UPDATE mastery',
    write: true,
    weight: 2,
    run: (s, sh) =>
      s.client.query(`UPDATE user_vocabulary SET mastery_level = $1 WHERE id = $2`, [pick(s, 6), 1 + pick(s, sh.maxVocabularyId)]),
  },
  {
    kind: 'conversation_messages: SELECT a session',
    write: false,
    weight: 1,
    run: (s) =>
      s.client.query(`SELECT * FROM conversation_messages WHERE session_id = $1 ORDER BY message_order`, [
        s.sessions[pick(s, s.sessions.length)],
      ]),
  },
  {
    kind: 'conversation_messages: INSERT next order',
    write: true,
    weight: 2,
    run: (s) =>
      s.client.query(
        `INSERT INTO conversation_messages (session_id, role, content, message_order)
       SELECT $1::int, 'user', 'legacy app message', coalesce(max(message_order), 0) + 1 FROM conversation_messages WHERE session_id = $1::int`,
        [s.sessions[pick(s, s.sessions.length)]],
      ),
  },
];

/** Reads what the statements need, before any chain runs. */
export async function prepareShared(client: Client, clients: number): Promise<Shared> {
  const one = async (sql: string) => Number((await client.query(sql)).rows[0].n);
  const words = (
    await client.query(`SELECT w.id FROM words w JOIN categories c ON c.id = w.category_id
      WHERE w.word ~ '^word[0-9]+$' AND c.name ~ '^category [0-9]+$' ORDER BY w.id LIMIT 20000`)
  ).rows.map((r) => r.id as number);
  const sessions = (
    await client.query(`SELECT id FROM conversation_sessions WHERE user_id IS NOT NULL ORDER BY id LIMIT $1`, [clients * 125])
  ).rows.map((r) => r.id as number);
  if (!words.length || sessions.length < clients)
    throw new Error('the database has no usable words or conversations: is it a generated legacy database?');
  return {
    runId: Date.now().toString(36),
    maxUserId: await one(`SELECT max(id) AS n FROM users`),
    maxVocabularyId: await one(`SELECT max(id) AS n FROM user_vocabulary`),
    maxCategoryId: await one(`SELECT max(id) AS n FROM categories`),
    words,
    sessions,
  };
}

/** A workload client: connected, with its own user (inserted the legacy way) and its conversations. */
export async function openClient(url: string, index: number, clients: number, shared: Shared): Promise<ClientState> {
  const client = await connect(url, WORKLOAD_APPLICATION_NAME);
  const name = `wl_${shared.runId}_${index}_owner`;
  const { rows } = await client.query(`INSERT INTO users (username, email, password_hash) VALUES ($1, $2, 'x') RETURNING id`, [
    name,
    `${name}@workload.example`,
  ]);
  return {
    client,
    index,
    userId: rows[0].id,
    nextWord: 0,
    sessions: shared.sessions.filter((_, i) => i % clients === index),
    seed: 7919 * (index + 1),
    inserted: 0,
  };
}

export function pickStatement(s: ClientState): StatementKind {
  const total = STATEMENTS.reduce((n, st) => n + st.weight, 0);
  let r = pick(s, total);
  for (const st of STATEMENTS) {
    if (r < st.weight) return st;
    r -= st.weight;
  }
  return STATEMENTS[0];
}
