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

const prechecks = new WeakMap<Type<unknown>, BodyPrecheck<unknown>>();

/** Registers `check` for bodies of type `dto` (beside the DTO's class, from the same rules). */
export function precheckBody<T>(dto: Type<T>, check: BodyPrecheck<T>): void {
  prechecks.set(dto, check as BodyPrecheck<unknown>);
}

export function bodyPrecheckOf(dto: unknown): BodyPrecheck<unknown> | undefined {
  return typeof dto === 'function' ? prechecks.get(dto as Type<unknown>) : undefined;
}

/**
 * `body` as a record when it is a plain JSON object whose own keys are exactly `keys` (every field
 * required, nothing else: what whitelist + forbidNonWhitelisted accept when no field is optional).
 */
export function exactFields(body: unknown, keys: readonly string[]): Record<string, unknown> | undefined {
  if (typeof body !== 'object' || body === null || Object.getPrototypeOf(body) !== Object.prototype) return undefined;
  const own = Object.keys(body);
  if (own.length !== keys.length) return undefined;
  for (const key of own) if (!keys.includes(key)) return undefined;
  return body as Record<string, unknown>;
}

/** An instance of `dto` holding `fields`: what class-transformer's plainToInstance builds (`new`, then each field). */
export function instanceOf<T extends object>(dto: Type<T>, fields: Partial<T>): T {
  return Object.assign(new dto(), fields);
}
