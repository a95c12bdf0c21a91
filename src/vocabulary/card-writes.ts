import { rowMapper } from '../database/raw-rows';
import type { CardState, ScheduledCard } from './srs';

/**
 * The learner's card (user_vocabulary) inside another module's statement. The practice answer's fast
 * path reads the card in its snapshot and writes it in the same statement that logs the answer, so the
 * card cannot go through VocabularyService there; the vocabulary module still owns the table: its
 * columns, the snapshot's join and the compare-and-set update are written here, once. `reviewSet` is the
 * one definition of what a review writes (LearnerVocabularyRepository.saveReview uses it too).
 */

/** The card's FSRS columns as CardState's fields, in the order reviewParams sends them. */
const CARD_FIELDS: ReadonlyArray<readonly [column: string, field: keyof CardState]> = [
  ['due_at', 'dueAt'],
  ['stability', 'stability'],
  ['difficulty', 'difficulty'],
  ['reps', 'reps'],
  ['lapses', 'lapses'],
  ['state', 'state'],
  ['learning_steps', 'learningSteps'],
  ['last_reviewed_at', 'lastReviewedAt'],
];
/** What a review sets: the scheduled card (CardState and its mastery level). */
const REVIEW_FIELDS: ReadonlyArray<readonly [column: string, field: keyof ScheduledCard]> = [
  ...CARD_FIELDS,
  ['mastery_level', 'masteryLevel'],
];

/** The learner's card as a snapshot read it, with its row version (xmin) for the compare-and-set. */
export type CardSnapshot = CardState & { rowVersion: string };

/** One review of a card: the schedule computed for it and whether the answer counts as correct. */
export interface CardReview {
  card: ScheduledCard;
  correct: boolean;
}

/** The parameters of reviewSet, in order: REVIEW_PARAM_COUNT of them. */
export const REVIEW_PARAM_COUNT = REVIEW_FIELDS.length + 1;
export const reviewParams = ({ card, correct }: CardReview): unknown[] => [
  ...REVIEW_FIELDS.map(([, field]) => card[field]),
  correct ? 1 : 0,
];

/** The SET list of a review, its parameters ($first onwards) from reviewParams: the schedule, and the answer counted. */
export function reviewSet(first: number): string {
  return [
    ...REVIEW_FIELDS.map(([column], i) => `${column} = $${first + i}`),
    'times_seen = times_seen + 1',
    `times_correct = times_correct + $${first + REVIEW_FIELDS.length}`,
  ].join(', ');
}

/** The snapshot's join: the learner's card for the word, when there is one (`userId`, `wordId`: SQL expressions). */
export const cardSnapshotJoin = (alias: string, userId: string, wordId: string) =>
  `LEFT JOIN user_vocabulary ${alias} ON ${alias}.user_id = ${userId} AND ${alias}.word_id = ${wordId}`;

/** The snapshot's select list of the card joined as `alias` (columns prefixed c_); read back with cardSnapshotOf. */
export const cardSnapshotColumns = (alias: string) =>
  [`${alias}.xmin::text AS c_row_version`, ...CARD_FIELDS.map(([column]) => `${alias}.${column} AS c_${column}`)].join(', ');

const snapshotRow = rowMapper<CardSnapshot>([...CARD_FIELDS.map(([column]) => column), 'row_version'], 'c_');

/** The card cardSnapshotColumns selected; undefined when the learner has no card for the word. */
export const cardSnapshotOf = (row: Record<string, unknown>): CardSnapshot | undefined =>
  row.c_row_version === null ? undefined : snapshotRow(row);

/**
 * The compare-and-set card update, as the body of a CTE: writes the review (parameters from `first`,
 * reviewParams) only if the learner's card is still at `rowVersion` (a snapshot's xmin) and `when`
 * holds; `RETURNING id`, so no row back means it did not apply. `userId`, `wordId`, `rowVersion` and
 * `when` are SQL expressions.
 */
export function compareAndSetReview(p: { userId: string; wordId: string; rowVersion: string; first: number; when: string }): string {
  return `UPDATE user_vocabulary
     SET ${reviewSet(p.first)}
   WHERE user_id = ${p.userId} AND word_id = ${p.wordId} AND xmin = ${p.rowVersion}::xid AND ${p.when}
  RETURNING id`;
}
