import type { QueryRunner } from 'typeorm';

/**
 * What the chain tells an operator while it runs (docs/migrations.md, "What an operator sees").
 * Not frozen with v1: it only reads the catalog and writes `lingua_ops.migration_progress`, never
 * anything a migration's result depends on, so it may change without changing what a migration
 * does. Reporting never fails a migration: a report that cannot be written is dropped.
 *
 * - A keyset walk (forEachKeyRange) longer than the interval prints one line per interval: rows
 *   done of the table's rows, rate, elapsed, ETA — and a last line when it ends.
 * - A single statement longer than the interval (an index build, a VALIDATE, a merge map) prints
 *   one line per interval: for index builds PostgreSQL's own counters
 *   (pg_stat_progress_create_index: blocks or tuples done of total), for the others its elapsed time
 *   and the table's size (PostgreSQL keeps no counter for them).
 * - Every line is also the latest row of its step in `lingua_ops.migration_progress` (an UNLOGGED
 *   table of its own schema, outside the schema the chain builds), written outside transactions only.
 */

/** Seconds between progress lines: the session setting, default 5 (0 turns reporting off). */
export const PROGRESS_SETTING = 'lingua.migration_progress_seconds';
const DEFAULT_INTERVAL_S = 5;
/** Free bytes the chain may assume on the database's disk (`40GB`, `500MB`, bytes): the session setting. */
export const ASSUME_FREE_SETTING = 'lingua.migration_assume_free';

interface SessionState {
  migration: string;
  intervalMs: number;
  assumeFree: number | undefined;
  step?: string;
}

const sessions = new WeakMap<QueryRunner, SessionState>();
/**
 * Per DataSource: its writes to lingua_ops.migration_progress, one after another behind the creation
 * of the table (a step's last row never overtaken by an earlier one), and whether one failed.
 */
interface ProgressWrites {
  queue: Promise<void>;
  unwritable: boolean;
}
const writesByDataSource = new WeakMap<object, ProgressWrites>();

/** The DataSource's writes, the table created first on its first report. */
function progressWrites(qr: QueryRunner): ProgressWrites {
  let writes = writesByDataSource.get(qr.connection);
  if (!writes) {
    writes = { queue: createProgressTable(qr), unwritable: false };
    writesByDataSource.set(qr.connection, writes);
  }
  return writes;
}

/** Called by prepareMigrationSession: the migration now running (from the call stack) and the session's settings. */
export async function startReporting(qr: QueryRunner, send: (sql: string) => Promise<Array<Record<string, string | null>>>): Promise<void> {
  const [row] = await send(
    `SELECT current_setting('${PROGRESS_SETTING}', true) AS seconds, current_setting('${ASSUME_FREE_SETTING}', true) AS free`,
  );
  sessions.set(qr, {
    migration: callingMigration() ?? sessions.get(qr)?.migration ?? 'migration',
    intervalMs: intervalMs(row?.seconds ?? null),
    assumeFree: parseBytes(row?.free ?? null),
  });
  if (!advisedDataSources.has(qr.connection)) {
    advisedDataSources.add(qr.connection);
    // On another connection, not awaited: the migration's own statements stay as they were.
    void sideQuery(
      qr,
      `SELECT pg_database_size(current_database()) AS database, (SELECT setting::bigint * 1024 * 1024 FROM pg_settings WHERE name = 'max_wal_size') AS max_wal`,
    )
      .then(([sizes]) => {
        const advice = walAdvice(Number(sizes.database), Number(sizes.max_wal));
        if (advice) say(advice);
      })
      .catch(() => undefined);
  }
}

const advisedDataSources = new WeakSet<object>();

/**
 * The chain's repairs write several times the database in WAL. With max_wal_size far below that a
 * checkpoint comes every max_wal_size of WAL, and after each one every page touched is logged whole
 * again: on the scale-10 legacy database (10.6 GB) the chain took 1,086 s with PostgreSQL's default
 * 1 GB and 918 s with 8 GB, and only then grew linearly with size (docs/migrations.md, "Adopting a big
 * database"). Advice for the operator when the database is over 4× max_wal_size; nothing otherwise.
 */
