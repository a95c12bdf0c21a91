import { MigrationInterface, QueryRunner } from 'typeorm';
import {
  addCheck,
  addForeignKey,
  addUpdatedAtTrigger,
  createIndexesConcurrently,
  dropIndexConcurrently,
  dropUpdatedAtTrigger,
  renameConstraint,
  setNotNull,
  timestampsNotNull,
  toTimestamp,
  toTimestamptz,
} from './lib/v1/ddl';
import { batchMarker, forEachKeyRange, inRange } from './lib/v1/keyset-batches';
import { applyRepairSteps, RepairStep, repairInPlace, revertRepairSteps } from './lib/v1/repair-steps';
import { atomically, prepareMigrationSession, run } from './lib/v1/session';
import { INTERACTION_TYPES, ROLE_OF_T, SESSION_TYPE_OF_T, STATUS_OF_T } from './rules/1763800200000-conversation-rules';

const NAME = 'RepairConversations1763800200000';

const S = 'conversation_sessions';
const M = 'conversation_messages';
const I = 'conversation_interactions';
const outOfRange = (c: string) => `t.${c} NOT BETWEEN 1 AND 5`;

/**
 * The repairs' helper index: message look-ups by conversation (the ownerless conversations'
 * messages, the renumbering per conversation, the last_message_order backfill) are index range
 * scans, not scans of all messages per batch. Not unique (legacy orders repeat); dropped at the
 * end, once IndexConversations' unique (session_id, message_order) takes over.
 */
const REPAIR_INDEX = 'ix_conversation_messages_session_id_repair';

export const CONVERSATION_SESSION_STEPS: RepairStep[] = [
  { kind: 'quarantine', table: M, label: 'messages.session_quarantined', reason: 'session_quarantined: its conversation has no owner',
    where: `EXISTS (SELECT 1 FROM ${S} s WHERE s.id = t.session_id AND s.user_id IS NULL)` },
  { kind: 'quarantine', table: S, label: 'sessions.no_owner', reason: 'no_owner: user_id is null', where: 't.user_id IS NULL' },
  repairInPlace(S, 'sessions.status', 'status mapped', `t.status IS DISTINCT FROM (${STATUS_OF_T})`, `status = ${STATUS_OF_T}`),
  repairInPlace(S, 'sessions.session_type', 'session_type mapped', `t.session_type IS DISTINCT FROM (${SESSION_TYPE_OF_T})`, `session_type = ${SESSION_TYPE_OF_T}`),
  repairInPlace(S, 'sessions.context', 'NULL context → {}', 't.conversation_context IS NULL', `conversation_context = '{}'::jsonb`),
  repairInPlace(S, 'sessions.created_at', 'NULL created_at → migration time', 't.created_at IS NULL', 'created_at = now()'),
  repairInPlace(S, 'sessions.updated_at', 'NULL updated_at → created_at', 't.updated_at IS NULL', 'updated_at = t.created_at'),
];
export const MESSAGE_STEPS: RepairStep[] = [
  { kind: 'quarantine', table: M, label: 'messages.no_session', reason: 'no_session: session_id is null', where: 't.session_id IS NULL' },
  { kind: 'quarantine', table: M, label: 'messages.invalid_role', reason: 'invalid_role: not user, assistant or system', where: `(${ROLE_OF_T}) IS NULL` },
  // A conversation whose orders contain a duplicate, a zero/negative, a NULL or a gap: renumbered 1..n, order kept.
  { kind: 'renumber', table: M, label: 'messages.message_order', reason: 'repaired: message_order renumbered 1..n',
    parent: 'session_id', column: 'message_order', orderBy: 'c.message_order NULLS LAST, c.created_at NULLS LAST, c.id',
    broken: 'count(*) <> count(DISTINCT message_order) OR min(message_order) <= 0 OR max(message_order) <> count(*)' },
  repairInPlace(M, 'messages.role', 'role normalised', `t.role IS DISTINCT FROM (${ROLE_OF_T})`, `role = ${ROLE_OF_T}`),
  repairInPlace(M, 'messages.content', "NULL content → ''", 't.content IS NULL', `content = ''`),
  repairInPlace(M, 'messages.created_at', 'NULL created_at → migration time', 't.created_at IS NULL', 'created_at = now()'),
  repairInPlace(M, 'messages.updated_at', 'NULL updated_at → created_at', 't.updated_at IS NULL', 'updated_at = t.created_at'),
];
export const INTERACTION_STEPS: RepairStep[] = [
  { kind: 'quarantine', table: I, label: 'interactions.no_owner', reason: 'no_owner: user_id is null', where: 't.user_id IS NULL' },
  { kind: 'quarantine', table: I, label: 'interactions.invalid_type', reason: 'invalid_interaction_type',
    where: `t.interaction_type IS NULL OR lower(btrim(t.interaction_type)) NOT IN ${INTERACTION_TYPES}` },
  repairInPlace(I, 'interactions.type', 'interaction_type normalised', 't.interaction_type <> lower(btrim(t.interaction_type))', 'interaction_type = lower(btrim(t.interaction_type))'),
  repairInPlace(I, 'interactions.mastery', 'mastery_level clamped to 1-5', outOfRange('mastery_level'), 'mastery_level = least(greatest(t.mastery_level, 1), 5)'),
  repairInPlace(I, 'interactions.confidence', 'confidence_self_reported clamped to 1-5', outOfRange('confidence_self_reported'),
    'confidence_self_reported = least(greatest(t.confidence_self_reported, 1), 5)'),
  repairInPlace(I, 'interactions.session', 'dangling session_id cleared',
    `t.session_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${S} s WHERE s.id = t.session_id)`, 'session_id = NULL'),
  repairInPlace(I, 'interactions.message', 'dangling message_id cleared',
    `t.message_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ${M} m WHERE m.id = t.message_id)`, 'message_id = NULL'),
  repairInPlace(I, 'interactions.metadata', 'NULL metadata → {}', 't.metadata IS NULL', `metadata = '{}'::jsonb`),
  repairInPlace(I, 'interactions.created_at', 'NULL created_at → migration time', 't.created_at IS NULL', 'created_at = now()'),
];

