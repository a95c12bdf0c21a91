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
