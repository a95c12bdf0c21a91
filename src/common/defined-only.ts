/** The DTO's fields that were sent (undefined ones dropped): what a PATCH changes. */
export const definedOnly = <T extends object>(dto: T): Partial<T> =>
  Object.fromEntries(Object.entries(dto).filter(([, v]) => v !== undefined)) as Partial<T>;
