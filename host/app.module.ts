import { Module } from '@nestjs/common';
import { APP_GUARD, RouterModule } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { LinguaApiModule } from '../src/api/lingua-api.module';
import { requestIdOf } from '../src/common/request-id';
import { buildDataSourceOptions } from '../src/database/data-source-options';
import { HostConfigModule } from './config.module';
import { AppEnv, databaseOptionsFromEnv, linguaOptionsFromEnv } from './env';
import { resolvePooler } from '../src/database/pooler';
import { JwtAuthGuard, jwtModuleOptions } from './jwt-auth.guard';
import { OpsController } from './ops.controller';
import { LinguaCoreModule } from '../src/lingua-core.module';

/**
 * The reference host: one consumer of the library, as an embedding app would write it. Its own
 * TypeORM connection carries lingua-core's entities; lingua-core runs on it; every lingua route is
 * mounted under /api with RouterModule, behind the host's JWT authentication; structured logs with
 * the request id, health, metrics and OpenAPI are the host's.
 */
@Module({
  imports: [
    HostConfigModule,
    TypeOrmModule.forRootAsync({
      inject: [AppEnv],
      useFactory: async (env: AppEnv) => ({
        ...buildDataSourceOptions(await resolvePooler(databaseOptionsFromEnv(env), 'DATABASE_POOLER=transaction')),
        retryAttempts: 3,
        retryDelay: 1_000,
      }),
    }),
    LinguaCoreModule.forRootAsync({ inject: [AppEnv], useFactory: linguaOptionsFromEnv }),
    LinguaApiModule,
    RouterModule.register([{ path: 'api', module: LinguaApiModule }]),
    LoggerModule.forRootAsync({
      inject: [AppEnv],
      useFactory: (env: AppEnv) => ({
        pinoHttp: {
          level: env.LOG_LEVEL,
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
          autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
        },
      }),
    }),
    JwtModule.registerAsync({ global: true, inject: [AppEnv], useFactory: jwtModuleOptions }),
    TerminusModule,
  ],
  controllers: [OpsController],
  providers: [{ provide: APP_GUARD, useClass: JwtAuthGuard }],
})
export class AppModule {}