/**
 * conversation_sessions, conversation_messages, conversation_interactions → SPEC §2.
 * Repair rules (docs/modules/conversations-lessons.md, "Repair rules"); every row changed in place
 * has its original recorded in quarantined_rows (repaired_in_place), so `down` restores it exactly:
 * - sessions: user_id NULL → quarantined (no_owner) with their messages (session_quarantined).
 *   status: known synonyms mapped ('done', 'finished', … → completed; 'cancelled', … → abandoned),
 *   anything else or NULL → paused (resumable, decided by the learner). session_type: case and
 *   '-'/' ' normalised, 'profile'/'onboarding' → profile_building, anything else or NULL → home.
 *   conversation_context NULL → {}. last_message_order (new) = the session's highest message order.
 * - messages: session_id NULL → quarantined (no_session). role: case normalised, human/learner/
 *   student → user, bot/ai/tutor/model → assistant, anything else → quarantined (invalid_role).
 *   content NULL → ''. A session whose orders contain a duplicate, a zero/negative or a NULL is
 *   renumbered 1..n by (message_order, created_at, id), and so is one with gaps (orders must be
 *   consecutive: message_order n is the n-th message, and messageCount is the last order); other
 *   sessions are untouched.
 * - interactions: user_id NULL → quarantined (no_owner); unknown interaction_type → quarantined
 *   (invalid_interaction_type); mastery_level / confidence_self_reported outside 1–5 clamped into
 *   it (9 → 5, 0 → 1); session_id / message_id pointing at nothing → NULL; metadata NULL → {}.
 * - created_at/updated_at NULL → now(); all times become timestamptz (legacy values are UTC).
 * last_message_order is kept right under a legacy app still inserting messages: from the moment the
 * column exists, the triggers trg_conversation_messages_last_message_order_{insert,update} raise it
 * to any message order written (never lowering it, so lingua-core's own append, which raises it
 * first, is a no-op for them); the backfill then sets each conversation's exact maximum, batch by
 * batch under row locks.
 * The unique (session_id, message_order) is built concurrently by IndexConversations.
 * No wrapping transaction (short locks, re-runnable steps: docs/migrations.md): every repair runs
 * in keyset batches, each batch one statement (renumbering: one short transaction) recording the
 * originals with the change.
 */
export class RepairConversations1763800200000 implements MigrationInterface {
  name = NAME;
  transaction = false as const;

