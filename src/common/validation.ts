import { ArgumentMetadata, Injectable, ValidationError, ValidationPipe, ValidationPipeOptions } from '@nestjs/common';
import { FieldErrors, validationFailed } from './api-error';
import { precheckOf } from './body-precheck';

/** Flattens class-validator's tree into `words.3.term`-style field paths. */
export function flattenValidationErrors(errors: ValidationError[], prefix = ''): FieldErrors[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    const own = error.constraints ? [{ field, messages: Object.values(error.constraints) }] : [];
    return [...own, ...flattenValidationErrors(error.children ?? [], field)];
  });
}

/** Unknown fields, wrong types and out-of-range values are rejected before any query runs. */
const VALIDATION_OPTIONS: ValidationPipeOptions = {
  whitelist: true,
  forbidNonWhitelisted: true,
  transform: true,
  transformOptions: { enableImplicitConversion: false },
  exceptionFactory: (errors) => validationFailed('The request is invalid.', flattenValidationErrors(errors)),
};

export function createValidationPipe(): ValidationPipe {
  return new ValidationPipe(VALIDATION_OPTIONS);
}

/**
 * The same pipe as a class, so lingua-core's controllers bind it themselves (`@LinguaController`). A
 * body or query with a registered precheck (common/body-precheck.ts) that passes it skips class-validator;
 * everything else, and every rejection, goes through class-validator as before.
 */
@Injectable()
export class LinguaValidationPipe extends ValidationPipe {
  constructor() {
    super(VALIDATION_OPTIONS);
  }

  override transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const dto = precheckOf(metadata.type, metadata.metatype)?.(value);
    if (dto !== undefined) return Promise.resolve(dto);
    return super.transform(value, metadata);
  }
}
