/**
 * Raw rows (RETURNING *, getRawMany) come back with snake_case keys and bigint/numeric as strings.
 * These helpers are the one place they are turned into typed values.
 */
export function fromRawRow<T>(row: Record<string, unknown>): T {
  return Object.fromEntries(Object.entries(row).map(([k, v]) => [snakeToCamel(k), v])) as T;
}

export const snakeToCamel = (name: string) => name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase());

/** count(*) and other bigint results arrive as strings. */
export const toInt = (value: unknown): number => (value === null || value === undefined ? 0 : Number(value));
