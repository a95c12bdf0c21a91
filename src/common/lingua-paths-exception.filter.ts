import { ArgumentsHost, Catch } from '@nestjs/common';
import { BaseExceptionFilter, HttpAdapterHost } from '@nestjs/core';
import { MetricsService } from '../observability/metrics.service';
import { ApiExceptionFilter } from './api-exception.filter';

/**
 * Errors Nest raises before any lingua controller is chosen — a malformed JSON body, a body over the
 * parser's limit, an unknown path under lingua's prefix — are handled by the host's global filters,
 * not by the filter lingua's controllers bind (docs/errors.md). A host that wants lingua's body for
 * them registers this one globally with lingua's prefixes: under a prefix it answers like
 * ApiExceptionFilter (SPEC §3 body, request id); everywhere else it is Nest's default filter, so the
 * host's own routes are untouched. lingua-core never registers it itself.
 *
 *   app.useGlobalFilters(new LinguaPathsExceptionFilter(app.get(HttpAdapterHost), ['/api'], app.get(MetricsService)));
 */
@Catch()
export class LinguaPathsExceptionFilter extends BaseExceptionFilter {
  private readonly lingua: ApiExceptionFilter;
  private readonly prefixes: string[];

  constructor(adapterHost: HttpAdapterHost, prefixes: readonly string[], metrics?: MetricsService) {
    super(adapterHost.httpAdapter);
    this.lingua = new ApiExceptionFilter(adapterHost, metrics);
    this.prefixes = prefixes.map((p) => `/${p.replace(/^\/+|\/+$/g, '')}`);
  }

  catch(exception: unknown, host: ArgumentsHost): void {
    if (host.getType() === 'http' && this.isLinguaPath(host.switchToHttp().getRequest())) {
      this.lingua.catch(exception, host);
      return;
    }
    super.catch(exception, host);
  }

  private isLinguaPath(request: { originalUrl?: string; url?: string }): boolean {
    const path = (request.originalUrl ?? request.url ?? '').split('?')[0];
    return this.prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`));
  }
}
