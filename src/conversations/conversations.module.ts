import { Module } from '@nestjs/common';
import { linguaRepositories } from '../database/lingua-repositories';
import { CONVERSATIONS_ENTITIES } from './conversations.entities';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';
import { InteractionsRepository } from './interactions.repository';

/** Conversation sessions, messages and interactions: provides and exports `ConversationsService`; mounts no route. */
@Module({
  providers: [...linguaRepositories(CONVERSATIONS_ENTITIES), ConversationsRepository, InteractionsRepository, ConversationsService],
  exports: [ConversationsService],
})
export class ConversationsModule {}
