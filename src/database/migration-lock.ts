import type { EventEmitter } from 'node:events';
import type { DataSource, QueryRunner } from 'typeorm';
import { isSession } from './session-probe';

/** pg_advisory_lock key pair for migration runs: 'ling', 'migr' as int4. */
const LOCK_KEY = [0x6c696e67, 0x6d696772] as const;

/**
 * Makes concurrent `migration:run` / `migration:revert` on one database safe: each run takes a
 * session advisory lock first, so one instance migrates while the others wait, then find nothing
 * pending. Wrap the DataSource your `ormconfig` exports (or the one you call `runMigrations` on):
 *
 *   export default withMigrationLock(new DataSource({ …, migrations: [...LINGUA_MIGRATIONS, …] }));
 *
 * (`migrationsRun: true` runs migrations inside `initialize()`, before any wrapper: use the CLI or
 * call `runMigrations()` yourself.)
 */
export function withMigrationLock<T extends DataSource>(dataSource: T, log: (line: string) => void = () => undefined): T {
  const runMigrations = dataSource.runMigrations.bind(dataSource);
  const undoLastMigration = dataSource.undoLastMigration.bind(dataSource);
  dataSource.runMigrations = (options) => holdingMigrationLock(dataSource, log, () => runMigrations(options));
  dataSource.undoLastMigration = (options) => holdingMigrationLock(dataSource, log, () => undoLastMigration(options));
  return dataSource;
}

export async function holdingMigrationLock<R>(dataSource: DataSource, log: (line: string) => void, work: () => Promise<R>): Promise<R> {
  const runner = dataSource.createQueryRunner();
  const client = (await runner.connect()) as EventEmitter & { query(sql: string): Promise<unknown> };
  try {
    // A session advisory lock through a transaction pooler is held by whichever server connection
    // ran it: two instances both get it. Refuse rather than migrate unguarded.
    if (!(await isSession(client, (channel, payload) => dataSource.query('SELECT pg_notify($1, $2)', [channel, payload])))) {
      throw new MigrationNeedsSessionError();
    }
    // Poll rather than block in pg_advisory_lock: a session blocked in a statement keeps a snapshot
    // open, and the running instance's CREATE INDEX CONCURRENTLY would wait for it (and time out).
    let waiting = false;
    while (!(await tryLock(runner))) {
      if (!waiting) log('another instance is running migrations on this database: waiting for it to finish');
      waiting = true;
      await new Promise((resolve) => setTimeout(resolve, POLL_MS));
    }
    try {
      return await work();
    } finally {
      await runner.query(`SELECT pg_advisory_unlock($1, $2)`, [...LOCK_KEY]);
    }
  } finally {
    await runner.release();
  }
}

const POLL_MS = 250;

async function tryLock(runner: QueryRunner): Promise<boolean> {
  const [{ locked }] = await runner.query(`SELECT pg_try_advisory_lock($1, $2) AS locked`, [...LOCK_KEY]);
  return locked === true;
}

/** Thrown when the migration DataSource's connection is not a session (a transaction pooler). */
export class MigrationNeedsSessionError extends Error {
  override name = 'MigrationNeedsSessionError';
  constructor() {
    super(
      'lingua-core: migrations need a direct connection to the primary, and this one is not a session (a LISTEN heard no NOTIFY: ' +
        'a transaction pooler?). Point the migration DataSource at the primary itself (the reference host: DATABASE_DIRECT_URL).',
    );
  }
}
