import { registerDecorator, ValidationOptions } from 'class-validator';

const MAX_JSON_BYTES = 64 * 1024;

/** A JSON object (not an array or scalar) of bounded size: the shape of every jsonb document we store. */
export function IsJsonObject(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isJsonObject',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property must be a JSON object of at most ${MAX_JSON_BYTES} bytes`, ...options },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'object' && value !== null && !Array.isArray(value) && JSON.stringify(value).length <= MAX_JSON_BYTES,
      },
    });
}

/** Parses a JSON object passed in a query string (`?learningGoals={"travel":true}`); undefined if not one. */
export function parseJsonObjectParam(value: unknown): Record<string, unknown> | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(value);
    return typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
