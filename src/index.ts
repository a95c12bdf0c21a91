/**
 * lingua-core's public surface for embedding apps (README "Embedding", docs/api.md). Importing it
 * reads no environment variable and opens nothing. Pinned by the API report in etc/lingua-core.api.md:
 * any change to what is exported here is a reviewed diff.
 */

// Wiring: the core module and its options, the route module, the connection
export { LinguaCoreModule } from './lingua-core.module';
export { LinguaOptionsError } from './lingua-core.options';
export type {
  LinguaCoreOptions,
  LinguaCoreExtras,
  LinguaDatabaseOptions,
  LinguaCacheOptions,
  LinguaReplicaOptions,
  LinguaSessionTimeouts,
  PoolerMode,
  AmbientTransaction,
  LinguaHostRequest,
  LinguaLearnerLookup,
  LinguaErrorHandling,
  LinguaMetricsOptions,
  LinguaOpenApiOptions,
} from './lingua-core.options';
export { LinguaApiModule } from './api/lingua-api.module';
export { LinguaDataSource } from './database/lingua-data-source';
export { buildDataSourceOptions } from './database/data-source-options';
export { detectPooler, resolvePooler } from './database/pooler';
export { linguaPgDriver } from './database/pg-driver';
export { LINGUA_ENTITIES } from './database/entities';

// Deploys
export { LINGUA_MIGRATIONS } from '../migrations';
export { withMigrationLock, MigrationNeedsSessionError } from './database/migration-lock';

// Transactions, errors, HTTP contract pieces a host's own code meets
export { TransactionRunner } from './database/transaction-runner';
export type { WriteOptions } from './database/transaction-runner';
export { clsTransaction } from './database/cls-transaction';
export type { TransactionOptions } from './database/transactions';
export { classifyDatabaseError } from './database/db-errors';
export { DatabaseConnectError, QueryReadTimeoutError } from './database/pg-driver';
export type { ClassifiedDbError, DbErrorCode } from './database/db-errors';
export { ApiError, LinguaHttpException } from './common/api-error';
export type { ApiErrorCode, FieldErrors, LinguaErrorBody } from './common/api-error';
export { ApiExceptionFilter } from './common/api-exception.filter';
export type { ErrorBody } from './common/api-exception.filter';
export { LinguaPathsExceptionFilter } from './common/lingua-paths-exception.filter';
export { requestIdOf } from './common/request-id';
export { Public, IS_PUBLIC } from './common/auth';
export type { AuthenticatedLearner } from './common/auth';
export type { Page, CursorPage, PageQuery, CursorQuery } from './common/pagination';

// Operations
export { MetricsService } from './observability/metrics.service';
export type { PoolStats, ReplicaStats } from './observability/metrics.service';
export { LinguaHealthIndicator, linguaHealth } from './observability/lingua-health';
export type {
  LinguaHealthReport,
  LinguaDegradableHealth,
  LinguaComponentHealth,
  LinguaIndicatorResult,
  LinguaHealthCheckOptions,
} from './observability/lingua-health';
export { ReplicaSet } from './database/replicas/replica-set';
export type { ReplicaReport, NoReplicaReason } from './database/replicas/replica-set';

// users
export { UsersModule } from './users/users.module';
export { UsersService } from './users/users.service';
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
export { User } from './users/entities/user.entity';
export { UserProfile } from './users/entities/user-profile.entity';
export type { JsonDocument } from './users/entities/user-profile.entity';
export { LearningPath } from './users/entities/learning-path.entity';

// vocabulary & practice
export { VocabularyModule } from './vocabulary/vocabulary.module';
export { CatalogueService } from './vocabulary/catalogue.service';
export { VocabularyService } from './vocabulary/vocabulary.service';
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
export type { WordSortField } from './vocabulary/dto/catalogue.dto';
export {
  VocabularyWordDto,
  VocabularyItemDto,
  DueListDto,
  MasteryCountDto,
  VocabularyStatsDto,
  LearnerVocabularyQuery,
  DueQuery,
} from './vocabulary/dto/learner-vocabulary.dto';
export { Category } from './vocabulary/entities/category.entity';
export { Word } from './vocabulary/entities/word.entity';
export { UserVocabulary } from './vocabulary/entities/user-vocabulary.entity';
export type { ReviewRating, CardState, ScheduledCard, CardStateName } from './vocabulary/srs';
export { PracticeModule } from './practice/practice.module';
export { PracticeService } from './practice/practice.service';
export { PracticeSessionDto, StartSessionDto, SubmitAnswerDto, ReviewedCardDto, AnswerResultDto } from './practice/dto/practice.dto';
export { PracticeSession } from './practice/entities/practice-session.entity';
export { PracticeAnswer } from './practice/entities/practice-answer.entity';

// conversations & lessons
export { ConversationsModule } from './conversations/conversations.module';
export { ConversationsService } from './conversations/conversations.service';
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
export { ConversationSession, SESSION_TYPES, CONVERSATION_STATUSES } from './conversations/entities/conversation-session.entity';
export type { SessionType, ConversationStatus } from './conversations/entities/conversation-session.entity';
export { ConversationMessage, MESSAGE_ROLES } from './conversations/entities/conversation-message.entity';
export type { MessageRole } from './conversations/entities/conversation-message.entity';
export { ConversationInteraction, INTERACTION_TYPES } from './conversations/entities/conversation-interaction.entity';
export type { InteractionType } from './conversations/entities/conversation-interaction.entity';

export { LessonsModule } from './lessons/lessons.module';
export { LessonsService } from './lessons/lessons.service';
export { LessonSessionsService } from './lessons/lesson-sessions.service';
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
export { Lesson, LESSON_STATUSES } from './lessons/entities/lesson.entity';
export type { LessonStatus } from './lessons/entities/lesson.entity';
export { LessonVersion } from './lessons/entities/lesson-version.entity';
export { LessonSession, LESSON_SESSION_STATUSES } from './lessons/entities/lesson-session.entity';
export type { LessonSessionStatus } from './lessons/entities/lesson-session.entity';
export type { CompiledLessonPlan, LessonStep } from './lessons/lesson-plan.compiler';
