/**
 * The defect kinds of a legacy database (LEGACY.md), each found by a query on the legacy schema
 * (so takeInventory finds them in any legacy database, not only a generated one), and what the
 * documented repair rules promise for its rows once the chain has run:
 * - `quarantined`: the row is gone from its table and in quarantined_rows (reason starting `reason`);
 * - `repaired`: the row is still in its table (unless another rule quarantined it) and satisfies
 *   `check` (SQL on the adopted row `t`, in the adopted schema's column names); with `reason`, its
 *   original is also recorded in quarantined_rows (repaired_in_place) under that reason.
 */
export interface DefectKind {
  table: string;
  kind: string;
  detect: string;
  fate: 'quarantined' | 'repaired';
  reason?: string;
  check?: string;
}

const rank = (partition: string, where = 'true') =>
  `SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY ${partition} ORDER BY id) AS rn FROM %T WHERE ${where}) d WHERE rn > 1`;
const survivors = (partition: string, where = 'true') => `SELECT min(id) FROM %T WHERE ${where} GROUP BY ${partition} HAVING count(*) > 1`;
const missing = (column: string, parent: string) =>
  `SELECT id FROM %T t WHERE t.${column} IS NULL OR NOT EXISTS (SELECT 1 FROM ${parent} p WHERE p.id = t.${column})`;
const where = (condition: string) => `SELECT id FROM %T t WHERE ${condition}`;
const outside = (column: string, lo: number, hi: number) => where(`t.${column} NOT BETWEEN ${lo} AND ${hi}`);

const MESSAGE_ROLES = `('user','assistant','system','human','learner','student','bot','ai','tutor','model')`;
const INTERACTION_TYPES = `('question_asked','correction_received','grammar_practiced','vocabulary_learned','cultural_note','pronunciation_practice')`;

