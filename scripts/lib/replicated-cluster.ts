import { execFileSync, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Client } from 'pg';
import { freePort } from './free-port';

const BIN = process.env.LINGUA_TEST_PG_BIN ?? '/usr/lib/postgresql/15/bin';

/** True when PostgreSQL's server binaries with pg_basebackup are here (replica tests skip without them). */
export function hasPostgresServerBinaries(): boolean {
  return ['initdb', 'pg_ctl', 'pg_basebackup'].every((b) => fs.existsSync(path.join(BIN, b)));
}

/**
 * A private primary (`wal_level = replica`) and one streaming replica made with
 * `pg_basebackup -R`, each on its own loopback port, for the tests that stop, pause and lag them. As
 * root the clusters run as the `postgres` user.
 */
export class ReplicatedCluster {
  private constructor(
    private readonly dir: string,
    readonly primaryPort: number,
    readonly replicaPort: number,
  ) {}

  static async start(): Promise<ReplicatedCluster> {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lingua-test-replication-'));
    fs.chmodSync(dir, 0o755);
    const cluster = new ReplicatedCluster(dir, await freePort(), await freePort());
    const primary = cluster.dataDir('primary');
    cluster.asPostgres('initdb', ['-D', primary, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--locale=C.UTF-8']);
    fs.appendFileSync(
      path.join(primary, 'postgresql.conf'),
      [
        `port = ${cluster.primaryPort}`,
        "listen_addresses = '127.0.0.1'",
        `unix_socket_directories = '${dir}'`,
        'wal_level = replica',
        'max_wal_senders = 5',
        'hot_standby = on',
        'fsync = off',
        'synchronous_commit = off',
        'max_connections = 200',
        '',
      ].join('\n'),
    );
    fs.appendFileSync(path.join(primary, 'pg_hba.conf'), 'host replication postgres 127.0.0.1/32 trust\n');
    cluster.pgCtl('primary', 'start');
    cluster.asPostgres('pg_basebackup', [
      '-h',
      '127.0.0.1',
      '-p',
      String(cluster.primaryPort),
      '-U',
      'postgres',
      '-D',
      cluster.dataDir('replica'),
      '-R',
      '-X',
      'stream',
      '-c',
      'fast',
    ]);
    fs.appendFileSync(path.join(cluster.dataDir('replica'), 'postgresql.conf'), `port = ${cluster.replicaPort}\n`);
    cluster.pgCtl('replica', 'start');
    return cluster;
  }

  primaryUrl(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.primaryPort}/${database}`;
  }

  replicaUrl(database = 'postgres'): string {
    return `postgres://postgres@127.0.0.1:${this.replicaPort}/${database}`;
  }

  pauseReplay(): Promise<void> {
    return this.onReplica(`SELECT pg_wal_replay_pause()`).then(() => undefined);
  }

  resumeReplay(): Promise<void> {
    return this.onReplica(`SELECT pg_wal_replay_resume()`).then(() => undefined);
  }

  /** Polls until the replica has replayed everything the primary has written so far. */
  async waitForCatchUp(): Promise<void> {
    const [{ lsn }] = await this.onPrimary(`SELECT pg_current_wal_insert_lsn()::text AS lsn`);
    for (;;) {
      const [{ done }] = await this.onReplica(`SELECT pg_wal_lsn_diff(pg_last_wal_replay_lsn(), $1::pg_lsn) >= 0 AS done`, [lsn]);
      if (done) return;
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  /** Sequential and index scans the replica itself counted on `table` (its own pg_stat, flushed within ~1 s). */
  async replicaScans(database: string, table: string): Promise<number> {
    const rows = await this.onReplica(
      `SELECT coalesce(seq_scan, 0) + coalesce(idx_scan, 0) AS scans FROM pg_stat_user_tables WHERE relname = $1`,
      [table],
      database,
    );
    return Number(rows[0]?.scans ?? 0);
  }

  stopReplica(): void {
    this.pgCtl('replica', 'stop', ['-m', 'fast']);
  }

  startReplica(): void {
    this.pgCtl('replica', 'start');
  }

  stop(): void {
    for (const node of ['replica', 'primary'] as const) {
      spawnSync(path.join(BIN, 'pg_ctl'), ['-D', this.dataDir(node), 'stop', '-m', 'immediate'], this.spawnOptions());
    }
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  async onPrimary(sql: string, params: unknown[] = [], database = 'postgres'): Promise<Array<Record<string, unknown>>> {
    return query(this.primaryUrl(database), sql, params);
  }

  async onReplica(sql: string, params: unknown[] = [], database = 'postgres'): Promise<Array<Record<string, unknown>>> {
    return query(this.replicaUrl(database), sql, params);
  }

  private dataDir(node: 'primary' | 'replica'): string {
    return path.join(this.dir, node);
  }

  private pgCtl(node: 'primary' | 'replica', action: 'start' | 'stop', extra: string[] = []): void {
    this.asPostgres('pg_ctl', ['-D', this.dataDir(node), '-l', path.join(this.dir, `${node}.log`), '-w', action, ...extra]);
  }

  private asPostgres(binary: string, args: string[]): void {
    execFileSync(path.join(BIN, binary), args, { ...this.spawnOptions(), stdio: 'pipe' });
  }

  private spawnOptions(): { uid?: number; gid?: number; cwd: string } {
    if (process.getuid?.() !== 0) return { cwd: this.dir };
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString().trim());
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString().trim());
    fs.chownSync(this.dir, uid, gid);
    return { uid, gid, cwd: this.dir };
  }
}

async function query(url: string, sql: string, params: unknown[]): Promise<Array<Record<string, unknown>>> {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}
