import { INestApplication, Type } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';

import type { HttpPlatform } from './env';
import { requestIdOf } from '../src/index';

/**
 * The Nest app on the chosen platform. `@nestjs/platform-fastify` is loaded only when chosen, so a
 * host on Express never needs it installed; both are the reference host's dependencies (devDependencies
 * of this package, like the rest of the host's), never the library's.
 */
export async function createHostApp(root: Type<unknown>, platform: HttpPlatform): Promise<INestApplication> {
  if (platform === 'express') return NestFactory.create(root, { bufferLogs: true });
  const { FastifyAdapter } = await import('@nestjs/platform-fastify');
  return NestFactory.create(root, new FastifyAdapter(fastifyOptions()), { bufferLogs: true });
}

/**
 * Fastify's own request id is the one pino-http logs (middie copies it onto Node's request): make it
 * lingua-core's, so request lines, `X-Request-Id` and error bodies agree as they do on Express.
 */
export function fastifyOptions(): { genReqId: (req: Parameters<typeof requestIdOf>[0]) => string } {
  return { genReqId: (req) => requestIdOf(req) };
}
