import { DataSource, EntityManager, QueryFailedError } from 'typeorm';
import type { IsolationLevel } from 'typeorm/driver/types/IsolationLevel';
import type { LinguaSessionTimeouts } from '../lingua-core.options';
import { transactionPreamble } from './session-settings';
import { backoffMs, sleep } from '../common/backoff';

export const SERIALIZATION_FAILURE = '40001';
export const DEADLOCK_DETECTED = '40P01';

export interface TransactionOptions {
  isolation?: IsolationLevel;
  /** Retries after the first attempt for serialization failures and deadlocks. */
  maxRetries?: number;
  baseDelayMs?: number;
  onRetry?: (attempt: number, sqlState: string) => void;
  /** Set with SET LOCAL at the start of each attempt (session-setting-free behind a transaction pooler). */
  timeouts?: Required<LinguaSessionTimeouts>;
}

export function sqlStateOf(err: unknown): string | undefined {
  if (err instanceof QueryFailedError) return (err.driverError as { code?: string } | undefined)?.code;
  return (err as { code?: unknown } | undefined)?.code as string | undefined;
}

function isRetryable(err: unknown): boolean {
  const state = sqlStateOf(err);
  return state === SERIALIZATION_FAILURE || state === DEADLOCK_DETECTED;
}

/**
 * Runs `work` in a transaction; on a serialization failure or deadlock, rolls back and runs it again
 * on a fresh transaction with jittered exponential backoff, at most `maxRetries` more times.
 * Any other error (and the last retryable one) is rethrown as it came.
 */
export async function runInTransaction<T>(
  dataSource: DataSource,
  work: (manager: EntityManager) => Promise<T>,
  { isolation = 'READ COMMITTED', maxRetries = 3, baseDelayMs = 20, onRetry, timeouts }: TransactionOptions = {},
): Promise<T> {
  const preamble = transactionPreamble(isolation, timeouts);
  for (let attempt = 1; ; attempt++) {
    try {
      return await dataSource.transaction(async (manager) => {
        await manager.query(preamble);
        return work(manager);
      });
    } catch (err) {
      if (!isRetryable(err) || attempt > maxRetries) throw err;
      onRetry?.(attempt, sqlStateOf(err) as string);
      await sleep(backoffMs(attempt, { baseMs: baseDelayMs, jitter: true }));
    }
  }
}
