import { MigrationInterface, QueryRunner } from 'typeorm';
import {
  addCheck,
  addForeignKey,
  addUpdatedAtTrigger,
  columnExists,
  dropUpdatedAtTrigger,
  renameColumn,
  renameConstraint,
  setNotNull,
  toTimestamp,
  toTimestamptz,
} from './lib/v1/ddl';
import { backfillInBatches } from './lib/v1/keyset-batches';
import { applyRepairSteps, isMapDuplicate, MergeMap, RepairStep, revertRepairSteps } from './lib/v1/repair-steps';
import { prepareMigrationSession, run } from './lib/v1/session';

const NAME = 'RepairVocabulary1763800100000';

const CATEGORIES: MergeMap = { name: 'lingua_merge_categories', table: 'categories', key: (a) => `lower(${a}.name)` };
const WORDS: MergeMap = { name: 'lingua_merge_words', table: 'words', key: (a) => `${a}.category_id, lower(${a}.word)` };
const VOCABULARY: MergeMap = { name: 'lingua_merge_user_vocabulary', table: 'user_vocabulary', key: (a) => `${a}.user_id, ${a}.word_id` };

/**
 * Data repairs, in order (docs/modules/vocabulary-practice.md, "Repair rules"). Nothing is deleted
 * without a copy in quarantined_rows; rows fixed in place have their original recorded there. Each
 * step runs in keyset batches; duplicates are found once per table with a window function (a merge
 * map) and each merge group is applied in one statement (repair-steps.ts).
 */
export const VOCABULARY_REPAIRS: RepairStep[] = [
  { kind: 'repair', table: 'categories', label: 'categories.blank_name', reason: 'blank_name: named "Unnamed category <id>"',
    where: `t.name IS NULL OR btrim(t.name) = ''`, set: `name = 'Unnamed category ' || t.id` },
  { kind: 'map', map: CATEGORIES },
  { kind: 'repair', table: 'words', label: 'words.merged_category', reason: 'merged_category: moved to the oldest category with the same name (case-insensitive)',
    where: 'true', set: 'category_id = m.keep_id', from: `${CATEGORIES.name} m`, join: 'm.dup_id = t.category_id' },
  { kind: 'quarantine', table: 'categories', label: 'categories.duplicate_name', reason: 'duplicate_name: merged into the oldest category with the same name (case-insensitive)',
    where: isMapDuplicate(CATEGORIES) },
  { kind: 'quarantine', table: 'words', label: 'words.blank_term', reason: 'blank_term: the word has no term',
    where: `t.word IS NULL OR btrim(t.word) = ''` },
  { kind: 'quarantine', table: 'words', label: 'words.orphan_category', reason: 'orphan_category: category_id is null or names no category',
    where: `t.category_id IS NULL OR NOT EXISTS (SELECT 1 FROM categories c WHERE c.id = t.category_id)` },
  { kind: 'repair', table: 'words', label: 'words.out_of_range', reason: 'out_of_range: difficulty clamped to 1–5 (null → 1), null translation → empty, null created_at → migration time',
    where: `t.translation IS NULL OR t.created_at IS NULL OR t.difficulty_level IS NULL OR t.difficulty_level NOT BETWEEN 1 AND 5`,
    set: `translation = coalesce(t.translation, ''), created_at = coalesce(t.created_at, now()),
          difficulty_level = least(greatest(coalesce(t.difficulty_level, 1), 1), 5)` },
  { kind: 'map', map: WORDS },
  { kind: 'repair', table: 'user_vocabulary', label: 'user_vocabulary.merged_word', reason: 'merged_word: points at the oldest word with the same term (case-insensitive) in the category',
    where: 'true', set: 'word_id = m.keep_id', from: `${WORDS.name} m`, join: 'm.dup_id = t.word_id' },
  { kind: 'quarantine', table: 'words', label: 'words.duplicate_term', reason: 'duplicate_term: merged into the oldest word with the same term (case-insensitive) in the category',
    where: isMapDuplicate(WORDS) },
  { kind: 'quarantine', table: 'user_vocabulary', label: 'user_vocabulary.orphan_user', reason: 'orphan_user: user_id is null or names no user',
    where: `t.user_id IS NULL OR NOT EXISTS (SELECT 1 FROM users u WHERE u.id = t.user_id)` },
  { kind: 'quarantine', table: 'user_vocabulary', label: 'user_vocabulary.orphan_word', reason: 'orphan_word: word_id is null or names no word',
    where: `t.word_id IS NULL OR NOT EXISTS (SELECT 1 FROM words w WHERE w.id = t.word_id)` },
  { kind: 'repair', table: 'user_vocabulary', label: 'user_vocabulary.out_of_range', reason: 'out_of_range: mastery clamped to 0–5, counts to ≥ 0, times_reviewed raised to times_correct',
    where: `t.mastery_level IS NULL OR t.mastery_level NOT BETWEEN 0 AND 5 OR t.times_correct IS NULL OR t.times_correct < 0
            OR t.times_reviewed IS NULL OR t.times_reviewed < t.times_correct`,
    set: `mastery_level = least(greatest(coalesce(t.mastery_level, 0), 0), 5),
          times_correct = greatest(coalesce(t.times_correct, 0), 0),
          times_reviewed = greatest(coalesce(t.times_reviewed, 0), coalesce(t.times_correct, 0), 0)` },
  { kind: 'map', map: VOCABULARY },
  { kind: 'merge', map: VOCABULARY,
    label: 'user_vocabulary.merge_survivor', reason: 'merge_survivor: sums of times reviewed/correct, highest mastery, latest review of its duplicates',
    duplicateLabel: 'user_vocabulary.duplicate', duplicateReason: 'duplicate: merged into the oldest row for the same (user_id, word_id)',
    aggregates: 'sum(m.times_reviewed) AS seen, sum(m.times_correct) AS correct, max(m.mastery_level) AS mastery, max(m.last_reviewed) AS last',
    set: 'times_reviewed = s.seen, times_correct = s.correct, mastery_level = s.mastery, last_reviewed = s.last' },
];

