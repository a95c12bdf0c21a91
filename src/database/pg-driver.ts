import * as pg from 'pg';

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

type ConnectCallback = (err: Error | undefined, client?: pg.PoolClient, release?: (e?: unknown) => void) => void;

class LinguaPool extends pg.Pool {
  connect(): Promise<pg.PoolClient>;
  connect(callback: ConnectCallback): void;
  connect(callback?: ConnectCallback): Promise<pg.PoolClient> | void {
    if (!callback) {
      return super.connect().catch((err: unknown) => {
        throw new DatabaseConnectError(err);
      });
    }
    super.connect((err, client, release) => callback(err ? new DatabaseConnectError(err) : undefined, client, release));
  }
}

/** The `pg` module as TypeORM should see it: identical, but with a pool whose connect errors are typed. */
// Typed loosely on purpose: a host type-checks our declarations without @types/pg.
export const linguaPgDriver: object = { ...pg, Pool: LinguaPool };
