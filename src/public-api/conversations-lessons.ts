/** Public surface of the conversations and lessons modules (re-exported from src/index.ts by the lead). */
export { ConversationsModule } from '../conversations/conversations.module';
export { ConversationsService } from '../conversations/conversations.service';
export * from '../conversations/dto/conversation.dto';
export * from '../conversations/dto/interaction.dto';
export { ConversationSession, SESSION_TYPES, CONVERSATION_STATUSES } from '../conversations/entities/conversation-session.entity';
export type { SessionType, ConversationStatus } from '../conversations/entities/conversation-session.entity';
export { ConversationMessage, MESSAGE_ROLES } from '../conversations/entities/conversation-message.entity';
export type { MessageRole } from '../conversations/entities/conversation-message.entity';
export { ConversationInteraction, INTERACTION_TYPES } from '../conversations/entities/conversation-interaction.entity';
export type { InteractionType } from '../conversations/entities/conversation-interaction.entity';
export { CONVERSATIONS_ENTITIES } from '../conversations/conversations.entities';

export { LessonsModule } from '../lessons/lessons.module';
export { LessonsService } from '../lessons/lessons.service';
export { LessonSessionsService } from '../lessons/lesson-sessions.service';
export * from '../lessons/dto/lesson.dto';
export { Lesson, LESSON_STATUSES } from '../lessons/entities/lesson.entity';
export type { LessonStatus } from '../lessons/entities/lesson.entity';
export { LessonVersion } from '../lessons/entities/lesson-version.entity';
export { LessonSession, LESSON_SESSION_STATUSES } from '../lessons/entities/lesson-session.entity';
export type { LessonSessionStatus } from '../lessons/entities/lesson-session.entity';
export { compileLessonPlan, PlanRejected, STEP_TYPES, CEFR_LEVELS } from '../lessons/lesson-plan.compiler';
export type { CompiledLessonPlan, LessonStep } from '../lessons/lesson-plan.compiler';
export { LESSONS_ENTITIES } from '../lessons/lessons.entities';
