import { ConversationsModule } from './conversations/conversations.module';
import { LessonsModule } from './lessons/lessons.module';
import { UsersModule } from './users/users.module';

/** Every feature module the reference host mounts under /api. */
export const FEATURE_MODULES = [UsersModule, ConversationsModule, LessonsModule];
