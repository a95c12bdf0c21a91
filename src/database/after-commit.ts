import { EntityManager, EntitySubscriberInterface, EventSubscriber, QueryRunner } from 'typeorm';
import type { TransactionCommitEvent } from 'typeorm/subscriber/event/TransactionCommitEvent';
import type { TransactionRollbackEvent } from 'typeorm/subscriber/event/TransactionRollbackEvent';

const PENDING = 'lingua:afterCommit';
type Callback = () => Promise<void> | void;

function pendingOf(queryRunner: QueryRunner): Callback[] {
  const data = queryRunner.data as Record<string, Callback[] | undefined>;
  return (data[PENDING] ??= []);
}

/**
 * Runs `callback` once the transaction `manager` belongs to has committed (at once when `manager`
 * is in no transaction); drops it if that transaction rolls back. This is how cache invalidation
 * waits for a host's transaction that includes lingua-core writes.
 */
export async function afterCommit(manager: EntityManager | undefined, callback: Callback): Promise<void> {
  const queryRunner = manager?.queryRunner;
  if (queryRunner?.isTransactionActive) pendingOf(queryRunner).push(callback);
  else await callback();
}

/** Attached to lingua-core's connection: flushes `afterCommit` callbacks on commit, drops them on rollback. */
@EventSubscriber()
export class AfterCommitSubscriber implements EntitySubscriberInterface {
  async afterTransactionCommit(event: TransactionCommitEvent): Promise<void> {
    // Nested (savepoint) commits leave the outer transaction open: wait for the real one.
    if (event.queryRunner.isTransactionActive) return;
    const callbacks = pendingOf(event.queryRunner).splice(0);
    for (const callback of callbacks) await callback();
  }

  afterTransactionRollback(event: TransactionRollbackEvent): void {
    if (!event.queryRunner.isTransactionActive) pendingOf(event.queryRunner).splice(0);
  }
}
