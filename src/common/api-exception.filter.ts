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
import { FILTER_CATCH_EXCEPTIONS } from '@nestjs/common/constants';
import { ApplicationConfig, HttpAdapterHost } from '@nestjs/core';
import { classifyDatabaseError, retryAfterSeconds } from '../database/db-errors';
import { LinguaHostRequest, LinguaSettings } from '../lingua-core.options';
import { MetricsService } from '../observability/metrics.service';
import { ApiError, ApiErrorCode, FieldErrors, LinguaErrorBody, LinguaHttpException } from './api-error';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';
import { validatedInputError } from './lingua-request.guard';

/** SPEC §3's error body (the name earlier versions exported; the same as `LinguaErrorBody`). */
export type ErrorBody = LinguaErrorBody;

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
    @Optional() private readonly settings?: LinguaSettings,
    /** The app's global filters, for `errors: 'host'`. */
    @Optional() private readonly appConfig?: ApplicationConfig,
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
    const retryAfter = body.statusCode === 503 ? (retryAfterSeconds(body.code) ?? 5) : undefined;
    adapter.setHeader(res, REQUEST_ID_HEADER, body.requestId);
    if (retryAfter !== undefined) adapter.setHeader(res, 'Retry-After', String(retryAfter));
    if (this.settings?.errors === 'host') {
      this.handOff(exception, body, retryAfter, host);
      return;
    }
    const format = this.settings?.errorBody;
    adapter.reply(res, format ? format(body, http.getRequest<LinguaHostRequest>()) : body, body.statusCode);
  }

  /**
   * `errors: 'host'`: the host's global filters answer, picked the way Nest picks them (the last one
   * registered whose `@Catch()` matches). lingua's own errors reach them as a LinguaHttpException; an
   * HttpException of the host's (its guard's 401, its pipe's 400) as it was thrown. With no matching
   * filter, the exception's response is answered as Nest's default filter would.
   */
  private handOff(exception: unknown, body: LinguaErrorBody, retryAfter: number | undefined, host: ArgumentsHost): void {
    const handed =
      exception instanceof HttpException && !(exception instanceof ApiError)
        ? exception
        : new LinguaHttpException(body, { cause: exception, retryAfter });
    const filters = [...(this.appConfig?.getGlobalFilters() ?? [])].reverse();
    for (const filter of filters) {
      if (filter instanceof ApiExceptionFilter) continue;
      const types: Array<new (...args: never[]) => unknown> = Reflect.getMetadata(FILTER_CATCH_EXCEPTIONS, filter.constructor) ?? [];
      if (types.length === 0 || types.some((type) => handed instanceof type)) {
        const result: unknown = filter.catch(handed, host);
        if (result instanceof Promise) result.catch((err: unknown) => this.logger.error({ msg: 'host exception filter failed', err }));
        return;
      }
    }
    this.adapterHost.httpAdapter.reply(host.switchToHttp().getResponse(), handed.getResponse(), handed.getStatus());
  }

  private toBody(exception: unknown, requestId: string): LinguaErrorBody {
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
  ): LinguaErrorBody {
    const body: LinguaErrorBody = { statusCode, error: reasonPhrase(statusCode), code, message, requestId };
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
