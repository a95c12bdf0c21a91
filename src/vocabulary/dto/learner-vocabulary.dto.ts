import { ApiProperty, ApiPropertyOptional } from '../../common/swagger-optional';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, Max, Min } from 'class-validator';
import { CURSOR_QUERY_PARAMS, CursorQuery, MAX_PER_PAGE } from '../../common/pagination';
import { instanceOf, intParam, precheckQuery, queryFields } from '../../common/body-precheck';
import { CARD_STATES, CardStateName } from '../srs';
import { CategoryRefDto } from './catalogue.dto';
import { MAX_INT4 } from '../../common/id-param';

export class VocabularyWordDto {
  @ApiProperty() id: number;
  @ApiProperty() term: string;
  @ApiProperty() translation: string;
  @ApiProperty() difficultyLevel: number;
  @ApiProperty({ type: CategoryRefDto }) category: CategoryRefDto;
}

/** A word the learner is learning, with the learner's state for it. */
export class VocabularyItemDto {
  @ApiProperty() wordId: number;
  @ApiProperty({ type: VocabularyWordDto }) word: VocabularyWordDto;
  @ApiProperty({ minimum: 0, maximum: 5 }) masteryLevel: number;
  @ApiProperty() timesSeen: number;
  @ApiProperty() timesCorrect: number;
  @ApiProperty({ enum: CARD_STATES }) state: CardStateName;
  @ApiProperty() dueAt: string;
  @ApiProperty() stability: number;
  @ApiProperty() difficulty: number;
  @ApiProperty() reps: number;
  @ApiProperty() lapses: number;
  @ApiProperty({ nullable: true, type: String }) lastReviewedAt: string | null;
  @ApiProperty() createdAt: string;
}

export class VocabularyPageDto {
  @ApiProperty({ type: [VocabularyItemDto] }) items: VocabularyItemDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

export class DueListDto {
  @ApiProperty({ type: [VocabularyItemDto] }) items: VocabularyItemDto[];
}

export class MasteryCountDto {
  @ApiProperty() masteryLevel: number;
  @ApiProperty() count: number;
}

export class VocabularyStatsDto {
  @ApiProperty() total: number;
  @ApiProperty({ type: [MasteryCountDto], description: 'One entry per level 0–5' }) byMastery: MasteryCountDto[];
  @ApiProperty({ description: 'Words due for review now' }) dueNow: number;
  @ApiProperty({ nullable: true, type: String, description: 'When the next word not yet due becomes due' }) nextDueAt: string | null;
}

/** `GET /me/vocabulary?categoryId&mastery&limit&cursor` (ordered by word id). */
export class LearnerVocabularyQuery extends CursorQuery {
  @ApiPropertyOptional()
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_INT4)
  categoryId?: number;

  @ApiPropertyOptional({ minimum: 0, maximum: 5 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(5)
  mastery?: number;
}

export class DueQuery {
  @ApiPropertyOptional({ minimum: 1, maximum: MAX_PER_PAGE, default: 20 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(MAX_PER_PAGE)
  limit: number = 20;
}

/** The two queries' decorators written out (hot reads; see common/body-precheck.ts). */
const LEARNER_VOCABULARY_PARAMS = { ...CURSOR_QUERY_PARAMS, categoryId: intParam(1, MAX_INT4), mastery: intParam(0, 5) };
precheckQuery(LearnerVocabularyQuery, (query) => {
  const fields = queryFields(query, LEARNER_VOCABULARY_PARAMS);
  return fields && instanceOf(LearnerVocabularyQuery, fields);
});
const DUE_PARAMS = { limit: intParam(1, MAX_PER_PAGE) };
precheckQuery(DueQuery, (query) => {
  const fields = queryFields(query, DUE_PARAMS);
  return fields && instanceOf(DueQuery, fields);
});