export function walAdvice(databaseBytes: number, maxWalBytes: number): string | undefined {
  if (!(databaseBytes > 4 * maxWalBytes)) return undefined;
  const gb = (n: number) => `${(n / 1024 ** 3).toFixed(1)} GB`;
  const suggested = Math.min(64, Math.max(8, Math.ceil(databaseBytes / 1024 ** 3)));
  return (
    `note: max_wal_size is ${gb(maxWalBytes)} and the database ${gb(databaseBytes)}: the repairs write several times that in WAL, ` +
    `so checkpoints will come every ${gb(maxWalBytes)} and re-log whole pages after each. For the adoption, raise it ` +
    `(ALTER SYSTEM SET max_wal_size = '${suggested}GB'; SELECT pg_reload_conf(); keep that much disk free for WAL) — ` +
    `docs/migrations.md, "Adopting a big database"`
  );
}

function intervalMs(setting: string | null): number {
  if (setting === null || setting === '') return DEFAULT_INTERVAL_S * 1000;
  const s = Number(setting);
  if (!Number.isFinite(s) || s < 0 || s > 10) throw new Error(`${PROGRESS_SETTING} must be between 0 and 10 seconds, got '${setting}'`);
  return s * 1000;
}

/** `40GB`, `512MB`, `1.5 TB`, `1048576` → bytes; unset → undefined. */
export function parseBytes(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(B|KB|MB|GB|TB|kB)?\s*$/i.exec(value);
  if (!m) throw new Error(`${ASSUME_FREE_SETTING} must be a size such as 40GB or 512MB, got '${value}'`);
  const unit = (m[2] ?? 'B').toUpperCase();
  return Math.round(Number(m[1]) * 1024 ** ['B', 'KB', 'MB', 'GB', 'TB'].indexOf(unit));
}

/** The migration class whose up/down called us: `RepairVocabulary1763800100000`. */
function callingMigration(): string | undefined {
  const stack = new Error().stack ?? '';
  return /at (?:async )?(\w+?)(\d{13})\.(?:up|down)\b/.exec(stack)?.slice(1, 3).join('');
}

/** Notes the step a batch statement names (`/* lingua-batch users:display_name *\/`), for the walk's lines. */
export function noteStatement(qr: QueryRunner, sql: string): void {
  const step = /^\s*\/\* lingua-batch (.+?) \*\//.exec(sql)?.[1];
  const state = sessions.get(qr);
  if (step && state) state.step = step;
}

export interface WalkProgress {
  /** After each batch: the walk has reached key `hi`; `end` is the highest key it will walk to. */
  batch(hi: string, end: string): void;
  end(batches: number): void;
}

const SILENT: WalkProgress = { batch: () => undefined, end: () => undefined };

/**
 * Progress of one keyset walk over `table` by `key`. Rows done are estimated from the key's position
 * between the first key and the walk's end (legacy keys are serials: dense), scaled to the table's
 * row estimate (pg_class.reltuples, refreshed by the generator's and autovacuum's ANALYZE).
 */
export async function walkProgress(qr: QueryRunner, table: string, key: string, send: SendRows): Promise<WalkProgress> {
  const state = sessions.get(qr);
  if (!state || state.intervalMs === 0) return SILENT;
  state.step = undefined;
  const [row] = await send(
    `SELECT min(${key})::text AS first, (SELECT greatest(reltuples, 0)::bigint::text FROM pg_class WHERE oid = '${table}'::regclass) AS rows FROM ${table}`,
  );
  const first = row?.first === null || row?.first === undefined ? undefined : BigInt(row.first);
  const estimate = Number(row?.rows ?? 0);
  const started = Date.now();
  let lastLine = started;
  let printed = false;
  let latest = { done: 0, total: estimate };
  const line = (final: boolean, batches?: number) => {
    const elapsed = (Date.now() - started) / 1000;
    const rate = latest.done / Math.max(elapsed, 0.001);
    const step = state.step ?? `${table} by ${key}`;
    const eta = final ? 0 : rate > 0 ? (latest.total - latest.done) / rate : undefined;
    const text = final
      ? `${state.migration} ${step}: done, ${latest.total.toLocaleString('en-US')} rows in ${batches} batches, ${duration(elapsed)} (${fmt(rate)} rows/s)`
      : `${state.migration} ${step}: ${fmt(latest.done)} of ${fmt(latest.total)} rows (${percent(latest.done, latest.total)}) · ${fmt(rate)} rows/s · elapsed ${duration(elapsed)} · eta ${eta === undefined ? '?' : duration(eta)}`;
    report(qr, state, step, { ...latest, rate, eta, elapsed, final, text, startedAt: started });
  };
  return {
    batch(hi, end) {
      if (first === undefined) return;
      const span = Number(BigInt(end) - first) + 1;
      const reached = Number(BigInt(hi) - first) + 1;
      const total = Math.max(estimate, 1);
      latest = { done: Math.min(total, Math.round((total * reached) / Math.max(span, 1))), total };
      if (Date.now() - lastLine >= state.intervalMs) {
        lastLine = Date.now();
        printed = true;
        line(false);
      }
    },
    end(batches) {
      if (printed) {
        latest.done = latest.total;
        line(true, batches);
      }
    },
  };
}

