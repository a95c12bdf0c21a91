import { linguaOperationStartedAt } from './statement-scope';

/** The pool option (in `extra`) carrying `database.deadlineMs` to lingua's pg client. */
export const DEADLINE_OPTION = 'linguaDeadlineMs';

/**
 * A statement was still unanswered when its operation's database deadline passed: its connection was
 * destroyed (whatever it waited on: a pooler's queue, a server being re-established, a dead socket).
 * `duringCommit`: the statement was the COMMIT, so the transaction may or may not have committed —
 * the server decides, lingua-core cannot know (docs/errors.md, "Deadlines").
 */
export class DatabaseDeadlineError extends Error {
  readonly code = undefined;
  constructor(
    readonly deadlineMs: number,
    readonly duringCommit: boolean,
  ) {
    super(`no answer from the database within the deadline (${deadlineMs} ms)${duringCommit ? ' during COMMIT' : ''}`);
    this.name = 'DatabaseDeadlineError';
  }
}

/**
 * Milliseconds left before the deadline of the lingua-core operation now running (counted from its
 * start), or of a statement on its own outside one. Never negative.
 */
export function msLeftBeforeDeadline(deadlineMs: number): number {
  const startedAt = linguaOperationStartedAt() ?? Date.now();
  return Math.max(0, startedAt + deadlineMs - Date.now());
}

const COMMIT = /^\s*(COMMIT|END)\b/i;
export const isCommit = (sql: unknown): boolean => typeof sql === 'string' && COMMIT.test(sql);

/**
 * `answer`, or a DatabaseDeadlineError after `msLeft` — `onExpiry` first runs, to destroy the
 * connection so nothing it held goes back to the pool. A later settlement of `answer` is ignored.
 */
export function withinDeadline<T>(
  answer: Promise<T>,
  msLeft: number,
  error: () => DatabaseDeadlineError,
  onExpiry: () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onExpiry();
      reject(error());
    }, msLeft);
    answer.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (err: unknown) => {
        clearTimeout(timer);
        reject(err);
      },
    );
  });
}
