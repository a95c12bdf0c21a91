import { createHash } from 'node:crypto';
import * as pg from 'pg';
import { DatabaseDeadlineError, DEADLINE_OPTION, isCommit, msLeftBeforeDeadline, withinDeadline } from './deadline';

/**
 * Marks a statement worth a named prepared statement: `qb.comment(PREPARE_COMMENT)` on a
 * QueryBuilder, or `prepared(sql)` for raw SQL. On a connection that is a session of its own
 * (`database.pooler: 'none'`) lingua's pg client sends it as a named statement, parsed and planned
 * once per connection (PostgreSQL switches to a generic plan when it costs no more); behind a
 * transaction pooler, whose server connections change between transactions, it stays unnamed.
 * Mark only statements with an explicit column list: a prepared `SELECT *`/`RETURNING *` fails after
 * a migration adds a column to its table ("cached plan must not change result type").
 */
export const PREPARE_COMMENT = 'lingua:prepare';
const PREPARE_MARK = `/* ${PREPARE_COMMENT} */`;
export const prepared = (sql: string): string => `${PREPARE_MARK} ${sql.trim()}`;
/** The pool option (in `extra`) that lets lingua's client name marked statements. */
export const PREPARE_STATEMENTS_OPTION = 'linguaPrepareStatements';

const statementNames = new Map<string, string>();
function statementName(text: string): string {
  let name = statementNames.get(text);
  if (!name) {
    name = `lingua_${createHash('sha1').update(text).digest('hex').slice(0, 24)}`;
    statementNames.set(text, name);
  }
  return name;
}

/**
 * Thrown when no connection could be had: pool acquire timeout, refused or dropped connection,
 * server starting up or shutting down. pg-pool reports its acquire timeout as a plain Error with no
 * code; wrapping everything `pool.connect` rejects with lets the error filter map it by class.
 */
export class DatabaseConnectError extends Error {
  readonly code: string | undefined;
  constructor(readonly cause: unknown) {
    super('could not obtain a database connection', { cause });
    this.name = 'DatabaseConnectError';
    this.code = (cause as { code?: string } | undefined)?.code;
  }
}

/**
 * pg's client-side `query_timeout` fired: the driver stopped waiting for the answer (the server may
 * still be running the statement). pg reports it as a plain Error with no code, like a dropped
 * connection; LinguaClient gives it a class of its own so the error filter can tell them apart
 * without reading message text.
 */
export class QueryReadTimeoutError extends Error {
  readonly code = undefined;
  constructor(
    readonly timeoutMs: number,
    readonly cause: unknown,
  ) {
    super(`no answer within the client query_timeout (${timeoutMs} ms)`, { cause });
    this.name = 'QueryReadTimeoutError';
  }
}

/**
 * pg's Client, with the one failure pg does not type: with a `query_timeout` set, a query rejected
 * with a plain code-less Error on a connection that is still up is pg's read timeout (a lost
 * connection has emitted 'end' or 'error' before pg rejects its queries, on the next tick; server
 * errors are pg DatabaseErrors with a SQLSTATE; socket errors carry an errno code).
 *
 * And two things pg does not do. A statement unanswered at its operation's deadline (`DEADLINE_OPTION`)
 * is rejected with DatabaseDeadlineError. On that and on pg's read timeout the connection is destroyed:
 * pg's `query_timeout` leaves the timed-out statement active on a live socket (only a statement not
 * yet sent leaves the queue), so the client would go back to the pool and the next statement on it
 * would wait behind the lost one. A destroyed client is not queryable: pg-pool removes it on release.
 */
class LinguaClient extends pg.Client {
  private connectionLost = false;
  private readonly prepareMarked: boolean;
  private readonly deadlineMs: number;