  async up(qr: QueryRunner): Promise<void> {
    await prepareMigrationSession(qr, { guardedSteps: true });
    await toTimestamptz(qr, 'conversation_sessions', ['created_at', 'updated_at']);
    await toTimestamptz(qr, 'conversation_messages', ['created_at', 'updated_at']);
    await toTimestamptz(qr, 'conversation_interactions', ['created_at', 'next_review_date']);
    await createIndexesConcurrently(qr, [[REPAIR_INDEX, `CREATE INDEX CONCURRENTLY IF NOT EXISTS ${REPAIR_INDEX} ON ${M} (session_id, message_order)`]]);
    await this.repairSessions(qr);
    await this.repairMessages(qr);
    await this.repairInteractions(qr);
    await dropIndexConcurrently(qr, REPAIR_INDEX);
  }

  private async repairSessions(qr: QueryRunner): Promise<void> {
    // Defaults before the repairs: a row the legacy app inserts without the column after the repair
    // has passed it is valid anyway, so the NOT NULL's VALIDATE below finds nothing to reject.
    await run(qr, `ALTER TABLE conversation_sessions ALTER COLUMN conversation_context SET DEFAULT '{}'::jsonb`);
    await applyRepairSteps(qr, NAME, CONVERSATION_SESSION_STEPS);
    await timestampsNotNull(qr, 'conversation_sessions');

    await renameConstraint(qr, 'conversation_sessions', 'conversation_sessions_pkey', 'pk_conversation_sessions');
    await run(qr, `ALTER TABLE conversation_sessions DROP CONSTRAINT IF EXISTS conversation_sessions_user_id_fkey`);
    await addForeignKey(qr, 'conversation_sessions', 'fk_conversation_sessions_user_id', 'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE');
    for (const column of ['user_id', 'session_type', 'status', 'conversation_context']) await setNotNull(qr, 'conversation_sessions', column);
    await addCheck(qr, 'conversation_sessions', 'ck_conversation_sessions_session_type', `session_type IN ('home', 'profile_building', 'lesson', 'practice')`);
    await addCheck(qr, 'conversation_sessions', 'ck_conversation_sessions_status', `status IN ('active', 'completed', 'abandoned', 'paused')`);
    await run(qr, `-- counts messages (message_order is integer too)
      -- squawk-ignore prefer-bigint-over-int
      ALTER TABLE conversation_sessions ADD COLUMN IF NOT EXISTS last_message_order integer NOT NULL DEFAULT 0`);
    await installLastMessageOrderTrigger(qr);
    await addCheck(qr, 'conversation_sessions', 'ck_conversation_sessions_last_message_order', 'last_message_order >= 0');
  }

  private async repairMessages(qr: QueryRunner): Promise<void> {
    await applyRepairSteps(qr, NAME, MESSAGE_STEPS);
    await timestampsNotNull(qr, 'conversation_messages');

    await renameConstraint(qr, 'conversation_messages', 'conversation_messages_pkey', 'pk_conversation_messages');
    await run(qr, `ALTER TABLE conversation_messages DROP CONSTRAINT IF EXISTS conversation_messages_session_id_fkey`);
    await addForeignKey(qr, 'conversation_messages', 'fk_conversation_messages_session_id',
      'FOREIGN KEY (session_id) REFERENCES conversation_sessions(id) ON DELETE CASCADE');
    for (const column of ['session_id', 'role', 'content', 'message_order']) await setNotNull(qr, 'conversation_messages', column);
    await addCheck(qr, 'conversation_messages', 'ck_conversation_messages_role', `role IN ('user', 'assistant', 'system')`);
    await addCheck(qr, 'conversation_messages', 'ck_conversation_messages_message_order', 'message_order > 0');
    await addUpdatedAtTrigger(qr, 'conversation_messages');
    await backfillLastMessageOrder(qr);
    // Only now: the counter backfill above must not bump updated_at of sessions nobody changed.
    await addUpdatedAtTrigger(qr, 'conversation_sessions');
  }