export type SendRows = (sql: string, params?: unknown[]) => Promise<Array<Record<string, string | null>>>;

/** The free disk the session says the chain may assume (lingua.migration_assume_free), if it says. */
export const assumedFreeBytes = (qr: QueryRunner): number | undefined => sessions.get(qr)?.assumeFree;

/**
 * Watches one statement while it runs: past the interval, one line per interval (index builds with
 * PostgreSQL's counters, read on another connection of the same DataSource). Returns the stop.
 */
export function watchStatement(qr: QueryRunner, sql: string): () => void {
  const state = sessions.get(qr);
  if (!state || state.intervalMs === 0 || /^\s*\/\* lingua-batch/.test(sql)) return () => undefined;
  const started = Date.now();
  let polling = false;
  // Nothing but the timer until the statement has run for an interval: most statements end long before.
  const timer = setInterval(() => {
    if (polling) return;
    polling = true;
    void statementLine(qr, state, describe(sql), started).finally(() => (polling = false));
  }, state.intervalMs);
  timer.unref();
  return () => clearInterval(timer);
}

interface Described {
  text: string;
  table?: string;
  index?: string;
}

function describe(sql: string): Described {
  const flat = sql.replace(/--[^\n]*\n/g, ' ').replace(/\s+/g, ' ').trim();
  const index = /CREATE (?:UNIQUE )?INDEX CONCURRENTLY (?:IF NOT EXISTS )?(\w+) ON (?:ONLY )?(\w+)/i.exec(flat);
  if (index) return { text: flat.slice(0, 90), index: index[1], table: index[2] };
  const table = /(?:ALTER TABLE|INSERT INTO|UPDATE|FROM)\s+(?:ONLY\s+)?(\w+)/i.exec(flat)?.[1];
  return { text: flat.slice(0, 90), table };
}

async function statementLine(qr: QueryRunner, state: SessionState, what: Described, startedAt: number): Promise<void> {
  const step = what.text;
  const elapsed = (Date.now() - startedAt) / 1000;
  try {
    if (what.index) {
      const [p] = await sideQuery(
        qr,
        `SELECT p.phase, p.blocks_total::bigint AS bt, p.blocks_done::bigint AS bd, p.tuples_total::bigint AS tt, p.tuples_done::bigint AS td
           FROM pg_stat_progress_create_index p JOIN pg_stat_activity a USING (pid)
          WHERE p.datid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND a.query LIKE $1 LIMIT 1`,
        [`%${what.index}%`],
      );
      if (p) {
        const [unit, done, total] = Number(p.tt) > 0 ? ['tuples', Number(p.td), Number(p.tt)] : ['blocks', Number(p.bd), Number(p.bt)];
        const rate = done / Math.max(elapsed, 0.001);
        const eta = rate > 0 && total > done ? (total - done) / rate : undefined;
        const text = `${state.migration} index ${what.index} on ${what.table}: ${p.phase}, ${fmt(done)} of ${fmt(total)} ${unit} (${percent(done, total)}) · elapsed ${duration(elapsed)}${eta === undefined ? '' : ` · eta of this phase ${duration(eta)}`}`;
        return report(qr, state, `index ${what.index}`, { done, total, rate, eta, elapsed, final: false, text, startedAt });
      }
    }
    let size = '';
    if (what.table) {
      const [t] = await sideQuery(
        qr,
        `SELECT greatest(reltuples, 0)::bigint AS rows, pg_size_pretty(pg_total_relation_size(oid)) AS size FROM pg_class WHERE oid = to_regclass($1)`,
        [what.table],
      );
      if (t) size = ` on ${what.table} (~${fmt(Number(t.rows))} rows, ${t.size})`;
    }
    const text = `${state.migration} still running${size}: ${what.text} · elapsed ${duration(elapsed)} (PostgreSQL keeps no progress counter for this statement)`;
    report(qr, state, step, { done: undefined, total: undefined, rate: undefined, eta: undefined, elapsed, final: false, text, startedAt });
  } catch {
    // the DataSource may be closing, or its pool has no other connection: the next interval tries again
  }
}

