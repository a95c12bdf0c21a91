import { MiddlewareConsumer, Module, NestModule } from '@nestjs/common';
import { RouterModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LinguaApiModule, LinguaCoreModule } from 'lingua-core';
import { HeaderAuthMiddleware } from './auth/header-auth.middleware';
import { databaseUrl, dataSourceOptions } from './database';
import { HealthController } from './health.controller';
import { NotesModule } from './notes/notes.module';

@Module({
  imports: [
    // The app's connection; lingua-core runs on it (its entities and migrations are in the options).
    TypeOrmModule.forRootAsync({ useFactory: () => dataSourceOptions(databaseUrl()) }),
    // lingua-core's settings, in code: nothing is read from the environment by the library.
    LinguaCoreModule.forRootAsync({
      useFactory: () => ({ slowQueryMs: 500, cache: { ttlMs: 30_000, keyPrefix: 'monolith' } }),
    }),
    // Every lingua-core route (SPEC §3) under /lingua: POST /lingua/users, GET /lingua/me/vocabulary…
    LinguaApiModule,
    RouterModule.register([{ path: 'lingua', module: LinguaApiModule }]),
    NotesModule,
  ],
  controllers: [HealthController],
})
export class AppModule implements NestModule {
  configure(consumer: MiddlewareConsumer): void {
    consumer.apply(HeaderAuthMiddleware).forRoutes('*path');
  }
}
