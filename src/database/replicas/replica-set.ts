import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import type { DataSource, DataSourceOptions } from 'typeorm';
import type { PostgresConnectionCredentialsOptions } from 'typeorm/driver/postgres/PostgresConnectionCredentialsOptions';
import { LinguaSettings } from '../../lingua-core.options';
import { MetricsService } from '../../observability/metrics.service';
import { connectionOptions } from '../connection-options';
import { LINGUA_ENTITY_LIST, LinguaEntityList } from '../entity-list';
import { LinguaDataSource } from '../lingua-data-source';
import { parseLsn } from './lsn';
import { ReplicaNode } from './replica-node';

export type NoReplicaReason = 'none_configured' | 'not_caught_up' | 'unavailable';

export interface ReplicaReport {
  name: string;
  state: string;
  lagBytes?: number;
  lagMs?: number;
  error?: string;
}

/**
 * The replicas lingua-core may read from, probed every `replicas.probeIntervalMs`: the primary's WAL
 * position, then each replica's replay position and lag. A replica that fails a probe or a read is
 * down until a probe succeeds again; one lagging past `maxLagBytes` / `maxLagMs` is skipped until it
 * catches up. Nothing here can fail start-up or a request: a replica is only ever a faster way.
 */
@Injectable()
export class ReplicaSet implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger('LinguaReplicas');
  readonly nodes: ReplicaNode[];
  private timer: NodeJS.Timeout | undefined;
  private probing: Promise<void> | undefined;
  private next = 0;
  private stopped = false;
  private readonly openListeners: Array<(dataSource: DataSource) => void> = [];

  constructor(
    private readonly settings: LinguaSettings,
    private readonly dataSource: LinguaDataSource,
    private readonly metrics: MetricsService,
    @Inject(LINGUA_ENTITY_LIST) entities: LinguaEntityList,
  ) {
    this.nodes = replicaTargets(settings, dataSource.options, entities).map(
      ({ name, options }) => new ReplicaNode(name, options, (ds) => this.openListeners.forEach((listener) => listener(ds))),
    );
    metrics.watchReplicas(() => this.report());
  }

  /** Called with each replica's DataSource when its pool opens (the query monitor observes them too). */
  onOpen(listener: (dataSource: DataSource) => void): void {
    this.openListeners.push(listener);
  }

  get enabled(): boolean {
    return this.nodes.length > 0;
  }

  async onModuleInit(): Promise<void> {
    if (!this.enabled) return;
    this.logger.log(`reading from ${this.nodes.length} replica(s): ${this.nodes.map((n) => n.name).join(', ')}`);
    // The first probe opens the pools; start-up waits for it but never fails on it.
    await this.probeAll();
    this.schedule();
  }

  /**
   * After the host's HTTP server has drained (Nest calls this hook after closing it, onModuleDestroy
   * before): the reads still in flight until then keep their replicas.
   */
  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.probing;
    await Promise.all(this.nodes.map((node) => node.close()));
  }

  /**
   * `pick`, and when every usable replica's last probe is behind `required` (a learner's own write a
   * moment ago), their replay positions asked now — on the replicas, not the primary: streaming
   * usually replays a write within milliseconds, long before the next probe would tell.
   */
  async pickCaughtUp(required: bigint | undefined): Promise<ReplicaNode | NoReplicaReason> {
    const first = this.pick(required);
    if (first !== 'not_caught_up' || required === undefined) return first;
    const usable = this.nodes.filter(isUsable);
    await Promise.all(usable.map((node) => node.refreshReplay().catch((err: unknown) => this.failed(node, err))));
    return this.pick(required);
  }

  /** Some replica is up and within the lag bounds (as of its last probe). */
  anyUsable(): boolean {
    return this.nodes.some(isUsable);
  }

  /** A replica that has replayed `required` (when given) and is within the lag bounds, round robin. */
  pick(required: bigint | undefined): ReplicaNode | NoReplicaReason {
    if (!this.enabled) return 'none_configured';
    for (let i = 0; i < this.nodes.length; i++) {
      const node = this.nodes[(this.next + i) % this.nodes.length];
      if (!isUsable(node) || (required !== undefined && node.probe!.replayLsn < required)) continue;
      this.next = (this.next + i + 1) % this.nodes.length;
      return node;
    }
    return this.anyUsable() ? 'not_caught_up' : 'unavailable';
  }

  /** A read on `node` failed for a reason of the server or the network: skip it until a probe succeeds. */
  failed(node: ReplicaNode, err: unknown): void {
    if (node.state !== 'down')
      this.logger.warn(`replica ${node.name} failed a read and is skipped until it answers a probe: ${String(err)}`);
    node.state = 'down';
    node.lastError = String(err);
  }

  report(): ReplicaReport[] {
    return this.nodes.map((node) => ({
      name: node.name,
      state: node.state,
      ...(node.probe ? { lagBytes: node.probe.lagBytes, lagMs: node.probe.lagMs } : {}),
      ...(node.state === 'down' && node.lastError ? { error: node.lastError } : {}),
    }));
  }

  /** Probes now (tests use it to see a change without waiting for the next tick). */
  probeAll(): Promise<void> {
    this.probing ??= this.runProbe().finally(() => (this.probing = undefined));
    return this.probing;
  }

  private schedule(): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => void this.probeAll().finally(() => this.schedule()), this.settings.replicas.probeIntervalMs);
    this.timer.unref();
  }

  private async runProbe(): Promise<void> {
    const primaryLsn = await this.dataSource
      .query(`SELECT pg_current_wal_lsn()::text AS lsn`)
      .then((rows: Array<{ lsn: string }>) => parseLsn(rows[0].lsn))
      .catch(() => undefined);
    const { maxLagBytes, maxLagMs } = this.settings.replicas;
    await Promise.all(
      this.nodes.map(async (node) => {
        const before = node.state;
        try {
          node.probe = await node.measure(primaryLsn);
          node.lastError = undefined;
          node.state = node.probe.lagBytes > maxLagBytes || node.probe.lagMs > maxLagMs ? 'lagging' : 'up';
        } catch (err) {
          node.state = 'down';
          node.lastError = String(err);
        }
        if (node.state !== before && before !== 'starting')
          this.logger.warn(`replica ${node.name}: ${before} → ${node.state}${node.lastError ? ` (${node.lastError})` : ''}`);
        else if (node.state === 'down' && before === 'starting')
          this.logger.warn(`replica ${node.name} is down at start-up; reads go to the primary until it answers (${node.lastError})`);
      }),
    );
  }
}

