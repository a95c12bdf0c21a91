import { iso } from '../common/dates';
import { ConversationDto, MessageDto } from './dto/conversation.dto';
import { InteractionDto } from './dto/interaction.dto';
import { ConversationInteraction } from './entities/conversation-interaction.entity';
import type { MessageRow } from './conversations.repository';
import { ConversationSession } from './entities/conversation-session.entity';

export const toConversationDto = (s: ConversationSession): ConversationDto => ({
  id: s.id,
  sessionType: s.sessionType,
  status: s.status,
  conversationContext: s.conversationContext,
  messageCount: s.lastMessageOrder,
  createdAt: iso(s.createdAt) as string,
  updatedAt: iso(s.updatedAt) as string,
});

export const toMessageDto = (m: MessageRow): MessageDto => ({
  id: m.id,
  conversationId: m.session_id,
  role: m.role,
  content: m.content,
  messageOrder: m.message_order,
  createdAt: m.created_at,
});

export const toInteractionDto = (i: ConversationInteraction): InteractionDto => ({
  id: i.id,
  conversationId: i.sessionId,
  messageId: i.messageId,
  conceptId: i.conceptId,
  interactionType: i.interactionType,
  masteryLevel: i.masteryLevel,
  confidenceSelfReported: i.confidenceSelfReported,
  nextReviewDate: iso(i.nextReviewDate),
  metadata: i.metadata,
  createdAt: iso(i.createdAt) as string,
});
