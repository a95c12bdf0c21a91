import { MigrationInterface, QueryRunner } from 'typeorm';
import {
  addCheck,
  addForeignKey,
  addUpdatedAtTrigger,
  attachUniqueIndex,
  createIndexesConcurrently,
  dropUpdatedAtTrigger,
  findEquivalentIndex,
  renameConstraint,
  setNotNull,
  toTimestamp,
  toTimestamptz,
} from './lib/v1/ddl';
import { applyRepairSteps, RepairStep, repairInPlace, revertRepairSteps } from './lib/v1/repair-steps';
import { prepareMigrationSession, run } from './lib/v1/session';
import { LESSON_VERSIONS_UNIQUE } from './1763800000000-CreateLegacyBaseline';

const NAME = 'RepairLessons1763800200200';

/** The status a lesson `t` gets (its legacy synonyms mapped; else by whether it has a version). */
const LESSON_STATUS_OF_T = `CASE
  WHEN lower(btrim(status)) IN ('draft', 'compiling', 'completed', 'failed') THEN lower(btrim(status))
  WHEN lower(btrim(status)) IN ('published', 'ready', 'compiled', 'done', 'complete') THEN 'completed'
  WHEN lower(btrim(status)) IN ('error', 'errored') THEN 'failed'
  WHEN EXISTS (SELECT 1 FROM lesson_versions v WHERE v.lesson_id = t.id) THEN 'completed'
  ELSE 'draft' END`;
const SESSION_STATUS = `CASE
  WHEN lower(btrim(status)) IN ('in_progress', 'completed', 'abandoned') THEN lower(btrim(status))
  WHEN lower(btrim(status)) IN ('started', 'active', 'in progress', 'ongoing') THEN 'in_progress'
  WHEN lower(btrim(status)) IN ('done', 'finished', 'complete', 'passed') THEN 'completed'
  WHEN lower(btrim(status)) IN ('cancelled', 'canceled', 'quit', 'aborted') THEN 'abandoned'
  WHEN completed_at IS NOT NULL THEN 'completed'
  ELSE 'in_progress' END`;

const orphan = (column: string, table: string) =>
  `t.${column} IS NULL OR NOT EXISTS (SELECT 1 FROM ${table} p WHERE p.id = t.${column})`;

/** Each list runs in keyset batches (repair-steps.ts); `down` undoes it in reverse. */
export const LESSON_STEPS: RepairStep[] = [
  repairInPlace('lessons', 'lessons.status', 'status mapped', `t.status IS DISTINCT FROM (${LESSON_STATUS_OF_T})`, `status = ${LESSON_STATUS_OF_T}`),
  repairInPlace('lessons', 'lessons.title', "blank title → 'Untitled lesson <id>'", `t.title IS NULL OR btrim(t.title) = ''`, `title = 'Untitled lesson ' || t.id`),
  repairInPlace('lessons', 'lessons.created_at', 'NULL created_at → migration time', 't.created_at IS NULL', 'created_at = now()'),
  repairInPlace('lessons', 'lessons.updated_at', 'NULL updated_at → created_at', 't.updated_at IS NULL', 'updated_at = t.created_at'),
];
export const VERSION_STEPS: RepairStep[] = [
  { kind: 'quarantine', table: 'lesson_versions', label: 'versions.no_lesson', reason: 'no_lesson: lesson_id is null', where: 't.lesson_id IS NULL' },
  // A lesson whose versions include a NULL or a value ≤ 0: renumbered 1..n, order kept (through NULL: the legacy unique index holds throughout).
  { kind: 'renumber', table: 'lesson_versions', label: 'versions.version', reason: 'repaired: version renumbered 1..n',
    parent: 'lesson_id', column: 'version', orderBy: 'c.version NULLS LAST, c.created_at NULLS LAST, c.id',
    broken: 'bool_or(version IS NULL OR version <= 0)' },
  repairInPlace('lesson_versions', 'versions.plan', 'NULL lesson_plan → {}', 't.lesson_plan IS NULL', `lesson_plan = '{}'::jsonb`),
  repairInPlace('lesson_versions', 'versions.created_at', 'NULL created_at → migration time', 't.created_at IS NULL', 'created_at = now()'),
];
export const LESSON_SESSION_STEPS: RepairStep[] = [
  { kind: 'quarantine', table: 'lesson_sessions', label: 'sessions.orphan_user', reason: 'orphan_user: user_id is null or names no user', where: orphan('user_id', 'users') },
  { kind: 'quarantine', table: 'lesson_sessions', label: 'sessions.orphan_lesson', reason: 'orphan_lesson: lesson_id is null or names no lesson', where: orphan('lesson_id', 'lessons') },
  repairInPlace('lesson_sessions', 'sessions.status', 'status mapped', `t.status IS DISTINCT FROM (${SESSION_STATUS})`, `status = ${SESSION_STATUS}`),
  repairInPlace('lesson_sessions', 'sessions.score', 'score clamped to 0-100', 't.score NOT BETWEEN 0 AND 100', 'score = least(greatest(t.score, 0), 100)'),
  repairInPlace('lesson_sessions', 'sessions.started_at', 'NULL started_at → completed_at or migration time', 't.started_at IS NULL',
    'started_at = coalesce(t.completed_at, now())'),
];

