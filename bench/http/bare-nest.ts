/**
 * The bare Nest comparison point of `npm run bench:http`: the reference host's platform (HTTP_PLATFORM),
 * its request logging (host/logging.ts: nestjs-pino, the same lines) and its bearer check (the host's
 * JwtAuthGuard as APP_GUARD), and one plain controller whose handlers run the floor's hand-written `pg`
 * statements for the same answers (a pool of 10) — no lingua-core: no interceptors, pipes, validation,
 * exception filter, TypeORM or DTO mapping classes. ours − bare-nest on the same platform is what
 * lingua-core's own per-request layers cost; bare-nest − floor is Nest, the platform and logging.
 *
 *   DATABASE_URL=… JWT_SECRET=… PORT=… HTTP_PLATFORM=express|fastify node -r ts-node/register/transpile-only bench/http/bare-nest.ts
 */
import 'reflect-metadata';
import { Controller, Get, HttpException, Module, Param, Query, Req } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { Logger, LoggerModule } from 'nestjs-pino';
import { Pool } from 'pg';
import { Public } from '../../src/common/auth';
import { validateEnv } from '../../host/env';
import { JwtAuthGuard, jwtModuleOptions } from '../../host/jwt-auth.guard';
import { loggerParams } from '../../host/logging';
import { createHostApp } from '../../host/platform';

const env = validateEnv(process.env);
const pool = new Pool({ connectionString: env.DATABASE_URL, max: env.DB_POOL_MAX, options: '-c TimeZone=UTC' });
pool.on('error', () => undefined);

type Row = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
interface Authed {
  user: { id: number };
}
const CARD_STATES = ['new', 'learning', 'review', 'relearning'];
const iso = (d: Date | null) => (d ? d.toISOString() : null);
const int = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));

// The floor's statements (bench/http/floor.ts), verbatim.
const ITEM_SQL = `SELECT uv.word_id, uv.mastery_level, uv.times_seen, uv.times_correct, uv.state, uv.due_at, uv.stability,
       uv.difficulty, uv.reps, uv.lapses, uv.last_reviewed_at, uv.created_at,
       w.term, w.translation, w.difficulty_level, w.category_id, c.name AS category_name
  FROM user_vocabulary uv JOIN words w ON w.id = uv.word_id JOIN categories c ON c.id = w.category_id`;
const MESSAGES_SQL = `SELECT m.id, s.id AS session_id, m.role, m.content, m.message_order, m.created_at
           FROM conversation_sessions s
           LEFT JOIN LATERAL (SELECT * FROM conversation_messages m WHERE m.session_id = s.id AND m.message_order > $3
                               ORDER BY m.message_order LIMIT $4) m ON true
          WHERE s.id = $1 AND s.user_id = $2`;

const item = (r: Row) => ({
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

@Controller()
class BareController {
  @Public()
  @Get('health/live')
  live() {
    return { status: 'ok' };
  }

  @Get('api/me/vocabulary')
  async list(@Req() req: Authed, @Query('limit') limitText?: string) {
    const limit = int(limitText, 20);
    const { rows } = await pool.query(`${ITEM_SQL} WHERE uv.user_id = $1 ORDER BY uv.word_id LIMIT $2`, [req.user.id, limit + 1]);
    const page = rows.slice(0, limit);
    const next = rows.length > limit ? Buffer.from(JSON.stringify([page[page.length - 1].word_id])).toString('base64url') : null;
    return { items: page.map(item), nextCursor: next };
  }

  @Get('api/me/vocabulary/due')
  async due(@Req() req: Authed, @Query('limit') limit?: string) {
    const sql = `${ITEM_SQL} WHERE uv.user_id = $1 AND uv.due_at <= $2 ORDER BY uv.due_at LIMIT $3`;
    const { rows } = await pool.query(sql, [req.user.id, new Date(), int(limit, 20)]);
    return { items: rows.map(item) };
  }

  @Get('api/me/conversations/:id/messages')
  async messages(@Req() req: Authed, @Param('id') id: string, @Query('limit') limitText?: string, @Query('afterOrder') after?: string) {
    const limit = int(limitText, 50);
    const { rows } = await pool.query(MESSAGES_SQL, [Number(id), req.user.id, int(after, 0), limit + 1]);
    if (!rows.length) throw new HttpException({ statusCode: 404, code: 'not_found', message: 'Conversation not found.' }, 404);
    const found = rows.filter((r) => r.id !== null);
    const page = found.slice(0, limit);
    return {
      items: page.map((r) => ({
        id: r.id,
        conversationId: r.session_id,
        role: r.role,
        content: r.content,
        messageOrder: r.message_order,
        createdAt: iso(r.created_at),
      })),
      nextAfterOrder: found.length > limit ? page[page.length - 1].message_order : null,
    };
  }
}

@Module({
  imports: [LoggerModule.forRoot(loggerParams(env.LOG_LEVEL)), JwtModule.register({ global: true, ...jwtModuleOptions(env) })],
  controllers: [BareController],
  providers: [{ provide: APP_GUARD, useClass: JwtAuthGuard }],
})
class BareModule {}

async function main(): Promise<void> {
  const app = await createHostApp(BareModule, env.HTTP_PLATFORM);
  app.useLogger(app.get(Logger));
  await app.listen(env.PORT, '127.0.0.1');
  const stop = () => void app.close().then(() => pool.end().then(() => process.exit(0)));
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
