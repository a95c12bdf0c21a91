/**
 * lingua-core's public surface for embedding apps: modules, services, DTOs, entities and the
 * building blocks to wire them into your own Nest app (README "Embedding").
 */
export { LinguaCoreModule } from './lingua-core.module';
export { LinguaConfigModule } from './config/config.module';
export { AppEnv, validateEnv, ConfigError } from './config/env';
export { DatabaseModule } from './database/database.module';
export { buildDataSourceOptions } from './database/data-source-options';
export { LINGUA_ENTITIES } from './database/entities';
export { LINGUA_MIGRATIONS } from '../migrations';
export { TransactionRunner } from './database/transaction-runner';
export { runInTransaction } from './database/transactions';
export type { TransactionOptions } from './database/transactions';
export { classifyDatabaseError } from './database/db-errors';
export { DatabaseConnectError } from './database/pg-driver';
export { LinguaCacheModule } from './cache/cache.module';
export { VersionedCache } from './cache/versioned-cache';
export { ObservabilityModule } from './observability/observability.module';
export { MetricsService } from './observability/metrics.service';
export { ApiExceptionFilter } from './common/api-exception.filter';
export type { ErrorBody } from './common/api-exception.filter';
export { ApiError } from './common/api-error';
export type { ApiErrorCode, FieldErrors } from './common/api-error';
export { createValidationPipe } from './common/validation';
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
