import { applyDecorators, Controller, UseFilters, UseGuards, UsePipes } from '@nestjs/common';
import { ApiExceptionFilter } from './api-exception.filter';
import { LinguaRequestGuard } from './lingua-request.guard';
import { ApiBearerAuth, ApiTags } from './swagger-optional';
import { LinguaValidationPipe } from './validation';

/**
 * A lingua-core controller: it carries its own validation pipe, error filter and request id, so the
 * SPEC §3 bodies and codes hold in any host with nothing registered globally, and the host's own
 * routes are untouched by them.
 */
export const LinguaController = (path: string, tag: string) =>
  applyDecorators(
    Controller(path),
    UseFilters(ApiExceptionFilter),
    UsePipes(LinguaValidationPipe),
    UseGuards(LinguaRequestGuard),
    ApiTags(tag),
    ApiBearerAuth(),
  );
