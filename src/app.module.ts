import { createSecretKey } from 'node:crypto';
import { Module } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TerminusModule } from '@nestjs/terminus';
import { LoggerModule } from 'nestjs-pino';
import { ApiExceptionFilter } from './common/api-exception.filter';
import { assignRequestId } from './common/request-id';
import { AppEnv } from './config/env';
import { JwtAuthGuard } from './host/jwt-auth.guard';
import { OpsController } from './host/ops.controller';
import { LinguaCoreModule } from './lingua-core.module';
import { FEATURE_MODULES } from './feature-modules';

/**
 * The reference host: every lingua-core module behind JWT authentication, with structured logs
 * (request id on every line), health, metrics and OpenAPI. Embedding apps compose their own.
 */
@Module({
  imports: [
    LinguaCoreModule,
    LoggerModule.forRootAsync({
      inject: [AppEnv],
      useFactory: (env: AppEnv) => ({
        pinoHttp: {
          level: env.LOG_LEVEL,
          genReqId: (req, res) => assignRequestId(req, res),
          customProps: (req) => ({ requestId: req.id }),
          // Lean request lines (request id, method, url, status, response time). Serialising every
          // request's headers into its child logger, and redacting the bearer token out of them, was
          // about a quarter of a cheap route's CPU (issue 8); no header is logged, so no token can be.
          serializers: {
            req: (req: { id?: unknown; method?: string; url?: string }) => ({ id: req.id, method: req.method, url: req.url }),
            res: (res: { statusCode?: number }) => ({ statusCode: res.statusCode }),
          },
          autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
        },
      }),
    }),
    JwtModule.registerAsync({
      global: true,
      inject: [AppEnv],
      useFactory: (env: AppEnv) => ({
        // A KeyObject, not the string: given a string, jsonwebtoken tries createPublicKey() on it at every
        // verify and falls back after the throw — a quarter of the CPU under load (issue 8).
        secret: env.JWT_SECRET ? createSecretKey(Buffer.from(env.JWT_SECRET)) : undefined,
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
    TerminusModule,
    ...FEATURE_MODULES,
  ],
  controllers: [OpsController],
  providers: [
    { provide: APP_GUARD, useClass: JwtAuthGuard },
    { provide: APP_FILTER, useClass: ApiExceptionFilter },
  ],
})
export class AppModule {}
