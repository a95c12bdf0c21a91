import { Injectable, Logger, OnModuleInit } from '@nestjs/common';
import { LinguaSettings } from '../lingua-core.options';
import { MetricsService } from '../observability/metrics.service';
import { LinguaDataSource } from './lingua-data-source';
import { checkSessionSettings, reportSessionSettings, SessionSettingsReport } from './session-settings';

/**
 * At start-up, checks that statements outside a transaction run with lingua-core's timeouts (behind a
 * transaction pooler they can only come from role or database defaults), logs the fix when they do
 * not, and keeps the answer for readiness and `/metrics`.
 */
@Injectable()
export class SessionSettingsMonitor implements OnModuleInit {
  private readonly logger = new Logger('LinguaDatabase');
  report: SessionSettingsReport | undefined;

  constructor(
    private readonly settings: LinguaSettings,
    private readonly dataSource: LinguaDataSource,
    private readonly metrics: MetricsService,
  ) {}

  async onModuleInit(): Promise<void> {
    const timeouts = this.settings.sessionTimeouts;
    if (!timeouts) return;
    try {
      this.report = await checkSessionSettings(this.dataSource, timeouts);
    } catch (err) {
      this.logger.warn(`could not check the session settings: ${String(err)}`);
      return;
    }
    this.metrics.sessionSettingsInForce.set(this.report.inForce ? 1 : 0);
    reportSessionSettings(this.report, this.logger);
  }
}
