import { Controller, Get } from '@nestjs/common';
import { HealthCheck, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { LinguaHealthIndicator } from 'lingua-core';
import { Anonymous } from '../auth/auth.guard';

/** Readiness for the load balancer: the team's own database check, and lingua-core's (terminus-shaped). */
@Anonymous()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
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
      () => this.db.pingCheck('db'),
      () => this.lingua.pingCheck('lingua_database'),
      () => this.lingua.isHealthy('lingua'),
    ]);
  }
}
