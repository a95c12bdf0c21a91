/**
 * lingua-core's public surface for embedding apps (README "Embedding", docs/api.md): what a host needs,
 * nothing more. Importing it reads no environment variable and opens nothing. Pinned by the API report in
 * etc/lingua-core.api.md: any change to what is exported here is a reviewed diff. What is not here is
 * internal (tests reach it through src/internal.ts, which the package does not export).
 */

// Wiring: the core module and its options, the route module, the connection
export { LinguaCoreModule } from './lingua-core.module';
/** `LinguaCoreModule`'s base (Nest's `ConfigurableModuleBuilder`): it carries `forRootAsync`'s signature. */
export type { LinguaCoreConfigurableModule } from './lingua-core.module';
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
export { buildDataSourceOptions } from './data-source-options';
export { linguaPgDriver } from './database/pg-driver';
export { resolvePooler } from './database/pooler';
import { LINGUA_ENTITIES as ENTITY_LIST } from './entities';
/** Every entity lingua-core maps: list them in your TypeORM connection (`entities: [...LINGUA_ENTITIES, ...yours]`). */
export const LINGUA_ENTITIES: Array<new () => object> = ENTITY_LIST;
export { linguaRepositoryToken } from './entities';
export type { LinguaEntityName } from './entities';

// Deploys
import type { MigrationInterface } from 'typeorm';
import { LINGUA_MIGRATIONS as MIGRATION_CHAIN } from '../migrations';
/** The migration chain, in order: list it in your DataSource's `migrations` (README "Migrations in deploys"). */
export const LINGUA_MIGRATIONS: Array<new () => MigrationInterface> = MIGRATION_CHAIN;
export { withMigrationLock, MigrationNeedsSessionError } from './database/migration-lock';

// Transactions shared with the host
export { clsTransaction } from './database/cls-transaction';
export type { WriteOptions } from './database/transaction-runner';
export type { TransactionOptions } from './database/transactions';

// Errors a host catches, and the HTTP contract pieces its own code meets
export { classifyDatabaseError } from './database/db-errors';
export type { ClassifiedDbError, DbErrorCode } from './database/db-errors';
export { DatabaseConnectError, QueryReadTimeoutError } from './database/pg-driver';
export { ApiError, LinguaHttpException } from './common/api-error';
export type { ApiErrorCode, FieldErrors, LinguaErrorBody } from './common/api-error';
export { LinguaPathsExceptionFilter } from './common/lingua-paths-exception.filter';
export { requestIdOf } from './common/request-id';
export type { RequestLike } from './common/request-id';
export { Public, IS_PUBLIC } from './common/auth';
export type { AuthenticatedLearner } from './common/auth';

// Operations: readiness and metrics
export { LinguaHealthIndicator, linguaHealth } from './observability/lingua-health';
export type {
  LinguaHealthReport,
  LinguaDegradableHealth,
  LinguaComponentHealth,
  LinguaIndicatorResult,
  LinguaHealthCheckOptions,
} from './observability/lingua-health';
export type { ReplicaReport, NoReplicaReason } from './database/replicas/replica-set';
export { MetricsService } from './observability/metrics.service';

// Feature modules (they mount no route) and their services
export { UsersModule } from './users/users.module';
export { UsersService } from './users/users.service';
export { VocabularyModule } from './vocabulary/vocabulary.module';
export { CatalogueService } from './vocabulary/catalogue.service';
export { VocabularyService } from './vocabulary/vocabulary.service';
export { PracticeModule } from './practice/practice.module';
export { PracticeService } from './practice/practice.service';
export { ConversationsModule } from './conversations/conversations.module';
export { ConversationsService } from './conversations/conversations.service';
export { LessonsModule } from './lessons/lessons.module';
export { LessonsService } from './lessons/lessons.service';
export { LessonSessionsService } from './lessons/lesson-sessions.service';

// The services' argument and result types (types only: hosts do not construct or validate them)
export type { Page, CursorPage, PageQuery, CursorQuery } from './common/pagination';
export type {
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
export type { JsonDocument } from './users/entities/user-profile.entity';
export type {
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
  WordSortField,
  WORD_SORT_FIELDS,
} from './vocabulary/dto/catalogue.dto';
export type {
  VocabularyWordDto,
  VocabularyItemDto,
  DueListDto,
  MasteryCountDto,
  VocabularyStatsDto,
  LearnerVocabularyQuery,
  DueQuery,
} from './vocabulary/dto/learner-vocabulary.dto';
export type { ReviewRating, CardState, ScheduledCard, CardStateName, CARD_STATES } from './vocabulary/srs';
export type { PracticeSessionDto, StartSessionDto, SubmitAnswerDto, ReviewedCardDto, AnswerResultDto } from './practice/dto/practice.dto';
export type {
  ConversationDto,
  CreateConversationDto,
  UpdateConversationDto,
  ConversationListQuery,
  MessageDto,
  AppendMessageDto,
  MessageListQuery,
  MessagePage,
} from './conversations/dto/conversation.dto';
export type { InteractionDto, CreateInteractionDto, InteractionListQuery, DueInteractionsQuery } from './conversations/dto/interaction.dto';
export type {
  SessionType,
  ConversationStatus,
  SESSION_TYPES,
  CONVERSATION_STATUSES,
} from './conversations/entities/conversation-session.entity';
export type { MessageRole, MESSAGE_ROLES } from './conversations/entities/conversation-message.entity';
export type { InteractionType, INTERACTION_TYPES } from './conversations/entities/conversation-interaction.entity';
export type {
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
export type { LessonStatus, LESSON_STATUSES } from './lessons/entities/lesson.entity';
export type { LessonSessionStatus, LESSON_SESSION_STATUSES } from './lessons/entities/lesson-session.entity';
export type { CompiledLessonPlan, LessonStep, CEFR_LEVELS, STEP_TYPES } from './lessons/lesson-plan.compiler';
