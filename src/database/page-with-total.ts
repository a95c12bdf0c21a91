import type { ObjectLiteral, SelectQueryBuilder } from 'typeorm';
import { toInt } from './raw-rows';

/**
 * A page and its total in ONE statement: one snapshot, so the total always agrees with
 * the items under concurrent writes, and one pool connection per request. Run on two connections
 * at once, a page and a count could each see a different set of committed rows.
 */

/**
 * Raw SQL: the count, then the page joined LATERAL to it, so even a page past the end returns one
 * row (its page columns null) carrying the total. Each part keeps its own plan.
 */
export function pageWithTotalSql(countSql: string, pageSql: string): string {
  return `SELECT page_total.total AS page_total, page.*
    FROM (${countSql}) page_total
    LEFT JOIN LATERAL (${pageSql}) page ON true`;
}

/** Splits the rows of pageWithTotalSql into the page's rows (none past the end) and the total. */
export function splitPageRows(rows: Array<Record<string, unknown>>, keyColumn = 'id'): [Array<Record<string, unknown>>, number] {
  const total = toInt(rows[0]?.page_total);
  const page = rows.filter((row) => row[keyColumn] !== null).map(({ page_total: _total, ...row }) => row);
  return [page, total];
}

/**
 * A QueryBuilder page whose entities TypeORM hydrates: the total is a scalar subselect of the page
 * statement (an InitPlan, run once, in the page's snapshot). `countSql` may use the page's named
 * parameters. A page past the end returns no row to carry the total: only then (offset > 0, no
 * rows) is it counted by a second statement, `recount`.
 */
export async function pageAndTotal<T extends ObjectLiteral>(
  page: SelectQueryBuilder<T>,
  countSql: string,
  offset: number,
  recount: () => Promise<number>,
): Promise<[T[], number]> {
  const { entities, raw } = await page.addSelect(`(${countSql})`, 'page_total').getRawAndEntities();
  if (raw.length > 0) return [entities, toInt(raw[0].page_total)];
  return [entities, offset === 0 ? 0 : await recount()];
}
