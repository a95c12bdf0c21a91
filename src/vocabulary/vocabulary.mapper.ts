import { iso } from '../common/dates';
import { CategoryDto, WordDto } from './dto/catalogue.dto';
import { VocabularyItemDto, VocabularyStatsDto } from './dto/learner-vocabulary.dto';
import { Category } from './entities/category.entity';
import { Word } from './entities/word.entity';
import type { StatsRow, VocabularyItemRow } from './learner-vocabulary.repository';
import { CARD_STATES } from './srs';

export const toCategoryDto = (c: Category, wordCount: number): CategoryDto => ({
  id: c.id,
  name: c.name,
  description: c.description,
  wordCount,
  createdAt: iso(c.createdAt) as string,
  updatedAt: iso(c.updatedAt) as string,
});

/** `categoryName` for rows that come without the joined category (bulk insert). */
export const toWordDto = (w: Word, categoryName = w.category?.name as string): WordDto => ({
  id: w.id,
  term: w.term,
  translation: w.translation,
  difficultyLevel: w.difficultyLevel,
  categoryId: w.categoryId,
  category: { id: w.categoryId, name: categoryName },
  createdAt: iso(w.createdAt) as string,
  updatedAt: iso(w.updatedAt) as string,
});

/** A hot-read row (`LearnerVocabularyRepository.list`/`due`) as the response item. */
export const toVocabularyItemDto = (r: VocabularyItemRow): VocabularyItemDto => ({
  wordId: r.word_id,
  word: {
    id: r.word_id,
    term: r.term,
    translation: r.translation,
    difficultyLevel: r.difficulty_level,
    category: { id: r.category_id, name: r.category_name },
  },
  masteryLevel: r.mastery_level,
  timesSeen: r.times_seen,
  timesCorrect: r.times_correct,
  state: CARD_STATES[r.state],
  dueAt: r.due_at,
  stability: r.stability,
  difficulty: r.difficulty,
  reps: r.reps,
  lapses: r.lapses,
  lastReviewedAt: r.last_reviewed_at,
  createdAt: r.created_at,
});

export const toStatsDto = (row: StatsRow): VocabularyStatsDto => {
  const byMastery = [0, 1, 2, 3, 4, 5].map((level) => ({ masteryLevel: level, count: row.by_mastery[String(level)] ?? 0 }));
  return {
    total: byMastery.reduce((sum, m) => sum + m.count, 0),
    byMastery,
    dueNow: row.due_now,
    nextDueAt: iso(row.next_due_at),
  };
};
