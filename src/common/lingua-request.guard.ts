import { CanActivate, ExecutionContext, Injectable, Optional } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';
import { validatedParamsOf } from './request-params';
import { LinguaValidationPipe } from './validation';
import { ApiError } from './api-error';
import { LearnerResolver } from './auth';

const REQUEST_KEY = { body: 'body', query: 'query', param: 'params' } as const;
/** Where the guard leaves the route on the request, for ApiExceptionFilter (which is not told the handler). */
const LINGUA_ROUTE = Symbol('lingua-route');

interface RoutedRequest {
  [LINGUA_ROUTE]?: { prototype: object; handler: string };
}

/**
 * Bound by every lingua-core controller, and admits every request: echoes the request id on every
 * response (errors get it from ApiExceptionFilter) and notes the route on the request, so that when a
 * *host's* global ValidationPipe — which Nest runs after every guard and before a controller's own
 * pipe — rejects the input first, the filter can validate it again with lingua-core's rules and answer
 * `validation_failed` with per-field `details` (`validatedInputError`). It also hands
 * `@CurrentLearner()` the learner resolver.
 *
 * A guard, not an interceptor: with any interceptor bound, Nest runs the handler through an rxjs
 * pipeline (defer, mergeAll, lastValueFrom) on every request — ~4% of the CPU of an answer or an
 * append (docs/benchmarks.md, "Write path CPU (issue 22)") for one header. Guards run after the
 * host's global guards (its authentication) and before the route's own, like the interceptor did
 * relative to the handler; a request one of them rejects gets its header from the filter.
 */
@Injectable()
export class LinguaRequestGuard implements CanActivate {
  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Optional() private readonly learners?: LearnerResolver,
  ) {}

  canActivate(ctx: ExecutionContext): boolean {
    const http = ctx.switchToHttp();
    const request = http.getRequest<Parameters<typeof requestIdOf>[0]>();
    (request as RoutedRequest)[LINGUA_ROUTE] = { prototype: ctx.getClass().prototype as object, handler: ctx.getHandler().name };
    // `@CurrentLearner()` resolves the learner with the host's `learner` option, lazily (public routes never call it).
    this.learners?.attach(request as never);
    this.adapterHost.httpAdapter.setHeader(http.getResponse(), REQUEST_ID_HEADER, requestIdOf(request));
    return true;
  }
}

const pipe = new LinguaValidationPipe();

/**
 * lingua-core's own 400 for a request a host's pipe rejected: the route's validated parameters checked
 * again with lingua's rules; undefined when they pass (the host's rule was stricter) or the route is unknown.
 */
export async function validatedInputError(request: unknown): Promise<ApiError | undefined> {
  const route = (request as RoutedRequest)[LINGUA_ROUTE];
  if (!route) return undefined;
  const types: unknown[] = Reflect.getMetadata('design:paramtypes', route.prototype, route.handler) ?? [];
  const input = request as Record<string, Record<string, unknown> | undefined>;
  for (const { index, source, data } of validatedParamsOf(route.prototype, route.handler)) {
    const value = data ? input[REQUEST_KEY[source]]?.[data] : input[REQUEST_KEY[source]];
    try {
      await pipe.transform(value, { type: source, metatype: types[index] as never, data });
    } catch (err) {
      if (err instanceof ApiError) return err;
    }
  }
  return undefined;
}
