import { Get, Patch, Post } from '@nestjs/common';
import { Body, Param, Query } from '../common/request-params';
import { ApiCreatedResponse, ApiOkResponse } from '../common/swagger-optional';
import { CurrentLearner } from '../common/auth';
import { IdParam } from '../common/id-param';
import { ApiErrors, Operation } from '../common/openapi';
import { ConversationsService } from './conversations.service';
import {
  AppendMessageDto,
  ConversationDto,
  ConversationListQuery,
  ConversationPageDto,
  CreateConversationDto,
  MessageDto,
  MessageListQuery,
  MessagePage,
  UpdateConversationDto,
} from './dto/conversation.dto';
import {
  CreateInteractionDto,
  DueInteractionsQuery,
  InteractionDto,
  InteractionListQuery,
  InteractionPageDto,
} from './dto/interaction.dto';
import { LinguaController } from '../common/lingua-controller.decorator';

@LinguaController('me', 'conversations')
export class ConversationsController {
  constructor(private readonly conversations: ConversationsService) {}

  @Post('conversations')
  @Operation('Start a conversation')
  @ApiCreatedResponse({ type: ConversationDto })
  @ApiErrors(400, 401, 409)
  create(@CurrentLearner() userId: number, @Body() dto: CreateConversationDto): Promise<ConversationDto> {
    return this.conversations.create(userId, dto);
  }

  @Get('conversations')
  @Operation("List the learner's conversations, newest first")
  @ApiOkResponse({ type: ConversationPageDto })
  @ApiErrors(400, 401)
  list(@CurrentLearner() userId: number, @Query() query: ConversationListQuery): Promise<ConversationPageDto> {
    return this.conversations.list(userId, query);
  }

  @Get('conversations/:id')
  @Operation('A conversation')
  @ApiOkResponse({ type: ConversationDto })
  @ApiErrors(400, 401, 404)
  get(@CurrentLearner() userId: number, @Param('id', IdParam) id: number): Promise<ConversationDto> {
    return this.conversations.get(userId, id);
  }

  @Patch('conversations/:id')
  @Operation("Update a conversation's status or context")
  @ApiOkResponse({ type: ConversationDto })
  @ApiErrors(400, 401, 404, 409)
  update(@CurrentLearner() userId: number, @Param('id', IdParam) id: number, @Body() dto: UpdateConversationDto): Promise<ConversationDto> {
    return this.conversations.update(userId, id, dto);
  }

  @Post('conversations/:id/messages')
  @Operation('Append a message')
  @ApiCreatedResponse({ type: MessageDto })
  @ApiErrors(400, 401, 404, 409)
  append(@CurrentLearner() userId: number, @Param('id', IdParam) id: number, @Body() dto: AppendMessageDto): Promise<MessageDto> {
    return this.conversations.appendMessage(userId, id, dto);
  }

  @Get('conversations/:id/messages')
  @Operation("Page a conversation's messages in order")
  @ApiOkResponse({ type: MessagePage })
  @ApiErrors(400, 401, 404)
  messages(@CurrentLearner() userId: number, @Param('id', IdParam) id: number, @Query() query: MessageListQuery): Promise<MessagePage> {
    return this.conversations.listMessages(userId, id, query);
  }

  @Post('conversations/:id/interactions')
  @Operation('Record a learning interaction')
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
  @Operation("List the learner's interactions, newest first")
  @ApiOkResponse({ type: InteractionPageDto })
  @ApiErrors(400, 401)
  interactions(@CurrentLearner() userId: number, @Query() query: InteractionListQuery): Promise<InteractionPageDto> {
    return this.conversations.listInteractions(userId, query);
  }

  @Get('interactions/due')
  @Operation('Interactions due for review')
  @ApiOkResponse({ type: [InteractionDto], description: 'Due for review at or before `before`, earliest first' })
  @ApiErrors(400, 401)
  due(@CurrentLearner() userId: number, @Query() query: DueInteractionsQuery): Promise<InteractionDto[]> {
    return this.conversations.dueInteractions(userId, query);
  }
}
