import type { LegacySizes } from './sizes';
import { defectModulus } from './sizes';
import { at, MISSING, TablePlan, timeAt, USER_IDS, userAt } from './plan-users';

/** categories: blank and NULL names; g % m = 0 repeats g-1's name in upper case (a duplicate). */
export function categoriesPlan(s: LegacySizes): TablePlan {
  const m = defectModulus(s.categories, 40, 3);
  return {
    table: 'categories',
    total: s.categories,
    rows: (lo, hi) => `
      INSERT INTO categories (id, name, description)
      SELECT g,
             CASE WHEN ${at(m, 0)} AND g > 1 THEN 'CATEGORY ' || (g - 1)
                  WHEN ${at(m, 1)} THEN '  '
                  WHEN ${at(m, 2)} THEN NULL
                  ELSE 'category ' || g END,
             'words about topic ' || g
        FROM generate_series(${lo}, ${hi}) g`,
  };
}

/**
 * words: duplicates up to case in the same category (g % m = 0 repeats g-1's term in upper case),
 * blank terms, no or a missing category, difficulty 0 / 7 / NULL, NULL translation or created_at.
 */
export function wordsPlan(s: LegacySizes): TablePlan {
  const m = defectModulus(s.words, 50, 9);
  const categoryOf = (x: string) => `1 + ((${x}) * 7) % ${s.categories}`;
  return {
    table: 'words',
    total: s.words,
    rows: (lo, hi) => `
      INSERT INTO words (id, word, translation, category_id, difficulty_level, created_at)
      SELECT g,
             CASE WHEN ${at(m, 0)} AND g > 1 THEN 'WORD' || (g - 1) WHEN ${at(m, 3)} THEN '' ELSE 'word' || g END,
             CASE WHEN ${at(m, 4)} THEN NULL ELSE 'translation of word ' || g END,
             CASE WHEN ${at(m, 0)} AND g > 1 THEN ${categoryOf('g - 1')}
                  WHEN ${at(m, 1)} THEN NULL
                  WHEN ${at(m, 2)} THEN ${MISSING} + g
                  ELSE ${categoryOf('g')} END,
             CASE WHEN ${at(m, 5)} THEN 0 WHEN ${at(m, 6)} THEN 7 WHEN ${at(m, 7)} THEN NULL ELSE 1 + g % 5 END,
             CASE WHEN ${at(m, 8)} THEN NULL ELSE ${timeAt('g', '29 seconds')} END
        FROM generate_series(${lo}, ${hi}) g`,
  };
}

/**
 * user_vocabulary: each user learns distinct words (user i, k-th word); planted: g % m = 0 repeats
 * g-1's (user, word) (a duplicate), orphans (missing or NULL user, missing or NULL word), mastery
 * 9 / -1 / NULL, times_correct above times_reviewed or negative, NULL times_reviewed.
 */
export function vocabularyPlan(s: LegacySizes): TablePlan {
  const m = defectModulus(s.vocabulary, 100, 11);
  const userOf = (x: string) => userAt(`(${x} - 1)`);
  const wordOf = (x: string) => `1 + (((${x} - 1) / u.n) * 7919 + ((${x} - 1) % u.n) * 31) % ${s.words}`;
  const same = `${at(m, 0)} AND g > 1`;
  return {
    table: 'user_vocabulary',
    total: s.vocabulary,
    rows: (lo, hi) => `
      INSERT INTO user_vocabulary (id, user_id, word_id, mastery_level, times_reviewed, times_correct, last_reviewed)
      SELECT g,
             CASE WHEN ${same} THEN ${userOf('g - 1')} WHEN ${at(m, 1)} THEN ${MISSING} + g WHEN ${at(m, 2)} THEN NULL
                  ELSE ${userOf('g')} END,
             CASE WHEN ${same} THEN ${wordOf('g - 1')} WHEN ${at(m, 3)} THEN ${MISSING} + g WHEN ${at(m, 4)} THEN NULL
                  ELSE ${wordOf('g')} END,
             CASE WHEN ${at(m, 5)} THEN 9 WHEN ${at(m, 6)} THEN -1 WHEN ${at(m, 7)} THEN NULL ELSE g % 6 END,
             CASE WHEN ${at(m, 8)} THEN 3 WHEN ${at(m, 10)} THEN NULL ELSE 10 + g % 20 END,
             CASE WHEN ${at(m, 8)} THEN 10 WHEN ${at(m, 9)} THEN -1 ELSE g % 10 END,
             CASE WHEN g % 4 = 0 THEN NULL ELSE ${timeAt('g', '3 seconds')} END
        FROM generate_series(${lo}, ${hi}) g CROSS JOIN ${USER_IDS}`,
  };
}

/** practice_sessions (no owner column at all): correct > total, NULL / negative counters, negative duration, NULL date. */
export function practicePlan(s: LegacySizes): TablePlan {
  const m = defectModulus(s.practiceSessions, 100, 6);
  return {
    table: 'practice_sessions',
    total: s.practiceSessions,
    rows: (lo, hi) => `
      INSERT INTO practice_sessions (id, session_date, total_questions, correct_answers, duration_seconds)
      SELECT g,
             CASE WHEN ${at(m, 5)} THEN NULL ELSE ${timeAt('g', '61 seconds')} END,
             CASE WHEN ${at(m, 0)} THEN 5 WHEN ${at(m, 1)} THEN NULL ELSE 10 + g % 11 END,
             CASE WHEN ${at(m, 0)} THEN 8 WHEN ${at(m, 2)} THEN NULL WHEN ${at(m, 3)} THEN -1 ELSE g % 11 END,
             CASE WHEN ${at(m, 4)} THEN -5 WHEN g % 7 = 0 THEN NULL ELSE 60 + g % 600 END
        FROM generate_series(${lo}, ${hi}) g`,
  };
}