interface Report {
  done: number | undefined;
  total: number | undefined;
  rate: number | undefined;
  eta: number | undefined;
  elapsed: number;
  final: boolean;
  text: string;
  /** Epoch ms the step started: with migration and step, the row's key. */
  startedAt: number;
}

/** One line on the migration's output, and the step's row in lingua_ops.migration_progress. */
function report(qr: QueryRunner, state: SessionState, step: string, r: Report): void {
  say(`${r.text}`);
  const writes = progressWrites(qr);
  if (writes.unwritable) return;
  // On another connection of the DataSource: autocommit, so it shows during a revert's transaction too.
  writes.queue = writes.queue
    .then(() => (writes.unwritable ? undefined : writeRow(qr, state, step, r)))
    .catch((err: Error) => {
      writes.unwritable = true;
      say(`(progress not written to lingua_ops.migration_progress: ${err.message}; the log has it)`);
    });
}

/**
 * A statement on another connection of the migration's DataSource, sent on its pg client directly:
 * the chain's log (TypeORM prints every migration statement) stays the chain's.
 */
async function sideQuery(qr: QueryRunner, sql: string, params?: unknown[]): Promise<Array<Record<string, string>>> {
  const side = qr.connection.createQueryRunner();
  try {
    const client = (await side.connect()) as { query(sql: string, params?: unknown[]): Promise<{ rows: Array<Record<string, string>> }> };
    return (await client.query(sql, params)).rows;
  } finally {
    await side.release();
  }
}

async function createProgressTable(qr: QueryRunner): Promise<void> {
  await sideQuery(qr, `CREATE SCHEMA IF NOT EXISTS lingua_ops`);
  await sideQuery(
    qr,
    `CREATE UNLOGGED TABLE IF NOT EXISTS lingua_ops.migration_progress (
       migration text NOT NULL, step text NOT NULL, pid int NOT NULL, started_at timestamptz NOT NULL,
       updated_at timestamptz NOT NULL, rows_done bigint, rows_total bigint, rows_per_second bigint,
       eta_seconds int, finished boolean NOT NULL, line text NOT NULL, PRIMARY KEY (migration, step, started_at))`,
  );
}

async function writeRow(qr: QueryRunner, state: SessionState, step: string, r: Report): Promise<void> {
  const round = (n: number | undefined) => (n === undefined || !Number.isFinite(n) ? null : Math.round(n));
  await sideQuery(
    qr,
    `INSERT INTO lingua_ops.migration_progress AS p
       VALUES ($1, $2, $3, to_timestamp($4::float8 / 1000), now(), $5, $6, $7, $8, $9, $10)
     ON CONFLICT (migration, step, started_at) DO UPDATE SET updated_at = now(), rows_done = $5, rows_total = $6,
       rows_per_second = $7, eta_seconds = $8, finished = $9, line = $10`,
    [
      state.migration,
      step,
      process.pid,
      r.startedAt,
      round(r.done),
      round(r.total),
      round(r.rate),
      round(r.eta),
      r.final,
      r.text,
    ],
  );
}

/** One line on the migration's stderr (stdout carries TypeORM's own lines; progress, like pg_dump -v's, goes beside them). */
export const PROGRESS_PREFIX = '[lingua-core migration] ';
export function say(text: string): void {
  process.stderr.write(`${PROGRESS_PREFIX}${text}\n`);
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');
const percent = (done: number, total: number) => `${total > 0 ? Math.min(100, (100 * done) / total).toFixed(1) : '?'}%`;

function duration(seconds: number): string {
  const s = Math.round(seconds);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
