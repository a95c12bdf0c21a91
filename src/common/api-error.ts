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
