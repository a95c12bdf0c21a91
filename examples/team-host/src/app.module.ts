import { ClassSerializerInterceptor, Module, ValidationPipe } from '@nestjs/common';
import { APP_FILTER, APP_GUARD, APP_INTERCEPTOR, APP_PIPE, RouterModule } from '@nestjs/core';
import { ClsPluginTransactional } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { TerminusModule } from '@nestjs/terminus';
import { getDataSourceToken, TypeOrmModule } from '@nestjs/typeorm';
import { PrometheusModule } from '@willsoto/nestjs-prometheus';
import { clsTransaction, LinguaApiModule, LinguaCoreModule } from 'lingua-core';
import { ClsModule } from 'nestjs-cls';
import { register } from 'prom-client';
import { DataSource } from 'typeorm';
import { AccountsModule } from './accounts/accounts.module';
import { learnerLookup } from './accounts/learner-lookup';
import { AuthGuard } from './auth/auth.guard';
import { EnvelopeFilter, ErrorEnvelope } from './common/envelope.filter';
import { databaseUrl, dataSourceOptions } from './database';
import { HealthController } from './ops/health.controller';
import { MetricsController } from './ops/metrics.controller';

/** The bearer scheme's name in the team's OpenAPI document (openapi.ts). */
export const SECURITY_SCHEME = 'access-token';

@Module({
  imports: [
    TypeOrmModule.forRootAsync({ useFactory: () => dataSourceOptions(databaseUrl()) }),
    ClsModule.forRoot({
      global: true,
      middleware: { mount: true },
      plugins: [new ClsPluginTransactional({ adapter: new TransactionalAdapterTypeOrm({ dataSourceToken: getDataSourceToken() }) })],
    }),
    // Process metrics once, by the team, on prom-client's default registry; lingua's go on the same one.
    PrometheusModule.register({ controller: MetricsController, defaultMetrics: { enabled: true } }),
    TerminusModule,
    LinguaCoreModule.forRootAsync({
      inject: [DataSource],
      useFactory: (dataSource: DataSource) => ({
        transaction: clsTransaction(),
        learner: learnerLookup(dataSource),
        roles: (req) => (req.user as { roles?: string[] } | undefined)?.roles,
        errors: 'host',
        metrics: { registry: register },
        openApi: { securityScheme: SECURITY_SCHEME, errorBody: ErrorEnvelope },
      }),
    }),
    LinguaApiModule,
    RouterModule.register([{ path: 'lingua', module: LinguaApiModule }]),
    AccountsModule,
  ],
  controllers: [HealthController],
  providers: [
    { provide: APP_GUARD, useClass: AuthGuard },
    { provide: APP_PIPE, useValue: new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true, transform: true }) },
    { provide: APP_INTERCEPTOR, useClass: ClassSerializerInterceptor },
    { provide: APP_FILTER, useClass: EnvelopeFilter },
  ],
})
export class AppModule {}
