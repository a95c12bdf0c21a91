import { QueryFailedError } from 'typeorm';
import { dataExceptionSource } from './data-exceptions';
import { DatabaseDeadlineError } from './deadline';
import { DatabaseConnectError, QueryReadTimeoutError } from './pg-driver';
import { sqlStateOf } from './transactions';

/** A SQLSTATE: five digits or upper-case letters. Node's errno codes (ECONNRESET) are not. */
const SQLSTATE = /^[0-9A-Z]{5}$/;

export type DbErrorCode =
  | 'unique_violation'
  | 'foreign_key_violation'
  | 'check_violation'
  | 'not_null_violation'
  | 'validation_failed'
  | 'db_unavailable'
  | 'db_timeout'
  | 'db_contention';

export interface ClassifiedDbError {
  status: 400 | 409 | 503;
  code: DbErrorCode;
  /** Constraint (or, for not-null, column) name for integrity errors. */
  constraint?: string;
  message: string;
}

const RETRY_AFTER_SECONDS: Record<string, number> = { db_unavailable: 5, db_timeout: 2, db_contention: 1 };
export function retryAfterSeconds(code: string): number | undefined {
  return RETRY_AFTER_SECONDS[code];
}

const integrity = (code: DbErrorCode, message: string, constraint?: string): ClassifiedDbError => ({
  status: 409,
  code,
  constraint,
  message,
});
const unavailable = (code: DbErrorCode, message: string): ClassifiedDbError => ({ status: 503, code, message });

/**
 * Maps driver and pool errors to the API's error codes by SQLSTATE and error class, never by message
 * text. Returns undefined for anything else — including SQLSTATEs only a server-side bug can cause
 * (e.g. 22012 division by zero) — which the error filter answers 500 `internal` and logs.
 */
export function classifyDatabaseError(err: unknown): ClassifiedDbError | undefined {
  if (err instanceof DatabaseConnectError) return unavailable('db_unavailable', 'The database is unavailable; retry later.');
  if (!(err instanceof QueryFailedError)) return undefined;
  const driverError = err.driverError as { code?: string; constraint?: string; column?: string } | undefined;
  if (err.driverError instanceof DatabaseDeadlineError)
    return unavailable(
      'db_unavailable',
      err.driverError.duringCommit
        ? 'The database did not confirm the write in time: it may or may not have been saved. Retry it only if it is idempotent.'
        : 'The database did not answer in time; retry later.',
    );
  if (err.driverError instanceof QueryReadTimeoutError)
    return unavailable('db_timeout', 'The database took too long to answer; retry later.');
  const state = sqlStateOf(err);
  // A query error without a SQLSTATE (or with an errno code) comes from the connection itself (terminated, reset).
  if (!state || !SQLSTATE.test(state)) return unavailable('db_unavailable', 'The database connection was lost; retry later.');
  switch (state) {
    case '23505':
      return integrity('unique_violation', 'A record with these values already exists.', driverError?.constraint);
    case '23503':
    case '23001':
      return integrity('foreign_key_violation', 'The record is referenced by, or references, another record.', driverError?.constraint);
    case '23514':
      return integrity('check_violation', 'A value is outside the allowed range.', driverError?.constraint);
    case '23502':
      return integrity('not_null_violation', 'A required value is missing.', driverError?.constraint ?? driverError?.column);
    case '40001':
    case '40P01':
      return unavailable('db_contention', 'The request conflicted with concurrent updates; retry.');
    case '57014':
    case '55P03':
    case '25P03':
      return unavailable('db_timeout', 'The database took too long to answer; retry later.');
    case '57P01':
    case '57P02':
    case '57P03':
    case '53300':
    case '53400':
      return unavailable('db_unavailable', 'The database is unavailable; retry later.');
    default:
      if (state.startsWith('08')) return unavailable('db_unavailable', 'The database connection was lost; retry later.');
      if (state.startsWith('22') && dataExceptionSource(state) === 'client') {
        return { status: 400, code: 'validation_failed', message: 'A value has the wrong format or is out of range.' };
      }
      return undefined;
  }
}

/** The server or the connection failed, not the statement: what makes a replica skipped until a probe brings it back. */
export function isConnectionFailure(err: unknown): boolean {
  const classified = classifyDatabaseError(err);
  return classified ? classified.status === 503 : !(err instanceof QueryFailedError);
}

/** The statement failed on `constraint` (a unique, foreign-key or check constraint of that name). */
export function violates(err: unknown, constraint: string): boolean {
  return err instanceof QueryFailedError && (err.driverError as { constraint?: string } | undefined)?.constraint === constraint;
}
