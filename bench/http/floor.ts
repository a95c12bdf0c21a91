/**
 * The raw floor of `npm run bench:http`: what the hot routes cost with nothing between the socket and
 * PostgreSQL — `node:http`, the same HS256 bearer check (node:crypto HMAC), one hand-written `pg`
 * statement per read (a pool of 10, the reference host's default) and, for the writes, the same
 * statements as lingua-core in one transaction. Same JSON bodies as the reference host (the benchmark
 * checks that before timing). Run as its own process:
 *
 *   DATABASE_URL=… JWT_SECRET=… PORT=… node -r ts-node/register/transpile-only bench/http/floor.ts
 */
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { Pool, PoolClient } from 'pg';
import { ReviewRating, scheduleReview } from '../../src/vocabulary/srs';
import { ANSWER_SNAPSHOT_SQL, APPLY_ANSWER_SQL, applyAnswerParams } from '../../src/practice/practice.repository';
import { withoutPrefix } from '../../src/database/raw-rows';
import { verifyBearer } from './jwt';

const CARD_STATES = ['new', 'learning', 'review', 'relearning'];
const iso = (d: Date | null) => (d ? d.toISOString() : null);

export type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export type Handler = (userId: number, m: RegExpExecArray, url: URL, body: Row) => Promise<[number, unknown]>;

const pool = new Pool({
  connectionString: process.env.DATABASE_URL,
  max: Number(process.env.DB_POOL_MAX ?? 10),
  options: '-c TimeZone=UTC',
});
pool.on('error', () => undefined);
const secret = process.env.JWT_SECRET as string;

export const ITEM_SQL = `SELECT uv.word_id, uv.mastery_level, uv.times_seen, uv.times_correct, uv.state, uv.due_at, uv.stability,
       uv.difficulty, uv.reps, uv.lapses, uv.last_reviewed_at, uv.created_at,
       w.term, w.translation, w.difficulty_level, w.category_id, c.name AS category_name
  FROM user_vocabulary uv JOIN words w ON w.id = uv.word_id JOIN categories c ON c.id = w.category_id`;

/** A conversation's message page: $1 session, $2 learner, $3 after order, $4 limit (+1). */
export const MESSAGES_SQL = `SELECT m.id, s.id AS session_id, m.role, m.content, m.message_order, m.created_at
           FROM conversation_sessions s
           LEFT JOIN LATERAL (SELECT * FROM conversation_messages m WHERE m.session_id = s.id AND m.message_order > $3
                               ORDER BY m.message_order LIMIT $4) m ON true
          WHERE s.id = $1 AND s.user_id = $2`;

export const vocabularyItem = (r: Row) => ({
  wordId: r.word_id,
  word: {
    id: r.word_id,
    term: r.term,
    translation: r.translation,
    difficultyLevel: r.difficulty_level,
    category: { id: r.category_id, name: r.category_name },
  },
  masteryLevel: r.mastery_level,
  timesSeen: r.times_seen,
  timesCorrect: r.times_correct,
  state: CARD_STATES[r.state],
  dueAt: iso(r.due_at),
  stability: r.stability,
  difficulty: r.difficulty,
  reps: r.reps,
  lapses: r.lapses,
  lastReviewedAt: iso(r.last_reviewed_at),
  createdAt: iso(r.created_at),
});

export const message = (r: Row) => ({
  id: r.id,
  conversationId: r.session_id,
  role: r.role,
  content: r.content,
  messageOrder: r.message_order,
  createdAt: iso(r.created_at),
});

const intParam = (url: URL, name: string, fallback: number) => {
  const v = url.searchParams.get(name);
  return v === null ? fallback : Number(v);
};

export const notFound = (what: string): [number, unknown] => [
  404,
  { statusCode: 404, error: 'Not Found', code: 'not_found', message: `${what} not found.` },
];

export type RouteTable = Array<[string, RegExp, Handler]>;

const session = (r: Row) => ({
  id: r.id,
  startedAt: iso(r.started_at),
  finishedAt: iso(r.finished_at),
  totalQuestions: r.total_questions,
  correctAnswers: r.correct_answers,
  durationSeconds: r.duration_seconds,
});

