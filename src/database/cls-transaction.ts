import type { EntityManager } from 'typeorm';
import { AmbientTransaction, LinguaOptionsError } from '../lingua-core.options';

/**
 * The part of `@nestjs-cls/transactional`'s TransactionHost lingua-core uses. Declared here so that
 * lingua-core's types do not name the optional peer dependency.
 */
interface ClsTransactionHost {
  readonly tx: unknown;
  isTransactionActive(): boolean;
}

interface ClsTransactionalModule {
  TransactionHost: { getInstance(connectionName?: string): ClsTransactionHost };
}

/**
 * `@nestjs-cls/transactional` is an optional peer dependency: required only when a host calls
 * `clsTransaction()`, so a host without it never loads it.
 */
function clsTransactional(): ClsTransactionalModule {
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on demand, see above
    return require('@nestjs-cls/transactional') as ClsTransactionalModule;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    if (e.code !== 'MODULE_NOT_FOUND' || !e.message.includes("'@nestjs-cls/transactional'")) throw err;
    throw new LinguaOptionsError(
      'lingua-core option transaction: clsTransaction() needs @nestjs-cls/transactional (an optional peer dependency) ' +
        'with its TypeORM adapter: npm install nestjs-cls@^6.3 @nestjs-cls/transactional@^3.3 @nestjs-cls/transactional-adapter-typeorm@^1.4',
    );
  }
}

/**
 * The `transaction` option for a host on `@nestjs-cls/transactional` with its TypeORM adapter:
 * inside `@Transactional()` (or `TransactionHost.withTransaction`) lingua-core's writes join the
 * host's transaction. `connectionName` is the one given to `ClsPluginTransactional`, when the host
 * registers several. The TransactionHost is looked up on each call, so the option may be built
 * before the host's ClsModule exists.
 *
 * ```ts
 * LinguaCoreModule.forRoot({ transaction: clsTransaction() })
 * ```
 */
export function clsTransaction(connectionName?: string): AmbientTransaction {
  const { TransactionHost } = clsTransactional();
  return () => {
    const host = TransactionHost.getInstance(connectionName);
    return host.isTransactionActive() ? (host.tx as EntityManager) : undefined;
  };
}
