import { ParseIntPipe } from '@nestjs/common';
import { validationFailed } from './api-error';

/** The largest int4: ids and references above it are a 400, not a database error. */
export const MAX_INT4 = 2_147_483_647;

/** `@Param('id', IdParam)`: a positive int4, else 400 before any query runs. */
export class IdParam extends ParseIntPipe {
  constructor() {
    super({ exceptionFactory: () => validationFailed('The id must be a positive integer.') });
  }

  override async transform(value: string, metadata: Parameters<ParseIntPipe['transform']>[1]): Promise<number> {
    const id = await super.transform(value, metadata);
    if (typeof id !== 'number' || id < 1 || id > MAX_INT4) throw validationFailed('The id must be a positive integer.');
    return id;
  }
}
