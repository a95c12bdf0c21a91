import { iso } from '../common/dates';
import { CategoryDto, WordDto } from './dto/catalogue.dto';
import { VocabularyItemDto, VocabularyStatsDto } from './dto/learner-vocabulary.dto';
import { Category } from './entities/category.entity';
import { UserVocabulary } from './entities/user-vocabulary.entity';
import { Word } from './entities/word.entity';
import type { StatsRow } from './learner-vocabulary.repository';
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

/** Expects the row loaded with its word and the word's category. */
export const toVocabularyItemDto = (uv: UserVocabulary): VocabularyItemDto => {
  const word = uv.word as Word;
  return {
    wordId: uv.wordId,
    word: {
      id: word.id,
      term: word.term,
      translation: word.translation,
      difficultyLevel: word.difficultyLevel,
      category: { id: word.categoryId, name: word.category?.name as string },
    },
    masteryLevel: uv.masteryLevel,
    timesSeen: uv.timesSeen,
    timesCorrect: uv.timesCorrect,
    state: CARD_STATES[uv.state],
    dueAt: iso(uv.dueAt) as string,
    stability: uv.stability,
    difficulty: uv.difficulty,
    reps: uv.reps,
    lapses: uv.lapses,
    lastReviewedAt: iso(uv.lastReviewedAt),
    createdAt: iso(uv.createdAt) as string,
  };
};

export const toStatsDto = (row: StatsRow): VocabularyStatsDto => {
  const byMastery = [0, 1, 2, 3, 4, 5].map((level) => ({ masteryLevel: level, count: row.by_mastery[String(level)] ?? 0 }));
  return {
    total: byMastery.reduce((sum, m) => sum + m.count, 0),
    byMastery,
    dueNow: row.due_now,
    nextDueAt: iso(row.next_due_at),
  };
};