const ROUTES: RouteTable = [
  [
    'GET',
    /^\/api\/me\/vocabulary$/,
    async (userId, _m, url) => {
      const limit = intParam(url, 'limit', 20);
      const { rows } = await pool.query(`${ITEM_SQL} WHERE uv.user_id = $1 ORDER BY uv.word_id LIMIT $2`, [userId, limit + 1]);
      const page = rows.slice(0, limit);
      const next = rows.length > limit ? Buffer.from(JSON.stringify([page[page.length - 1].word_id])).toString('base64url') : null;
      return [200, { items: page.map(vocabularyItem), nextCursor: next }];
    },
  ],
  [
    'GET',
    /^\/api\/me\/vocabulary\/due$/,
    async (userId, _m, url) => {
      const { rows } = await pool.query(`${ITEM_SQL} WHERE uv.user_id = $1 AND uv.due_at <= $2 ORDER BY uv.due_at LIMIT $3`, [
        userId,
        new Date(),
        intParam(url, 'limit', 20),
      ]);
      return [200, { items: rows.map(vocabularyItem) }];
    },
  ],
  [
    'GET',
    /^\/api\/me\/vocabulary\/stats$/,
    async (userId) => {
      const { rows } = await pool.query(
        `SELECT mastery_level AS level, count(*)::int AS n, (count(*) FILTER (WHERE due_at <= $2))::int AS due,
                min(due_at) FILTER (WHERE due_at > $2) AS next
           FROM user_vocabulary WHERE user_id = $1 GROUP BY mastery_level`,
        [userId, new Date()],
      );
      const byMastery = [0, 1, 2, 3, 4, 5].map((level) => ({ masteryLevel: level, count: rows.find((r) => r.level === level)?.n ?? 0 }));
      const next = rows.filter((r) => r.next).map((r) => (r.next as Date).getTime());
      return [
        200,
        {
          total: byMastery.reduce((s, m) => s + m.count, 0),
          byMastery,
          dueNow: rows.reduce((s, r) => s + r.due, 0),
          nextDueAt: next.length ? new Date(Math.min(...next)).toISOString() : null,
        },
      ];
    },
  ],
  [
    'GET',
    /^\/api\/words$/,
    async (_userId, _m, url) => {
      const page = intParam(url, 'page', 1);
      const perPage = intParam(url, 'perPage', 20);
      const { rows } = await pool.query(
        `SELECT w.id, w.term, w.translation, w.difficulty_level, w.category_id, c.name AS category_name, w.created_at, w.updated_at,
                count(*) OVER () AS total
           FROM words w JOIN categories c ON c.id = w.category_id
          WHERE w.category_id = $1 ORDER BY w.term, w.id OFFSET $2 LIMIT $3`,
        [intParam(url, 'categoryId', 0), (page - 1) * perPage, perPage],
      );
      const total = rows.length ? Number(rows[0].total) : 0;
      const items = rows.map((r) => ({
        id: r.id,
        term: r.term,
        translation: r.translation,
        difficultyLevel: r.difficulty_level,
        categoryId: r.category_id,
        category: { id: r.category_id, name: r.category_name },
        createdAt: iso(r.created_at),
        updatedAt: iso(r.updated_at),
      }));
      return [200, { items, total, page, perPage, pages: Math.ceil(total / perPage) }];
    },
  ],
  [
    'GET',
    /^\/api\/me\/conversations\/(\d+)\/messages$/,
    async (userId, m, url) => {
      const limit = intParam(url, 'limit', 50);
      const { rows } = await pool.query(MESSAGES_SQL, [Number(m[1]), userId, intParam(url, 'afterOrder', 0), limit + 1]);
      if (!rows.length) return notFound('Conversation');
      const found = rows.filter((r) => r.id !== null);
      const page = found.slice(0, limit);
      return [200, { items: page.map(message), nextAfterOrder: found.length > limit ? page[page.length - 1].message_order : null }];
    },
  ],
  [
    'POST',
    /^\/api\/me\/conversations\/(\d+)\/messages$/,
    async (userId, m, _url, body) => {
      const { rows } = await pool.query(
        `WITH s AS (UPDATE conversation_sessions SET last_message_order = last_message_order + 1
                     WHERE id = $1 AND user_id = $2 AND status IN ('active', 'paused') RETURNING id, last_message_order)
         INSERT INTO conversation_messages (session_id, role, content, message_order)
         SELECT s.id, $3, $4, s.last_message_order FROM s RETURNING *`,
        [Number(m[1]), userId, body.role, body.content],
      );
      return rows.length ? [201, message(rows[0])] : notFound('Conversation');
    },
  ],
  ['POST', /^\/api\/me\/practice-sessions\/(\d+)\/answers$/, (userId, m, _url, body) => answerFast(userId, Number(m[1]), body)],
  [
    'GET',
    /^\/api\/me$/,
    async (userId) => {
      const { rows } = await pool.query(
        `SELECT u.id, u.email, u.display_name, u.native_language, u.target_language, u.created_at,
                p.user_id AS profile_user_id, p.learning_goals, p.previous_knowledge, p.usage_context, p.updated_at AS profile_updated_at
           FROM users u LEFT JOIN user_profiles p ON p.user_id = u.id WHERE u.id = $1`,
        [userId],
      );
      if (!rows.length) return notFound('User');
      const r = rows[0];
      const profile =
        r.profile_user_id === null
          ? null
          : {
              learningGoals: r.learning_goals,
              previousKnowledge: r.previous_knowledge,
              usageContext: r.usage_context,
              updatedAt: iso(r.profile_updated_at),
            };
      const user = {
        id: r.id,
        email: r.email,
        displayName: r.display_name,
        nativeLanguage: r.native_language,
        targetLanguage: r.target_language,
        createdAt: iso(r.created_at),
      };
      return [200, { ...user, profile }];
    },
  ],
];

