import { BadRequestException, CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import { catchError, from, mergeMap, Observable, throwError } from 'rxjs';
import { ApiError } from './api-error';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';
import { validatedParamsOf } from './request-params';
import { LinguaValidationPipe } from './validation';

const REQUEST_KEY = { body: 'body', query: 'query', param: 'params' } as const;

/**
 * Bound by every lingua-core controller: echoes the request id on every response (errors get it from
 * ApiExceptionFilter), and keeps lingua's 400 body when a *host's* global ValidationPipe — which Nest
 * runs before a controller's own pipe — rejects the input first: the input is validated again with
 * lingua-core's rules so the answer carries `validation_failed` with per-field `details`. Costs
 * nothing on the happy path.
 */
@Injectable()
export class LinguaRequestInterceptor implements NestInterceptor {
  private readonly pipe = new LinguaValidationPipe();

  constructor(private readonly adapterHost: HttpAdapterHost) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = ctx.switchToHttp();
    this.adapterHost.httpAdapter.setHeader(http.getResponse(), REQUEST_ID_HEADER, requestIdOf(http.getRequest()));
    return next.handle().pipe(
      catchError((err: unknown) => {
        if (!(err instanceof BadRequestException) || err instanceof ApiError) return throwError(() => err);
        return from(this.ownValidationError(ctx)).pipe(mergeMap((own) => throwError(() => own ?? err)));
      }),
    );
  }

  private async ownValidationError(ctx: ExecutionContext): Promise<ApiError | undefined> {
    const handler = ctx.getHandler().name;
    const prototype = ctx.getClass().prototype as object;
    const types: unknown[] = Reflect.getMetadata('design:paramtypes', prototype, handler) ?? [];
    const request = ctx.switchToHttp().getRequest<Record<string, Record<string, unknown> | undefined>>();
    for (const { index, source, data } of validatedParamsOf(prototype, handler)) {
      const value = data ? request[REQUEST_KEY[source]]?.[data] : request[REQUEST_KEY[source]];
      try {
        await this.pipe.transform(value, { type: source, metatype: types[index] as never, data });
      } catch (err) {
        if (err instanceof ApiError) return err;
      }
    }
    return undefined;
  }
}
