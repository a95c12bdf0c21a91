import { spawn } from 'node:child_process';
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
  /** Caught when the chain is idle between statements and a migration was recorded since the run started. */
  betweenMigrations?: boolean;
  /**
   * For a statement too quick to be seen running: once the chain is inside `after`, a second session
   * takes `lock` in an open transaction (as a legacy reader would) so the statement waits on it, running,
   * long enough for the poller; released after the kill.
   */
  hold?: { after(query: string): boolean; lock: string };
}

export const MOMENTS: Record<string, Moment> = {
  index: { name: 'CREATE INDEX CONCURRENTLY', matches: (q) => /CREATE\s+(UNIQUE\s+)?INDEX\s+CONCURRENTLY/i.test(q) },
  // The repairs tag their batch statements `/* lingua-batch <table>:<step> */`; older ones are LIMIT batches.
  batch: {
    name: 'a batched repair UPDATE/INSERT',
    matches: (q) => /lingua-batch/.test(q) || (/\bLIMIT\b/i.test(q) && /\b(UPDATE|INSERT)\b/i.test(q) && !/^\s*SELECT/i.test(q)),
  },
  validate: { name: 'ALTER TABLE … VALIDATE CONSTRAINT', matches: (q) => /VALIDATE\s+CONSTRAINT/i.test(q) },
  between: { name: 'between two migrations (one recorded, the chain idle)', matches: () => false, betweenMigrations: true },
  // RepairUsers moves user_profiles' key from id to user_id in one ALTER, after copying the legacy ids aside.
  swap: {
    name: 'the primary-key swap (ALTER TABLE user_profiles … ADD PRIMARY KEY USING INDEX)',
    matches: (q) => /PRIMARY\s+KEY\s+USING\s+INDEX/i.test(q),
    hold: { after: (q) => q.includes('lingua-batch user_profiles:legacy ids'), lock: 'LOCK TABLE user_profiles IN ACCESS SHARE MODE' },
  },
};

/** `revert:rebuild`: a moment of `migration:revert` — inside the copy of a table rebuilt with a column first. */
export const REVERT_MOMENTS: Record<string, Moment> = {
  rebuild: { name: 'table rebuild (INSERT … SELECT FROM lingua_rebuild_*)', matches: (q) => /FROM\s+lingua_rebuild_/i.test(q) },
};

/**
 * `key[~text][@Migration]`: the moment `key`, only in statements containing `text` (e.g.
 * `index~user_vocabulary` for the index builds on that table), only inside the migration whose name
 * starts with `Migration`.
 */
export function parseMoment(spec: string, moments: Record<string, Moment> = MOMENTS): { moment: Moment; inMigration?: string } {
  const [head, inMigration] = spec.split('@');
  const [key, text] = head.split('~');
  const base = moments[key];
  if (!base) throw new Error(`unknown moment ${key}: use ${Object.keys(moments).join(', ')} (optionally ~text and @MigrationNamePrefix)`);
  const moment = text ? { ...base, name: `${base.name} on ${text}`, matches: (q: string) => base.matches(q) && q.includes(text) } : base;
  return { moment, inMigration };
}

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
      const { moment, inMigration } = parseMoment(spec);
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
  let recordedBefore = await recorded(admin);
  let holder: Client | undefined;
  try {
    while (!exited) {
      const { rows } = await admin.query(
        `SELECT pid, query_start::text AS started, query, state, (extract(epoch FROM clock_timestamp() - query_start) * 1000)::int AS ms
         FROM pg_stat_activity WHERE datname = current_database() AND application_name = $1`,
        [CHAIN_APPLICATION_NAME],
      );
      const active = rows.filter((r) => r.state === 'active');
      if (moment.hold && !holder && active.some((r) => moment.hold!.after(r.query))) holder = await holdLock(url, moment.hold.lock);
      let hit = active.find((r) => moment.matches(r.query));
      if (moment.betweenMigrations) {
        // Within one poll (10 ms) of a migration's record: before the next one has done anything but SET its session.
        const now = await recorded(admin);
        hit =
          now > recordedBefore && rows.length > 0
            ? { pid: 0, started: String(now), query: `(just after migration ${now} was recorded)`, ms: 0 }
            : undefined;
        recordedBefore = now;
      }
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
  } finally {
    await holder?.end();
  }
  const run = await chain.done;
  return {
    moment: moment.name,
    caught: false,
    note: `NOT CAUGHT: the run ${run.exitCode === 0 ? 'completed' : `ended (exit ${run.exitCode})`} before the poller (every ${pollMs} ms) saw such a statement active`,
  };
}

async function holdLock(url: string, lock: string): Promise<Client> {
  const holder = await connect(url, 'lingua-legacy-kill-test-hold');
  try {
    await holder.query('BEGIN');
    await holder.query(lock);
    return holder;
  } catch (err) {
    await holder.end();
    throw err;
  }
}

async function recorded(admin: Client): Promise<number> {
  const { rows } = await admin.query(`SELECT count(*)::int AS n FROM migrations`);
  return rows[0].n;
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

/**
 * Kills `migration:revert` (every migration but the baseline, as `legacy:chain --revert` runs it, in
 * a child process) inside `spec` of REVERT_MOMENTS, then reverts to the baseline to completion. Each
 * `down` runs in one transaction: the kill rolls the one it was in back whole.
 */
export async function killRevert(
  url: string,
  spec: string,
  { pollMs = 10, log = (_line: string): void => undefined } = {},
): Promise<KillReport> {
  const { moment } = parseMoment(spec, REVERT_MOMENTS);
  const admin = await connect(url, 'lingua-legacy-kill-test');
  try {
    log(`reverting until it is inside ${moment.name} …`);
    const child = spawn('npm', ['run', '--silent', 'legacy:chain', '--', '--database-url', url, '--revert', '--report', '/dev/null'], {
      detached: true,
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    // Its `reverted <migration> in <s> s` lines: the downs that completed before the kill.
    const before: string[] = [];
    child.stdout!.on('data', (chunk: Buffer) => before.push(...(chunk.toString().match(/reverted \w+ in [\d.]+ s/g) ?? [])));
    const exited = new Promise<void>((resolve) => child.on('exit', () => resolve()));
    let done = false;
    void exited.then(() => (done = true));
    while (!done) {
      const { rows } = await admin.query(
        `SELECT query, (extract(epoch FROM clock_timestamp() - query_start) * 1000)::int AS ms FROM pg_stat_activity
          WHERE datname = current_database() AND application_name = $1 AND state = 'active'`,
        [CHAIN_APPLICATION_NAME],
      );
      const hit = rows.find((r) => moment.matches(r.query));
      if (hit) {
        process.kill(-child.pid!, 'SIGKILL');
        await terminateChainBackends(admin);
        await exited;
        const report = {
          moment: `revert: ${moment.name}`,
          caught: true,
          migration: (await admin.query(`SELECT name FROM migrations ORDER BY id DESC LIMIT 1`)).rows[0]?.name,
          statement: hit.query.replace(/\s+/g, ' ').slice(0, 140),
          runningMs: hit.ms,
          invalidIndexesAfterKill: await invalidIndexes(admin),
          note: before.length ? `before the kill: ${before.join(', ')}` : undefined,
        };
        log(`  killed the revert in ${report.migration} after ${hit.ms} ms of: ${report.statement}`);
        return report;
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
    return { moment: `revert: ${moment.name}`, caught: false, note: 'NOT CAUGHT: the revert ended before the poller saw the moment' };
  } finally {
    await admin.end();
  }
}
