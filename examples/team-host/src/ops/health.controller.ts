import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, HealthIndicatorService } from '@nestjs/terminus';
import { LinguaHealthIndicator } from 'lingua-core';
import { DataSource } from 'typeorm';
import { Anonymous } from '../auth/auth.guard';

/**
 * Readiness for the load balancer: the team's own database ping and lingua-core's checks
 * (terminus-shaped). The ping is written with HealthIndicatorService rather than terminus's
 * TypeOrmHealthIndicator, which finds typeorm with `import.meta.resolve` and `import()` by name at run
 * time — something a one-file bundle (esbuild.mjs) cannot answer.
 */
@Anonymous()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    private readonly dataSource: DataSource,
    private readonly lingua: LinguaHealthIndicator,
  ) {}

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  @Get('ready')
  @HealthCheck()
  ready() {
    return this.health.check([
      () => this.ping('db'),
      () => this.lingua.pingCheck('lingua_database'),
      () => this.lingua.isHealthy('lingua'),
    ]);
  }

  private async ping(key: string) {
    const check = this.indicator.check(key);
    try {
      await this.dataSource.query('SELECT 1');
      return check.up();
    } catch (err) {
      return check.down({ message: (err as Error).message });
    }
  }
}
