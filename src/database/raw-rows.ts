/**
 * Raw rows (RETURNING *, getRawMany) come back with snake_case keys and bigint/numeric as strings.
 * These helpers are the one place they are turned into typed values.
 */
export function fromRawRow<T>(row: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [snakeToCamel(k), v])) as T;
}

/** The columns of `row` whose names start with `prefix`, without it (one row holding several tables' columns). */
export const withoutPrefix = (row: Record<string, unknown>, prefix: string): Record<string, unknown> =>
  Object.fromEntries(Object.entries(row).flatMap(([k, v]) => (k.startsWith(prefix) ? [[k.slice(prefix.length), v]] : [])));

/**
 * `fromRawRow` (and `withoutPrefix`) for a statement whose columns are known: the renaming is worked
 * out once, and each row is copied field by field (no per-row entries arrays, regexes or key scans).
 */
export function rowMapper<T>(columns: readonly string[], prefix = ''): (row: Record<string, unknown>) => T {
  const fields = columns.map((c) => [`${prefix}${c}`, snakeToCamel(c)] as const);
  return (row) => {
    const out: Record<string, unknown> = {};
    for (const [from, to] of fields) out[to] = row[from];
    return out as T;
  };
}

export const snakeToCamel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** count(*) and other bigint results arrive as strings. */
export const toInt = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));

/**
 * SQL for a timestamptz column as the ISO text responses carry (`2026-11-27T05:03:08.123Z`, the
 * output of Date#toISOString: UTC, milliseconds truncated), formatted by PostgreSQL: hot reads select
 * this instead of parsing a Date per value and formatting it again. NULL stays NULL.
 */
export const isoText = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;