/**
 * categories, words, user_vocabulary → SPEC §2. The data repairs above run first, on the legacy
 * shape; then the schema changes: names for pk/fk/check constraints, words.word → term,
 * times_reviewed → times_seen, last_reviewed → last_reviewed_at, timestamptz, NOT NULL through
 * validated checks, foreign keys and checks NOT VALID then VALIDATE, the FSRS card columns (legacy
 * rows start as New cards due at their last review, or now), updated_at with the shared trigger.
 * Unique indexes are built CONCURRENTLY by IndexVocabulary1763800100100. No wrapping transaction:
 * the data repairs run in keyset batches, each batch its own short transaction, then each schema
 * change commits on its own with short locks; every step is re-runnable (docs/migrations.md).
 */
export class RepairVocabulary1763800100000 implements MigrationInterface {
  name = NAME;
  transaction = false as const;

  async up(qr: QueryRunner): Promise<void> {
    await prepareMigrationSession(qr, { guardedSteps: true });
    // The repairs speak the legacy column names; on a re-run after the renames below they are done.
    if (await columnExists(qr, 'words', 'word')) await applyRepairSteps(qr, NAME, VOCABULARY_REPAIRS);

    // categories
    await renameConstraint(qr, 'categories', 'categories_pkey', 'pk_categories');
    await setNotNull(qr, 'categories', 'name');
    await addCheck(qr, 'categories', 'ck_categories_name_not_blank', `btrim(name) <> ''`);
    await run(qr, `ALTER TABLE categories ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now(),
      ADD COLUMN IF NOT EXISTS updated_at timestamptz NOT NULL DEFAULT now()`);
    await addUpdatedAtTrigger(qr, 'categories');

    // words
    await renameConstraint(qr, 'words', 'words_pkey', 'pk_words');
    await renameColumn(qr, 'words', 'word', 'term');
    await toTimestamptz(qr, 'words', ['created_at']);
    await run(qr, `ALTER TABLE words ALTER COLUMN created_at SET DEFAULT now(), ADD COLUMN IF NOT EXISTS updated_at timestamptz NOT NULL DEFAULT now()`);
    for (const column of ['term', 'translation', 'category_id', 'difficulty_level', 'created_at']) await setNotNull(qr, 'words', column);
    await addForeignKey(qr, 'words', 'fk_words_category_id', 'FOREIGN KEY (category_id) REFERENCES categories(id) ON DELETE RESTRICT');
    await addCheck(qr, 'words', 'ck_words_difficulty_level', 'difficulty_level BETWEEN 1 AND 5');
    await addCheck(qr, 'words', 'ck_words_term_not_blank', `btrim(term) <> ''`);
    await addUpdatedAtTrigger(qr, 'words');

    // user_vocabulary
    await renameConstraint(qr, 'user_vocabulary', 'user_vocabulary_pkey', 'pk_user_vocabulary');
    await renameColumn(qr, 'user_vocabulary', 'times_reviewed', 'times_seen');
    await renameColumn(qr, 'user_vocabulary', 'last_reviewed', 'last_reviewed_at');
    await toTimestamptz(qr, 'user_vocabulary', ['last_reviewed_at']);
    // due_at: added without a value for the existing rows but with its DEFAULT in the same statement,
    // so every row the legacy app inserts from now on has one; then the backfill of the existing
    // rows; then NOT NULL through a NOT VALID check and VALIDATE (setNotNull).
    await run(qr, `ALTER TABLE user_vocabulary
      ADD COLUMN IF NOT EXISTS due_at timestamptz, ALTER COLUMN due_at SET DEFAULT now(),
      ADD COLUMN IF NOT EXISTS stability double precision NOT NULL DEFAULT 0,
      ADD COLUMN IF NOT EXISTS difficulty double precision NOT NULL DEFAULT 0,
      ADD COLUMN IF NOT EXISTS reps integer NOT NULL DEFAULT 0,
      ADD COLUMN IF NOT EXISTS lapses integer NOT NULL DEFAULT 0,
      ADD COLUMN IF NOT EXISTS state smallint NOT NULL DEFAULT 0,
      ADD COLUMN IF NOT EXISTS learning_steps integer NOT NULL DEFAULT 0,
      ADD COLUMN IF NOT EXISTS created_at timestamptz NOT NULL DEFAULT now(),
      ADD COLUMN IF NOT EXISTS updated_at timestamptz NOT NULL DEFAULT now()`);
    await backfillInBatches(qr, 'user_vocabulary', 'due_at', 'coalesce(t.last_reviewed_at, now())', 't.due_at IS NULL');
    for (const column of ['user_id', 'word_id', 'mastery_level', 'times_seen', 'times_correct', 'due_at']) {
      await setNotNull(qr, 'user_vocabulary', column);
    }
    await addForeignKey(qr, 'user_vocabulary', 'fk_user_vocabulary_user_id', 'FOREIGN KEY (user_id) REFERENCES users(id) ON DELETE CASCADE');
    await addForeignKey(qr, 'user_vocabulary', 'fk_user_vocabulary_word_id', 'FOREIGN KEY (word_id) REFERENCES words(id) ON DELETE CASCADE');
    await addCheck(qr, 'user_vocabulary', 'ck_user_vocabulary_mastery_level', 'mastery_level BETWEEN 0 AND 5');
    await addCheck(qr, 'user_vocabulary', 'ck_user_vocabulary_times', 'times_seen >= times_correct AND times_correct >= 0');
    await addCheck(qr, 'user_vocabulary', 'ck_user_vocabulary_state', 'state BETWEEN 0 AND 3');
    await addCheck(qr, 'user_vocabulary', 'ck_user_vocabulary_srs',
      'reps >= 0 AND lapses >= 0 AND stability >= 0 AND difficulty >= 0 AND learning_steps >= 0');
    await addUpdatedAtTrigger(qr, 'user_vocabulary');
  }

