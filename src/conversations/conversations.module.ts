import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { ConversationsController } from './conversations.controller';
import { CONVERSATIONS_ENTITIES } from './conversations.entities';
import { ConversationsRepository } from './conversations.repository';
import { ConversationsService } from './conversations.service';
import { InteractionsRepository } from './interactions.repository';

@Module({
  imports: [TypeOrmModule.forFeature(CONVERSATIONS_ENTITIES)],
  controllers: [ConversationsController],
  providers: [ConversationsRepository, InteractionsRepository, ConversationsService],
  exports: [ConversationsService],
})
export class ConversationsModule {}
