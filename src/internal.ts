/**
 * lingua-core's internal entry: the public surface (src/index.ts) plus what left it in issue 23, for
 * lingua-core's own tests, benchmarks and tools. Not part of the package: package.json `exports` has only
 * "." — a host cannot import this, and nothing here is covered by the API report.
 */
export * from './index';

// Left the public API in issue 23 (still what the code uses; import them from here or the defining module)
export { detectPooler } from './database/pooler';
export { TransactionRunner } from './database/transaction-runner';
export { ApiExceptionFilter } from './common/api-exception.filter';
export type { ErrorBody } from './common/api-exception.filter';
export type { PoolStats, ReplicaStats } from './observability/metrics.service';
export { ReplicaSet } from './database/replicas/replica-set';
export type { ReplicaReport, NoReplicaReason } from './database/replicas/replica-set';
export { LINGUA_MIGRATIONS as MIGRATION_CHAIN } from '../migrations';

// The DTO classes (public as types only), their enum constants, and the entity classes (public as types;
// a host reaches a repository with `linguaRepositoryToken(name)`)
export { PageQuery, CursorQuery } from './common/pagination';
export {
  RegisterUserDto,
  UserDto,
  UserWithProfileDto,
  ProfileDto,
  ReplaceProfileDto,
  ProfileSearchQuery,
  LearningPathDto,
  CreateLearningPathDto,
  UpdateLearningPathDto,
} from './users/dto/user.dto';
export {
  CategoryDto,
  CategoryListDto,
  CreateCategoryDto,
  UpdateCategoryDto,
  CategoryRefDto,
  WordDto,
  CreateWordDto,
  UpdateWordDto,
  BulkCreateWordsDto,
  WordListDto,
  WordQuery,
  BULK_MAX_WORDS,
  WORD_SORT_FIELDS,
} from './vocabulary/dto/catalogue.dto';
export {
  VocabularyWordDto,
  VocabularyItemDto,
  DueListDto,
  MasteryCountDto,
  VocabularyStatsDto,
  LearnerVocabularyQuery,
  DueQuery,
} from './vocabulary/dto/learner-vocabulary.dto';
export { PracticeSessionDto, StartSessionDto, SubmitAnswerDto, ReviewedCardDto, AnswerResultDto } from './practice/dto/practice.dto';
export {
  ConversationDto,
  CreateConversationDto,
  UpdateConversationDto,
  ConversationListQuery,
  MessageDto,
  AppendMessageDto,
  MessageListQuery,
  MessagePage,
} from './conversations/dto/conversation.dto';
export { InteractionDto, CreateInteractionDto, InteractionListQuery, DueInteractionsQuery } from './conversations/dto/interaction.dto';
export {
  LessonDto,
  LessonDetailDto,
  CreateLessonDto,
  LessonListQuery,
  LessonVersionDto,
  CompileLessonDto,
  LessonSessionDto,
  StartLessonSessionDto,
  UpdateLessonSessionDto,
  LessonSessionListQuery,
} from './lessons/dto/lesson.dto';
export { User } from './users/entities/user.entity';
export { UserProfile } from './users/entities/user-profile.entity';
export { LearningPath } from './users/entities/learning-path.entity';
export { Category } from './vocabulary/entities/category.entity';
export { Word } from './vocabulary/entities/word.entity';
export { UserVocabulary } from './vocabulary/entities/user-vocabulary.entity';
export { PracticeSession } from './practice/entities/practice-session.entity';
export { PracticeAnswer } from './practice/entities/practice-answer.entity';
export { ConversationSession, SESSION_TYPES, CONVERSATION_STATUSES } from './conversations/entities/conversation-session.entity';
export { ConversationMessage, MESSAGE_ROLES } from './conversations/entities/conversation-message.entity';
export { ConversationInteraction, INTERACTION_TYPES } from './conversations/entities/conversation-interaction.entity';
export { Lesson, LESSON_STATUSES } from './lessons/entities/lesson.entity';
export { LessonVersion } from './lessons/entities/lesson-version.entity';
export { LessonSession, LESSON_SESSION_STATUSES } from './lessons/entities/lesson-session.entity';
