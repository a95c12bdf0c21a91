import { Logger } from '@nestjs/common';
import { CACHE_CHANNEL } from './invalidation-listener';
import { encodeMessage } from './invalidation-message';

/** A NOTIFY of this instance's committed somewhere between these two performance.now() times. */
export interface Announcement {
  sentAt: number;
  doneAt: number;
}

/** What the publisher needs: the listener's own connection (may be down) and the pool. */
export interface NotifyPaths {
  /** NOTIFY on the listener's connection, batched; false when it is down or failed. */
  listener(payload: string): Promise<boolean>;
  /** NOTIFY through the pool (any connection). */
  pool(channel: string, payload: string): Promise<unknown>;
}

/**
 * Tells every other instance of an invalidation: one NOTIFY on CACHE_CHANNEL naming the key prefix,
 * this instance and each scope's new version — on the listener's connection, else through the pool.
 * Never fails: when both paths fail it logs, and other instances rely on the version write alone.
 */
export class InvalidationPublisher {
  private readonly logger = new Logger('VersionedCache');

  constructor(
    private readonly prefix: string,
    private readonly sender: string,
    private readonly paths: NotifyPaths,
  ) {}

  /**
   * NOTIFYs `versions` (none: an announcement, docs/caching.md "Lone lease"). Resolves with the times
   * (performance.now()) between which the NOTIFY committed, or undefined when it failed on both paths.
   */
  async publish(versions: Array<[scope: string, version: string]>): Promise<Announcement | undefined> {
    const payload = encodeMessage({ prefix: this.prefix, sender: this.sender, versions });
    const sentAt = performance.now();
    if (await this.paths.listener(payload)) return { sentAt, doneAt: performance.now() };
    try {
      await this.paths.pool(CACHE_CHANNEL, payload);
      return { sentAt, doneAt: performance.now() };
    } catch (err) {
      if (versions.length > 0) {
        this.logger.warn({ msg: 'cache invalidation NOTIFY failed; other instances rely on the cache version alone', err: String(err) });
      }
      return undefined;
    }
  }
}
