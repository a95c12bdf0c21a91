/**
 * The SQL mapping rules of RepairConversations1763800200000, on the row `t` being repaired (kept
 * beside it, frozen with it: a later change of the product rules must not rewrite what that
 * migration did).
 */
export const STATUS_OF_T = `CASE
  WHEN lower(btrim(t.status)) IN ('active', 'completed', 'abandoned', 'paused') THEN lower(btrim(t.status))
  WHEN lower(btrim(t.status)) IN ('done', 'finished', 'complete', 'closed', 'ended') THEN 'completed'
  WHEN lower(btrim(t.status)) IN ('cancelled', 'canceled', 'aborted', 'expired') THEN 'abandoned'
  ELSE 'paused' END`;
export const SESSION_TYPE_OF_T = `CASE
  WHEN replace(replace(lower(btrim(t.session_type)), '-', '_'), ' ', '_') IN ('home', 'profile_building', 'lesson', 'practice')
    THEN replace(replace(lower(btrim(t.session_type)), '-', '_'), ' ', '_')
  WHEN lower(btrim(t.session_type)) IN ('profile', 'onboarding') THEN 'profile_building'
  ELSE 'home' END`;
export const ROLE_OF_T = `CASE
  WHEN lower(btrim(t.role)) IN ('user', 'assistant', 'system') THEN lower(btrim(t.role))
  WHEN lower(btrim(t.role)) IN ('human', 'learner', 'student') THEN 'user'
  WHEN lower(btrim(t.role)) IN ('bot', 'ai', 'tutor', 'model') THEN 'assistant' END`;
export const INTERACTION_TYPES = `('question_asked', 'correction_received', 'grammar_practiced', 'vocabulary_learned', 'cultural_note', 'pronunciation_practice')`;
