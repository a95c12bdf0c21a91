import { ConversationsModule } from './conversations/conversations.module';
import { LessonsModule } from './lessons/lessons.module';
import { PracticeModule } from './practice/practice.module';
import { UsersModule } from './users/users.module';
import { VocabularyModule } from './vocabulary/vocabulary.module';

/** Every feature module the reference host mounts under /api. */
export const FEATURE_MODULES = [UsersModule, VocabularyModule, PracticeModule, ConversationsModule, LessonsModule];
