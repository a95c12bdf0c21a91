import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, ApiResponse } from './swagger-optional';

export class FieldErrorsDoc {
  @ApiProperty() field: string;
  @ApiProperty({ type: [String] }) messages: string[];
}

export class ErrorBodyDoc {
  @ApiProperty({ example: 409 }) statusCode: number;
  @ApiProperty({ example: 'Conflict' }) error: string;
  @ApiProperty({
    enum: ['validation_failed', 'unauthorized', 'forbidden', 'not_found', 'unique_violation', 'foreign_key_violation',
      'check_violation', 'not_null_violation', 'state_conflict', 'db_unavailable', 'db_timeout', 'db_contention', 'internal'],
  })
  code: string;
  @ApiProperty() message: string;
  @ApiProperty() requestId: string;
  @ApiPropertyOptional({ description: 'Constraint name, for integrity errors' }) constraint?: string;
  @ApiPropertyOptional({ type: [FieldErrorsDoc] }) details?: FieldErrorsDoc[];
}

const DESCRIPTIONS: Record<number, string> = {
  400: 'validation_failed: unknown fields, wrong types, out-of-range values, bad cursor or sort',
  401: 'unauthorized: missing or invalid bearer token',
  403: 'forbidden: the route needs the author role',
  404: "not_found: no such resource, or another learner's",
  409: 'unique_violation / foreign_key_violation / check_violation / not_null_violation / state_conflict',
  503: 'db_unavailable / db_timeout / db_contention (with Retry-After)',
};

/** Documents the error responses a route can give (plus 503, which any route can). */
export const ApiErrors = (...statuses: number[]) =>
  applyDecorators(
    ...[...statuses, 503].map((status) => ApiResponse({ status, description: DESCRIPTIONS[status], type: ErrorBodyDoc })),
  );
