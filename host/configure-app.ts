import { INestApplication } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { Logger } from 'nestjs-pino';
import { LinguaPathsExceptionFilter, MetricsService } from '../src/index';

/** What main.ts and the HTTP tests both apply to the Nest app, so tests exercise the real host. */
export function configureApp(
  app: INestApplication,
  { logger = true, shutdownHooks = true, docs = true }: { logger?: boolean; shutdownHooks?: boolean; docs?: boolean } = {},
): void {
  if (logger) app.useLogger(app.get(Logger));
  if (shutdownHooks) app.enableShutdownHooks();
  // Idle keep-alive sockets live 72 s on both platforms (Fastify's default; Node's, which Express keeps,
  // is 5 s): longer than the clients' and load balancers' own idle timeouts, so the server is not the
  // side that closes a socket a client is about to reuse (which the client sees as ECONNRESET).
  (app.getHttpServer() as { keepAliveTimeout: number }).keepAliveTimeout = 72_000;
  // Errors raised before routing under /api (malformed JSON, unknown path) answer lingua's body too.
  app.useGlobalFilters(new LinguaPathsExceptionFilter(app.get(HttpAdapterHost), ['/api'], app.get(MetricsService)));
  if (!docs) return;
  const config = new DocumentBuilder()
    .setTitle('lingua-core')
    .setDescription('Data layer of the language-learning monolith. Error bodies: see ErrorBodyDoc.')
    .setVersion('0.1.0')
    .addServer('/', 'This host (lingua routes under /api, health outside it)')
    // Every lingua route needs a bearer token except those marked public (`security: []`).
    .addBearerAuth({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'HS256 JWT: `sub` = user id, optional `roles: ["author"]`',
    })
    .build();
  // package.json's licence: UNLICENSED (no licence granted); DocumentBuilder.setLicense insists on a URL.
  config.info.license = { name: 'UNLICENSED' };
  SwaggerModule.setup('docs', app, () => SwaggerModule.createDocument(app, config));
}
