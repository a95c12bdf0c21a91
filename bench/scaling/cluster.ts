import { ReplicatedCluster } from '../../scripts/lib/replicated-cluster';
import type { HttpSizeLabel } from '../data';
import { BenchDatabase, prepareDatabase } from '../http/database';
import { Cleanup, log } from './common';

export interface PrivateCluster {
  cluster: ReplicatedCluster;
  db: BenchDatabase;
  primaryUrl: string;
  replicaUrl: string;
  setupMs: number;
}

/** Parts B and C: a private primary + streaming replica (fsync off), the bench:http data generated on the primary and replayed. */
export async function startPrivateCluster(size: HttpSizeLabel, cleanup: Cleanup): Promise<PrivateCluster> {
  const started = Date.now();
  const cluster = await ReplicatedCluster.start();
  cleanup.add('replicated cluster', () => cluster.stop());
  log(`private cluster: primary port ${cluster.primaryPort}, replica port ${cluster.replicaPort}`);
  const db = await prepareDatabase(cluster.primaryUrl(), size, { fresh: true, log });
  log(
    `private primary: ${db.name} (PostgreSQL ${db.pgVersion}): ${Object.entries(db.rows)
      .map(([t, n]) => `${t} ${n}`)
      .join(', ')}`,
  );
  const caughtUp = Date.now();
  await cluster.waitForCatchUp();
  log(`replica caught up in ${Date.now() - caughtUp} ms`);
  return { cluster, db, primaryUrl: cluster.primaryUrl(db.name), replicaUrl: cluster.replicaUrl(db.name), setupMs: Date.now() - started };
}
