import type * as Swagger from '@nestjs/swagger';

/**
 * `@nestjs/swagger` is an optional peer dependency: when the host has it, lingua-core's routes and
 * DTOs document themselves in the host's OpenAPI document; when it does not, these decorators do
 * nothing. Only "not installed" is tolerated — any other load failure is thrown.
 */
function loadSwagger(): typeof Swagger | undefined {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    return require('@nestjs/swagger') as typeof Swagger;
  } catch (err) {
    const notInstalled =
      (err as { code?: string }).code === 'MODULE_NOT_FOUND' && String((err as Error).message).includes("'@nestjs/swagger'");
    if (notInstalled) return undefined;
    throw err;
  }
}

const swagger = loadSwagger();
const inert = (() => () => undefined) as never;
const pick = <K extends keyof typeof Swagger>(name: K): (typeof Swagger)[K] => (swagger ? swagger[name] : inert);

export const ApiProperty = pick('ApiProperty');
export const ApiPropertyOptional = pick('ApiPropertyOptional');
export const ApiResponse = pick('ApiResponse');
export const ApiOkResponse = pick('ApiOkResponse');
export const ApiCreatedResponse = pick('ApiCreatedResponse');
export const ApiNoContentResponse = pick('ApiNoContentResponse');
export const ApiOperation = pick('ApiOperation');
export const ApiTags = pick('ApiTags');
export const ApiBearerAuth = pick('ApiBearerAuth');
