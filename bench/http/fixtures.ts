import { Client } from 'pg';
import { signToken } from './jwt';

export interface Owned {
  id: number;
  userId: number;
}

export interface PracticeFixture {
  userId: number;
  sessionId: number;
  /** Words the learner is learning (answers cycle through them). */
  wordIds: number[];
}

/** What the routes read and write, chosen from the generated data (and the tokens to do it with). */
export interface HttpFixtures {
  learners: number[];
  /** Conversations with more than one page of messages (GET …/messages). */
  readConversations: Owned[];
  /** Open conversations (POST …/messages appends to them). */
  openConversations: Owned[];
  /** Categories with at least two pages of 20 words (GET /words?page=2). */
  categoryIds: number[];
  /** One open practice session per learner, created for this run. */
  practice: PracticeFixture[];
  tokens: Map<number, string>;
}

/** Both traffic shapes' fixtures: `spread` over many learners, `hot` the busiest learner alone. */
export interface ShapedFixtures {
  spread: HttpFixtures;
  hot: HttpFixtures;
  /** The busiest learner (most words, with due words, a long conversation and an open one). */
  hotLearner: { id: number; words: number };
}

/**
 * Up to `count` learners (the first ones that learn words), their conversations, categories and a
 * new open practice session each. Requests go round-robin over them, so caches hold one entry per
 * learner and row locks are spread as with real traffic.
 */
export async function chooseFixtures(url: string, secret: string, count: number): Promise<HttpFixtures> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const q = async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[];
    const learners = (
      await q<{ id: number }>(
        `SELECT u.id FROM users u WHERE EXISTS (SELECT 1 FROM user_vocabulary v WHERE v.user_id = u.id AND v.due_at <= now()) ORDER BY u.id LIMIT $1`,
        [count],
      )
    ).map((r) => r.id);
    const owned = (sql: string) =>
      q<{ id: number; user_id: number }>(sql, [learners, count]).then((rows) => rows.map((r) => ({ id: r.id, userId: r.user_id })));
    const readConversations = await owned(
      `SELECT id, user_id FROM conversation_sessions WHERE user_id = ANY($1) AND last_message_order > 50 ORDER BY id LIMIT $2`,
    );
    const openConversations = await owned(
      `SELECT id, user_id FROM conversation_sessions WHERE user_id = ANY($1) AND status IN ('active', 'paused') ORDER BY id LIMIT $2`,
    );
    const categoryIds = (
      await q<{ category_id: number }>(
        `SELECT category_id FROM words GROUP BY category_id HAVING count(*) >= 40 ORDER BY category_id LIMIT 20`,
      )
    ).map((r) => r.category_id);
    const sessions = await q<{ id: number; user_id: number }>(
      `INSERT INTO practice_sessions (user_id) SELECT unnest($1::int[]) RETURNING id, user_id`,
      [learners],
    );
    const words = await q<{ user_id: number; word_ids: number[] }>(
      `SELECT user_id, (array_agg(word_id ORDER BY word_id))[1:50] AS word_ids FROM user_vocabulary WHERE user_id = ANY($1) GROUP BY user_id`,
      [learners],
    );
    const wordsOf = new Map(words.map((w) => [w.user_id, w.word_ids]));
    const practice = sessions.map((s) => ({ userId: s.user_id, sessionId: s.id, wordIds: wordsOf.get(s.user_id) ?? [] }));
    if (!learners.length || !readConversations.length || !openConversations.length || !categoryIds.length) {
      throw new Error('the data set has no learners, conversations or categories to benchmark with');
    }
    const tokens = new Map(learners.map((id) => [id, signToken(secret, id)]));
    return { learners, readConversations, openConversations, categoryIds, practice, tokens };
  } finally {
    await client.end();
  }
}

/** `chooseFixtures` for the spread shape, and the busiest learner for the hot one. */
export async function chooseShapedFixtures(url: string, secret: string, count: number): Promise<ShapedFixtures> {
  const spread = await chooseFixtures(url, secret, count);
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const q: Query = async <T>(sql: string, params: unknown[] = []) => (await client.query(sql, params)).rows as T[];
    return { spread, ...(await chooseHot(q, secret, spread.categoryIds)) };
  } finally {
    await client.end();
  }
}

type Query = <T>(sql: string, params?: unknown[]) => Promise<T[]>;

/**
 * The busiest learner: the most words, among those with due words, a conversation of more than one
 * page and an open one; its longest conversation, an open one and a new practice session of its own.
 */
async function chooseHot(q: Query, secret: string, categoryIds: number[]): Promise<Omit<ShapedFixtures, 'spread'>> {
  const [hot] = await q<{ user_id: number; words: number }>(
    `SELECT uv.user_id, count(*)::int AS words FROM user_vocabulary uv
      WHERE EXISTS (SELECT 1 FROM conversation_sessions s WHERE s.user_id = uv.user_id AND s.last_message_order > 50)
        AND EXISTS (SELECT 1 FROM conversation_sessions s WHERE s.user_id = uv.user_id AND s.status IN ('active', 'paused'))
      GROUP BY uv.user_id HAVING bool_or(uv.due_at <= now()) ORDER BY count(*) DESC, uv.user_id LIMIT 1`,
  );
  if (!hot) throw new Error('the data set has no learner with due words and conversations to benchmark the hot shape with');
  const userId = hot.user_id;
  const owned = async (sql: string) => (await q<{ id: number }>(sql, [userId])).map((r) => ({ id: r.id, userId }));
  const readConversations = await owned(
    `SELECT id FROM conversation_sessions WHERE user_id = $1 ORDER BY last_message_order DESC, id LIMIT 1`,
  );
  const openConversations = await owned(
    `SELECT id FROM conversation_sessions WHERE user_id = $1 AND status IN ('active', 'paused') ORDER BY id LIMIT 1`,
  );
  const [session] = await q<{ id: number }>(`INSERT INTO practice_sessions (user_id) VALUES ($1) RETURNING id`, [userId]);
  const [words] = await q<{ word_ids: number[] }>(
    `SELECT (array_agg(word_id ORDER BY word_id))[1:50] AS word_ids FROM user_vocabulary WHERE user_id = $1`,
    [userId],
  );
  return {
    hotLearner: { id: userId, words: hot.words },
    hot: {
      learners: [userId],
      readConversations,
      openConversations,
      categoryIds,
      practice: [{ userId, sessionId: session.id, wordIds: words.word_ids }],
      tokens: new Map([[userId, signToken(secret, userId)]]),
    },
  };
}
