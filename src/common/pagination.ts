import { ApiPropertyOptional } from './swagger-optional';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min } from 'class-validator';
import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { validationFailed } from './api-error';
import { instanceOf, intParam, precheckQuery, QueryParam, queryFields, tokenParam } from './body-precheck';

export const MAX_PER_PAGE = 100;

/** `?page=1&perPage=20` for catalogue lists. */
export class PageQuery {
  @ApiPropertyOptional({ minimum: 1, default: 1 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(100_000)
  page: number = 1;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PER_PAGE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PER_PAGE)
  perPage: number = 20;
}

export interface Page<T> {
  items: T[];
  total: number;
  page: number;
  perPage: number;
  pages: number;
}

export function toPage<T>(items: T[], total: number, { page, perPage }: PageQuery): Page<T> {
  return { items, total, page, perPage, pages: Math.ceil(total / perPage) };
}

export const offsetOf = ({ page, perPage }: PageQuery) => (page - 1) * perPage;

/** `?limit=20&cursor=…` for per-learner streams (keyset pagination). */
export class CursorQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PER_PAGE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PER_PAGE)
  limit: number = 20;

  @ApiPropertyOptional({ description: 'nextCursor from the previous page' })
  @IsOptional()
  @IsString()
  @MaxLength(300)
  @Matches(/^[A-Za-z0-9_-]+$/)
  cursor?: string;
}

/** CursorQuery's decorators written out (see common/body-precheck.ts); subclasses add theirs. */
export const CURSOR_QUERY_PARAMS: Record<string, QueryParam> = {
  limit: intParam(1, MAX_PER_PAGE),
  cursor: tokenParam(300, /^[A-Za-z0-9_-]+$/),
};
precheckQuery(CursorQuery, (query) => {
  const fields = queryFields(query, CURSOR_QUERY_PARAMS);
  return fields && instanceOf(CursorQuery, fields);
});

export interface CursorPage<T> {
  items: T[];
  nextCursor: string | null;
}

type CursorField = 'int' | 'string' | 'timestamp';
type CursorValue<F extends CursorField> = F extends 'int' ? number : string;

/** A cursor is the sort key of the last row returned: base64url JSON of a fixed tuple. */
export function encodeCursor(values: Array<number | string>): string {
  return Buffer.from(JSON.stringify(values)).toString('base64url');
}

/** Decodes and type-checks a cursor against the tuple its stream uses; anything else is a 400. */
export function decodeCursor<const F extends readonly CursorField[]>(cursor: string, shape: F): { [K in keyof F]: CursorValue<F[K]> } {
  let values: unknown;
  try {
    values = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    throw forged();
  }
  if (!Array.isArray(values) || values.length !== shape.length) throw forged();
  shape.forEach((field, i) => {
    const v = values[i];
    const ok =
      field === 'int'
        ? Number.isSafeInteger(v)
        : field === 'string'
          ? typeof v === 'string' && v.length <= 200
          : typeof v === 'string' && !Number.isNaN(Date.parse(v)) && /^\d{4}-\d\d-\d\dT/.test(v);
    if (!ok) throw forged();
  });
  return values as { [K in keyof F]: CursorValue<F[K]> };
}

const forged = () => validationFailed('The cursor is not valid.', [{ field: 'cursor', messages: ['cursor is not valid'] }]);

/**
 * Takes `limit + 1` rows fetched in stream order and builds the page: the extra row only says a
 * next page exists.
 */
export function toCursorPage<R, T>(
  rows: R[],
  limit: number,
  toItem: (row: R) => T,
  cursorOf: (row: R) => Array<number | string>,
): CursorPage<T> {
  const hasMore = rows.length > limit;
  const pageRows = hasMore ? rows.slice(0, limit) : rows;
  return {
    items: pageRows.map(toItem),
    nextCursor: hasMore ? encodeCursor(cursorOf(pageRows[pageRows.length - 1])) : null,
  };
}

/** `sort=-createdAt` → ['createdAt', 'DESC']; the DTO's @IsIn has already limited the field. */
export function parseSort<F extends string>(sort: string | undefined, fallback: `${'' | '-'}${F}`): [F, 'ASC' | 'DESC'] {
  const value = sort ?? fallback;
  return value.startsWith('-') ? [value.slice(1) as F, 'DESC'] : [value as F, 'ASC'];
}

/** Allowed `sort` values for a list of fields: each ascending and `-` descending. */
export const sortValues = (fields: readonly string[]) => fields.flatMap((f) => [f, `-${f}`]);

/**
 * Orders `qb` by the requested column, then by `tieBreaker` (a unique column, ascending) so that
 * equal keys page in a stable order. When the requested column is the tie-breaker itself it is the
 * only key: TypeORM keeps one direction per column, and a second `addOrderBy` on it would replace
 * the first (issue 21: `sort=-id` came back ascending).
 */
export function orderBySort<T extends ObjectLiteral>(
  qb: SelectQueryBuilder<T>,
  [column, direction]: [string, 'ASC' | 'DESC'],
  tieBreaker: string,
): SelectQueryBuilder<T> {
  qb.orderBy(column, direction);
  return column === tieBreaker ? qb : qb.addOrderBy(tieBreaker, 'ASC');
}
