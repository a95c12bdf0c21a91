import { RequestMethod } from '@nestjs/common';
import type { Params } from 'nestjs-pino';
import { requestIdOf } from '../src/index';

/**
 * The reference host's request logging (nestjs-pino over pino-http), the same on Express and Fastify:
 * one line per request (health probes excepted) with `requestId`, `req: { id, method, url }`,
 * `res: { statusCode }` and `responseTime`.
 */
export function loggerParams(level: string): Params {
  return {
    // nestjs-pino's default routes ('{/*splat}') bind no middleware to RouterModule-prefixed routes on
    // Fastify (no request line at all); '*path' matches every path on both platforms.
    forRoutes: [{ path: '*path', method: RequestMethod.ALL }],
    pinoHttp: {
      level,
      // The same id lingua-core's controllers answer with (incoming X-Request-Id kept, else a UUID).
      genReqId: (req) => requestIdOf(req),
      customProps: (req) => ({ requestId: req.id }),
      // Lean request lines (request id, method, url, status, response time). Serialising every
      // request's headers into its child logger, and redacting the bearer token out of them, was
      // about a quarter of a cheap route's CPU (issue 8); no header is logged, so no token can be.
      serializers: {
        req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, url: req.url }),
        res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
      },
      // originalUrl: on Fastify, middie has cut the matched prefix off req.url when this runs.
      autoLogging: { ignore: (req) => ((req as { originalUrl?: string }).originalUrl ?? req.url)?.startsWith('/health') ?? false },
    },
  };
}
