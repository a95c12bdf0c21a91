import { Module } from '@nestjs/common';
import { documentLinguaRoutes } from '../common/openapi-options';
import { LinguaSettings } from '../lingua-core.options';
import { ConversationsController } from '../conversations/conversations.controller';
import { ConversationsModule } from '../conversations/conversations.module';
import { LessonSessionsController, LessonsController } from '../lessons/lessons.controller';
import { LessonsModule } from '../lessons/lessons.module';
import { PracticeController } from '../practice/practice.controller';
import { PracticeModule } from '../practice/practice.module';
import { UsersController } from '../users/users.controller';
import { UsersModule } from '../users/users.module';
import { CatalogueController } from '../vocabulary/catalogue.controller';
import { VocabularyController } from '../vocabulary/vocabulary.controller';
import { VocabularyModule } from '../vocabulary/vocabulary.module';

export const LINGUA_FEATURE_MODULES = [UsersModule, VocabularyModule, PracticeModule, ConversationsModule, LessonsModule];

/**
 * Every route of SPEC §3, at the paths the SPEC gives (mount it under a prefix with Nest's
 * `RouterModule.register([{ path: 'api', module: LinguaApiModule }])`). The controllers read
 * `request.user = { id, roles? }` set by the host's authentication, and carry their own validation,
 * error bodies and request ids. Needs `LinguaCoreModule.forRoot[Async]` in the app.
 */
const CONTROLLERS = [
  UsersController,
  CatalogueController,
  VocabularyController,
  PracticeController,
  ConversationsController,
  LessonsController,
  LessonSessionsController,
];

/** Instantiated with the module, before the host builds its OpenAPI document: the document follows the options. */
const OPENAPI_FROM_OPTIONS = 'lingua:openApiFromOptions';

@Module({
  imports: LINGUA_FEATURE_MODULES,
  controllers: CONTROLLERS,
  providers: [
    {
      provide: OPENAPI_FROM_OPTIONS,
      inject: [LinguaSettings],
      useFactory: (settings: LinguaSettings) => documentLinguaRoutes(CONTROLLERS, settings),
    },
  ],
})
export class LinguaApiModule {}