/** The practice-session writes the capacity benchmark's sessions need besides the answer (also served by its naive baseline). */
export const SESSION_WRITES: RouteTable = [
  [
    'POST',
    /^\/api\/me\/practice-sessions$/,
    async (userId) => {
      const { rows } = await pool.query(`INSERT INTO practice_sessions (user_id) VALUES ($1) RETURNING *`, [userId]);
      return [201, session(rows[0])];
    },
  ],
  [
    'POST',
    /^\/api\/me\/practice-sessions\/(\d+)\/finish$/,
    async (userId, m) => {
      const { rows } = await pool.query(
        `UPDATE practice_sessions SET finished_at = now(), duration_seconds = greatest(0, round(extract(epoch FROM now() - started_at)))::int
          WHERE id = $1 AND user_id = $2 AND finished_at IS NULL RETURNING *`,
        [Number(m[1]), userId],
      );
      if (rows.length) return [200, session(rows[0])];
      const found = await pool.query(`SELECT * FROM practice_sessions WHERE id = $1 AND user_id = $2`, [Number(m[1]), userId]);
      return found.rows.length ? [200, session(found.rows[0])] : notFound('Practice session');
    },
  ],
];

/** The floor's writes, by route: the naive baseline of `npm run bench:capacity` sends the same statements for them. */
export const FLOOR_WRITES: RouteTable = [...ROUTES.filter(([method]) => method === 'POST'), ...SESSION_WRITES];

/**
 * POST …/answers: what lingua-core sends — the snapshot, then the one statement that applies the
 * answer (its SQL and parameters, imported) — and, when that statement does not apply (a concurrent
 * change), the locking transaction below.
 */
async function answerFast(userId: number, sessionId: number, body: Row): Promise<[number, unknown]> {
  const [row] = (await pool.query(ANSWER_SNAPSHOT_SQL, [sessionId, userId, body.answerId, body.wordId])).rows as Row[];
  if (!row.session_found) return notFound('Practice session');
  if (row.a_id !== null) return [201, answerResult(withoutPrefix(row, 'a_'))];
  if (row.session_finished)
    return [409, { statusCode: 409, error: 'Conflict', code: 'state_conflict', message: 'The practice session is finished.' }];
  if (row.c_row_version === null) return transaction((client) => answer(client, userId, sessionId, body));
  const now = new Date();
  const next = scheduleCard(withoutPrefix(row, 'c_'), body.rating, now);
  const answer_ = {
    sessionId,
    userId,
    wordId: body.wordId,
    answerId: body.answerId,
    rating: body.rating,
    responseMs: body.responseMs,
    answeredAt: now,
    state: next.state,
    dueAt: next.dueAt,
    stability: next.stability,
    difficulty: next.difficulty,
    masteryLevel: next.masteryLevel,
  };
  try {
    const { rows } = await pool.query(
      APPLY_ANSWER_SQL,
      applyAnswerParams(answer_, { card: next, correct: body.rating >= 2 }, row.c_row_version),
    );
    if (rows.length) return [201, answerResult(rows[0])];
  } catch (err) {
    if ((err as { constraint?: string }).constraint !== 'uq_practice_answers_session_id_answer_id') throw err;
  }
  return transaction((client) => answer(client, userId, sessionId, body));
}

/** FSRS from a user_vocabulary row (snake_case columns), as lingua-core schedules it. */
const scheduleCard = (card: Row, rating: number, now: Date) =>
  scheduleReview(
    {
      dueAt: card.due_at,
      stability: card.stability,
      difficulty: card.difficulty,
      reps: card.reps,
      lapses: card.lapses,
      state: card.state,
      learningSteps: card.learning_steps,
      lastReviewedAt: card.last_reviewed_at,
    },
    rating as ReviewRating,
    now,
  );

