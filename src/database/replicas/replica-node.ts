import { DataSource, DataSourceOptions, EntityManager } from 'typeorm';
import { parseLsn } from './lsn';

export type ReplicaState = 'starting' | 'up' | 'lagging' | 'down';

export interface ReplicaProbe {
  replayLsn: bigint;
  lagBytes: number;
  lagMs: number;
}

/**
 * One streaming replica: a small pool of lingua-core's own (never the host's), opened lazily by the
 * first probe so that a replica that is down at start-up delays nothing, and what the last probe saw.
 */
export class ReplicaNode {
  state: ReplicaState = 'starting';
  probe: ReplicaProbe | undefined;
  lastError: string | undefined;
  private dataSource: DataSource | undefined;
  private opening: Promise<DataSource> | undefined;
  private refreshing: Promise<bigint | undefined> | undefined;
  private closed = false;

  constructor(
    readonly name: string,
    private readonly options: DataSourceOptions,
    private readonly onOpen: (dataSource: DataSource) => void = () => undefined,
  ) {}

  get manager(): EntityManager {
    if (!this.dataSource) throw new Error(`replica ${this.name} is not open`);
    return this.dataSource.manager;
  }

  /** Replay position and lag, as seen now (opens the pool first when needed). */
  async measure(primaryLsn: bigint | undefined): Promise<ReplicaProbe> {
    const dataSource = await this.open();
    const [row] = await dataSource.query(PROBE_SQL);
    if (!row.in_recovery) throw new Error('not a standby (pg_is_in_recovery() is false)');
    const replayLsn = parseLsn(row.replay_lsn);
    if (replayLsn === undefined) throw new Error('no WAL replayed yet');
    const lagBytes = primaryLsn !== undefined && primaryLsn > replayLsn ? Number(primaryLsn - replayLsn) : 0;
    return { replayLsn, lagBytes, lagMs: Math.max(0, Math.round(Number(row.lag_ms))) };
  }

  /**
   * The replay position now, on this replica alone (one short statement, nothing on the primary);
   * concurrent callers share one round trip. Moves `probe.replayLsn` forward.
   */
  refreshReplay(): Promise<bigint | undefined> {
    this.refreshing ??= this.open()
      .then((ds) => ds.query(`SELECT pg_last_wal_replay_lsn()::text AS lsn`))
      .then((rows: Array<{ lsn: string | null }>) => {
        const lsn = parseLsn(rows[0]?.lsn);
        if (lsn !== undefined && this.probe && lsn > this.probe.replayLsn) this.probe = { ...this.probe, replayLsn: lsn };
        return lsn;
      })
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  /** For good: a read or probe after it fails instead of opening a new pool that nothing would close. */
  async close(): Promise<void> {
    this.closed = true;
    const dataSource = await this.opening?.catch(() => undefined);
    this.opening = undefined;
    this.dataSource = undefined;
    if (dataSource?.isInitialized) await dataSource.destroy();
  }

  private open(): Promise<DataSource> {
    if (this.closed) return Promise.reject(new Error(`replica ${this.name} is closed (shutting down)`));
    this.opening ??= new DataSource(this.options).initialize().then(
      (ds) => {
        this.onOpen(ds);
        return (this.dataSource = ds);
      },
      (err) => {
        this.opening = undefined;
        throw err;
      },
    );
    return this.opening;
  }
}

/**
 * Lag in time: 0 when everything received is replayed (an idle primary sends nothing to replay),
 * else how long ago the last replayed transaction committed.
 */
const PROBE_SQL = `
  SELECT pg_is_in_recovery() AS in_recovery, pg_last_wal_replay_lsn()::text AS replay_lsn,
         CASE WHEN pg_last_wal_receive_lsn() IS NOT DISTINCT FROM pg_last_wal_replay_lsn() THEN 0
              ELSE coalesce(extract(epoch FROM now() - pg_last_xact_replay_timestamp()) * 1000, 0) END AS lag_ms`;
