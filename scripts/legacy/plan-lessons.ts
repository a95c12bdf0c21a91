import type { LegacySizes } from './sizes';
import { defectModulus } from './sizes';
import { at, MISSING, TablePlan, timeAt, USER_IDS, userAt } from './plan-users';

/** lessons: status synonyms, an unknown and a NULL status, NULL or blank titles, NULL times. */
export function lessonsPlan(s: LegacySizes): TablePlan {
  const m = defectModulus(s.lessons, 50, 8);
  return {
    table: 'lessons',
    total: s.lessons,
    rows: (lo, hi) => `
      INSERT INTO lessons (id, title, can_do, status, created_at, updated_at)
      SELECT g,
             CASE WHEN ${at(m, 4)} THEN NULL WHEN ${at(m, 5)} THEN '  ' ELSE 'Lesson ' || g END,
             'I can order food, part ' || g,
             CASE WHEN ${at(m, 0)} THEN 'published' WHEN ${at(m, 1)} THEN 'error' WHEN ${at(m, 2)} THEN 'weird' WHEN ${at(m, 3)} THEN NULL
                  ELSE (ARRAY['draft','compiling','completed','failed'])[1 + g % 4] END,
             CASE WHEN ${at(m, 6)} THEN NULL ELSE ${timeAt('g', '5 minutes')} END,
             CASE WHEN ${at(m, 7)} THEN NULL ELSE ${timeAt('g', '5 minutes')} + interval '1 day' END
        FROM generate_series(${lo}, ${hi}) g`,
  };
}

/**
 * lesson_versions: `versionsPerLesson` per lesson, versions 1..n (the legacy unique index on
 * (lesson_id, version) holds); planted: no lesson, version 0 / NULL / -1, NULL plan or created_at.
 */
export function versionsPlan(s: LegacySizes): TablePlan {
  const per = s.versionsPerLesson;
  const total = s.lessons * per;
  const m = defectModulus(total, 50, 6);
  return {
    table: 'lesson_versions',
    total,
    rows: (lo, hi) => `
      INSERT INTO lesson_versions (id, lesson_id, version, lesson_plan, created_at)
      SELECT g,
             CASE WHEN ${at(m, 0)} THEN NULL ELSE 1 + (g - 1) / ${per} END,
             CASE WHEN ${at(m, 1)} THEN 0 WHEN ${at(m, 2)} THEN NULL WHEN ${at(m, 3)} THEN -1 ELSE 1 + (g - 1) % ${per} END,
             CASE WHEN ${at(m, 4)} THEN NULL ELSE jsonb_build_object('steps', jsonb_build_array('warm-up', 'dialogue'), 'v', g) END,
             CASE WHEN ${at(m, 5)} THEN NULL ELSE ${timeAt('g', '3 minutes')} END
        FROM generate_series(${lo}, ${hi}) g`,
  };
}

/** lesson_sessions: orphan user/lesson (NULL or missing), status synonyms and unknowns, score out of 0–100, NULL start. */
export function lessonSessionsPlan(s: LegacySizes): TablePlan {
  const m = defectModulus(s.lessonSessions, 50, 12);
  return {
    table: 'lesson_sessions',
    total: s.lessonSessions,
    rows: (lo, hi) => `
      INSERT INTO lesson_sessions (id, lesson_id, user_id, status, score, started_at, completed_at)
      SELECT g,
             CASE WHEN ${at(m, 2)} THEN NULL WHEN ${at(m, 3)} THEN ${MISSING} + g ELSE 1 + (g * 11) % ${s.lessons} END,
             CASE WHEN ${at(m, 0)} THEN NULL WHEN ${at(m, 1)} THEN ${MISSING} + g ELSE ${userAt('g * 19')} END,
             CASE WHEN ${at(m, 4)} THEN 'started' WHEN ${at(m, 5)} THEN 'done' WHEN ${at(m, 6)} THEN 'quit'
                  WHEN ${at(m, 7)} THEN '???' WHEN ${at(m, 8)} THEN NULL
                  ELSE (ARRAY['in_progress','completed','abandoned'])[1 + g % 3] END,
             CASE WHEN ${at(m, 9)} THEN -5 WHEN ${at(m, 10)} THEN 150 ELSE g % 101 END,
             CASE WHEN ${at(m, 11)} THEN NULL ELSE ${timeAt('g', '4 minutes')} END,
             CASE WHEN g % 3 = 1 OR ${at(m, 5)} THEN ${timeAt('g', '4 minutes')} + interval '20 minutes' END
        FROM generate_series(${lo}, ${hi}) g CROSS JOIN ${USER_IDS}`,
  };
}