export const DEFECT_KINDS: DefectKind[] = [
  {
    table: 'users',
    kind: 'duplicate_email',
    fate: 'repaired',
    reason: 'duplicate_email',
    check: 't.email IS NULL',
    detect: rank('lower(email)', 'email IS NOT NULL'),
  },
  {
    table: 'users',
    kind: 'duplicate_email_keeper',
    fate: 'repaired',
    check: 't.email IS NOT NULL',
    detect: survivors('lower(email)', 'email IS NOT NULL'),
  },
  { table: 'users', kind: 'null_created_at', fate: 'repaired', check: 't.created_at IS NOT NULL', detect: where('t.created_at IS NULL') },

  {
    table: 'categories',
    kind: 'blank_name',
    fate: 'repaired',
    check: `btrim(t.name) <> ''`,
    detect: where(`t.name IS NULL OR btrim(t.name) = ''`),
  },
  {
    table: 'categories',
    kind: 'duplicate_name',
    fate: 'quarantined',
    reason: 'duplicate_name',
    detect: rank('lower(name)', `btrim(name) <> ''`),
  },

  { table: 'words', kind: 'blank_term', fate: 'quarantined', reason: 'blank_term', detect: where(`t.word IS NULL OR btrim(t.word) = ''`) },
  { table: 'words', kind: 'orphan_category', fate: 'quarantined', reason: 'orphan_category', detect: missing('category_id', 'categories') },
  {
    table: 'words',
    kind: 'duplicate_term',
    fate: 'quarantined',
    detect: rank('category_id, lower(word)', `btrim(word) <> '' AND category_id IN (SELECT id FROM categories)`),
  },
  {
    table: 'words',
    kind: 'difficulty_out_of_range',
    fate: 'repaired',
    check: 't.difficulty_level BETWEEN 1 AND 5',
    detect: where('t.difficulty_level IS NULL OR t.difficulty_level NOT BETWEEN 1 AND 5'),
  },
  {
    table: 'words',
    kind: 'null_translation',
    fate: 'repaired',
    check: 't.translation IS NOT NULL',
    detect: where('t.translation IS NULL'),
  },

  {
    table: 'user_vocabulary',
    kind: 'duplicate',
    fate: 'quarantined',
    detect: rank('user_id, word_id', 'user_id IS NOT NULL AND word_id IS NOT NULL'),
  },
  {
    table: 'user_vocabulary',
    kind: 'duplicate_survivor',
    fate: 'repaired',
    check: 'true',
    detect: survivors('user_id, word_id', 'user_id IS NOT NULL AND word_id IS NOT NULL'),
  },
  { table: 'user_vocabulary', kind: 'orphan_user', fate: 'quarantined', reason: 'orphan_user', detect: missing('user_id', 'users') },
  { table: 'user_vocabulary', kind: 'orphan_word', fate: 'quarantined', detect: missing('word_id', 'words') },
  {
    table: 'user_vocabulary',
    kind: 'out_of_range',
    fate: 'repaired',
    check: 't.mastery_level BETWEEN 0 AND 5 AND t.times_seen >= t.times_correct AND t.times_correct >= 0',
    detect: where(`t.mastery_level IS NULL OR t.mastery_level NOT BETWEEN 0 AND 5 OR t.times_correct IS NULL OR t.times_correct < 0
                   OR t.times_reviewed IS NULL OR t.times_reviewed < t.times_correct`),
  },

  {
    table: 'practice_sessions',
    kind: 'bad_counters',
    fate: 'repaired',
    check: 't.total_questions >= t.correct_answers AND t.correct_answers >= 0',
    detect: where(
      't.total_questions IS NULL OR t.correct_answers IS NULL OR t.correct_answers < 0 OR t.total_questions < t.correct_answers',
    ),
  },
  {
    table: 'practice_sessions',
    kind: 'negative_duration',
    fate: 'repaired',
    check: 'coalesce(t.duration_seconds, 0) >= 0',
    detect: where('t.duration_seconds < 0'),
  },
  {
    table: 'practice_sessions',
    kind: 'null_session_date',
    fate: 'repaired',
    check: 't.started_at IS NOT NULL',
    detect: where('t.session_date IS NULL'),
  },

  { table: 'conversation_sessions', kind: 'no_owner', fate: 'quarantined', reason: 'no_owner', detect: where('t.user_id IS NULL') },
  {
    table: 'conversation_sessions',
    kind: 'status_or_type',
    fate: 'repaired',
    check: `t.status IN ('active','completed','abandoned','paused') AND t.session_type IN ('home','profile_building','lesson','practice')`,
    detect: where(`t.status IS NULL OR t.status NOT IN ('active','completed','abandoned','paused')
                   OR t.session_type IS NULL OR t.session_type NOT IN ('home','profile_building','lesson','practice')`),
  },
  {
    table: 'conversation_sessions',
    kind: 'null_context',
    fate: 'repaired',
    check: 't.conversation_context IS NOT NULL',
    detect: where('t.conversation_context IS NULL'),
  },

  {
    table: 'conversation_messages',
    kind: 'ownerless_session',
    fate: 'quarantined',
    detect: where('t.session_id IN (SELECT id FROM conversation_sessions WHERE user_id IS NULL)'),
  },
  { table: 'conversation_messages', kind: 'no_session', fate: 'quarantined', reason: 'no_session', detect: where('t.session_id IS NULL') },
  {
    table: 'conversation_messages',
    kind: 'invalid_role',
    fate: 'quarantined',
    detect: where(`t.role IS NULL OR lower(btrim(t.role)) NOT IN ${MESSAGE_ROLES}`),
  },
  {
    table: 'conversation_messages',
    kind: 'bad_order',
    fate: 'repaired',
    check: 't.message_order > 0',
    detect: `${where('t.message_order IS NULL OR t.message_order <= 0')} UNION ${rank('session_id, message_order', 'session_id IS NOT NULL')}`,
  },
  {
    table: 'conversation_messages',
    kind: 'null_content',
    fate: 'repaired',
    check: 't.content IS NOT NULL',
    detect: where('t.content IS NULL'),
  },

  { table: 'conversation_interactions', kind: 'no_owner', fate: 'quarantined', reason: 'no_owner', detect: where('t.user_id IS NULL') },
  {
    table: 'conversation_interactions',
    kind: 'invalid_type',
    fate: 'quarantined',
    detect: where(`t.interaction_type IS NULL OR lower(btrim(t.interaction_type)) NOT IN ${INTERACTION_TYPES}`),
  },
  {
    table: 'conversation_interactions',
    kind: 'out_of_range',
    fate: 'repaired',
    check: 'coalesce(t.mastery_level, 1) BETWEEN 1 AND 5 AND coalesce(t.confidence_self_reported, 1) BETWEEN 1 AND 5',
    detect: `${outside('mastery_level', 1, 5)} UNION ${outside('confidence_self_reported', 1, 5)}`,
  },
  {
    table: 'conversation_interactions',
    kind: 'dangling_session',
    fate: 'repaired',
    check: 't.session_id IS NULL',
    detect: where('t.session_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM conversation_sessions s WHERE s.id = t.session_id)'),
  },
  {
    table: 'conversation_interactions',
    kind: 'dangling_message',
    fate: 'repaired',
    check: 't.message_id IS NULL',
    detect: where('t.message_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM conversation_messages m WHERE m.id = t.message_id)'),
  },
  {
    table: 'conversation_interactions',
    kind: 'null_metadata',
    fate: 'repaired',
    check: 't.metadata IS NOT NULL',
    detect: where('t.metadata IS NULL'),
  },

  {
    table: 'lessons',
    kind: 'unknown_status',
    fate: 'repaired',
    check: `t.status IN ('draft','compiling','completed','failed')`,
    detect: where(`t.status IS NULL OR t.status NOT IN ('draft','compiling','completed','failed')`),
  },
  {
    table: 'lessons',
    kind: 'blank_title',
    fate: 'repaired',
    check: `btrim(t.title) <> ''`,
    detect: where(`t.title IS NULL OR btrim(t.title) = ''`),
  },

  { table: 'lesson_versions', kind: 'no_lesson', fate: 'quarantined', reason: 'no_lesson', detect: where('t.lesson_id IS NULL') },
  {
    table: 'lesson_versions',
    kind: 'bad_version',
    fate: 'repaired',
    check: 't.version > 0',
    detect: where('t.version IS NULL OR t.version <= 0'),
  },
  {
    table: 'lesson_versions',
    kind: 'null_plan',
    fate: 'repaired',
    check: 't.lesson_plan IS NOT NULL',
    detect: where('t.lesson_plan IS NULL'),
  },

  { table: 'lesson_sessions', kind: 'orphan_user', fate: 'quarantined', reason: 'orphan_user', detect: missing('user_id', 'users') },
  { table: 'lesson_sessions', kind: 'orphan_lesson', fate: 'quarantined', detect: missing('lesson_id', 'lessons') },
  {
    table: 'lesson_sessions',
    kind: 'score_out_of_range',
    fate: 'repaired',
    check: 't.score BETWEEN 0 AND 100',
    detect: outside('score', 0, 100),
  },
  {
    table: 'lesson_sessions',
    kind: 'unknown_status',
    fate: 'repaired',
    check: `t.status IN ('in_progress','completed','abandoned')`,
    detect: where(`t.status IS NULL OR t.status NOT IN ('in_progress','completed','abandoned')`),
  },

  { table: 'user_profiles', kind: 'no_owner', fate: 'quarantined', reason: 'no_owner', detect: where('t.user_id IS NULL') },
  {
    table: 'user_profiles',
    kind: 'null_documents',
    fate: 'repaired',
    check: 'true',
    detect: where('t.learning_goals IS NULL OR t.previous_knowledge IS NULL OR t.usage_context IS NULL'),
  },

  { table: 'learning_paths', kind: 'no_owner', fate: 'quarantined', reason: 'no_owner', detect: where('t.user_id IS NULL') },
  {
    table: 'learning_paths',
    kind: 'null_documents',
    fate: 'repaired',
    check: 't.path_data IS NOT NULL AND t.progress_data IS NOT NULL',
    detect: where('t.path_data IS NULL OR t.progress_data IS NULL'),
  },
];

export const detectSql = (d: DefectKind) => d.detect.replace(/%T/g, d.table);
export const defectKey = (d: DefectKind) => `${d.table}.${d.kind}`;
