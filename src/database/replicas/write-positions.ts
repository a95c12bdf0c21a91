import { Injectable, Logger } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { LinguaSettings } from '../../lingua-core.options';
import { MetricsService } from '../../observability/metrics.service';
import { CacheStore, UNAVAILABLE } from '../../cache/cache-store';
import { afterCommit } from '../after-commit';
import { LinguaDataSource } from '../lingua-data-source';
import { formatLsn, maxLsn, parseLsn } from './lsn';
import { ReplicaSet } from './replica-set';

/** Position scope of every catalogue write (categories, words, lessons): catalogue reads and cache fills wait for it. */
export const CATALOGUE = 'catalogue';
export const learnerScope = (userId: number) => `learner:${userId}`;

/** Without a shared record, a write waits at most this for the replicas to replay it. */
const UNSHARED_WAIT_MS = 2_000;

/**
 * Read-your-writes by WAL position (docs/scaling.md). After a write commits, the primary's WAL insert
 * position (past the commit record) is recorded for the scope it touched — in this process, and in
 * the shared cache when there is one, with a TTL; a read of that scope may use a replica only once
 * the replica has replayed past it. With no replica configured, nothing is recorded and nothing costs.
 */
@Injectable()
export class WritePositions {
  private readonly logger = new Logger('LinguaReadYourWrites');
  private readonly local = new Map<string, { lsn: bigint; expires: number }>();

  constructor(
    private readonly store: CacheStore,
    private readonly settings: LinguaSettings,
    private readonly dataSource: LinguaDataSource,
    private readonly replicas: ReplicaSet,
    private readonly metrics: MetricsService,
  ) {}

  /** After a learner's write (once `manager`'s transaction commits, when given). */
  learnerWrote(userId: number, manager?: EntityManager): Promise<void> {
    return this.afterCommit(manager, [learnerScope(userId)]);
  }

  /** After a catalogue write: every catalogue read, and every learner read (they embed the catalogue). */
  catalogueWrote(manager?: EntityManager): Promise<void> {
    return this.afterCommit(manager, [CATALOGUE]);
  }

  /** The position a read of these scopes needs; `unknown` when the shared record cannot be read. */
  async required(scopes: string[]): Promise<bigint | undefined | 'unknown'> {
    const now = Date.now();
    let required: bigint | undefined;
    for (const scope of scopes) {
      const entry = this.local.get(scope);
      if (entry && entry.expires > now) required = maxLsn(required, entry.lsn);
    }
    if (!this.shared) return required;
    const found = await this.store.getMax(scopes.map((s) => this.key(s)));
    if (found === UNAVAILABLE) return 'unknown';
    for (const value of found) if (value !== undefined) required = maxLsn(required, value);
    return required;
  }

  private afterCommit(manager: EntityManager | undefined, scopes: string[]): Promise<void> {
    if (!this.replicas.enabled) return Promise.resolve();
    return afterCommit(manager, () => this.record(scopes));
  }

  private async record(scopes: string[]): Promise<void> {
    const [{ lsn: text }] = await this.dataSource.query(`SELECT pg_current_wal_insert_lsn()::text AS lsn`);
    const lsn = parseLsn(text);
    if (lsn === undefined) return;
    const expires = Date.now() + this.settings.replicas.positionTtlMs;
    for (const scope of scopes) {
      const entry = this.local.get(scope);
      if (!entry || entry.lsn < lsn || entry.expires <= Date.now()) this.local.set(scope, { lsn, expires });
    }
    this.prune();
    if (!this.shared) return this.metrics.writePositions.inc({ result: 'recorded' });
    const ttl = this.settings.replicas.positionTtlMs;
    // An atomic max on Redis: a position only moves forward, whichever of two concurrent writers lands last.
    const results = await Promise.all(scopes.map((scope) => this.store.setMax(this.key(scope), lsn, ttl)));
    if (results.every(Boolean)) return this.metrics.writePositions.inc({ result: 'recorded' });
    // Other instances cannot learn of this write: acknowledge it only once the replicas have it.
    this.metrics.writePositions.inc({ result: 'local_only' });
    if (!(await this.waitForReplicas(lsn))) {
      this.logger.warn(
        `write position ${formatLsn(lsn)} is in no shared record and not yet replayed by every replica: other instances may read it stale until they catch up`,
      );
    }
  }

  /** Polls every usable replica until each has replayed `lsn`; false after UNSHARED_WAIT_MS. */
  private async waitForReplicas(lsn: bigint): Promise<boolean> {
    const deadline = Date.now() + UNSHARED_WAIT_MS;
    while (Date.now() < deadline) {
      await this.replicas.probeAll();
      const behind = this.replicas.nodes.filter((n) => n.state === 'up' && n.probe && n.probe.replayLsn < lsn);
      if (behind.length === 0) return true;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return false;
  }

  private prune(): void {
    if (this.local.size < 10_000) return;
    const now = Date.now();
    for (const [scope, entry] of this.local) if (entry.expires <= now) this.local.delete(scope);
  }

  private get shared(): boolean {
    return Boolean(this.settings.redisUrl || this.settings.cacheStore);
  }

  private key(scope: string): string {
    return `${this.settings.cacheKeyPrefix}:lsn:${scope}`;
  }
}
