import { Controller, Get, Res } from '@nestjs/common';
import { PrometheusController } from '@willsoto/nestjs-prometheus';
import type { Response } from 'express';
import { Anonymous } from '../auth/auth.guard';

/** @willsoto/nestjs-prometheus's /metrics, opened past the team's guard for the scraper. */
@Anonymous()
@Controller()
export class MetricsController extends PrometheusController {
  @Get()
  index(@Res({ passthrough: true }) response: Response) {
    return super.index(response);
  }
}
