import { ValidateBy, ValidationOptions } from 'class-validator';

/** A query parameter that parsed (see parseJsonObjectParam) into a JSON object. */
export const IsJsonObjectParam = (options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isJsonObjectParam',
      validator: {
        validate: (v: unknown) => typeof v === 'object' && v !== null && !Array.isArray(v) && JSON.stringify(v).length <= 4096,
        defaultMessage: (args) => `${args?.property ?? 'value'} must be a JSON object (at most 4096 bytes)`,
      },
    },
    options,
  );
