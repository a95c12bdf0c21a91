import { ApiProperty, ApiPropertyOptional } from '../../common/swagger-optional';
import { Transform } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min } from 'class-validator';
import { IsJsonObject, parseJsonObjectParam } from '../../common/json-document';
import { CursorPage, CursorQuery, Page, PageQuery } from '../../common/pagination';
import { IsJsonObjectParam } from '../../common/json-param';
import { LESSON_STATUSES, LessonStatus } from '../entities/lesson.entity';
import { LESSON_SESSION_STATUSES, LessonSessionStatus } from '../entities/lesson-session.entity';
import { MAX_INT4 } from '../../common/id-param';

export class LessonDto {
  @ApiProperty() id: number;
  @ApiProperty() title: string;
  @ApiProperty({ nullable: true, type: String }) canDo: string | null;
  @ApiProperty({ enum: LESSON_STATUSES }) status: LessonStatus;
  @ApiProperty({ nullable: true, type: Number, description: 'Number of the latest compiled version' }) latestVersion: number | null;
  @ApiProperty() createdAt: string;
  @ApiProperty() updatedAt: string;
}

export class LessonDetailDto extends LessonDto {
  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: "The latest version's compiled plan" })
  lessonPlan: Record<string, unknown> | null;
}

export class CreateLessonDto {
  @ApiProperty({ maxLength: 255 })
  @IsString()
  @Length(1, 255)
  @Matches(/\S/, { message: 'title must not be blank' })
  title: string;

  @ApiPropertyOptional({ example: 'I can order food in a restaurant' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  canDo?: string;
}

export class LessonListQuery extends PageQuery {
  @ApiPropertyOptional({ enum: LESSON_STATUSES })
  @IsOptional()
  @IsIn(LESSON_STATUSES)
  status?: LessonStatus;

  @ApiPropertyOptional({
    type: String,
    description: "A JSON object, as text (URL-encoded in the query string): the latest version's lessonPlan must contain it (`@>`)",
    example: '{"level":"A2"}',
  })
  @IsOptional()
  @Transform(({ value }) => parseJsonObjectParam(value) ?? value)
  @IsJsonObjectParam()
  plan?: Record<string, unknown>;
}

export class LessonVersionDto {
  @ApiProperty() id: number;
  @ApiProperty() lessonId: number;
  @ApiProperty() version: number;
  @ApiProperty({ type: 'object', additionalProperties: true }) lessonPlan: Record<string, unknown>;
  @ApiProperty() createdAt: string;
}

/** The plan is checked by the compiler (lesson-plan.compiler.ts), not here: a rejected plan marks the lesson failed. */
export class CompileLessonDto {
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    example: {
      level: 'A2',
      objectives: ['Order food'],
      steps: [{ id: 'intro', type: 'presentation', title: 'Menu words', durationMinutes: 5 }],
    },
  })
  @IsJsonObject()
  lessonPlan: Record<string, unknown>;
}

export class LessonSessionDto {
  @ApiProperty() id: number;
  @ApiProperty() lessonId: number;
  @ApiProperty() lessonTitle: string;
  @ApiProperty({ nullable: true, type: Number }) lessonVersionId: number | null;
  @ApiProperty({ nullable: true, type: Number }) version: number | null;
  @ApiProperty({ enum: LESSON_SESSION_STATUSES }) status: LessonSessionStatus;
  @ApiProperty({ nullable: true, type: Number }) score: number | null;
  @ApiProperty() startedAt: string;
  @ApiProperty({ nullable: true, type: String }) completedAt: string | null;
}

export class StartLessonSessionDto {
  @ApiProperty()
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  lessonId: number;

  @ApiPropertyOptional({ description: 'Version to take (default: the latest)' })
  @IsOptional()
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  version?: number;
}

/** Only an in-progress session changes; completing it stamps completedAt. */
export class UpdateLessonSessionDto {
  @ApiPropertyOptional({ enum: LESSON_SESSION_STATUSES })
  @IsOptional()
  @IsIn(LESSON_SESSION_STATUSES)
  status?: LessonSessionStatus;

  @ApiPropertyOptional({ minimum: 0, maximum: 100 })
  @IsOptional()
  @IsInt()
  @Min(0)
  @Max(100)
  score?: number;
}

export class LessonSessionListQuery extends CursorQuery {
  @ApiPropertyOptional({ enum: LESSON_SESSION_STATUSES })
  @IsOptional()
  @IsIn(LESSON_SESSION_STATUSES)
  status?: LessonSessionStatus;
}

/** A page of lessons, newest first: `?page&perPage`, with the total. */
export class LessonPageDto implements Page<LessonDto> {
  @ApiProperty({ type: [LessonDto] }) items: LessonDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() pages: number;
}

/** A page of a lesson's versions, newest first: `?page&perPage`, with the total. */
export class LessonVersionPageDto implements Page<LessonVersionDto> {
  @ApiProperty({ type: [LessonVersionDto] }) items: LessonVersionDto[];
  @ApiProperty() total: number;
  @ApiProperty() page: number;
  @ApiProperty() perPage: number;
  @ApiProperty() pages: number;
}

/** A page of the learner's lesson sessions, newest first (keyset): `nextCursor` is null on the last page. */
export class LessonSessionPageDto implements CursorPage<LessonSessionDto> {
  @ApiProperty({ type: [LessonSessionDto] }) items: LessonSessionDto[];
  @ApiProperty({ nullable: true, type: String, description: 'cursor for the next page; null at the end' }) nextCursor: string | null;
}
