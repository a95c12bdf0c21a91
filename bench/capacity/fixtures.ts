import { Client } from 'pg';
import { signToken } from '../http/jwt';

/** One virtual learner's identity and what its sessions touch (all of it the learner's own). */
export interface LearnerFixture {
  userId: number;
  token: string;
  /** Words the learner is learning: a practice session answers 20 of them. */
  wordIds: number[];
  /** An open conversation of the learner's with more than one page of messages. */
  conversationId: number;
}

export interface CapacityFixtures {
  learners: LearnerFixture[];
  /** Categories and how many pages of 20 words each has (catalogue browsing picks one of them). */
  categories: Array<{ id: number; pages: number }>;
}

/**
 * Up to `count` distinct learners spread over the data set (ordered by a hash of their id, not the
 * first ids): learners with due words and an open conversation of over 50 messages, each with a
 * token signed like bench:http's. Fewer may exist at small sizes; the ladder stops at that many.
 */
export async function chooseLearners(url: string, secret: string, count: number): Promise<CapacityFixtures> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ user_id: number; conversation_id: number; word_ids: number[] }>(
      `SELECT c.user_id, c.conversation_id,
              (SELECT array_agg(word_id ORDER BY word_id) FROM user_vocabulary v WHERE v.user_id = c.user_id) AS word_ids
         FROM (SELECT DISTINCT ON (user_id) user_id, id AS conversation_id FROM conversation_sessions
                WHERE status IN ('active', 'paused') AND last_message_order > 50 ORDER BY user_id, id) c
        WHERE EXISTS (SELECT 1 FROM user_vocabulary v WHERE v.user_id = c.user_id AND v.due_at <= now())
        ORDER BY md5(c.user_id::text) LIMIT $1`,
      [count],
    );
    const categories = await client.query<{ id: number; pages: number }>(
      `SELECT category_id AS id, ceil(count(*) / 20.0)::int AS pages FROM words GROUP BY category_id HAVING count(*) >= 20 ORDER BY category_id`,
    );
    if (!rows.length || !categories.rows.length) throw new Error('the data set has no learners with open conversations, or no categories');
    return {
      learners: rows.map((r) => ({
        userId: r.user_id,
        token: signToken(secret, r.user_id),
        wordIds: r.word_ids,
        conversationId: r.conversation_id,
      })),
      categories: categories.rows,
    };
  } finally {
    await client.end();
  }
}