  async down(qr: QueryRunner): Promise<void> {
    await prepareMigrationSession(qr);
    await dropUpdatedAtTrigger(qr, 'user_vocabulary');
    await run(qr, `ALTER TABLE user_vocabulary
      DROP CONSTRAINT ck_user_vocabulary_srs, DROP CONSTRAINT ck_user_vocabulary_state, DROP CONSTRAINT ck_user_vocabulary_times,
      DROP CONSTRAINT ck_user_vocabulary_mastery_level, DROP CONSTRAINT fk_user_vocabulary_word_id, DROP CONSTRAINT fk_user_vocabulary_user_id,
      DROP COLUMN due_at, DROP COLUMN stability, DROP COLUMN difficulty, DROP COLUMN reps, DROP COLUMN lapses, DROP COLUMN state,
      DROP COLUMN learning_steps, DROP COLUMN created_at, DROP COLUMN updated_at,
      ALTER COLUMN user_id DROP NOT NULL, ALTER COLUMN word_id DROP NOT NULL, ALTER COLUMN mastery_level DROP NOT NULL,
      ALTER COLUMN times_seen DROP NOT NULL, ALTER COLUMN times_correct DROP NOT NULL`);
    await toTimestamp(qr, 'user_vocabulary', ['last_reviewed_at']);
    await run(qr, `ALTER TABLE user_vocabulary RENAME COLUMN last_reviewed_at TO last_reviewed`);
    await run(qr, `ALTER TABLE user_vocabulary RENAME COLUMN times_seen TO times_reviewed`);
    await run(qr, `ALTER TABLE user_vocabulary RENAME CONSTRAINT pk_user_vocabulary TO user_vocabulary_pkey`);

    await dropUpdatedAtTrigger(qr, 'words');
    await run(qr, `ALTER TABLE words
      DROP CONSTRAINT ck_words_term_not_blank, DROP CONSTRAINT ck_words_difficulty_level, DROP CONSTRAINT fk_words_category_id,
      DROP COLUMN updated_at, ALTER COLUMN term DROP NOT NULL, ALTER COLUMN translation DROP NOT NULL,
      ALTER COLUMN category_id DROP NOT NULL, ALTER COLUMN difficulty_level DROP NOT NULL, ALTER COLUMN created_at DROP NOT NULL`);
    await toTimestamp(qr, 'words', ['created_at']);
    await run(qr, `ALTER TABLE words ALTER COLUMN created_at SET DEFAULT CURRENT_TIMESTAMP`);
    await run(qr, `ALTER TABLE words RENAME COLUMN term TO word`);
    await run(qr, `ALTER TABLE words RENAME CONSTRAINT pk_words TO words_pkey`);

    await dropUpdatedAtTrigger(qr, 'categories');
    await run(qr, `ALTER TABLE categories DROP CONSTRAINT ck_categories_name_not_blank, DROP COLUMN created_at, DROP COLUMN updated_at,
      ALTER COLUMN name DROP NOT NULL`);
    await run(qr, `ALTER TABLE categories RENAME CONSTRAINT pk_categories TO categories_pkey`);

    await revertRepairSteps(qr, NAME, VOCABULARY_REPAIRS);
  }
}
