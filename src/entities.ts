import { CONVERSATIONS_ENTITIES } from './conversations/conversations.entities';
import { LESSONS_ENTITIES } from './lessons/lessons.entities';
import { PRACTICE_ENTITIES } from './practice/practice.entities';
import { USERS_ENTITIES } from './users/users.entities';
import { VOCABULARY_ENTITIES } from './vocabulary/vocabulary.entities';
import { getRepositoryToken } from '@nestjs/typeorm';
import { LinguaOptionsError } from './lingua-core.options';

/**
 * Every entity lingua-core maps, each feature's own list (`<feature>.entities.ts`) in turn. Assembled here,
 * above database/ (which receives it as a parameter: LinguaEntityList), so no arrow points up into a feature.
 */
export const LINGUA_ENTITIES = [
  ...USERS_ENTITIES,
  ...VOCABULARY_ENTITIES,
  ...PRACTICE_ENTITIES,
  ...CONVERSATIONS_ENTITIES,
  ...LESSONS_ENTITIES,
];

/** The name of an entity lingua-core maps (`'User'`, `'Word'`, …): the key of `linguaRepositoryToken`. */
export type LinguaEntityName =
  | 'User'
  | 'UserProfile'
  | 'LearningPath'
  | 'Category'
  | 'Word'
  | 'UserVocabulary'
  | 'PracticeSession'
  | 'PracticeAnswer'
  | 'ConversationSession'
  | 'ConversationMessage'
  | 'ConversationInteraction'
  | 'Lesson'
  | 'LessonVersion'
  | 'LessonSession';

/**
 * The standard repository token of one of lingua-core's entities — `getRepositoryToken(Entity, dataSource)`
 * — by the entity's name, so a host test can override it (`overrideProvider(linguaRepositoryToken('Word'))`)
 * without the entity classes being public API.
 */
export function linguaRepositoryToken(entity: LinguaEntityName, dataSource?: string): ReturnType<typeof getRepositoryToken> {
  const target = LINGUA_ENTITIES.find((e) => e.name === entity);
  if (!target) throw new LinguaOptionsError(`lingua-core maps no entity named ${JSON.stringify(entity)}`);
  return getRepositoryToken(target, dataSource);
}
