import { HttpException, HttpStatus } from '@nestjs/common';

export type ApiErrorCode =
  | 'validation_failed'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'unique_violation'
  | 'foreign_key_violation'
  | 'check_violation'
  | 'not_null_violation'
  | 'state_conflict'
  | 'db_unavailable'
  | 'db_timeout'
  | 'db_contention'
  | 'internal';

export interface FieldErrors {
  field: string;
  messages: string[];
}

/** An error a service raises on purpose; the global filter turns it into the SPEC §3 body. */
export class ApiError extends HttpException {
  constructor(
    status: HttpStatus,
    readonly code: ApiErrorCode,
    message: string,
    readonly details?: FieldErrors[],
    /** For integrity errors raised on purpose (e.g. a rejected bulk insert): the constraint's name. */
    readonly constraint?: string,
  ) {
    super(message, status);
  }
}

export const notFound = (what: string) => new ApiError(HttpStatus.NOT_FOUND, 'not_found', `${what} not found.`);
export const stateConflict = (message: string) => new ApiError(HttpStatus.CONFLICT, 'state_conflict', message);
export const validationFailed = (message: string, details?: FieldErrors[]) =>
  new ApiError(HttpStatus.BAD_REQUEST, 'validation_failed', message, details);

/** SPEC §3's error body: what lingua-core answers, and what `LinguaHttpException` carries. */
export interface LinguaErrorBody {
  statusCode: number;
  error: string;
  code: ApiErrorCode;
  message: string;
  requestId: string;
  constraint?: string;
  details?: FieldErrors[];
}

/**
 * One of lingua-core's errors, mapped (SQLSTATE, validation, auth…) and handed to the host's global
 * exception filters with the option `errors: 'host'`. `getResponse()` is SPEC §3's body, so a host
 * filter that answers HttpExceptions as they are still answers lingua's body; `retryAfter` is set on
 * 503s (lingua's own filter sends it as `Retry-After`).
 */
export class LinguaHttpException extends HttpException {
  readonly code: ApiErrorCode;
  readonly constraint?: string;
  readonly details?: FieldErrors[];
  readonly requestId: string;
  readonly retryAfter?: number;

  constructor(
    readonly body: LinguaErrorBody,
    options: { cause?: unknown; retryAfter?: number } = {},
  ) {
    super(body, body.statusCode, { cause: options.cause });
    this.code = body.code;
    this.constraint = body.constraint;
    this.details = body.details;
    this.requestId = body.requestId;
    this.retryAfter = options.retryAfter;
  }
}
