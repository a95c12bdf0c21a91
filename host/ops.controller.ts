import { Controller, Get, Header, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService, TypeOrmHealthIndicator } from '@nestjs/terminus';
import { VersionedCache } from '../src/cache/versioned-cache';
import { Public } from '../src/common/auth';
import { MetricsService } from '../src/observability/metrics.service';
import { ReplicaReport, ReplicaSet } from '../src/database/replicas/replica-set';
import { SessionSettingsMonitor } from '../src/database/session-settings-monitor';

/** Reported by readiness, never failing it: lingua-core reads the primary when these are off. */
interface DegradableParts {
  replicas: ReplicaReport[];
  cacheListener?: 'up' | 'down' | 'not_a_session';
  sessionSettings?: { inForce: boolean; found: Record<string, string> };
}
import { LivenessDto, ReadinessDto } from './health.dto';

/** `status(code)` and `header(name, value)` exist on both Express's response and Fastify's reply. */
interface ReplyLike {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

/** Liveness, readiness (database; cache reported) and Prometheus metrics, outside the /api prefix. */
@ApiTags('operations')
@Public()
@Controller()
export class OpsController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly db: TypeOrmHealthIndicator,
    private readonly cache: VersionedCache,
    private readonly metrics: MetricsService,
    private readonly replicas: ReplicaSet,
    private readonly sessionSettings: SessionSettingsMonitor,
  ) {}

  @Get('health/live')
  @ApiOperation({ summary: 'Liveness: the process answers', security: [] })
  @ApiOkResponse({ type: LivenessDto, description: 'The process is up' })
  live(): { status: 'ok' } {
    return { status: 'ok' };
  }

  /**
   * 503 only when the database does not answer. The cache is optional (reads and writes work on
   * PostgreSQL alone), so it is reported under `cache` and never takes the instance out of rotation.
   */
  @Get('health/ready')
  @ApiOperation({ summary: 'Readiness: the database answers', security: [] })
  @ApiOkResponse({ type: ReadinessDto, description: 'The database answers; `cache` tells whether the cache does' })
  @ApiResponse({
    status: HttpStatus.SERVICE_UNAVAILABLE,
    type: ReadinessDto,
    description: "The database is down (Terminus's body, not the SPEC error body: a probe wants to know which check failed)",
    headers: { 'Retry-After': { description: 'Seconds to wait before probing again', schema: { type: 'integer' } } },
  })
  async ready(
    @Res({ passthrough: true }) res: ReplyLike,
  ): Promise<HealthCheckResult & DegradableParts & { cache: { status: 'up' | 'down'; message?: string } }> {
    const cacheProbe = this.cache.probe();
    let result: HealthCheckResult;
    try {
      result = await this.health.check([() => this.db.pingCheck('database', { timeout: 1_500 })]);
    } catch (err) {
      // Terminus's own body (which check is down and why) is the useful answer for a probe.
      if (!(err instanceof ServiceUnavailableException)) throw err;
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      res.header('Retry-After', '5');
      result = err.getResponse() as HealthCheckResult;
    }
    const cache = await cacheProbe;
    const report = this.sessionSettings.report;
    return {
      ...result,
      cache: { status: cache.up ? 'up' : 'down', ...(cache.message ? { message: cache.message } : {}) },
      cacheListener: this.cache.listenerState(),
      replicas: this.replicas.report(),
      ...(report ? { sessionSettings: { inForce: report.inForce, found: report.found } } : {}),
    };
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
