import { INestApplication } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { Logger as PinoLogger } from 'nestjs-pino';
import { AppModule } from '../../host/app.module';
import { configureApp } from '../../host/configure-app';
import { AppEnv, validateEnv } from '../../host/env';
import { fastifyOptions } from '../../host/platform';
import { TEST_JWT_SECRET, TestAppFactory, TestContext, TestContextOptions, testPlatform } from '../harness/context';

/**
 * The reference host (host/app.module.ts) as `npm start` runs it, configured like host/main.ts: its
 * validated environment (the spec's `env` over the test database, the test JWT secret and
 * TEST_LOG_LEVEL, default silent), JWT auth, pino, health, metrics and OpenAPI.
 */
export const referenceHostApp: TestAppFactory = (env) => {
  const appEnv = validateEnv({
    JWT_SECRET: TEST_JWT_SECRET,
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    // The host's own setting follows the jest project's platform (TestContext builds the app on it).
    HTTP_PLATFORM: testPlatform(),
    ...env,
  });
  return {
    root: AppModule,
    override: (builder) => builder.overrideProvider(AppEnv).useValue(appEnv),
    // On Fastify, SwaggerModule loads @fastify/static with a dynamic import(), which jest cannot run
    // without --experimental-vm-modules; the OpenAPI page is tested on Express (test/host/ops.spec.ts).
    configure: (app) => configureApp(app, { shutdownHooks: false, docs: testPlatform() === 'express' }),
    logger: (app: INestApplication) => app.get(PinoLogger),
    fastifyOptions: fastifyOptions(),
    sign: (app, userId, roles) => app.get(JwtService).sign({ sub: String(userId), roles }, { secret: TEST_JWT_SECRET, algorithm: 'HS256' }),
  };
};

/** A TestContext on the reference host: for what only the host has (JWT, pino, /health, /metrics, /docs, env validation). */
export const HostTestContext = {
  create: (options: TestContextOptions = {}): Promise<TestContext> => TestContext.create(options, referenceHostApp),
};
