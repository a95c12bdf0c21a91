// Public surface of the vocabulary and practice modules (wired into src/index.ts by the lead).
export { VocabularyModule } from '../vocabulary/vocabulary.module';
export { CatalogueService } from '../vocabulary/catalogue.service';
export { VocabularyService } from '../vocabulary/vocabulary.service';
export { VOCABULARY_ENTITIES } from '../vocabulary/vocabulary.entities';
export { Category } from '../vocabulary/entities/category.entity';
export { Word } from '../vocabulary/entities/word.entity';
export { UserVocabulary } from '../vocabulary/entities/user-vocabulary.entity';
export * from '../vocabulary/dto/catalogue.dto';
export * from '../vocabulary/dto/learner-vocabulary.dto';
export { masteryOf, scheduleReview, isCorrect } from '../vocabulary/srs';
export type { ReviewRating, CardState, ScheduledCard, CardStateName } from '../vocabulary/srs';
export { PracticeModule } from '../practice/practice.module';
export { PracticeService } from '../practice/practice.service';
export { PRACTICE_ENTITIES } from '../practice/practice.entities';
export { PracticeSession } from '../practice/entities/practice-session.entity';
export { PracticeAnswer } from '../practice/entities/practice-answer.entity';
export * from '../practice/dto/practice.dto';
