import { Module } from '@nestjs/common';
import { APP_GUARD, RouterModule } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { TerminusModule } from '@nestjs/terminus';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LoggerModule } from 'nestjs-pino';
import { buildDataSourceOptions, LinguaApiModule, LinguaCoreModule, resolvePooler } from '../src/index';
import { HostConfigModule } from './config.module';
import { AppEnv, databaseOptionsFromEnv, linguaOptionsFromEnv } from './env';
import { JwtAuthGuard, jwtModuleOptions } from './jwt-auth.guard';
import { loggerParams } from './logging';
import { OpsController } from './ops.controller';

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
    LoggerModule.forRootAsync({ inject: [AppEnv], useFactory: (env: AppEnv) => loggerParams(env.LOG_LEVEL) }),
    JwtModule.registerAsync({ global: true, inject: [AppEnv], useFactory: jwtModuleOptions }),
    TerminusModule,
  ],
  controllers: [OpsController],
  providers: [{ provide: APP_GUARD, useClass: JwtAuthGuard }],
})
export class AppModule {}