/** Up, within the lag bounds, and probed at least once. */
const isUsable = (node: ReplicaNode): boolean => node.state === 'up' && node.probe !== undefined;

interface ReplicaTarget {
  name: string;
  options: DataSourceOptions;
}

/** `replicas.urls`, else the `replication.slaves` of the host's TypeORM connection. */
function replicaTargets(settings: LinguaSettings, primary: DataSourceOptions, entities: LinguaEntityList): ReplicaTarget[] {
  const fromHost = (primary as { replication?: { slaves?: PostgresConnectionCredentialsOptions[] } }).replication?.slaves ?? [];
  const credentials: PostgresConnectionCredentialsOptions[] = settings.replicas.urls
    ? settings.replicas.urls.map((url) => ({ url }))
    : fromHost;
  const timeouts = settings.sessionTimeouts;
  return credentials.map((credential) => {
    // No startup parameter (the replica may sit behind a pooler too): a read gives up client-side and goes to the primary.
    const options = connectionOptions(
      { url: credential.url, poolMax: settings.replicas.poolMax, acquireTimeoutMs: 1_000, pooler: 'transaction' },
      entities,
      { ...credential, applicationName: 'lingua-core-replica', migrations: [], logging: false },
    );
    return {
      name: nameOf(credential),
      options: { ...options, extra: { ...options.extra, query_timeout: timeouts?.statementTimeoutMs || 10_000 } } as DataSourceOptions,
    };
  });
}

function nameOf(credential: PostgresConnectionCredentialsOptions): string {
  if (credential.url) {
    const url = new URL(credential.url);
    return `${url.hostname}:${url.port || 5432}`;
  }
  return `${credential.host ?? 'localhost'}:${credential.port ?? 5432}`;
}
