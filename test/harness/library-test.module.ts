import { DynamicModule, Module } from '@nestjs/common';
import { APP_GUARD, RouterModule } from '@nestjs/core';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LinguaApiModule } from '../../src/api/lingua-api.module';
import { buildDataSourceOptions } from '../../src/data-source-options';
import { resolvePooler } from '../../src/database/pooler';
import { LinguaCoreModule } from '../../src/lingua-core.module';
import { TestAuthGuard } from './test-auth';
import { databaseOptionsOf, linguaOptionsOf, TestEnv } from './test-options';

/**
 * What the library tests boot: the smallest host lingua-core supports — a TypeORM connection built
 * with `buildDataSourceOptions`, `LinguaCoreModule.forRoot(options)`, `LinguaApiModule` under `/api`
 * with `RouterModule`, and a test bearer-token guard. Nothing else is registered (no global pipe,
 * filter, logger or config), so the SPEC §3 contract is proven to hold on lingua-core's own.
 */
@Module({})
export class LibraryTestModule {
  static forRoot(env: TestEnv): DynamicModule {
    const database = databaseOptionsOf(env);
    return {
      module: LibraryTestModule,
      imports: [
        TypeOrmModule.forRootAsync({
          useFactory: async () => ({
            ...buildDataSourceOptions(await resolvePooler(database, 'DATABASE_POOLER=transaction')),
            retryAttempts: 3,
            retryDelay: 1_000,
          }),
        }),
        LinguaCoreModule.forRoot(linguaOptionsOf(env)),
        LinguaApiModule,
        RouterModule.register([{ path: 'api', module: LinguaApiModule }]),
      ],
      providers: [{ provide: APP_GUARD, useClass: TestAuthGuard }],
    };
  }
}
