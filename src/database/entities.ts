import { CONVERSATIONS_ENTITIES } from '../conversations/conversations.entities';
import { LESSONS_ENTITIES } from '../lessons/lessons.entities';
import { PRACTICE_ENTITIES } from '../practice/practice.entities';
import { USERS_ENTITIES } from '../users/users.entities';
import { VOCABULARY_ENTITIES } from '../vocabulary/vocabulary.entities';

/** Every entity lingua-core maps; modules register their own with `TypeOrmModule.forFeature`. */
export const LINGUA_ENTITIES = [
  ...USERS_ENTITIES,
  ...VOCABULARY_ENTITIES,
  ...PRACTICE_ENTITIES,
  ...CONVERSATIONS_ENTITIES,
  ...LESSONS_ENTITIES,
];
