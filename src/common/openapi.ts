import { applyDecorators, SetMetadata } from '@nestjs/common';
import { ApiOperation, ApiProperty, ApiPropertyOptional, ApiResponse } from './swagger-optional';

export class FieldErrorsDoc {
  @ApiProperty() field: string;
  @ApiProperty({ type: [String] }) messages: string[];
}

export class ErrorBodyDoc {
  @ApiProperty({ example: 409 }) statusCode: number;
  @ApiProperty({ example: 'Conflict' }) error: string;
  @ApiProperty({
    enum: [
      'validation_failed',
      'unauthorized',
      'forbidden',
      'not_found',
      'unique_violation',
      'foreign_key_violation',
      'check_violation',
      'not_null_violation',
      'state_conflict',
      'db_unavailable',
      'db_timeout',
      'db_contention',
      'internal',
    ],
  })
  code: string;
  @ApiProperty() message: string;
  @ApiProperty() requestId: string;
  @ApiPropertyOptional({ description: 'Constraint name, for integrity errors' }) constraint?: string;
  @ApiPropertyOptional({ type: [FieldErrorsDoc] }) details?: FieldErrorsDoc[];
}

export const DESCRIPTIONS: Record<number, string> = {
  400: 'validation_failed: unknown fields, wrong types, out-of-range values, bad cursor or sort',
  401: 'unauthorized: missing or invalid bearer token',
  403: 'forbidden: the route needs the author role',
  404: "not_found: no such resource, or another learner's",
  409: 'unique_violation / foreign_key_violation / check_violation / not_null_violation / state_conflict',
  500: 'internal: an unexpected error (the body carries the request id, never SQL or a stack)',
  503: 'db_unavailable / db_timeout / db_contention (with Retry-After)',
};

export const RETRY_AFTER = { 'Retry-After': { description: 'Seconds to wait before retrying', schema: { type: 'integer' } } };

/** Where `ApiErrors` notes a route's error statuses, so the body in force can be documented at start-up (openapi-options.ts). */
export const LINGUA_ERROR_STATUSES = 'lingua:errorStatuses';

/**
 * Documents the error responses a route can give (plus 500 and 503, which any route can), each with the
 * SPEC §3 error body — or, when the host's options say so, the host's body (`documentLinguaRoutes`).
 */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(
    SetMetadata(LINGUA_ERROR_STATUSES, [...statuses, 500, 503]),
    ...[...statuses, 500, 503].map((status) =>
      ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorBodyDoc, ...(status === 503 ? { headers: RETRY_AFTER } : {}) }),
    ),
  );

/**
 * The operation's one-line summary (what a generated client and the docs page show). `publicRoute`
 * is for a `@Public()` route: documented with no security requirement (`security: []`), where every
 * other lingua route carries the controller's bearer requirement.
 */
export const Operation = (summary: string, { publicRoute = false }: { publicRoute?: boolean } = {}) =>
  ApiOperation({ summary, ...(publicRoute ? { security: [] } : {}) });
