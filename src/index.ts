/**
 * lingua-core's public surface for embedding apps: modules, services, DTOs, entities, migrations and
 * the building blocks to wire them into your own Nest app (README "Embedding"). Importing it reads
 * no environment variable and opens nothing.
 */
export { LinguaCoreModule, LINGUA_CORE_OPTIONS } from './lingua-core.module';
export { LinguaSettings, LinguaOptionsError } from './lingua-core.options';
export type {
  LinguaCoreOptions,
  LinguaCoreExtras,
  LinguaDatabaseOptions,
  LinguaCacheOptions,
  LinguaReplicaOptions,
  LinguaSessionTimeouts,
  PoolerMode,
} from './lingua-core.options';
export { LinguaApiModule, LINGUA_FEATURE_MODULES } from './api/lingua-api.module';
export { LinguaDataSource } from './database/lingua-data-source';
export { buildDataSourceOptions } from './database/data-source-options';
export { LINGUA_ENTITIES } from './database/entities';
export { LINGUA_MIGRATIONS } from '../migrations';
export { withMigrationLock, MigrationNeedsSessionError } from './database/migration-lock';
export { detectPooler } from './database/pooler';
export { ReadRouter } from './database/replicas/read-router';
export { ReplicaSet } from './database/replicas/replica-set';
export type { ReplicaReport } from './database/replicas/replica-set';
export { linguaPgDriver, DatabaseConnectError, QueryReadTimeoutError } from './database/pg-driver';
export { TransactionRunner } from './database/transaction-runner';
export type { WriteOptions } from './database/transaction-runner';
export { runInTransaction } from './database/transactions';
export type { TransactionOptions } from './database/transactions';
export { classifyDatabaseError } from './database/db-errors';
export { VersionedCache } from './cache/versioned-cache';
export { MetricsService } from './observability/metrics.service';
export { ApiExceptionFilter } from './common/api-exception.filter';
export { LinguaPathsExceptionFilter } from './common/lingua-paths-exception.filter';
export type { ErrorBody } from './common/api-exception.filter';
export { ApiError } from './common/api-error';
export type { ApiErrorCode, FieldErrors } from './common/api-error';
export { createValidationPipe, LinguaValidationPipe } from './common/validation';
export { requestIdOf } from './common/request-id';
export { AuthorGuard, CurrentLearner, Public } from './common/auth';
export type { AuthenticatedLearner } from './common/auth';
export type { Page, CursorPage } from './common/pagination';

// users
export { UsersModule } from './users/users.module';
export { UsersService } from './users/users.service';
export * from './users/dto/user.dto';
export { User } from './users/entities/user.entity';
export { UserProfile } from './users/entities/user-profile.entity';
export { LearningPath } from './users/entities/learning-path.entity';

// vocabulary & practice
export { VocabularyModule } from './vocabulary/vocabulary.module';
export { CatalogueService } from './vocabulary/catalogue.service';
export { VocabularyService } from './vocabulary/vocabulary.service';
export { VOCABULARY_ENTITIES } from './vocabulary/vocabulary.entities';
export { Category } from './vocabulary/entities/category.entity';
export { Word } from './vocabulary/entities/word.entity';
export { UserVocabulary } from './vocabulary/entities/user-vocabulary.entity';
export * from './vocabulary/dto/catalogue.dto';
export * from './vocabulary/dto/learner-vocabulary.dto';
export { masteryOf, scheduleReview, isCorrect } from './vocabulary/srs';
export type { ReviewRating, CardState, ScheduledCard, CardStateName } from './vocabulary/srs';
export { PracticeModule } from './practice/practice.module';
export { PracticeService } from './practice/practice.service';
export { PRACTICE_ENTITIES } from './practice/practice.entities';
export { PracticeSession } from './practice/entities/practice-session.entity';
export { PracticeAnswer } from './practice/entities/practice-answer.entity';
export * from './practice/dto/practice.dto';

// conversations & lessons
export { ConversationsModule } from './conversations/conversations.module';
export { ConversationsService } from './conversations/conversations.service';
export * from './conversations/dto/conversation.dto';
export * from './conversations/dto/interaction.dto';
export { ConversationSession, SESSION_TYPES, CONVERSATION_STATUSES } from './conversations/entities/conversation-session.entity';
export type { SessionType, ConversationStatus } from './conversations/entities/conversation-session.entity';
export { ConversationMessage, MESSAGE_ROLES } from './conversations/entities/conversation-message.entity';
export type { MessageRole } from './conversations/entities/conversation-message.entity';
export { ConversationInteraction, INTERACTION_TYPES } from './conversations/entities/conversation-interaction.entity';
export type { InteractionType } from './conversations/entities/conversation-interaction.entity';
export { CONVERSATIONS_ENTITIES } from './conversations/conversations.entities';

export { LessonsModule } from './lessons/lessons.module';
export { LessonsService } from './lessons/lessons.service';
export { LessonSessionsService } from './lessons/lesson-sessions.service';
export * from './lessons/dto/lesson.dto';
export { Lesson, LESSON_STATUSES } from './lessons/entities/lesson.entity';
export type { LessonStatus } from './lessons/entities/lesson.entity';
export { LessonVersion } from './lessons/entities/lesson-version.entity';
export { LessonSession, LESSON_SESSION_STATUSES } from './lessons/entities/lesson-session.entity';
export type { LessonSessionStatus } from './lessons/entities/lesson-session.entity';
export { compileLessonPlan, PlanRejected, STEP_TYPES, CEFR_LEVELS } from './lessons/lesson-plan.compiler';
export type { CompiledLessonPlan, LessonStep } from './lessons/lesson-plan.compiler';
export { LESSONS_ENTITIES } from './lessons/lessons.entities';
