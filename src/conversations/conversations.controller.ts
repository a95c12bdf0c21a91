import { Body, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '../common/swagger-optional';
import { CurrentLearner } from '../common/auth';
import { IdParam } from '../common/id-param';
import { ApiErrors } from '../common/openapi';
import { CursorPage } from '../common/pagination';
import { ConversationsService } from './conversations.service';
import {
  AppendMessageDto,
  ConversationDto,
  ConversationListQuery,
  CreateConversationDto,
  MessageDto,
  MessageListQuery,
  MessagePage,
  UpdateConversationDto,
} from './dto/conversation.dto';
import { CreateInteractionDto, DueInteractionsQuery, InteractionDto, InteractionListQuery } from './dto/interaction.dto';
import { LinguaController } from '../common/lingua-controller.decorator';

@LinguaController('me', 'conversations')
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Post('conversations')
  @ApiCreatedResponse({ type: ConversationDto })
  @ApiErrors(400, 401, 409)
  create(@CurrentLearner() userId: number, @Body() dto: CreateConversationDto): Promise<ConversationDto> {
    return this.conversations.create(userId, dto);
  }

  @Get('conversations')
  @ApiOkResponse({ description: '{ items: Conversation[], nextCursor }, newest first' })
  @ApiErrors(400, 401)
  list(@CurrentLearner() userId: number, @Query() query: ConversationListQuery): Promise<CursorPage<ConversationDto>> {
    return this.conversations.list(userId, query);
  }

  @Get('conversations/:id')
  @ApiOkResponse({ type: ConversationDto })
  @ApiErrors(400, 401, 404)
  get(@CurrentLearner() userId: number, @Param('id', IdParam) id: number): Promise<ConversationDto> {
    return this.conversations.get(userId, id);
  }

  @Patch('conversations/:id')
  @ApiOkResponse({ type: ConversationDto })
  @ApiErrors(400, 401, 404, 409)
  update(@CurrentLearner() userId: number, @Param('id', IdParam) id: number, @Body() dto: UpdateConversationDto): Promise<ConversationDto> {
    return this.conversations.update(userId, id, dto);
  }

  @Post('conversations/:id/messages')
  @ApiCreatedResponse({ type: MessageDto })
  @ApiErrors(400, 401, 404, 409)
  append(@CurrentLearner() userId: number, @Param('id', IdParam) id: number, @Body() dto: AppendMessageDto): Promise<MessageDto> {
    return this.conversations.appendMessage(userId, id, dto);
  }

  @Get('conversations/:id/messages')
  @ApiOkResponse({ type: MessagePage })
  @ApiErrors(400, 401, 404)
  messages(@CurrentLearner() userId: number, @Param('id', IdParam) id: number, @Query() query: MessageListQuery): Promise<MessagePage> {
    return this.conversations.listMessages(userId, id, query);
  }

  @Post('conversations/:id/interactions')
  @ApiCreatedResponse({ type: InteractionDto })
  @ApiErrors(400, 401, 404, 409)
  recordInteraction(
    @CurrentLearner() userId: number,
    @Param('id', IdParam) id: number,
    @Body() dto: CreateInteractionDto,
  ): Promise<InteractionDto> {
    return this.conversations.recordInteraction(userId, id, dto);
  }

  @Get('interactions')
  @ApiOkResponse({ description: '{ items: Interaction[], nextCursor }, newest first' })
  @ApiErrors(400, 401)
  interactions(@CurrentLearner() userId: number, @Query() query: InteractionListQuery): Promise<CursorPage<InteractionDto>> {
    return this.conversations.listInteractions(userId, query);
  }

  @Get('interactions/due')
  @ApiOkResponse({ type: [InteractionDto], description: 'Due for review at or before `before`, earliest first' })
  @ApiErrors(400, 401)
  due(@CurrentLearner() userId: number, @Query() query: DueInteractionsQuery): Promise<InteractionDto[]> {
    return this.conversations.dueInteractions(userId, query);
  }
}