  private async repairInteractions(qr: QueryRunner): Promise<void> {
    const t = 'conversation_interactions';
    await run(qr, `ALTER TABLE ${t} ALTER COLUMN metadata SET DEFAULT '{}'::jsonb, ALTER COLUMN created_at SET DEFAULT now()`);
    await applyRepairSteps(qr, NAME, INTERACTION_STEPS);

    await renameConstraint(qr, t, 'conversation_interactions_pkey', 'pk_conversation_interactions');
    await run(qr, `ALTER TABLE ${t} DROP CONSTRAINT IF EXISTS conversation_interactions_user_id_fkey`);
    await addForeignKey(qr, t, 'fk_conversation_interactions_user_id', 'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE');
    await addForeignKey(qr, t, 'fk_conversation_interactions_session_id', 'FOREIGN KEY (session_id) REFERENCES conversation_sessions(id) ON DELETE CASCADE');
    await addForeignKey(qr, t, 'fk_conversation_interactions_message_id', 'FOREIGN KEY (message_id) REFERENCES conversation_messages(id) ON DELETE SET NULL');
    for (const column of ['user_id', 'interaction_type', 'metadata', 'created_at']) await setNotNull(qr, t, column);
    await addCheck(qr, t, 'ck_conversation_interactions_interaction_type', `interaction_type IN ${INTERACTION_TYPES}`);
    await addCheck(qr, t, 'ck_conversation_interactions_mastery_level', 'mastery_level BETWEEN 1 AND 5');
    await addCheck(qr, t, 'ck_conversation_interactions_confidence_self_reported', 'confidence_self_reported BETWEEN 1 AND 5');
  }

  async down(qr: QueryRunner): Promise<void> {
    await prepareMigrationSession(qr);
    const t = 'conversation_interactions';
    await dropConstraints(qr, t, [
      'ck_conversation_interactions_confidence_self_reported',
      'ck_conversation_interactions_mastery_level',
      'ck_conversation_interactions_interaction_type',
      'fk_conversation_interactions_message_id',
      'fk_conversation_interactions_session_id',
      'fk_conversation_interactions_user_id',
    ]);
    await run(qr, `ALTER TABLE ${t} ADD CONSTRAINT conversation_interactions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id)`);
    await run(qr, `ALTER TABLE ${t} RENAME CONSTRAINT pk_conversation_interactions TO conversation_interactions_pkey`);
    await run(qr, `ALTER TABLE ${t} ALTER COLUMN user_id DROP NOT NULL, ALTER COLUMN interaction_type DROP NOT NULL,
      ALTER COLUMN metadata DROP NOT NULL, ALTER COLUMN metadata DROP DEFAULT,
      ALTER COLUMN created_at DROP NOT NULL, ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP`);
    await toTimestamp(qr, t, ['created_at', 'next_review_date']);

    const m = 'conversation_messages';
    await dropUpdatedAtTrigger(qr, m);
    for (const trigger of LAST_ORDER_TRIGGERS) await run(qr, `DROP TRIGGER IF EXISTS ${trigger} ON ${m}`);
    await run(qr, `DROP FUNCTION IF EXISTS lingua_conversation_messages_last_message_order()`);
    await run(qr, `DROP INDEX IF EXISTS ${REPAIR_INDEX}`);
    await dropConstraints(qr, m, [
      'ck_conversation_messages_message_order',
      'ck_conversation_messages_role',
      'fk_conversation_messages_session_id',
    ]);
    await run(qr, `ALTER TABLE ${m} ADD CONSTRAINT conversation_messages_session_id_fkey FOREIGN KEY (session_id) REFERENCES conversation_sessions(id)`);
    await run(qr, `ALTER TABLE ${m} RENAME CONSTRAINT pk_conversation_messages TO conversation_messages_pkey`);
    await run(qr, `ALTER TABLE ${m} ALTER COLUMN session_id DROP NOT NULL, ALTER COLUMN role DROP NOT NULL,
      ALTER COLUMN content DROP NOT NULL, ALTER COLUMN message_order DROP NOT NULL, ${legacyTimes}`);
    await toTimestamp(qr, m, ['created_at', 'updated_at']);

    const s = 'conversation_sessions';
    await dropUpdatedAtTrigger(qr, s);
    await dropConstraints(qr, s, [
      'ck_conversation_sessions_last_message_order',
      'ck_conversation_sessions_status',
      'ck_conversation_sessions_session_type',
      'fk_conversation_sessions_user_id',
    ]);
    await run(qr, `ALTER TABLE ${s} DROP COLUMN last_message_order`);
    await run(qr, `ALTER TABLE ${s} ADD CONSTRAINT conversation_sessions_user_id_fkey FOREIGN KEY (user_id) REFERENCES users(id)`);
    await run(qr, `ALTER TABLE ${s} RENAME CONSTRAINT pk_conversation_sessions TO conversation_sessions_pkey`);
    await run(qr, `ALTER TABLE ${s} ALTER COLUMN user_id DROP NOT NULL, ALTER COLUMN session_type DROP NOT NULL,
      ALTER COLUMN status DROP NOT NULL, ALTER COLUMN conversation_context DROP NOT NULL, ALTER COLUMN conversation_context DROP DEFAULT,
      ${legacyTimes}`);
    await toTimestamp(qr, s, ['created_at', 'updated_at']);

    // Each table's steps in the reverse of their order; sessions last (moved messages need their conversation back first).
    await revertRepairSteps(qr, NAME, INTERACTION_STEPS);
    await revertRepairSteps(qr, NAME, MESSAGE_STEPS);
    await revertRepairSteps(qr, NAME, CONVERSATION_SESSION_STEPS);
  }
}

