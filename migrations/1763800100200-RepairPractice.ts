import { MigrationInterface, QueryRunner } from 'typeorm';
import {
  addCheck,
  addForeignKey,
  columnExists,
  renameColumn,
  renameConstraint,
  setNotNull,
  toTimestamp,
  toTimestamptz,
} from './lib/v1/ddl';
import { applyRepairSteps, RepairStep, revertRepairSteps } from './lib/v1/repair-steps';
import { prepareMigrationSession, run } from './lib/v1/session';

const NAME = 'RepairPractice1763800100200';

export const PRACTICE_REPAIRS: RepairStep[] = [
  { kind: 'repair', table: 'practice_sessions', label: 'practice_sessions.counters',
    reason: 'out_of_range: counters null/negative → 0, total_questions raised to correct_answers',
    where: `t.total_questions IS NULL OR t.correct_answers IS NULL OR t.correct_answers < 0 OR t.total_questions < t.correct_answers`,
    set: `correct_answers = greatest(coalesce(t.correct_answers, 0), 0),
          total_questions = greatest(coalesce(t.total_questions, 0), coalesce(t.correct_answers, 0), 0)` },
  { kind: 'repair', table: 'practice_sessions', label: 'practice_sessions.duration', reason: 'out_of_range: negative duration_seconds → null (unknown)',
    where: 't.duration_seconds < 0', set: 'duration_seconds = NULL' },
  { kind: 'repair', table: 'practice_sessions', label: 'practice_sessions.session_date', reason: 'missing: null session_date → migration time',
    where: 't.session_date IS NULL', set: 'session_date = now()' },
];

/**
 * practice_sessions → SPEC §2. Counter repairs above; session_date → started_at (timestamptz);
 * new columns user_id (FK, cascade) and finished_at. Legacy sessions never had an owner and none can
 * be derived (LEGACY.md): they are kept with user_id NULL, invisible to every per-learner route, and
 * `ck_practice_sessions_user_id_required` (user_id IS NOT NULL) is added NOT VALID and deliberately
 * never validated, so PostgreSQL enforces it for every new or updated row only. Repairs in keyset batches; no wrapping
 * transaction: short locks, re-runnable steps (docs/migrations.md).
 */
export class RepairPractice1763800100200 implements MigrationInterface {
  name = NAME;
  transaction = false as const;

  async up(qr: QueryRunner): Promise<void> {
    await prepareMigrationSession(qr, { guardedSteps: true });
    // The repairs speak the legacy column names; on a re-run after the rename below they are done.
    if (await columnExists(qr, 'practice_sessions', 'session_date')) await applyRepairSteps(qr, NAME, PRACTICE_REPAIRS);

    await renameConstraint(qr, 'practice_sessions', 'practice_sessions_pkey', 'pk_practice_sessions');
    await renameColumn(qr, 'practice_sessions', 'session_date', 'started_at');
    await toTimestamptz(qr, 'practice_sessions', ['started_at']);
    await run(qr, `ALTER TABLE practice_sessions ALTER COLUMN started_at SET DEFAULT now(),
      ADD COLUMN IF NOT EXISTS user_id integer, ADD COLUMN IF NOT EXISTS finished_at timestamptz`);
    for (const column of ['started_at', 'total_questions', 'correct_answers']) await setNotNull(qr, 'practice_sessions', column);
    await addForeignKey(qr, 'practice_sessions', 'fk_practice_sessions_user_id', 'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE');
    await run(qr, `ALTER TABLE practice_sessions DROP CONSTRAINT IF EXISTS ck_practice_sessions_user_id_required`);
    await run(qr, `ALTER TABLE practice_sessions ADD CONSTRAINT ck_practice_sessions_user_id_required CHECK (user_id IS NOT NULL) NOT VALID`);
    await addCheck(qr, 'practice_sessions', 'ck_practice_sessions_answers', 'correct_answers >= 0 AND total_questions >= correct_answers');
    await addCheck(qr, 'practice_sessions', 'ck_practice_sessions_duration_seconds', 'duration_seconds >= 0');
  }

  async down(qr: QueryRunner): Promise<void> {
    await prepareMigrationSession(qr);
    await run(qr, `ALTER TABLE practice_sessions
      DROP CONSTRAINT ck_practice_sessions_duration_seconds, DROP CONSTRAINT ck_practice_sessions_answers,
      DROP CONSTRAINT ck_practice_sessions_user_id_required, DROP CONSTRAINT fk_practice_sessions_user_id,
      DROP COLUMN user_id, DROP COLUMN finished_at,
      ALTER COLUMN started_at DROP NOT NULL, ALTER COLUMN total_questions DROP NOT NULL, ALTER COLUMN correct_answers DROP NOT NULL`);
    await toTimestamp(qr, 'practice_sessions', ['started_at']);
    await run(qr, `ALTER TABLE practice_sessions ALTER COLUMN started_at SET DEFAULT CURRENT_TIMESTAMP`);
    await run(qr, `ALTER TABLE practice_sessions RENAME COLUMN started_at TO session_date`);
    await run(qr, `ALTER TABLE practice_sessions RENAME CONSTRAINT pk_practice_sessions TO practice_sessions_pkey`);
    await revertRepairSteps(qr, NAME, PRACTICE_REPAIRS);
  }
}
