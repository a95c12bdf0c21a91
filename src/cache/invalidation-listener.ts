import { Logger } from '@nestjs/common';
import { Client, ClientConfig } from 'pg';
import { backoffMs } from '../common/backoff';
import { noop, withTimeLimit } from '../common/time-limit';
import { isSession } from '../database/session-probe';
import { FreshCoalescer } from './coalescer';

/** The PostgreSQL channel every lingua-core instance LISTENs on; the payload names the key prefix. */
export const CACHE_CHANNEL = 'lingua_cache';

const SYNC_TIMEOUT_MS = 1_000;
const MAX_BACKOFF_MS = 5_000;

export interface ListenerEvents {
  /** A notification on CACHE_CHANNEL; runs synchronously, before any later `sync()` resolves. */
  message(payload: string): void;
  /** The connection came back after a loss: notifications sent meanwhile were missed. */
  gap(): void;
  /** NOTIFY from another connection (the pool): the session probe at each connect. */
  notifyElsewhere(channel: string, payload: string): Promise<unknown>;
  /** The listener holds a verified session (true) or lost it (false). */
  state?(up: boolean): void;
}

/**
 * One dedicated PostgreSQL connection (never a pool connection) that LISTENs on CACHE_CHANNEL,
 * reconnecting with backoff when lost.
 *
 * `sync()` is the read barrier: a `SELECT 1` round trip on this connection that *started* after
 * the caller asked. PostgreSQL sends a listening session every notification committed before it
 * began a statement ahead of that statement's ReadyForQuery, and node-postgres emits them in
 * order, so once `sync()` resolves every invalidation committed before the call has been handled
 * here. Concurrent callers share round trips: one in flight, at most one queued behind it.
 * `syncedWithin(ms)` says whether a round trip that started less than `ms` ago has completed on the
 * current connection: what a read with a shared store may rely on instead of a round trip of its own
 * (docs/caching.md, "Read barrier and leases"); `times()` is what the lone lease is decided from.
 */
export class InvalidationListener {
  private readonly logger = new Logger('CacheInvalidationListener');
  private client: Client | undefined;
  private connecting: Promise<void> | undefined;
  private hadConnection = false;
  private failures = 0;
  private retry: NodeJS.Timeout | undefined;
  private closed = false;
  private readonly roundTrips = new FreshCoalescer<void>();
  /** performance.now() when the latest completed round trip on this connection started. */
  private syncedAt = -Infinity;
  /** performance.now() once LISTEN had taken effect on this connection (Infinity while there is none). */
  private listeningSince = Infinity;
  /** This connection's statements, one at a time (node-postgres deprecates overlapping queries). */
  private tail: Promise<unknown> = Promise.resolve();
  /** Payloads waiting for the next NOTIFY statement (sent as one transaction when the connection is free). */
  private batch: { payloads: string[]; sent: Promise<boolean> } | undefined;
  private sessionless = false;

  constructor(
    private readonly config: ClientConfig,
    private readonly events: ListenerEvents,
  ) {}

  get connected(): boolean {
    return this.client !== undefined;
  }

  /** The connection turned out not to be a session (a transaction pooler): the listener stays off. */
  get notASession(): boolean {
    return this.sessionless;
  }

  /** Connects; waits at most `waitMs` for it (start-up never fails because of the listener). */
  async start(waitMs: number): Promise<void> {
    this.connecting = this.connect();
    await withTimeLimit(this.connecting, waitMs, noop);
  }

  /** Resolves once every notification committed before this call has been handled; rejects while disconnected. */
  sync(): Promise<void> {
    const notConnected = () => Promise.reject(new Error('cache invalidation listener is not connected'));
    if (!this.client) return notConnected();
    // The round trip in flight may have started before this call: callers then wait for the next one.
    return this.roundTrips.run('', () => (this.client ? this.roundTrip(this.client) : notConnected()));
  }

  /** A round trip that started less than `ms` ago has completed on the current connection. */
  syncedWithin(ms: number): boolean {
    return this.client !== undefined && performance.now() - this.syncedAt < ms;
  }

  /** When the latest completed round trip started, and since when this connection listens (for the lone lease). */
  times(): { syncedAt: number; listeningSince: number } {
    return this.client
      ? { syncedAt: this.syncedAt, listeningSince: this.listeningSince }
      : { syncedAt: -Infinity, listeningSince: Infinity };
  }

