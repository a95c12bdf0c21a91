import { Module } from '@nestjs/common';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';
import { InteractionsRepository } from './interactions.repository';

/** Conversation sessions, messages and interactions: provides and exports `ConversationsService`; mounts no route. */
@Module({
  providers: [ConversationsRepository, InteractionsRepository, ConversationsService],
  exports: [ConversationsService],
})
export class ConversationsModule {}
