import { Controller, Get, Header, HttpStatus, Res, ServiceUnavailableException } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOkResponse, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import { HealthCheckResult, HealthCheckService } from '@nestjs/terminus';
import { LinguaDegradableHealth, LinguaHealthIndicator, MetricsService, Public } from '../src/index';
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
    private readonly lingua: LinguaHealthIndicator,
    private readonly metrics: MetricsService,
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
  async ready(@Res({ passthrough: true }) res: ReplyLike): Promise<HealthCheckResult & LinguaDegradableHealth> {
    // lingua-core's public indicator: the database it runs on fails readiness; the rest is reported beside it.
    const degradable = this.lingua.degradable();
    let result: HealthCheckResult;
    try {
      result = await this.health.check([() => this.lingua.pingCheck('database', { timeoutMs: 1_500 })]);
    } catch (err) {
      // Terminus's own body (which check is down and why) is the useful answer for a probe.
      if (!(err instanceof ServiceUnavailableException)) throw err;
      res.status(HttpStatus.SERVICE_UNAVAILABLE);
      res.header('Retry-After', '5');
      result = err.getResponse() as HealthCheckResult;
    }
    return { ...result, ...(await degradable) };
  }

  @Get('metrics')
  @ApiExcludeEndpoint()
  @Header('Content-Type', 'text/plain; version=0.0.4')
  scrape(): Promise<string> {
    return this.metrics.registry.metrics();
  }
}
