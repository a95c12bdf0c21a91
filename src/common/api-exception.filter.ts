import { ArgumentsHost, Catch, ExceptionFilter, HttpException, HttpStatus, Logger, Optional } from '@nestjs/common';
import type { Request, Response } from 'express';
import { classifyDatabaseError, retryAfterSeconds } from '../database/db-errors';
import { MetricsService } from '../observability/metrics.service';
import { ApiError, ApiErrorCode, FieldErrors } from './api-error';
import { requestIdOf } from './request-id';

export interface ErrorBody {
  statusCode: number;
  error: string;
  code: ApiErrorCode;
  message: string;
  requestId: string;
  constraint?: string;
  details?: FieldErrors[];
}

const CODE_BY_STATUS: Partial<Record<number, ApiErrorCode>> = {
  400: 'validation_failed',
  401: 'unauthorized',
  403: 'forbidden',
  404: 'not_found',
  409: 'state_conflict',
};

/**
 * The one place errors become HTTP answers (SPEC §3). Bodies never carry SQL, stacks or driver text;
 * unknown errors are logged with the request id and answered 500 `internal`.
 */
@Catch()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  constructor(@Optional() private readonly metrics?: MetricsService) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const req = http.getRequest<Request>();
    const res = http.getResponse<Response>();
    const body = this.toBody(exception, requestIdOf(req as never));
    this.metrics?.count(body.code);
    if (body.statusCode >= 500) {
      this.logger.error({ requestId: body.requestId, code: body.code, err: exception }, 'request failed');
    }
    if (res.headersSent) return;
    const retryAfter = body.statusCode === 503 ? retryAfterSeconds(body.code) ?? 5 : undefined;
    if (retryAfter !== undefined) res.setHeader('Retry-After', String(retryAfter));
    res.status(body.statusCode).json(body);
  }

  private toBody(exception: unknown, requestId: string): ErrorBody {
    if (exception instanceof ApiError) {
      return this.body(exception.getStatus(), exception.code, exception.message, requestId, {
        details: exception.details,
        constraint: exception.constraint,
      });
    }
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      const code = CODE_BY_STATUS[status] ?? (status >= 500 ? 'internal' : 'validation_failed');
      return this.body(status, code, publicMessage(exception), requestId);
    }
    const db = classifyDatabaseError(exception);
    if (db) return this.body(db.status, db.code, db.message, requestId, { constraint: db.constraint });
    return this.body(500, 'internal', 'An unexpected error occurred.', requestId);
  }

  private body(
    statusCode: number,
    code: ApiErrorCode,
    message: string,
    requestId: string,
    extra: { constraint?: string; details?: FieldErrors[] } = {},
  ): ErrorBody {
    const body: ErrorBody = { statusCode, error: reasonPhrase(statusCode), code, message, requestId };
    if (extra.constraint) body.constraint = extra.constraint;
    if (extra.details) body.details = extra.details;
    return body;
  }
}

function publicMessage(exception: HttpException): string {
  const response = exception.getResponse();
  if (typeof response === 'object' && response && 'message' in response) {
    const message = (response as { message: unknown }).message;
    if (typeof message === 'string') return message;
    if (Array.isArray(message)) return message.join('; ');
  }
  return exception.message;
}

function reasonPhrase(status: number): string {
  const name = HttpStatus[status];
  if (!name) return 'Error';
  return name
    .toLowerCase()
    .split('_')
    .map((w) => w[0].toUpperCase() + w.slice(1))
    .join(' ');
}
