import {
  ArgumentsHost,
  BadRequestException,
  Catch,
  ExceptionFilter,
  HttpException,
  HttpStatus,
  Injectable,
  Logger,
  Optional,
} from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { classifyDatabaseError, retryAfterSeconds } from '../database/db-errors';
import { MetricsService } from '../observability/metrics.service';
import { ApiError, ApiErrorCode, FieldErrors } from './api-error';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';
import { validatedInputError } from './lingua-request.guard';

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
 * The one place errors become HTTP answers (SPEC §3), on Express or Fastify. Bodies never carry SQL,
 * stacks or driver text; unknown errors are logged with the request id and answered 500 `internal`.
 * lingua-core's controllers bind it themselves (`@LinguaController`): the host registers nothing.
 */
@Catch()
@Injectable()
export class ApiExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('ApiExceptionFilter');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Optional() private readonly metrics?: MetricsService,
  ) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request: unknown = host.switchToHttp().getRequest();
    // A host's pipe rejected the input before lingua's own: answer lingua's 400 (with details) when its rules reject it too.
    if (exception instanceof BadRequestException && !(exception instanceof ApiError)) {
      void validatedInputError(request).then(
        (own) => this.answer(own ?? exception, host),
        () => this.answer(exception, host),
      );
      return;
    }
    this.answer(exception, host);
  }

  private answer(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const res = http.getResponse();
    const body = this.toBody(exception, requestIdOf(http.getRequest()));
    this.metrics?.count(body.code);
    if (body.statusCode >= 500) {
      this.logger.error({ msg: 'request failed', requestId: body.requestId, code: body.code, err: exception });
    }
    const adapter = this.adapterHost.httpAdapter;
    if (adapter.isHeadersSent(res)) return;
    adapter.setHeader(res, REQUEST_ID_HEADER, body.requestId);
    if (body.statusCode === 503) adapter.setHeader(res, 'Retry-After', String(retryAfterSeconds(body.code) ?? 5));
    adapter.reply(res, body, body.statusCode);
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
