/** Responses and cached DTOs carry times as ISO strings, so memory and Redis caches answer alike. */
export const iso = (value: Date | string | null | undefined): string | null =>
  value === null || value === undefined ? null : new Date(value).toISOString();
