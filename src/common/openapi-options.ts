import type { Type } from '@nestjs/common';
import { LinguaSettings } from '../lingua-core.options';
import { DESCRIPTIONS, ErrorBodyDoc, LINGUA_ERROR_STATUSES, RETRY_AFTER } from './openapi';

/** @nestjs/swagger's metadata keys (its `DECORATORS.API_RESPONSE` / `API_SECURITY`). */
const API_RESPONSE = 'swagger/apiResponse';
const API_SECURITY = 'swagger/apiSecurity';

/** The host's error body when lingua does not know its shape (errors: 'host', or an errorBody formatter, without openApi.errorBody). */
const HOST_BODY = {
  type: 'object',
  description: "The host's error body (lingua-core hands its errors to the host)",
  additionalProperties: true,
};

/**
 * Makes lingua's OpenAPI metadata follow the host's options: every controller's security requirement
 * names the host's bearer scheme (`openApi.securityScheme`), and every documented error response
 * carries the body in force — SPEC §3's, the host's class or schema (`openApi.errorBody`), or a
 * free-form object. Runs when LinguaApiModule is instantiated, before the host builds its document;
 * the metadata lives on lingua's classes, so with several apps in one process the last one started wins.
 */
export function documentLinguaRoutes(controllers: Type<unknown>[], settings: LinguaSettings): void {
  const custom = settings.openApiErrorBody;
  const spec = settings.errors === 'lingua' && !settings.errorBody;
  const body =
    custom === undefined
      ? spec
        ? { type: ErrorBodyDoc }
        : { schema: HOST_BODY }
      : typeof custom === 'function'
        ? { type: custom }
        : { schema: custom };
  for (const controller of controllers) {
    Reflect.defineMetadata(API_SECURITY, [{ [settings.securityScheme]: [] }], controller);
    const proto = controller.prototype as Record<string, unknown>;
    for (const name of Object.getOwnPropertyNames(proto)) {
      const method = proto[name];
      if (typeof method !== 'function') continue;
      const statuses: number[] | undefined = Reflect.getMetadata(LINGUA_ERROR_STATUSES, method);
      if (!statuses) continue;
      const responses: Record<string, object> = { ...(Reflect.getMetadata(API_RESPONSE, method) ?? {}) };
      for (const status of statuses) {
        responses[status] = {
          description: DESCRIPTIONS[status] ?? '',
          isArray: false,
          ...body,
          ...(status === 503 ? { headers: RETRY_AFTER } : {}),
        };
      }
      Reflect.defineMetadata(API_RESPONSE, responses, method);
    }
  }
}
