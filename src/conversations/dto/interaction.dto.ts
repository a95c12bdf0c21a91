import { ApiProperty, ApiPropertyOptional } from '../../common/swagger-optional';
import { Transform, Type } from 'class-transformer';
import { IsDate, IsIn, IsInt, IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { IsJsonObject, parseJsonObjectParam } from '../../common/json-document';
import { CursorPage, CursorQuery, MAX_PER_PAGE } from '../../common/pagination';
import { INTERACTION_TYPES, InteractionType } from '../entities/conversation-interaction.entity';
import { IsJsonObjectParam } from '../../common/json-param';

export class InteractionDto {
  @ApiProperty() id: number;
  @ApiProperty({ nullable: true, type: Number }) conversationId: number | null;
  @ApiProperty({ nullable: true, type: Number }) messageId: number | null;
  @ApiProperty({ nullable: true, type: String }) conceptId: string | null;
  @ApiProperty({ enum: INTERACTION_TYPES }) interactionType: InteractionType;
  @ApiProperty({ nullable: true, type: Number }) masteryLevel: number | null;
  @ApiProperty({ nullable: true, type: Number }) confidenceSelfReported: number | null;
  @ApiProperty({ nullable: true, type: String }) nextReviewDate: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true }) metadata: Record<string, unknown>;
  @ApiProperty() createdAt: string;
}

export class CreateInteractionDto {
  @ApiProperty({ enum: INTERACTION_TYPES })
  @IsIn(INTERACTION_TYPES)
  interactionType: InteractionType;

  @ApiPropertyOptional({ description: 'A message of this conversation the interaction is about' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  messageId?: number;

  @ApiPropertyOptional({ maxLength: 100, example: 'es.grammar.subjunctive' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  conceptId?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: 5 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  masteryLevel?: number;

  @ApiPropertyOptional({ minimum: 1, maximum: 5 })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(5)
  confidenceSelfReported?: number;

  @ApiPropertyOptional({ format: 'date-time' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  nextReviewDate?: Date;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsJsonObject()
  metadata?: Record<string, unknown>;
}

export class InteractionListQuery extends CursorQuery {
  @ApiPropertyOptional({ maxLength: 100 })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  conceptId?: string;

  @ApiPropertyOptional({
    type: String,
    description: 'A JSON object, as text (URL-encoded in the query string): the metadata must contain it (`@>`)',
    example: '{"source":"tutor"}',
  })
  @IsOptional()
  @Transform(({ value }) => parseJsonObjectParam(value) ?? value)
  @IsJsonObjectParam()
  metadata?: Record<string, unknown>;
}

export class DueInteractionsQuery {
  @ApiPropertyOptional({ format: 'date-time', description: 'Due at or before this time (default: now)' })
  @IsOptional()
  @Type(() => Date)
  @IsDate()
  before?: Date;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PER_PAGE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PER_PAGE)
  limit: number = 20;
}

/** A page of the learner's interactions, newest first (keyset): `nextCursor` is null on the last page. */
export class InteractionPageDto implements CursorPage<InteractionDto> {
  @ApiProperty({ type: [InteractionDto] }) items: InteractionDto[];
  @ApiProperty({ nullable: true, type: String, description: 'cursor for the next page; null at the end' }) nextCursor: string | null;
}