/** Where `up` notes the legacy name of the unique index it adopted, so `down` gives that name back. */
const ADOPTED = 'lingua: adopted legacy index ';

/**
 * lessons, lesson_versions, lesson_sessions → SPEC §2. Repair rules (docs/modules/conversations-lessons.md);
 * rows changed in place have their originals recorded in quarantined_rows, so `down` restores them:
 * - lessons: status synonyms mapped ('published', 'ready', 'compiled', 'done' → completed;
 *   'error' → failed); anything else or NULL → completed if the lesson has a version, else draft.
 *   title NULL or blank → 'Untitled lesson <id>'.
 * - lesson_versions: lesson_id NULL → quarantined (no_lesson). A lesson whose versions include a NULL
 *   or a value ≤ 0 has them renumbered 1..n by (version, created_at, id). lesson_plan NULL → {}.
 *   The legacy unique index on (lesson_id, version) — found by definition, whatever its name — is
 *   adopted as the constraint uq_lesson_versions_lesson_id_version (renamed, not rebuilt; its legacy
 *   name is noted on it for `down`); a legacy database without one gets it built concurrently.
 * - lesson_sessions: no user / unknown user → quarantined (orphan_user); no lesson / unknown lesson →
 *   quarantined (orphan_lesson). status synonyms mapped; anything else or NULL → completed when
 *   completed_at is set, else in_progress. score clamped into 0–100. started_at NULL →
 *   coalesce(completed_at, now()). lesson_version_id (new) stays NULL: legacy sessions never
 *   recorded the version taken.
 * No wrapping transaction (short locks, re-runnable steps: docs/migrations.md): every repair runs
 * in keyset batches, each batch one statement (renumbering: one short transaction per batch of
 * lessons) recording the originals with the change. Defaults come before NOT NULL, so rows the
 * legacy app inserts without status/started_at stay valid.
 */
export class RepairLessons1763800200200 implements MigrationInterface {
  name = NAME;
  transaction = false as const;

  async up(qr: QueryRunner): Promise<void> {
    await prepareMigrationSession(qr, { guardedSteps: true });
    await toTimestamptz(qr, 'lessons', ['created_at', 'updated_at']);
    await toTimestamptz(qr, 'lesson_versions', ['created_at']);
    await toTimestamptz(qr, 'lesson_sessions', ['started_at', 'completed_at']);
    await this.repairLessons(qr);
    await this.repairVersions(qr);
    await this.repairSessions(qr);
  }

  private async repairLessons(qr: QueryRunner): Promise<void> {
    await applyRepairSteps(qr, NAME, LESSON_STEPS);
    await renameConstraint(qr, 'lessons', 'lessons_pkey', 'pk_lessons');
    await run(qr, `ALTER TABLE lessons ALTER COLUMN created_at SET DEFAULT now(), ALTER COLUMN updated_at SET DEFAULT now()`);
    for (const column of ['title', 'status', 'created_at', 'updated_at']) await setNotNull(qr, 'lessons', column);
    await addCheck(qr, 'lessons', 'ck_lessons_status', `status IN ('draft', 'compiling', 'completed', 'failed')`);
    await addUpdatedAtTrigger(qr, 'lessons');
  }

