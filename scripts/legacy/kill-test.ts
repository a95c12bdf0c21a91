import type { Client } from 'pg';
import { LINGUA_MIGRATIONS } from '../../migrations';
import { CHAIN_APPLICATION_NAME, ChainRun, startChain, terminateChainBackends } from './chain';
import { connect } from './database';

/**
 * Kill-and-rerun: `npm run migration:run` as a child, killed (SIGKILL to its process group, and its
 * server sessions terminated, as a crash drops the connection) at the moment pg_stat_activity shows
 * the chain inside a given kind of statement; then the next moment on a new run, and finally a run
 * to completion. A moment the poller cannot see (the chain ends first) is reported as NOT CAUGHT.
 */
export interface Moment {
  name: string;
  matches(query: string): boolean;
}

export const MOMENTS: Record<string, Moment> = {
  index: { name: 'CREATE INDEX CONCURRENTLY', matches: (q) => /CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY/i.test(q) },
  // The repairs tag their batch statements `/* lingua-batch <table>:<step> */`; older ones are LIMIT batches.
  batch: {
    name: 'a batched repair UPDATE/INSERT',
    matches: (q) => /lingua-batch/.test(q) || (/\bLIMIT\b/i.test(q) && /\b(UPDATE|INSERT)\b/i.test(q) && !/^\s*SELECT/i.test(q)),
  },
  validate: { name: 'ALTER TABLE … VALIDATE CONSTRAINT', matches: (q) => /VALIDATE\s+CONSTRAINT/i.test(q) },
};

export interface KillReport {
  moment: string;
  caught: boolean;
  migration?: string;
  statement?: string;
  runningMs?: number;
  invalidIndexesAfterKill?: string[];
  note?: string;
}

export interface KillTestResult {
  kills: KillReport[];
  final: ChainRun;
  invalidIndexes: string[];
  quarantinedTwice: number;
}

export async function killTest(
  url: string,
  moments: string[],
  { pollMs = 10, occurrence = 1, log = (_line: string): void => undefined } = {},
): Promise<KillTestResult> {
  const admin = await connect(url, 'lingua-legacy-kill-test');
  const kills: KillReport[] = [];
  try {
    for (const spec of moments) {
      const [key, inMigration] = spec.split('@');
      const moment = MOMENTS[key];
      if (!moment) throw new Error(`unknown moment ${key}: use ${Object.keys(MOMENTS).join(', ')} (optionally @MigrationNamePrefix)`);
      log(`running migration:run until it is inside ${moment.name}${inMigration ? ` in ${inMigration}` : ''} …`);
      const kill = await killAt(admin, url, moment, pollMs, occurrence, inMigration);
      log(kill.caught ? `  killed in ${kill.migration} after ${kill.runningMs} ms of: ${kill.statement}` : `  ${kill.note}`);
      kills.push(kill);
    }
    log('re-running migration:run to completion …');
    const final = await startChain(url).done;
    return { kills, final, invalidIndexes: await invalidIndexes(admin), quarantinedTwice: await quarantinedTwice(admin) };
  } finally {
    await admin.end();
  }
}

async function killAt(
  admin: Client,
  url: string,
  moment: Moment,
  pollMs: number,
  occurrence: number,
  inMigration?: string,
): Promise<KillReport> {
  const chain = startChain(url);
  let exited = false;
  void chain.done.then(() => (exited = true));
  const seen = new Set<string>();
  while (!exited) {
    const { rows } = await admin.query(
      `SELECT pid, query_start::text AS started, query, (extract(epoch FROM clock_timestamp() - query_start) * 1000)::int AS ms
         FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1 AND state = 'active'`,
      [CHAIN_APPLICATION_NAME],
    );
    let hit = rows.find((r) => moment.matches(r.query));
    if (hit && inMigration && !(await nextMigration(admin)).startsWith(inMigration)) hit = undefined;
    if (hit) seen.add(`${hit.pid}@${hit.started}`);
    if (hit && seen.size >= occurrence) {
      chain.kill();
      await terminateChainBackends(admin);
      await chain.done;
      return {
        moment: moment.name,
        caught: true,
        migration: await nextMigration(admin),
        statement: hit.query.replace(/\s+/g, ' ').slice(0, 140),
        runningMs: hit.ms,
        invalidIndexesAfterKill: await invalidIndexes(admin),
      };
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
  const run = await chain.done;
  return {
    moment: moment.name,
    caught: false,
    note: `NOT CAUGHT: the run ${run.exitCode === 0 ? 'completed' : `ended (exit ${run.exitCode})`} before the poller (every ${pollMs} ms) saw such a statement active`,
  };
}

async function nextMigration(admin: Client): Promise<string> {
  const { rows } = await admin.query(`SELECT count(*)::int AS n FROM migrations`);
  return LINGUA_MIGRATIONS[rows[0].n]?.name ?? '(all applied)';
}

export async function invalidIndexes(admin: Client): Promise<string[]> {
  const { rows } = await admin.query(`SELECT indexrelid::regclass::text AS name FROM pg_index WHERE NOT indisvalid ORDER BY 1`);
  return rows.map((r) => r.name);
}

/** Rows recorded in quarantine more than once by the same step (a moved row, or an in-place original). */
export async function quarantinedTwice(admin: Client): Promise<number> {
  const { rows } = await admin.query(
    `SELECT count(*)::int AS n FROM (SELECT 1 FROM quarantined_rows
       GROUP BY source_table, migration, repaired_in_place, coalesce(row_data->>'id', row_data->>'user_id') HAVING count(*) > 1) x`,
  );
  return rows[0].n;
}
