import { Client } from 'pg';

/**
 * The benchmark's data set, generated with set-based SQL (one statement per table) in one session
 * with a fixed random seed, so two runs at the same size build the same rows.
 */
export interface DataSize {
  users: number;
  /** The first `learners` users learn words and hold conversations. */
  learners: number;
  categories: number;
  words: number;
  /** Words per learner: uniform in [min, max]. */
  vocabularyPerLearner: [number, number];
  conversations: number;
  /** Messages per conversation: uniform in [min, max]. */
  messagesPerConversation: [number, number];
}

export const FULL_SIZE: DataSize = {
  users: 20_000,
  learners: 2_000,
  categories: 50,
  words: 5_000,
  vocabularyPerLearner: [40, 160],
  conversations: 3_000,
  messagesPerConversation: [5, 61],
};

export const QUICK_SIZE: DataSize = {
  users: 2_000,
  learners: 200,
  categories: 10,
  words: 500,
  vocabularyPerLearner: [40, 160],
  conversations: 300,
  messagesPerConversation: [5, 61],
};

/**
 * `npm run bench:http -- --size 10k|100k|1m`: user_vocabulary and conversation_messages each hold
 * about `rows` rows, in the shape the product has — many learners with a few hundred words each,
 * conversations of a few hundred messages, a catalogue of ~100 words per category — so per-learner
 * and per-conversation pages cost what they cost in production, and only the tables grow.
 */
export const HTTP_SIZES = { '10k': 10_000, '100k': 100_000, '1m': 1_000_000 } as const;
export type HttpSizeLabel = keyof typeof HTTP_SIZES;

export function httpDataSize(label: HttpSizeLabel): DataSize {
  const rows = HTTP_SIZES[label];
  const learners = Math.round(rows / 200); // 100–300 words each
  const words = Math.min(20_000, Math.max(2_000, Math.round(rows / 50)));
  return {
    users: learners * 10,
    learners,
    categories: words / 100,
    words,
    vocabularyPerLearner: [100, 300],
    conversations: Math.round(rows / 250), // 100–400 messages each
    messagesPerConversation: [100, 400],
  };
}

/** Lower-case ASCII syllables: terms sort the same under C and ICU/glibc collations as in JS. */
const SYLLABLES = ['ka', 'lo', 'mi', 'ne', 'pu', 'ra', 'si', 'to', 've', 'zu', 'ba', 'de', 'fi', 'go', 'hu', 'ja', 'ke', 'li', 'mo', 'nu'];

export interface GenerationStep {
  label: string;
  sql: string;
}

/**
 * Parameters are inlined as integers (all are validated numbers), so each step is one plain statement.
 * `chunks` > 1 splits the two big inserts (vocabulary by learner, messages by conversation) into
 * that many statements, so a progress bar moves while millions of rows are written.
 */
