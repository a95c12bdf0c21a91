/**
 * The SQL mapping rules of RepairConversations1763800200000 (kept beside it, frozen with it: a later
 * change of the product rules must not rewrite what that migration did).
 */
export const STATUS = `CASE
  WHEN lower(btrim(status)) IN ('active', 'completed', 'abandoned', 'paused') THEN lower(btrim(status))
  WHEN lower(btrim(status)) IN ('done', 'finished', 'complete', 'closed', 'ended') THEN 'completed'
  WHEN lower(btrim(status)) IN ('cancelled', 'canceled', 'aborted', 'expired') THEN 'abandoned'
  ELSE 'paused' END`;
export const TYPE = `CASE
  WHEN replace(replace(lower(btrim(session_type)), '-', '_'), ' ', '_') IN ('home', 'profile_building', 'lesson', 'practice')
    THEN replace(replace(lower(btrim(session_type)), '-', '_'), ' ', '_')
  WHEN lower(btrim(session_type)) IN ('profile', 'onboarding') THEN 'profile_building'
  ELSE 'home' END`;
export const ROLE = `CASE
  WHEN lower(btrim(role)) IN ('user', 'assistant', 'system') THEN lower(btrim(role))
  WHEN lower(btrim(role)) IN ('human', 'learner', 'student') THEN 'user'
  WHEN lower(btrim(role)) IN ('bot', 'ai', 'tutor', 'model') THEN 'assistant' END`;
export const INTERACTION_TYPES = `('question_asked', 'correction_received', 'grammar_practiced', 'vocabulary_learned', 'cultural_note', 'pronunciation_practice')`;
