import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { ApiProperty } from '@nestjs/swagger';
import { ApiError, classifyDatabaseError, LinguaHttpException } from 'lingua-core';

class ErrorDetail {
  @ApiProperty({ example: 'not_found' }) code: string;
  @ApiProperty() message: string;
}

/** The team's error envelope, documented on every error response (lingua's too: `openApi.errorBody`). */
export class ErrorEnvelope {
  @ApiProperty({ type: ErrorDetail }) error: ErrorDetail;
}

const CODES: Partial<Record<number, string>> = {
  400: 'bad_request',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  503: 'unavailable',
};

/**
 * The team's global filter: every error, its own and lingua-core's (handed over as
 * LinguaHttpException by `errors: 'host'`), answers `{ error: { code, message } }`.
 */
@Catch()
export class EnvelopeFilter implements ExceptionFilter {
  private readonly logger = new Logger(EnvelopeFilter.name);
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    // A database error from a lingua service the team's code called (not a lingua route): lingua's mapping.
    const db = exception instanceof HttpException ? undefined : classifyDatabaseError(exception);
    const status = exception instanceof HttpException ? exception.getStatus() : (db?.status ?? HttpStatus.INTERNAL_SERVER_ERROR);
    const code =
      exception instanceof LinguaHttpException || exception instanceof ApiError
        ? exception.code
        : (db?.code ?? CODES[status] ?? 'internal_error');
    const message = db?.message ?? (status < 500 && exception instanceof Error ? exception.message : 'Something went wrong.');
    if (status >= 500) this.logger.error(exception instanceof Error ? (exception.stack ?? exception.message) : String(exception));
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), { error: { code, message } }, status);
  }
}