/**
 * trg_conversation_messages_last_message_order_{insert,update}: any message written with an order
 * above its conversation's counter raises the counter to it (a legacy app inserting messages while
 * the chain runs, or after). Statement-level with a transition table, so a bulk insert costs one
 * UPDATE, not one per message. It never lowers the counter, so lingua-core's append — which raises
 * the counter first and inserts exactly that value — matches no row here: no second increment.
 */
const LAST_ORDER_TRIGGERS = ['trg_conversation_messages_last_message_order_insert', 'trg_conversation_messages_last_message_order_update'];

async function installLastMessageOrderTrigger(qr: QueryRunner): Promise<void> {
  await run(qr, `CREATE OR REPLACE FUNCTION lingua_conversation_messages_last_message_order() RETURNS trigger LANGUAGE plpgsql AS $$
    BEGIN
      UPDATE conversation_sessions s SET last_message_order = m.top
        FROM (SELECT session_id, max(message_order) AS top FROM written_messages GROUP BY session_id) m
       WHERE s.id = m.session_id AND s.last_message_order < m.top;
      RETURN NULL;
    END
    $$`);
  for (const [name, event] of [[LAST_ORDER_TRIGGERS[0], 'INSERT'], [LAST_ORDER_TRIGGERS[1], 'UPDATE']]) {
    await run(qr, `CREATE OR REPLACE TRIGGER ${name} AFTER ${event} ON conversation_messages
      REFERENCING NEW TABLE AS written_messages FOR EACH STATEMENT EXECUTE FUNCTION lingua_conversation_messages_last_message_order()`);
  }
}

/**
 * last_message_order = each conversation's highest message order, in keyset batches of
 * conversations. Each batch locks its conversations first (FOR NO KEY UPDATE: foreign-key checks
 * of concurrent inserts go on), then reads the maxima in a second statement, whose snapshot sees
 * every message committed before the lock: a message inserted later waits for the batch to commit
 * and its trigger then raises the counter. So no concurrent insert is missed or overwritten.
 */
async function backfillLastMessageOrder(qr: QueryRunner): Promise<void> {
  await forEachKeyRange(qr, 'conversation_sessions', 'id', (lo, hi) =>
    atomically(qr, async () => {
      await run(qr, `${batchMarker('conversation_sessions:backfill last_message_order')}
        SELECT 1 FROM conversation_sessions t WHERE ${inRange('id')} ORDER BY t.id FOR NO KEY UPDATE`, [lo, hi]);
      await run(
        qr,
        `UPDATE conversation_sessions t SET last_message_order = coalesce(x.top, 0)
           FROM conversation_sessions s
           LEFT JOIN (SELECT session_id, max(message_order) AS top FROM conversation_messages
                       WHERE session_id > $1::bigint AND session_id <= $2::bigint GROUP BY session_id) x ON x.session_id = s.id
          WHERE ${inRange('id', 's')} AND t.id = s.id AND t.last_message_order IS DISTINCT FROM coalesce(x.top, 0)`,
        [lo, hi],
      );
    }),
  );
}

const legacyTimes = `ALTER COLUMN created_at DROP NOT NULL, ALTER COLUMN updated_at DROP NOT NULL,
      ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP, ALTER COLUMN updated_at SET DEFAULT CURRENT_TIMESTAMP`;

async function dropConstraints(qr: QueryRunner, table: string, names: string[]): Promise<void> {
  for (const name of names) await run(qr, `ALTER TABLE ${table} DROP CONSTRAINT IF EXISTS ${name}`);
}