  /** Starts a round trip in the background unless one is in flight (renews what `syncedWithin` sees). */
  renew(): void {
    if (this.client && !this.roundTrips.running('')) void this.sync().catch(noop);
  }

  /**
   * NOTIFY on this connection (autocommit); false when it is down. Payloads that arrive while a
   * statement is in flight are sent together in the next one: a notifying commit takes a
   * cluster-wide lock, so one commit per batch instead of one per write (docs/caching.md).
   */
  notify(payload: string): Promise<boolean> {
    const client = this.client;
    if (!client) return Promise.resolve(false);
    if (this.batch) {
      this.batch.payloads.push(payload);
      return this.batch.sent;
    }
    const batch: { payloads: string[]; sent: Promise<boolean> } = { payloads: [payload], sent: Promise.resolve(false) };
    this.batch = batch;
    batch.sent = this.query(client, () => {
      this.batch = undefined; // later payloads go in the next statement
      return ['SELECT pg_notify($1, p) FROM unnest($2::text[]) AS p', [CACHE_CHANNEL, batch.payloads]];
    }).then(
      () => true,
      () => false,
    );
    return batch.sent;
  }

  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.retry);
    await this.connecting?.catch(noop);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(noop);
  }

  private async connect(): Promise<void> {
    const client = new Client({ ...this.config, application_name: 'lingua-cache-listener' });
    client.on('notification', (n) => {
      if (n.channel === CACHE_CHANNEL && n.payload) this.events.message(n.payload);
    });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    let session: boolean;
    try {
      await client.connect();
      session = await isSession(client, this.events.notifyElsewhere);
      if (session) await client.query(`LISTEN ${CACHE_CHANNEL}`);
    } catch (err) {
      this.lost(client, err);
      return;
    }
    if (!session) {
      this.sessionless = true;
      this.closed = true;
      await client.end().catch(noop);
      this.logger.error(
        "the cache invalidation listener's connection is not a session (a LISTEN heard no NOTIFY: a transaction pooler?): " +
          'the listener is off and cached reads go to PostgreSQL. Give lingua-core a direct connection (directUrl / DATABASE_DIRECT_URL).',
      );
      return;
    }
    if (this.closed) {
      await client.end().catch(noop);
      return;
    }
    this.client = client;
    this.listeningSince = performance.now(); // LISTEN (autocommit) had taken effect when its answer came
    this.tail = Promise.resolve(); // never queue behind a statement of a connection that was dropped
    this.failures = 0;
    if (this.hadConnection) {
      this.logger.warn('cache invalidation listener reconnected; notifications may have been missed');
      this.events.gap();
    }
    this.hadConnection = true;
    this.events.state?.(true);
  }

  private roundTrip(client: Client): Promise<void> {
    const started = performance.now();
    const answered = withTimeLimit(
      this.query(client, () => ['SELECT 1', []]),
      SYNC_TIMEOUT_MS,
      () => {
        throw new Error('cache invalidation listener did not answer');
      },
    );
    return answered.then(
      () => {
        if (this.client === client) this.syncedAt = Math.max(this.syncedAt, started);
      },
      (err) => {
        // A connection that stops answering may have missed notifications: drop it, reconnect.
        this.lost(client, err);
        void client.end().catch(noop);
        throw err;
      },
    );
  }

  /** Runs a statement after this connection's previous one; `statement` is built when its turn comes. */
  private query(client: Client, statement: () => [string, unknown[]]): Promise<unknown> {
    const result = this.tail.then(() => client.query(...statement()));
    this.tail = result.catch(noop);
    return result;
  }

  private lost(client: Client, err?: unknown): void {
    if (this.client === client) {
      this.client = undefined;
      this.syncedAt = -Infinity;
      this.listeningSince = Infinity;
      this.events.state?.(false);
      this.logger.warn({
        msg: 'cache invalidation listener lost; the cache is bypassed until it is back',
        err: err ? String(err) : undefined,
      });
    }
    if (this.closed || this.retry || this.client) return;
    const delay = backoffMs(++this.failures, { baseMs: 100, maxMs: MAX_BACKOFF_MS });
    this.retry = setTimeout(() => {
      this.retry = undefined;
      this.connecting = this.connect();
    }, delay);
    this.retry.unref();
  }
}
