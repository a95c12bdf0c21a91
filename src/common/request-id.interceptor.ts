import { CallHandler, ExecutionContext, Injectable, NestInterceptor } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { Observable } from 'rxjs';
import { REQUEST_ID_HEADER, requestIdOf } from './request-id';

/** Echoes the request id on every lingua-core response (errors get it from ApiExceptionFilter). */
@Injectable()
export class RequestIdInterceptor implements NestInterceptor {
  constructor(private readonly adapterHost: HttpAdapterHost) {}

  intercept(ctx: ExecutionContext, next: CallHandler): Observable<unknown> {
    const http = ctx.switchToHttp();
    this.adapterHost.httpAdapter.setHeader(http.getResponse(), REQUEST_ID_HEADER, requestIdOf(http.getRequest()));
    return next.handle();
  }
}
