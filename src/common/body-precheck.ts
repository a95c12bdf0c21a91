import type { Type } from '@nestjs/common';

/**
 * A hand-written check of one hot request body, run by LinguaValidationPipe before class-validator:
 * it returns the DTO for a body it is sure class-validator (with lingua's options: whitelist,
 * forbidNonWhitelisted, transform, no implicit conversion) would accept as it is, else undefined —
 * and then the pipe runs class-validator, so every rejection, and its 400 body, is class-validator's.
 * A precheck may only be narrower than the DTO's decorators, never wider (test/unit/body-precheck.spec.ts
 * compares the two on every body it tries).
 *
 * Why: class-validator and class-transformer walk the class's metadata for every request (~60 µs of
 * CPU per answer, docs/benchmarks.md "Write path CPU (issue 22)"); the same rules written out cost a few.
 */
export type BodyPrecheck<T> = (body: unknown) => T | undefined;

type Source = 'body' | 'query';
const prechecks: Record<Source, WeakMap<Type<unknown>, BodyPrecheck<unknown>>> = { body: new WeakMap(), query: new WeakMap() };

/** Registers `check` for bodies of type `dto` (beside the DTO's class, from the same rules). */
export function precheckBody<T>(dto: Type<T>, check: BodyPrecheck<T>): void {
  prechecks.body.set(dto, check as BodyPrecheck<unknown>);
}

/** Registers `check` for query strings parsed into `dto` (every value arrives as a string). */
export function precheckQuery<T>(dto: Type<T>, check: BodyPrecheck<T>): void {
  prechecks.query.set(dto, check as BodyPrecheck<unknown>);
}

export function precheckOf(source: string, dto: unknown): BodyPrecheck<unknown> | undefined {
  return (source === 'body' || source === 'query') && typeof dto === 'function' ? prechecks[source].get(dto as Type<unknown>) : undefined;
}

/** Own keys only: a JSON object, or a parsed query string (Fastify's has a prototype without properties). */
function isPlainRecord(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return (
    proto === Object.prototype || proto === null || (Object.getPrototypeOf(proto) === null && Object.keys(proto as object).length === 0)
  );
}

/**
 * `body` as a record when it is a plain JSON object whose own keys are exactly `keys` (every field
 * required, nothing else: what whitelist + forbidNonWhitelisted accept when no field is optional).
 */
export function exactFields(body: unknown, keys: readonly string[]): Record<string, unknown> | undefined {
  if (!isPlainRecord(body) || Object.getPrototypeOf(body) !== Object.prototype) return undefined;
  const own = Object.keys(body);
  if (own.length !== keys.length) return undefined;
  for (const key of own) if (!keys.includes(key)) return undefined;
  return body as Record<string, unknown>;
}

/** An instance of `dto` holding `fields`: what class-transformer's plainToInstance builds (`new`, then each field). */
export function instanceOf<T extends object>(dto: Type<T>, fields: Partial<T>): T {
  return Object.assign(new dto(), fields);
}

/** A query parameter's value as the DTO holds it, or undefined when the precheck is not sure. */
export type QueryParam = (text: unknown) => unknown;

/**
 * An optional integer parameter (`@IsOptional() @Type(() => Number) @IsInt() @Min(min) @Max(max)`):
 * plain decimal digits only — no sign, spaces, exponent or leading zero, which class-validator judges.
 */
export const intParam =
  (min: number, max: number): QueryParam =>
  (text) => {
    if (typeof text !== 'string' || !/^(0|[1-9][0-9]{0,9})$/.test(text)) return undefined;
    const n = Number(text);
    return n >= min && n <= max ? n : undefined;
  };

/** An optional string parameter of at most `maxLength` characters, all matching `chars` (a `^[…]+$` class of ASCII characters). */
export const tokenParam =
  (maxLength: number, chars: RegExp): QueryParam =>
  (text) =>
    typeof text === 'string' && text.length <= maxLength && chars.test(text) ? text : undefined;

/**
 * The fields of a query string whose parameters are all optional: every key must be one of `params`
 * and every value sure to pass; a missing key keeps the DTO's default.
 */
export function queryFields(query: unknown, params: Record<string, QueryParam>): Record<string, unknown> | undefined {
  if (!isPlainRecord(query)) return undefined;
  const fields: Record<string, unknown> = {};
  for (const key of Object.keys(query)) {
    if (!Object.hasOwn(params, key)) return undefined;
    const value = params[key](query[key]);
    if (value === undefined) return undefined;
    fields[key] = value;
  }
  return fields;
}