export function generationSteps(size: DataSize, { chunks = 1 }: { chunks?: number } = {}): GenerationStep[] {
  const syl = `(ARRAY[${SYLLABLES.map((s) => `'${s}'`).join(',')}])`;
  const n = SYLLABLES.length;
  const [vMin, vMax] = size.vocabularyPerLearner;
  const [mMin, mMax] = size.messagesPerConversation;
  return [
    { label: 'seed', sql: `SELECT setseed(0.42)` },
    {
      label: `${size.users} users`,
      sql: `INSERT INTO users (email, display_name, native_language, target_language, created_at)
            SELECT 'bench-' || g || '@example.com', 'Learner ' || g,
                   (ARRAY['en','de','fr','pt'])[1 + g % 4], (ARRAY['es','it','ja','en'])[1 + g % 4],
                   now() - (g % 700) * interval '1 day'
              FROM generate_series(1, ${size.users}) g`,
    },
    {
      label: `${size.users} profiles (JSON goals)`,
      sql: `INSERT INTO user_profiles (user_id, learning_goals, previous_knowledge, usage_context)
            SELECT u.id,
                   jsonb_build_object(
                     'travel', random() < 0.4,
                     'level', (ARRAY['A1','A2','B1','B2','C1'])[1 + floor(random() * 5)::int],
                     'focus', coalesce((SELECT jsonb_agg(f) FROM unnest(ARRAY['grammar','vocabulary','speaking','listening']) f
                                         WHERE random() < 0.4 AND u.id > 0), '[]'::jsonb),
                     'exam', CASE WHEN random() < 0.1 THEN 'DELE' END),
                   jsonb_build_object('languages', jsonb_build_array(u.native_language), 'years', floor(random() * 5)::int),
                   jsonb_build_object('daily_minutes', (ARRAY[5,10,15,30,60])[1 + floor(random() * 5)::int], 'device', (ARRAY['phone','web'])[1 + floor(random() * 2)::int])
              FROM users u`,
    },
    {
      label: `${size.categories} categories`,
      sql: `INSERT INTO categories (name, description)
            SELECT 'category ' || lpad(g::text, 3, '0'), 'Words about topic ' || g FROM generate_series(1, ${size.categories}) g`,
    },
    {
      label: `${size.words} words`,
      // g → three or four syllables (unique for g < 20^4); categories round-robin in a scrambled order.
      sql: `INSERT INTO words (term, translation, category_id, difficulty_level, created_at)
            SELECT ${syl}[1 + (g * 7) % ${n}] || ${syl}[1 + (g / ${n}) % ${n}] || ${syl}[1 + (g / ${n * n}) % ${n}]
                     || CASE WHEN g >= ${n * n * n} THEN ${syl}[1 + (g / ${n * n * n}) % ${n}] ELSE '' END,
                   'translation of word ' || g,
                   c.ids[1 + (g * 31) % array_length(c.ids, 1)],
                   1 + floor(random() * 5)::int,
                   now() - (g % 365) * interval '1 day'
              FROM generate_series(0, ${size.words - 1}) g
             CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM categories) c`,
    },
    ...slices(size.learners, chunks).map(({ offset, limit, part }) => ({
      label: `vocabulary of ${size.learners} learners (${vMin}–${vMax} words each)${part}`,
      // Each learner walks the word list from a random start with a step coprime to the list length
      // (odd and not a multiple of 5: every word count used here is 2^a·5^b), so its k < length words are distinct
      // and spread over the categories. Due dates spread from 25 days ago to 15 days ahead; the last
      // review was 3 days before the due date, and never in the future (FSRS refuses that).
      sql: `INSERT INTO user_vocabulary (user_id, word_id, mastery_level, times_seen, times_correct, due_at, stability,
                                         difficulty, reps, lapses, state, last_reviewed_at, created_at)
            SELECT l.id, w.ids[1 + (l.start + s.i * l.step) % w.n], r.mastery, r.seen, floor(r.seen * random())::int,
                   r.due, 1 + random() * 30, 1 + random() * 9, r.seen, floor(r.seen * random() / 4)::int,
                   CASE WHEN r.seen = 0 THEN 0 ELSE 2 END, CASE WHEN r.seen = 0 THEN NULL ELSE least(r.due - interval '3 days', now() - interval '1 hour') END,
                   now() - interval '200 days'
              FROM (SELECT id, floor(random() * 100000)::int AS start,
                           (ARRAY[1,3,7,9,11,13,17,19,21,23])[1 + floor(random() * 10)::int] AS step,
                           ${vMin} + floor(random() * ${vMax - vMin + 1})::int AS k
                      FROM users ORDER BY id${offset ? ` OFFSET ${offset}` : ''} LIMIT ${limit}) l
             CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n FROM words) w
             CROSS JOIN LATERAL generate_series(0, l.k - 1) s(i)
             CROSS JOIN LATERAL (SELECT least(5, floor(random() * random() * 7))::int AS mastery,
                                        floor(random() * 30)::int AS seen,
                                        now() + (random() * 40 - 25) * interval '1 day' AS due
                                  WHERE s.i >= 0) r`,
    })),
    {
      label: `${size.conversations} conversations`,
      sql: `INSERT INTO conversation_sessions (user_id, session_type, status, conversation_context, created_at)
            SELECT l.ids[1 + floor(random() * array_length(l.ids, 1))::int],
                   (ARRAY['home','profile_building','lesson','practice'])[1 + floor(random() * 4)::int],
                   (ARRAY['active','completed','abandoned','paused'])[1 + floor(random() * 4)::int],
                   jsonb_build_object('topic', 'topic ' || (g % 40), 'lesson', g % 7 = 0),
                   now() - (g % 300) * interval '1 day'
              FROM generate_series(1, ${size.conversations}) g
             CROSS JOIN (SELECT array_agg(id ORDER BY id) AS ids FROM (SELECT id FROM users ORDER BY id LIMIT ${size.learners}) x) l`,
    },
    ...slices(size.conversations, chunks).map(({ offset, limit, part }) => ({
      label: `messages (${mMin}–${mMax} per conversation)${part}`,
      sql: `INSERT INTO conversation_messages (session_id, role, content, message_order, created_at)
            SELECT s.id, CASE WHEN o.i % 2 = 1 THEN 'user' ELSE 'assistant' END,
                   'message ' || o.i || ': ' || repeat('lorem ipsum dolor ', 2 + (s.id * 7 + o.i * 13) % 12),
                   o.i, s.created_at + o.i * interval '20 seconds'
              FROM (SELECT id, created_at, ${mMin} + floor(random() * ${mMax - mMin + 1})::int AS n
                      FROM conversation_sessions ORDER BY id${offset ? ` OFFSET ${offset}` : ''} LIMIT ${limit}) s
             CROSS JOIN LATERAL generate_series(1, s.n) o(i)`,
    })),
    {
      label: 'message counters',
      sql: `UPDATE conversation_sessions s SET last_message_order = m.n
              FROM (SELECT session_id, max(message_order) AS n FROM conversation_messages GROUP BY session_id) m
             WHERE m.session_id = s.id`,
    },
    { label: 'VACUUM (ANALYZE)', sql: `VACUUM (ANALYZE)` },
  ];
}

/** `total` rows in `chunks` consecutive slices (one slice: the whole, no label suffix). */
function slices(total: number, chunks: number): Array<{ offset: number; limit: number; part: string }> {
  const n = Math.max(1, Math.min(chunks, total));
  const per = Math.ceil(total / n);
  const out = [];
  for (let i = 0; i * per < total; i++) {
    out.push({ offset: i * per, limit: Math.min(per, total - i * per), part: n > 1 ? `, part ${i + 1}/${Math.ceil(total / per)}` : '' });
  }
  return out;
}

export type RowCounts = Record<string, number>;

export async function countRows(client: Client): Promise<RowCounts> {
  const tables = ['users', 'user_profiles', 'categories', 'words', 'user_vocabulary', 'conversation_sessions', 'conversation_messages'];
  const counts: RowCounts = {};
  for (const t of tables) {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${t}`);
    counts[t] = rows[0].n;
  }
  return counts;
}