  constructor(config?: string | pg.ClientConfig) {
    super(config);
    this.prepareMarked = typeof config === 'object' && (config as Record<string, unknown>)[PREPARE_STATEMENTS_OPTION] === true;
    const deadline = typeof config === 'object' ? (config as Record<string, unknown>)[DEADLINE_OPTION] : undefined;
    this.deadlineMs = typeof deadline === 'number' && deadline > 0 ? deadline : 0;
    this.once('end', () => (this.connectionLost = true));
    this.on('error', () => (this.connectionLost = true));
  }

  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  query(...args: any[]): any {
    if (this.prepareMarked && typeof args[0] === 'string' && args[0].startsWith(PREPARE_MARK) && typeof args[2] !== 'function') {
      args = [{ name: statementName(args[0]), text: args[0], values: args[1] }];
    }
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const result = (super.query as (...a: any[]) => any)(...args);
    if (!(result instanceof Promise)) return result; // callback and Submittable forms: untouched
    const timeoutMs = readTimeoutOf(args[0], this);
    const answer = (result as Promise<unknown>).catch((err: unknown) => {
      const isReadTimeout =
        timeoutMs > 0 &&
        !this.connectionLost &&
        Object.getPrototypeOf(err) === Error.prototype &&
        (err as { code?: unknown }).code === undefined;
      if (!isReadTimeout) throw err;
      this.discard();
      throw new QueryReadTimeoutError(timeoutMs, err);
    });
    if (!this.deadlineMs) return answer;
    const sql = typeof args[0] === 'string' ? args[0] : (args[0] as { text?: unknown } | undefined)?.text;
    return withinDeadline(
      answer,
      msLeftBeforeDeadline(this.deadlineMs),
      () => new DatabaseDeadlineError(this.deadlineMs, isCommit(sql)),
      () => this.discard(),
    );
  }

  /** Destroys the socket: pg then fails what is queued on it and marks the client not queryable. */
  private discard(): void {
    this.connectionLost = true;
    (this as unknown as { connection?: { stream?: { destroy(): void } } }).connection?.stream?.destroy();
  }
}

function readTimeoutOf(config: unknown, client: pg.Client): number {
  const own = typeof config === 'object' && config ? (config as { query_timeout?: number }).query_timeout : undefined;
  const connection = (client as unknown as { connectionParameters?: { query_timeout?: number } }).connectionParameters?.query_timeout;
  return own || connection || 0;
}

type ConnectCallback = (err: Error | undefined, client?: pg.PoolClient, release?: (e?: unknown) => void) => void;

/**
 * pg's Pool with typed connect errors, and connects bounded by the operation's deadline too: a
 * connect that loses the race gets its client released to the pool when it arrives (it is healthy;
 * pg-pool's own `connectionTimeoutMillis` bounds the connect itself).
 */
class LinguaPool extends pg.Pool {
  private readonly deadlineMs: number;

  constructor(config?: pg.PoolConfig) {
    super({ Client: LinguaClient, ...config });
    const deadline = (config as Record<string, unknown> | undefined)?.[DEADLINE_OPTION];
    this.deadlineMs = typeof deadline === 'number' && deadline > 0 ? deadline : 0;
  }

  connect(): Promise<pg.PoolClient>;
  connect(callback: ConnectCallback): void;
  connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    if (!callback) {
      return new Promise((resolve, reject) => this.connect((err, client) => (err ? reject(err) : resolve(client as pg.PoolClient))));
    }
    let answered = false;
    const timer = this.deadlineMs
      ? setTimeout(() => {
          answered = true;
          callback(new DatabaseConnectError(new DatabaseDeadlineError(this.deadlineMs, false)));
        }, msLeftBeforeDeadline(this.deadlineMs))
      : undefined;
    super.connect((err, client, release) => {
      clearTimeout(timer);
      if (answered) return client && release?.();
      answered = true;
      callback(err ? new DatabaseConnectError(err) : undefined, client, release);
    });
  }
}

/** The `pg` module as TypeORM should see it: identical, but with a pool whose connect errors are typed. */
// Typed loosely on purpose: a host type-checks our declarations without @types/pg.
export const linguaPgDriver: object = { ...pg, Pool: LinguaPool };
