import { Controller, Get, Header, HttpStatus, Inject, Res, ServiceUnavailableException } from '@nestjs/common';
import type { Response } from 'express';
import { ApiExcludeEndpoint, ApiOkResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckService, HealthIndicatorService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { CACHE_MANAGER } from '@nestjs/cache-manager';
import type { Cache } from 'cache-manager';
import { Public } from '../common/auth';
import { MetricsService } from '../observability/metrics.service';

/** Liveness, readiness (database and cache) and Prometheus metrics, outside the /api prefix. */
@ApiTags('operations')
@Public()
@Controller()
export class OpsController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly indicators: HealthIndicatorService,
    @Inject(CACHE_MANAGER) private readonly cache: Cache,
    private readonly metrics: MetricsService,
  ) {}

  @Get('health/live')
  @ApiOkResponse({ description: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  @Get('health/ready')
  @ApiOkResponse({ description: 'Database and cache answer' })
  @ApiResponse({ status: HttpStatus.SERVICE_UNAVAILABLE, description: 'Database or cache down' })
  async ready(@Res({ passthrough: true }) res: Response): Promise<unknown> {
    try {
      return await this.health.check([() => this.db.pingCheck('database', { timeout: 1_500 }), () => this.cacheCheck()]);
    } catch (err) {
      // Terminus's own body (which check is down and why) is the useful answer for a probe.
      if (!(err instanceof ServiceUnavailableException)) throw err;
      res.status(HttpStatus.SERVICE_UNAVAILABLE).setHeader('Retry-After', '5');
      return err.getResponse();
    }
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }

  private async cacheCheck() {
    const indicator = this.indicators.check('cache');
    const key = 'lingua:health:ping';
    try {
      const value = String(Date.now());
      await withTimeout(this.cache.set(key, value, 5_000), 1_000);
      const read = await withTimeout(this.cache.get<string>(key), 1_000);
      return read === value ? indicator.up() : indicator.down({ message: 'cache did not return what was written' });
    } catch {
      return indicator.down({ message: 'cache unavailable' });
    }
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    promise,
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error('timeout')), ms);
    }),
  ]).finally(() => clearTimeout(timer));
}
