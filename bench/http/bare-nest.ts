/**
 * The bare Nest comparison point of `npm run bench:http`: the reference host's platform (HTTP_PLATFORM),
 * its request logging (host/logging.ts: nestjs-pino, the same lines) and its bearer check (the host's
 * JwtAuthGuard as APP_GUARD), and one plain controller whose handlers run the floor's hand-written `pg`
 * statements for the same answers (a pool of 10) — no lingua-core: no interceptors, pipes, validation,
 * exception filter, TypeORM or DTO mapping classes. ours − bare-nest on the same platform is what
 * lingua-core's own per-request layers cost; bare-nest − floor is Nest, the platform and logging. The two
 * writes run the floor's own handlers (FLOOR_WRITES: the answer's two statements, the append's one).
 *
 *   DATABASE_URL=… JWT_SECRET=… PORT=… HTTP_PLATFORM=express|fastify node -r ts-node/register/transpile-only bench/http/bare-nest.ts
 */
import 'reflect-metadata';
import { Body, Controller, Get, HttpException, Module, Param, Post, Query, Req } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { Logger, LoggerModule } from 'nestjs-pino';
import { Pool } from 'pg';
import { Public } from '../../src/common/auth';
import { validateEnv } from '../../host/env';
import { JwtAuthGuard, jwtModuleOptions } from '../../host/jwt-auth.guard';
import { loggerParams } from '../../host/logging';
import { createHostApp } from '../../host/platform';
// The floor's statements and answer shapes, imported (importing floor.ts starts no server; its pool connects on first use only).
import { FLOOR_WRITES, ITEM_SQL, message, MESSAGES_SQL, Row, vocabularyItem } from './floor';

const env = validateEnv(process.env);
const pool = new Pool({ connectionString: env.DATABASE_URL, max: env.DB_POOL_MAX, options: '-c TimeZone=UTC' });
pool.on('error', () => undefined);

interface Authed {
  user: { id: number };
  url: string;
  originalUrl?: string;
}

/** A write as the floor does it (its handler, statements and answer), behind Nest: no lingua-core between. */
async function floorWrite(req: Authed, body: Row): Promise<unknown> {
  const url = new URL(req.originalUrl ?? req.url, 'http://bare');
  for (const [method, pattern, handler] of FLOOR_WRITES) {
    const m = method === 'POST' ? pattern.exec(url.pathname) : null;
    if (!m) continue;
    const [status, payload] = await handler(req.user.id, m, url, body);
    if (status >= 300) throw new HttpException(payload as Record<string, unknown>, status);
    return payload;
  }
  throw new HttpException({ statusCode: 404, code: 'not_found', message: 'No such route.' }, 404);
}
const int = (v: string | undefined, fallback: number) => (v === undefined ? fallback : Number(v));

@Controller()
class BareController {
  @Post('api/me/practice-sessions/:id/answers')
  answer(@Req() req: Authed, @Body() body: Row) {
    return floorWrite(req, body);
  }

  @Post('api/me/conversations/:id/messages')
  append(@Req() req: Authed, @Body() body: Row) {
    return floorWrite(req, body);
  }

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
    return { items: page.map(vocabularyItem), nextCursor: next };
  }

  @Get('api/me/vocabulary/due')
  async due(@Req() req: Authed, @Query('limit') limit?: string) {
    const sql = `${ITEM_SQL} WHERE uv.user_id = $1 AND uv.due_at <= $2 ORDER BY uv.due_at LIMIT $3`;
    const { rows } = await pool.query(sql, [req.user.id, new Date(), int(limit, 20)]);
    return { items: rows.map(vocabularyItem) };
  }

  @Get('api/me/conversations/:id/messages')
  async messages(@Req() req: Authed, @Param('id') id: string, @Query('limit') limitText?: string, @Query('afterOrder') after?: string) {
    const limit = int(limitText, 50);
    const { rows } = await pool.query(MESSAGES_SQL, [Number(id), req.user.id, int(after, 0), limit + 1]);
    if (!rows.length) throw new HttpException({ statusCode: 404, code: 'not_found', message: 'Conversation not found.' }, 404);
    const found = rows.filter((r) => r.id !== null);
    const page = found.slice(0, limit);
    return {
      items: page.map(message),
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
