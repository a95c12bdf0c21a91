import { ConversationInteraction } from './entities/conversation-interaction.entity';
import { ConversationMessage } from './entities/conversation-message.entity';
import { ConversationSession } from './entities/conversation-session.entity';

export const CONVERSATIONS_ENTITIES = [ConversationSession, ConversationMessage, ConversationInteraction];
