/**
 * How many rows of each legacy table a dirty legacy database of scale N holds (scale 1 ≈ 1.1 GB:
 * the production-size database of issue 10), and how often a defect is planted.
 */
export interface LegacySizes {
  users: number;
  categories: number;
  words: number;
  vocabulary: number;
  practiceSessions: number;
  conversations: number;
  /** Messages per conversation (conversations × this = conversation_messages). */
  messagesPerConversation: number;
  interactions: number;
  lessons: number;
  /** Versions per lesson. */
  versionsPerLesson: number;
  lessonSessions: number;
  profiles: number;
  learningPaths: number;
}

/** Scale 1: the sizes the issue was measured on. */
const SCALE_1 = {
  users: 50_000,
  categories: 400,
  words: 50_000,
  vocabulary: 2_000_000,
  practiceSessions: 300_000,
  conversations: 100_000,
  interactions: 500_000,
  lessons: 10_000,
  lessonSessions: 50_000,
  profiles: 30_000,
  learningPaths: 20_000,
};

/** Floors keep every defect kind planted a few times at tiny scales (e.g. 0.002 for jest). */
const MINIMUM = {
  users: 100,
  categories: 40,
  words: 100,
  vocabulary: 4_000,
  practiceSessions: 100,
  conversations: 100,
  interactions: 200,
  lessons: 40,
  lessonSessions: 100,
  profiles: 60,
  learningPaths: 40,
};

export const MIN_SCALE = 0.001;
export const MAX_SCALE = 20;

export function legacySizes(scale: number): LegacySizes {
  if (!(scale >= MIN_SCALE && scale <= MAX_SCALE)) throw new Error(`--scale must be between ${MIN_SCALE} and ${MAX_SCALE}`);
  const sized = Object.fromEntries(
    Object.entries(SCALE_1).map(([key, n]) => [key, Math.max(MINIMUM[key as keyof typeof MINIMUM], Math.round(n * scale))]),
  ) as typeof SCALE_1;
  // Each user learns at most as many words as there are (pairs stay distinct unless planted).
  sized.vocabulary = Math.min(sized.vocabulary, sized.users * Math.min(40, sized.words));
  return { ...sized, messagesPerConversation: 20, versionsPerLesson: 2 };
}

/**
 * The modulus of a table's defect plan: row g carries defect kind r when `g % m = r` (one modulus
 * per table, distinct residues, so no row carries two planted defects). About one row in `per` gets
 * each kind, and at least `minTimes` rows whatever the table size.
 */
export function defectModulus(rows: number, per: number, kinds: number, minTimes = 4): number {
  return Math.max(kinds + 2, Math.min(per, Math.floor(rows / minTimes)));
}
