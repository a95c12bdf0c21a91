import { Client } from 'pg';

/**
 * Deterministic ordering for concurrency tests: instead of sleeping and hoping, a test holds a lock
 * and polls pg_stat_activity until the backends it is waiting for are blocked on it.
 */

/** A connection of the test's own, outside the app's pool. */
export async function openClient(url: string): Promise<Client> {
  const client = new Client({ connectionString: url, application_name: 'lingua-test-barrier' });
  await client.connect();
  return client;
}

export interface HeldLock {
  /** Releases the lock (idempotent) and closes the connection. */
  release(): Promise<void>;
}

/**
 * Holds a session-level advisory lock on `key` until released: app statements running
 * `SELECT pg_advisory_xact_lock_shared(key)` wait at that point — a barrier the test opens.
 */
export async function holdAdvisoryLock(url: string, key: number): Promise<HeldLock> {
  const client = await openClient(url);
  await client.query('SELECT pg_advisory_lock($1)', [key]);
  return releasing(client, () => client.query('SELECT pg_advisory_unlock($1)', [key]));
}

/** Runs `statements` in a transaction that stays open until released (row or table locks). */
export async function holdInTransaction(url: string, statements: string[]): Promise<HeldLock> {
  const client = await openClient(url);
  await client.query('BEGIN');
  for (const sql of statements) await client.query(sql);
  return releasing(client, () => client.query('ROLLBACK'));
}

function releasing(client: Client, undo: () => Promise<unknown>): HeldLock {
  let released = false;
  return {
    release: async () => {
      if (released) return;
      released = true;
      await undo();
      await client.end();
    },
  };
}

export interface WaitFilter {
  /** How many backends must be waiting. */
  count: number;
  /** pg_stat_activity.wait_event_type, e.g. 'Lock'. */
  waitEventType?: string;
  /** pg_stat_activity.wait_event, e.g. 'advisory', 'transactionid', 'relation', 'tuple'. */
  waitEvent?: string;
  /** A LIKE pattern the waiting statement must match. */
  queryLike?: string;
}

/**
 * Polls pg_stat_activity (of the database in `url`) until at least `count` backends other than the
 * test's own are waiting as described. Polling only observes: the order is set by the locks, and a
 * missed poll only costs another round. Gives up after `timeoutMs` (a hang, not a timing bound).
 */
export async function waitForWaiters(url: string, filter: WaitFilter, timeoutMs = 30_000): Promise<Array<{ pid: number; query: string }>> {
  const client = await openClient(url);
  try {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const { rows } = await client.query<{ pid: number; query: string }>(
        `SELECT pid, query FROM pg_stat_activity
          WHERE datname = current_database() AND pid <> pg_backend_pid()
            AND application_name <> 'lingua-test-barrier'
            AND ($1::text IS NULL OR wait_event_type = $1)
            AND ($2::text IS NULL OR wait_event = $2)
            AND ($3::text IS NULL OR query LIKE $3)`,
        [filter.waitEventType ?? null, filter.waitEvent ?? null, filter.queryLike ?? null],
      );
      if (rows.length >= filter.count) return rows;
      if (Date.now() > deadline) throw new Error(`waited ${timeoutMs} ms for ${JSON.stringify(filter)}; saw ${rows.length}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  } finally {
    await client.end();
  }
}
