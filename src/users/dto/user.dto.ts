import { ApiProperty, ApiPropertyOptional } from '../../common/swagger-optional';
import { Transform } from 'class-transformer';
import { IsEmail, IsOptional, IsString, Length, Matches, MaxLength } from 'class-validator';
import { IsJsonObjectParam } from '../../common/json-param';
import { IsJsonObject, parseJsonObjectParam } from '../../common/json-document';
import { CursorPage, Page, PageQuery } from '../../common/pagination';

const LANGUAGE = /^[a-z]{2,3}(-[A-Za-z0-9]{2,8})*$/;

export class RegisterUserDto {
  @ApiProperty({ example: 'ana@example.com' })
  @IsEmail()
  @MaxLength(120)
  email: string;

  @ApiProperty({ example: 'Ana' })
  @IsString()
  @Length(1, 100)
  @Matches(/\S/, { message: 'displayName must not be blank' })
  displayName: string;

  @ApiProperty({ example: 'en', description: 'BCP 47 language tag' })
  @IsString()
  @Matches(LANGUAGE, { message: 'nativeLanguage must be a language tag such as "en"' })
  @MaxLength(16)
  nativeLanguage: string;

  @ApiProperty({ example: 'es', description: 'BCP 47 language tag' })
  @IsString()
  @Matches(LANGUAGE, { message: 'targetLanguage must be a language tag such as "es"' })
  @MaxLength(16)
  targetLanguage: string;
}

export class ProfileDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true }) learningGoals: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true }) previousKnowledge: Record<string, unknown> | null;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true }) usageContext: Record<string, unknown> | null;
  @ApiProperty() updatedAt: string;
}

export class UserDto {
  @ApiProperty() id: number;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty() displayName: string;
  @ApiProperty({ nullable: true, type: String }) nativeLanguage: string | null;
  @ApiProperty({ nullable: true, type: String }) targetLanguage: string | null;
  @ApiProperty() createdAt: string;
}

export class UserWithProfileDto extends UserDto {
  @ApiProperty({ type: ProfileDto, nullable: true }) profile: ProfileDto | null;
}

/** PUT /me/profile: the documents are replaced whole; an omitted one becomes null. */
export class ReplaceProfileDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  @IsOptional()
  @IsJsonObject()
  learningGoals?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  @IsOptional()
  @IsJsonObject()
  previousKnowledge?: Record<string, unknown> | null;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true, nullable: true })
  @IsOptional()
  @IsJsonObject()
  usageContext?: Record<string, unknown> | null;
}

export class ProfileSearchQuery extends PageQuery {
  @ApiProperty({
    type: String,
    description: "A JSON object, as text (URL-encoded in the query string): the learner's learningGoals must contain it (`@>`)",
    example: '{"travel":true}',
  })
  @Transform(({ value }) => parseJsonObjectParam(value) ?? value)
  @IsJsonObjectParam()
  learningGoals: Record<string, unknown>;
}

export class LearningPathDto {
  @ApiProperty() id: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) pathData: Record<string, unknown>;
  @ApiProperty({ type: 'object', additionalProperties: true }) progressData: Record<string, unknown>;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class CreateLearningPathDto {
  @ApiProperty({ type: 'object', additionalProperties: true })
  @IsJsonObject()
  pathData: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsJsonObject()
  progressData?: Record<string, unknown>;
}

export class UpdateLearningPathDto {
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsJsonObject()
  pathData?: Record<string, unknown>;

  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  @IsOptional()
  @IsJsonObject()
  progressData?: Record<string, unknown>;
}

/** A page of the learner's learning paths, newest first (keyset): `nextCursor` is null on the last page. */
export class LearningPathPageDto implements CursorPage<LearningPathDto> {
  @ApiProperty({ type: [LearningPathDto] }) items: LearningPathDto[];
  @ApiProperty({ nullable: true, type: String, description: 'cursor for the next page; null at the end' }) nextCursor: string | null;
}

/** A page of learners whose learningGoals contain the document: `?page&perPage`, with the total. */
export class ProfileSearchPageDto implements Page<UserWithProfileDto> {
  @ApiProperty({ type: [UserWithProfileDto] }) items: UserWithProfileDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() pages: number;
}
