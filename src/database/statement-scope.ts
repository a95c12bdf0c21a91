import { AsyncLocalStorage } from 'node:async_hooks';

/** One call of a lingua-core service method from outside lingua-core (one per request). */
interface LinguaOperation {
  /** Date.now() when it started: where its database deadline counts from (pg-driver). */
  startedAt: number;
}

/**
 * Which statements are lingua-core's: those run while one of its service methods is running. The
 * statement observer on a host's connection sees the host's own statements too; lingua-core's
 * metrics and slow-query log count only these.
 */
const scope = new AsyncLocalStorage<LinguaOperation>();

export function inLinguaScope(): boolean {
  return scope.getStore() !== undefined;
}

/** When the outermost lingua-core service method now running was called; undefined outside one. */
export function linguaOperationStartedAt(): number | undefined {
  return scope.getStore()?.startedAt;
}

/** Runs every method of the decorated service inside lingua-core's statement scope. */
export function LinguaScoped(): ClassDecorator {
  return (target) => {
    const prototype = (target as unknown as { prototype: Record<string, unknown> }).prototype;
    for (const name of Object.getOwnPropertyNames(prototype)) {
      const descriptor = Object.getOwnPropertyDescriptor(prototype, name);
      if (name === 'constructor' || !descriptor || typeof descriptor.value !== 'function') continue;
      const method = descriptor.value as (...args: unknown[]) => unknown;
      const scoped = function (this: unknown, ...args: unknown[]) {
        return scope.getStore() ? method.apply(this, args) : scope.run({ startedAt: Date.now() }, () => method.apply(this, args));
      };
      Object.defineProperty(scoped, 'name', { value: name });
      // Nest's and Swagger's metadata live on the method: keep it on the wrapper.
      for (const key of Reflect.getOwnMetadataKeys?.(method) ?? [])
        Reflect.defineMetadata(key, Reflect.getOwnMetadata(key, method), scoped);
      Object.defineProperty(prototype, name, { ...descriptor, value: scoped });
    }
  };
}
