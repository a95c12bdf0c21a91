import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { MetricsService } from '../../observability/metrics.service';
import { isConnectionFailure } from '../db-errors';
import { LinguaDataSource } from '../lingua-data-source';
import { LinguaRepositories } from '../lingua-repositories';
import { ReplicaSet } from './replica-set';
import { LinguaScoped } from '../statement-scope';
import { CATALOGUE, learnerScope, WritePositions } from './write-positions';

export type Read<T> = (manager: EntityManager) => Promise<T>;

/**
 * Where a read runs. A learner's reads and catalogue reads may go to a replica that has replayed
 * every write of theirs this deployment acknowledged (WritePositions); anything else, and every
 * read when no replica qualifies or one fails, runs on the primary. Writes, transactions and
 * read-then-write never come here: they use the primary's manager or their transaction's.
 *
 * The manager a read gets answers `getRepository(Entity)` with the repository under
 * `getRepositoryToken(Entity)` (LinguaRepositories): a host's override of that token is what every
 * read uses, on the primary as is, on a replica with the replica's manager underneath.
 */
@Injectable()
@LinguaScoped()
export class ReadRouter {
  constructor(
    private readonly dataSource: LinguaDataSource,
    private readonly replicas: ReplicaSet,
    private readonly positions: WritePositions,
    private readonly metrics: MetricsService,
    private readonly repositories: LinguaRepositories,
  ) {}

  /** A read of one learner's data (which embeds catalogue rows: the catalogue's writes count too). */
  learner<T>(userId: number, read: Read<T>): Promise<T> {
    return this.route([learnerScope(userId), CATALOGUE], read);
  }

  catalogue<T>(read: Read<T>): Promise<T> {
    return this.route([CATALOGUE], read);
  }

  primary<T>(read: Read<T>): Promise<T> {
    return read(this.primaryManager());
  }

  private async route<T>(scopes: string[], read: Read<T>): Promise<T> {
    if (!this.replicas.enabled) return read(this.primaryManager());
    // No replica to ask: the shared record of positions need not be read either.
    if (!this.replicas.anyUsable()) return this.onPrimary('unavailable', read);
    const required = await this.positions.required(scopes);
    if (required === 'unknown') return this.onPrimary('unknown_position', read);
    const node = await this.replicas.pickCaughtUp(required);
    if (typeof node === 'string') return this.onPrimary(node, read);
    try {
      const result = await read(this.repositories.readingOn(node.manager));
      this.metrics.reads.inc({ target: 'replica', reason: 'caught_up' });
      return result;
    } catch (err) {
      // A replica is only ever a faster way: whatever it answered, the primary answers again.
      if (isConnectionFailure(err)) this.replicas.failed(node, err);
      return this.onPrimary('replica_error', read);
    }
  }

  private onPrimary<T>(reason: string, read: Read<T>): Promise<T> {
    this.metrics.reads.inc({ target: 'primary', reason });
    return read(this.primaryManager());
  }

  private primaryManager(): EntityManager {
    return this.repositories.readingOn(this.dataSource.manager);
  }
}
