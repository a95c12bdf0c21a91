import { Card, fsrs, Grade, State } from 'ts-fsrs';

/** Answer ratings (FSRS grades): 1 again, 2 hard, 3 good, 4 easy. Hard and better count as correct. */
export type ReviewRating = 1 | 2 | 3 | 4;
export const isCorrect = (rating: ReviewRating) => rating >= 2;

export const CARD_STATES = ['new', 'learning', 'review', 'relearning'] as const;
export type CardStateName = (typeof CARD_STATES)[number];

/** The FSRS card as user_vocabulary stores it. */
export interface CardState {
  dueAt: Date;
  stability: number;
  difficulty: number;
  reps: number;
  lapses: number;
  state: number;
  learningSteps: number;
  lastReviewedAt: Date | null;
}

export interface ScheduledCard extends CardState {
  masteryLevel: number;
}

// Default FSRS-6 parameters (90 % target retention), no interval fuzz, so a review is deterministic.
const scheduler = fsrs({ enable_fuzz: false });

/**
 * Mastery 0–5 derived from the card (docs/modules/vocabulary-practice.md, "Mastery"):
 * 0 new; 1 learning or relearning; in review by stability S (days until recall drops to 90 %):
 * 2 for S < 7, 3 for S < 21, 4 for S < 90, 5 from 90 days on.
 */
export function masteryOf(state: number, stability: number): number {
  if (state === State.New) return 0;
  if (state !== State.Review) return 1;
  if (stability < 7) return 2;
  if (stability < 21) return 3;
  if (stability < 90) return 4;
  return 5;
}

/** Schedules the card's next review after an answer rated `rating` at `now`. */
export function scheduleReview(card: CardState, rating: ReviewRating, now: Date): ScheduledCard {
  const input: Card = {
    due: card.dueAt,
    stability: card.stability,
    difficulty: card.difficulty,
    elapsed_days: 0,
    scheduled_days: 0,
    learning_steps: card.learningSteps,
    reps: card.reps,
    lapses: card.lapses,
    state: card.state as State,
    last_review: card.lastReviewedAt ?? undefined,
  };
  const { card: next } = scheduler.next(input, now, rating as Grade);
  return {
    dueAt: next.due,
    stability: next.stability,
    difficulty: next.difficulty,
    reps: next.reps,
    lapses: next.lapses,
    state: next.state,
    learningSteps: next.learning_steps,
    lastReviewedAt: now,
    masteryLevel: masteryOf(next.state, next.stability),
  };
}