/** POST …/answers when the fast path did not apply: lingua-core's locking transaction, statement for statement. */
async function answer(client: PoolClient, userId: number, sessionId: number, body: Row): Promise<[number, unknown]> {
  const session = (
    await client.query(`SELECT id, finished_at FROM practice_sessions WHERE id = $1 AND user_id = $2 FOR UPDATE`, [sessionId, userId])
  ).rows[0];
  if (!session) return notFound('Practice session');
  const previous = (
    await client.query(`SELECT * FROM practice_answers WHERE session_id = $1 AND answer_id = $2`, [sessionId, body.answerId])
  ).rows[0];
  if (previous) return [201, answerResult(previous)];
  if (session.finished_at)
    return [409, { statusCode: 409, error: 'Conflict', code: 'state_conflict', message: 'The practice session is finished.' }];
  const card = (await client.query(`SELECT * FROM user_vocabulary WHERE user_id = $1 AND word_id = $2 FOR UPDATE`, [userId, body.wordId]))
    .rows[0];
  if (!card) return notFound('Vocabulary word');
  const now = new Date();
  const next = scheduleCard(card, body.rating, now);
  const correct = body.rating >= 2;
  await client.query(
    `UPDATE user_vocabulary SET due_at = $2, stability = $3, difficulty = $4, reps = $5, lapses = $6, state = $7, learning_steps = $8,
            last_reviewed_at = $9, mastery_level = $10, times_seen = times_seen + 1, times_correct = times_correct + $11 WHERE id = $1`,
    [
      card.id,
      next.dueAt,
      next.stability,
      next.difficulty,
      next.reps,
      next.lapses,
      next.state,
      next.learningSteps,
      now,
      next.masteryLevel,
      correct ? 1 : 0,
    ],
  );
  await client.query(
    `UPDATE practice_sessions SET total_questions = total_questions + 1, correct_answers = correct_answers + $2 WHERE id = $1`,
    [sessionId, correct ? 1 : 0],
  );
  const inserted = await client.query(
    `INSERT INTO practice_answers (session_id, user_id, word_id, answer_id, rating, response_ms, answered_at, state, due_at, stability, difficulty, mastery_level)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *`,
    [
      sessionId,
      userId,
      body.wordId,
      body.answerId,
      body.rating,
      body.responseMs,
      now,
      next.state,
      next.dueAt,
      next.stability,
      next.difficulty,
      next.masteryLevel,
    ],
  );
  return [201, answerResult(inserted.rows[0])];
}

const answerResult = (a: Row) => ({
  answerId: a.answer_id,
  sessionId: a.session_id,
  wordId: a.word_id,
  rating: a.rating,
  correct: a.rating >= 2,
  responseMs: a.response_ms,
  answeredAt: iso(a.answered_at),
  card: {
    state: CARD_STATES[a.state],
    dueAt: iso(a.due_at),
    stability: a.stability,
    difficulty: a.difficulty,
    masteryLevel: a.mastery_level,
  },
});

async function transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release();
  }
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const json = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
  res.end(json);
}

function readJson(req: IncomingMessage): Promise<Row> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      try {
        resolve(chunks.length ? (JSON.parse(Buffer.concat(chunks).toString('utf8')) as Row) : {});
      } catch (err) {
        reject(err);
      }
    });
    req.on('error', reject);
  });
}

async function handle(routes: RouteTable, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const url = new URL(req.url ?? '/', 'http://floor');
  if (req.method === 'GET' && url.pathname === '/health/live') return send(res, 200, { status: 'ok' });
  for (const [method, pattern, handler] of routes) {
    const m = req.method === method ? pattern.exec(url.pathname) : null;
    if (!m) continue;
    const userId = verifyBearer(secret, req.headers.authorization);
    if (userId === null)
      return send(res, 401, { statusCode: 401, error: 'Unauthorized', code: 'unauthorized', message: 'A valid bearer token is required.' });
    const body = method === 'POST' ? await readJson(req) : {};
    const [status, payload] = await handler(userId, m, url, body);
    return send(res, status, payload);
  }
  send(res, 404, { statusCode: 404, error: 'Not Found', code: 'not_found', message: 'No such route.' });
}

/** Serves `routes` (with the floor's bearer check, JSON bodies and error answers) on `port` until SIGINT/SIGTERM; `close` runs after the server closes. */
export function serve(routes: RouteTable, port: number, close: () => Promise<unknown>): void {
  const server = createServer((req, res) => {
    handle(routes, req, res).catch((err: unknown) => {
      console.error(err);
      if (!res.headersSent)
        send(res, 500, { statusCode: 500, error: 'Internal Server Error', code: 'internal', message: 'Internal error.' });
    });
  });
  server.keepAliveTimeout = 65_000;
  server.listen(port, '127.0.0.1');
  const stop = () => {
    server.close(() => void Promise.all([close(), pool.end()]).then(() => process.exit(0)));
    server.closeAllConnections();
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

if (require.main === module) serve([...ROUTES, ...SESSION_WRITES], Number(process.env.PORT ?? 3100), async () => undefined);
