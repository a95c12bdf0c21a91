import { ApiProperty, ApiPropertyOptional } from '../../common/swagger-optional';
import { Transform, Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, length, Max, Min } from 'class-validator';
import { exactFields, instanceOf, intParam, precheckBody, precheckQuery, queryFields } from '../../common/body-precheck';
import { IsJsonObject, parseJsonObjectParam } from '../../common/json-document';
import { CursorPage, CursorQuery, MAX_PER_PAGE } from '../../common/pagination';
import { CONVERSATION_STATUSES, ConversationStatus, SESSION_TYPES, SessionType } from '../entities/conversation-session.entity';
import { MESSAGE_ROLES, MessageRole } from '../entities/conversation-message.entity';
import { IsJsonObjectParam } from '../../common/json-param';

export class ConversationDto {
  @ApiProperty() id: number;
  @ApiProperty({ enum: SESSION_TYPES }) sessionType: SessionType;
  @ApiProperty({ enum: CONVERSATION_STATUSES }) status: ConversationStatus;
  @ApiProperty({ type: 'object', additionalProperties: true }) conversationContext: Record<string, unknown>;
  @ApiProperty({ description: 'Number of messages (the order of the last one)' }) messageCount: number;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class CreateConversationDto {
  @ApiProperty({ enum: SESSION_TYPES })
  @IsIn(SESSION_TYPES)
  sessionType: SessionType;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsJsonObject()
  conversationContext?: Record<string, unknown>;
}

/** Status moves between active and paused, or ends as completed/abandoned; the context is replaced whole. */
export class UpdateConversationDto {
  @ApiPropertyOptional({ enum: CONVERSATION_STATUSES })
  @IsOptional()
  @IsIn(CONVERSATION_STATUSES)
  status?: ConversationStatus;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsJsonObject()
  conversationContext?: Record<string, unknown>;
}

export class ConversationListQuery extends CursorQuery {
  @ApiPropertyOptional({ enum: CONVERSATION_STATUSES })
  @IsOptional()
  @IsIn(CONVERSATION_STATUSES)
  status?: ConversationStatus;

  @ApiPropertyOptional({ enum: SESSION_TYPES })
  @IsOptional()
  @IsIn(SESSION_TYPES)
  sessionType?: SessionType;

  @ApiPropertyOptional({
    type: String,
    description: 'A JSON object, as text (URL-encoded in the query string): the conversationContext must contain it (`@>`)',
    example: '{"topic":"travel"}',
  })
  @IsOptional()
  @Transform(({ value }) => parseJsonObjectParam(value) ?? value)
  @IsJsonObjectParam()
  context?: Record<string, unknown>;
}

export class MessageDto {
  @ApiProperty() id: number;
  @ApiProperty() conversationId: number;
  @ApiProperty({ enum: MESSAGE_ROLES }) role: MessageRole;
  @ApiProperty() content: string;
  @ApiProperty() messageOrder: number;
  @ApiProperty() createdAt: string;
}

export class AppendMessageDto {
  @ApiProperty({ enum: MESSAGE_ROLES })
  @IsIn(MESSAGE_ROLES)
  role: MessageRole;

  @ApiProperty({ maxLength: 20_000 })
  @IsString()
  @Length(1, 20_000)
  content: string;
}

const MESSAGE_FIELDS = ['role', 'content'] as const;
const ROLES: readonly unknown[] = MESSAGE_ROLES;

/** AppendMessageDto's decorators written out (a hot write; see common/body-precheck.ts). */
precheckBody(AppendMessageDto, (body) => {
  const b = exactFields(body, MESSAGE_FIELDS);
  if (!b || !ROLES.includes(b.role) || typeof b.content !== 'string' || !length(b.content, 1, 20_000)) return undefined;
  return instanceOf(AppendMessageDto, { role: b.role as MessageRole, content: b.content });
});

export class MessageListQuery {
  @ApiPropertyOptional({ minimum: 0, default: 0, description: 'Return messages with messageOrder greater than this' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(2_147_483_647)
  afterOrder: number = 0;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PER_PAGE, default: 50 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PER_PAGE)
  limit: number = 50;
}

/** MessageListQuery's decorators written out (a hot read; see common/body-precheck.ts). */
const MESSAGE_LIST_PARAMS = { afterOrder: intParam(0, 2_147_483_647), limit: intParam(1, MAX_PER_PAGE) };
precheckQuery(MessageListQuery, (query) => {
  const fields = queryFields(query, MESSAGE_LIST_PARAMS);
  return fields && instanceOf(MessageListQuery, fields);
});

export class MessagePage {
  @ApiProperty({ type: [MessageDto] }) items: MessageDto[];
  @ApiProperty({ nullable: true, type: Number, description: 'afterOrder for the next page; null at the end' }) nextAfterOrder:
    number | null;
}

/** A page of the learner's conversations, newest first (keyset): `nextCursor` is null on the last page. */
export class ConversationPageDto implements CursorPage<ConversationDto> {
  @ApiProperty({ type: [ConversationDto] }) items: ConversationDto[];
  @ApiProperty({ nullable: true, type: String, description: 'cursor for the next page; null at the end' }) nextCursor: string | null;
}
