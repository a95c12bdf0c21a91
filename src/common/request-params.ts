import { Body as NestBody, Param as NestParam, PipeTransform, Query as NestQuery, Type } from '@nestjs/common';

/** Where a validated handler argument comes from, recorded by lingua-core's own parameter decorators. */
export interface ValidatedParam {
  index: number;
  source: 'body' | 'query' | 'param';
  /** The route parameter's name (`param` only). */
  data?: string;
}

const VALIDATED_PARAMS = Symbol('lingua:validatedParams');

/**
 * Nest's `@Body()`, `@Query()` and `@Param()`, which also record (as lingua-core's own metadata) which
 * argument comes from where, so ApiExceptionFilter (validatedInputError) can validate the input again with lingua's
 * rules without reading Nest's private route-argument metadata.
 */
function recorded(source: ValidatedParam['source'], data: string | undefined, nest: ParameterDecorator): ParameterDecorator {
  return (target, key, index) => {
    nest(target, key, index);
    if (key === undefined) return;
    const params: ValidatedParam[] = Reflect.getOwnMetadata(VALIDATED_PARAMS, target, key) ?? [];
    Reflect.defineMetadata(VALIDATED_PARAMS, [...params, { index, source, data }], target, key);
  };
}

export const Body = (): ParameterDecorator => recorded('body', undefined, NestBody());
export const Query = (): ParameterDecorator => recorded('query', undefined, NestQuery());
export const Param = (name: string, ...pipes: Array<Type<PipeTransform> | PipeTransform>): ParameterDecorator =>
  recorded('param', name, NestParam(name, ...pipes));

export function validatedParamsOf(prototype: object, handler: string): ValidatedParam[] {
  return Reflect.getOwnMetadata(VALIDATED_PARAMS, prototype, handler) ?? [];
}