  private async repairVersions(qr: QueryRunner): Promise<void> {
    const t = 'lesson_versions';
    await applyRepairSteps(qr, NAME, VERSION_STEPS);

    await renameConstraint(qr, t, 'lesson_versions_pkey', 'pk_lesson_versions');
    await run(qr, `ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS lesson_versions_lesson_id_fkey`);
    await addForeignKey(qr, t, 'fk_lesson_versions_lesson_id', 'FOREIGN KEY (lesson_id) REFERENCES lessons(id) ON DELETE CASCADE');
    await run(qr, `ALTER TABLE ${t} ALTER COLUMN created_at SET DEFAULT now()`);
    for (const column of ['lesson_id', 'version', 'lesson_plan', 'created_at']) await setNotNull(qr, t, column);
    await addCheck(qr, t, 'ck_lesson_versions_version', 'version > 0');
    await adoptUniqueIndex(qr);
  }

  private async repairSessions(qr: QueryRunner): Promise<void> {
    const t = 'lesson_sessions';
    // Defaults before the repairs: a session the legacy app inserts without them is valid from now on.
    await run(qr, `ALTER TABLE ${t} ALTER COLUMN status SET DEFAULT 'in_progress', ALTER COLUMN started_at SET DEFAULT now()`);
    await applyRepairSteps(qr, NAME, LESSON_SESSION_STEPS);

    await renameConstraint(qr, t, 'lesson_sessions_pkey', 'pk_lesson_sessions');
    await run(qr, `-- references lesson_versions.id, a legacy integer key
      -- squawk-ignore prefer-bigint-over-int
      ALTER TABLE ${t} ADD COLUMN IF NOT EXISTS lesson_version_id integer`);
    await addForeignKey(qr, t, 'fk_lesson_sessions_user_id', 'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE');
    await addForeignKey(qr, t, 'fk_lesson_sessions_lesson_id', 'FOREIGN KEY (lesson_id) REFERENCES lessons(id) ON DELETE RESTRICT');
    await addForeignKey(qr, t, 'fk_lesson_sessions_lesson_version_id',
      'FOREIGN KEY (lesson_version_id) REFERENCES lesson_versions(id) ON DELETE RESTRICT');
    for (const column of ['user_id', 'lesson_id', 'status', 'started_at']) await setNotNull(qr, t, column);
    await addCheck(qr, t, 'ck_lesson_sessions_status', `status IN ('in_progress', 'completed', 'abandoned')`);
    await addCheck(qr, t, 'ck_lesson_sessions_score', 'score BETWEEN 0 AND 100');
  }

