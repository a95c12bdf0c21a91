import type { DataSource } from 'typeorm';

/** Queries behind `npm run db:report` (and the test that keeps the schema free of redundant indexes). */

export interface IndexUsage {
  table: string;
  index: string;
  scans: number;
  size: string;
  unique: boolean;
}

export async function indexUsage(ds: DataSource): Promise<IndexUsage[]> {
  const rows = await ds.query(`
    SELECT s.relname AS table, s.indexrelname AS index, s.idx_scan::bigint AS scans,
           pg_size_pretty(pg_relation_size(s.indexrelid)) AS size, i.indisunique AS unique
      FROM pg_stat_user_indexes s JOIN pg_index i ON i.indexrelid = s.indexrelid
     ORDER BY s.relname, s.indexrelname`);
  return rows.map((r: IndexUsage & { scans: string }) => ({ ...r, scans: Number(r.scans) }));
}

/** Non-unique indexes never scanned since statistics were last reset: candidates to drop. */
export async function unusedIndexes(ds: DataSource): Promise<IndexUsage[]> {
  return (await indexUsage(ds)).filter((i) => i.scans === 0 && !i.unique);
}

export interface RedundantIndex {
  table: string;
  redundant: string;
  coveredBy: string;
}

/**
 * Indexes whose key columns are a leading prefix of another index's on the same table, with the
 * same access method, opclasses and predicate — the longer index serves every query the shorter one
 * does. A unique index is never reported as redundant (it enforces something).
 */
export async function redundantIndexes(ds: DataSource): Promise<RedundantIndex[]> {
  return ds.query(`
    SELECT t.relname AS table, a_idx.relname AS redundant, b_idx.relname AS "coveredBy"
      FROM pg_index a
      JOIN pg_index b ON b.indrelid = a.indrelid AND b.indexrelid <> a.indexrelid
      JOIN pg_class a_idx ON a_idx.oid = a.indexrelid
      JOIN pg_class b_idx ON b_idx.oid = b.indexrelid
      JOIN pg_class t ON t.oid = a.indrelid
      JOIN pg_namespace n ON n.oid = t.relnamespace
     WHERE n.nspname = 'public'
       AND NOT a.indisunique
       AND a_idx.relam = b_idx.relam
       AND a.indnkeyatts <= b.indnkeyatts
       AND (a.indkey::int2[])[0:a.indnkeyatts - 1] = (b.indkey::int2[])[0:a.indnkeyatts - 1]
       AND (a.indclass::oid[])[0:a.indnkeyatts - 1] = (b.indclass::oid[])[0:a.indnkeyatts - 1]
       AND a.indexprs IS NULL AND b.indexprs IS NULL
       AND coalesce(pg_get_expr(a.indpred, a.indrelid), '') = coalesce(pg_get_expr(b.indpred, b.indrelid), '')
       AND (a.indnkeyatts < b.indnkeyatts OR a.indexrelid > b.indexrelid)
     ORDER BY 1, 2`);
}

export interface TableHealth {
  table: string;
  liveRows: number;
  deadRows: number;
  deadRatio: number;
  size: string;
  lastVacuum: string | null;
  lastAnalyze: string | null;
}

/** Dead-tuple ratios and last (auto)vacuum/analyze: the bloat hints. */
export async function tableHealth(ds: DataSource): Promise<TableHealth[]> {
  const rows = await ds.query(`
    SELECT relname AS table, n_live_tup::bigint AS live, n_dead_tup::bigint AS dead,
           pg_size_pretty(pg_total_relation_size(relid)) AS size,
           greatest(last_vacuum, last_autovacuum)::text AS last_vacuum,
           greatest(last_analyze, last_autoanalyze)::text AS last_analyze
      FROM pg_stat_user_tables ORDER BY n_dead_tup DESC, relname`);
  return rows.map(
    (r: { table: string; live: string; dead: string; size: string; last_vacuum: string | null; last_analyze: string | null }) => {
      const live = Number(r.live);
      const dead = Number(r.dead);
      return {
        table: r.table,
        liveRows: live,
        deadRows: dead,
        deadRatio: live + dead === 0 ? 0 : dead / (live + dead),
        size: r.size,
        lastVacuum: r.last_vacuum,
        lastAnalyze: r.last_analyze,
      };
    },
  );
}

/** Tables written on every learner action: what `npm run db:maintain` vacuums and analyzes. */
export const HOT_TABLES = [
  'user_vocabulary',
  'practice_answers',
  'practice_sessions',
  'conversation_messages',
  'conversation_interactions',
  'conversation_sessions',
  'lesson_sessions',
  'lesson_versions',
  'learning_paths',
  'user_profiles',
  'words',
  'users',
];
