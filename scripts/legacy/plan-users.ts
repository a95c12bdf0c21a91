import type { LegacySizes } from './sizes';
import { defectModulus } from './sizes';

/**
 * One table of the generation plan: `rows(lo, hi)` inserts the rows numbered lo..hi (g) with one
 * set-based statement; the generator calls it chunk by chunk (keyset on g) for the progress bar.
 * Row g has id g (ids are given explicitly; sequences are set after), except where ids have gaps.
 */
export interface TablePlan {
  table: string;
  total: number;
  rows(lo: number, hi: number): string;
}

/**
 * Where a planted reference points at nothing: far above any id the serials will hand out (rows the
 * legacy app inserts during a test must not bring an orphan's parent into being).
 */
export const MISSING = 1_000_000_000;

/** `g % m = r` for a planted defect, as SQL. */
export const at = (m: number, r: number) => `g % ${m} = ${r}`;

/** The existing user ids as an array (users have gaps: deleted accounts), for picking owners. */
export const USER_IDS = `(SELECT array_agg(id ORDER BY id) AS ids, count(*)::int AS n FROM users) u`;
/** The i-th existing user (i any integer expression), cycling. */
export const userAt = (i: string) => `u.ids[1 + (${i}) % u.n]`;

const T0 = `timestamp '2024-01-01 00:00:00'`;
export const timeAt = (g: string, step: string) => `${T0} + (${g}) * interval '${step}'`;

/**
 * users: one account in `deleted` is missing (ids have gaps, as after deletions — references to
 * them are orphans). Case-duplicate emails: g % 100 = 0 repeats g-1's email capitalised, g % 100 = 1
 * repeats g-2's in upper case (a third account of the same address).
 */
export function usersPlan(s: LegacySizes): TablePlan {
  const m = defectModulus(s.users, 50, 4);
  const dup = Math.max(10, Math.min(100, Math.floor(s.users / 6)));
  const deleted = Math.max(7, Math.min(997, Math.floor(s.users / 5)));
  return {
    table: 'users',
    total: s.users,
    rows: (lo, hi) => `
      INSERT INTO users (id, username, email, password_hash, created_at)
      SELECT g,
             CASE WHEN ${at(m, 3)} THEN NULL ELSE 'user_' || g END,
             CASE WHEN g % ${dup} = 0 AND g > ${dup} THEN 'User' || (g - 1) || '@Example.com'
                  WHEN g % ${dup} = 1 AND g > ${dup} THEN 'USER' || (g - 2) || '@EXAMPLE.COM'
                  WHEN ${at(m, 4)} THEN NULL
                  ELSE 'user' || g || '@example.com' END,
             md5('password ' || g),
             CASE WHEN ${at(m, 5)} THEN NULL ELSE ${timeAt('g', '37 seconds')} END
        FROM generate_series(${lo}, ${hi}) g
       WHERE g % ${deleted} <> ${deleted - 2}`,
  };
}

/** user_profiles: one per user for the first users (user_id unique), some ownerless. */
export function profilesPlan(s: LegacySizes): TablePlan {
  const m = defectModulus(s.profiles, 100, 6);
  return {
    table: 'user_profiles',
    total: s.profiles,
    rows: (lo, hi) => `
      INSERT INTO user_profiles (id, user_id, learning_goals, previous_knowledge, usage_context, created_at, updated_at)
      SELECT g,
             CASE WHEN ${at(m, 0)} THEN NULL ELSE u.ids[g + 5] END,
             CASE WHEN ${at(m, 1)} THEN NULL ELSE jsonb_build_object('travel', g % 3 = 0, 'level', (ARRAY['A1','A2','B1','B2'])[1 + g % 4]) END,
             CASE WHEN ${at(m, 2)} THEN NULL ELSE jsonb_build_object('years', g % 6) END,
             CASE WHEN ${at(m, 3)} THEN NULL ELSE jsonb_build_object('daily_minutes', 5 * (1 + g % 12)) END,
             CASE WHEN ${at(m, 4)} THEN NULL ELSE ${timeAt('g', '41 seconds')} END,
             CASE WHEN ${at(m, 5)} THEN NULL ELSE ${timeAt('g', '43 seconds')} END
        FROM generate_series(${lo}, ${hi}) g CROSS JOIN ${USER_IDS}`,
  };
}

/** learning_paths: some ownerless, some with NULL documents (revert must give the NULLs back). */
export function learningPathsPlan(s: LegacySizes): TablePlan {
  const m = defectModulus(s.learningPaths, 100, 6);
  return {
    table: 'learning_paths',
    total: s.learningPaths,
    rows: (lo, hi) => `
      INSERT INTO learning_paths (id, user_id, path_data, progress_data, created_at, updated_at)
      SELECT g,
             CASE WHEN ${at(m, 0)} THEN NULL ELSE ${userAt('g * 3')} END,
             CASE WHEN ${at(m, 1)} OR ${at(m, 3)} THEN NULL ELSE jsonb_build_object('steps', jsonb_build_array('greet', 'order', 'pay'), 'path', g) END,
             CASE WHEN ${at(m, 2)} OR ${at(m, 3)} THEN NULL ELSE jsonb_build_object('done', g % 3) END,
             CASE WHEN ${at(m, 4)} THEN NULL ELSE ${timeAt('g', '47 seconds')} END,
             CASE WHEN ${at(m, 5)} THEN NULL ELSE ${timeAt('g', '53 seconds')} END
        FROM generate_series(${lo}, ${hi}) g CROSS JOIN ${USER_IDS}`,
  };
}