  async down(qr: QueryRunner): Promise<void> {
    await prepareMigrationSession(qr);
    const s = 'lesson_sessions';
    for (const c of ['ck_lesson_sessions_score', 'ck_lesson_sessions_status', 'fk_lesson_sessions_lesson_version_id',
      'fk_lesson_sessions_lesson_id', 'fk_lesson_sessions_user_id']) await run(qr, `ALTER TABLE ${s} DROP CONSTRAINT IF EXISTS ${c}`);
    await run(qr, `ALTER TABLE ${s} DROP COLUMN lesson_version_id`);
    await run(qr, `ALTER TABLE ${s} ALTER COLUMN user_id DROP NOT NULL, ALTER COLUMN lesson_id DROP NOT NULL,
      ALTER COLUMN status DROP NOT NULL, ALTER COLUMN status DROP DEFAULT, ALTER COLUMN started_at DROP NOT NULL, ALTER COLUMN started_at DROP DEFAULT`);
    await run(qr, `ALTER TABLE ${s} RENAME CONSTRAINT pk_lesson_sessions TO lesson_sessions_pkey`);
    await toTimestamp(qr, s, ['started_at', 'completed_at']);

    const v = 'lesson_versions';
    // Dropping the constraint drops its index; the legacy index, if there was one, is rebuilt under
    // its legacy name once the original rows are back.
    const legacyIndex = await adoptedLegacyIndex(qr);
    for (const c of ['uq_lesson_versions_lesson_id_version', 'ck_lesson_versions_version', 'fk_lesson_versions_lesson_id']) {
      await run(qr, `ALTER TABLE ${v} DROP CONSTRAINT IF EXISTS ${c}`);
    }
    await run(qr, `ALTER TABLE ${v} ADD CONSTRAINT lesson_versions_lesson_id_fkey FOREIGN KEY (lesson_id) REFERENCES lessons(id)`);
    await run(qr, `ALTER TABLE ${v} ALTER COLUMN lesson_id DROP NOT NULL, ALTER COLUMN version DROP NOT NULL,
      ALTER COLUMN lesson_plan DROP NOT NULL, ALTER COLUMN created_at DROP NOT NULL, ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP`);
    await run(qr, `ALTER TABLE ${v} RENAME CONSTRAINT pk_lesson_versions TO lesson_versions_pkey`);
    await toTimestamp(qr, v, ['created_at']);

    const l = 'lessons';
    await dropUpdatedAtTrigger(qr, l);
    await run(qr, `ALTER TABLE ${l} DROP CONSTRAINT IF EXISTS ck_lessons_status`);
    await run(qr, `ALTER TABLE ${l} ALTER COLUMN title DROP NOT NULL, ALTER COLUMN status DROP NOT NULL,
      ALTER COLUMN created_at DROP NOT NULL, ALTER COLUMN updated_at DROP NOT NULL,
      ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP, ALTER COLUMN updated_at SET DEFAULT CURRENT_TIMESTAMP`);
    await run(qr, `ALTER TABLE ${l} RENAME CONSTRAINT pk_lessons TO lessons_pkey`);
    await toTimestamp(qr, l, ['created_at', 'updated_at']);

    // Each table's steps in the reverse of their order.
    await revertRepairSteps(qr, NAME, LESSON_STEPS);
    await revertRepairSteps(qr, NAME, VERSION_STEPS);
    if (legacyIndex) await run(qr, `CREATE UNIQUE INDEX ${legacyIndex} ON ${v} USING ${LESSON_VERSIONS_UNIQUE.using}`);
    await revertRepairSteps(qr, NAME, LESSON_SESSION_STEPS);
  }
}

/**
 * uq_lesson_versions_lesson_id_version from the legacy unique index on (lesson_id, version), found
 * by definition whatever its name (no second index beside it), renamed by ADD CONSTRAINT … USING
 * INDEX; its legacy name is noted in the index's comment for `down`. A legacy database without one
 * gets it built concurrently (and `down` drops it without rebuilding anything).
 */
async function adoptUniqueIndex(qr: QueryRunner): Promise<void> {
  const uq = 'uq_lesson_versions_lesson_id_version';
  const [adopted] = await run(qr, `SELECT 1 FROM pg_constraint WHERE conname = $1`, [uq]);
  if (adopted) return;
  const legacy = await findEquivalentIndex(qr, 'lesson_versions', LESSON_VERSIONS_UNIQUE);
  if (legacy && legacy !== uq) {
    await run(qr, `COMMENT ON INDEX ${legacy} IS '${ADOPTED}${legacy}'`);
    await attachUniqueIndex(qr, 'lesson_versions', uq, legacy);
    return;
  }
  await createIndexesConcurrently(qr, [[uq, `CREATE UNIQUE INDEX CONCURRENTLY IF NOT EXISTS ${uq} ON lesson_versions USING ${LESSON_VERSIONS_UNIQUE.using}`]]);
  await attachUniqueIndex(qr, 'lesson_versions', uq);
}

async function adoptedLegacyIndex(qr: QueryRunner): Promise<string | undefined> {
  const [row] = await run(qr, `SELECT obj_description(to_regclass('uq_lesson_versions_lesson_id_version'), 'pg_class') AS note`);
  return row?.note?.startsWith(ADOPTED) ? row.note.slice(ADOPTED.length) : undefined;
}
