import { ApiProperty } from '../../common/swagger-optional';
import { IsIn, IsInt, isInt, IsUUID, isUUID, Max, Min } from 'class-validator';
import { exactFields, instanceOf, precheckBody } from '../../common/body-precheck';
import { CARD_STATES, CardStateName, ReviewRating } from '../../vocabulary/srs';

export class PracticeSessionDto {
  @ApiProperty() id: number;
  @ApiProperty() startedAt: string;
  @ApiProperty({ nullable: true, type: String }) finishedAt: string | null;
  @ApiProperty() totalQuestions: number;
  @ApiProperty() correctAnswers: number;
  @ApiProperty({ nullable: true, type: Number }) durationSeconds: number | null;
}

export class PracticeSessionPageDto {
  @ApiProperty({ type: [PracticeSessionDto] }) items: PracticeSessionDto[];
  @ApiProperty({ nullable: true, type: String }) nextCursor: string | null;
}

/** POST /me/practice-sessions takes no fields (unknown ones are rejected). */
export class StartSessionDto {}

export class SubmitAnswerDto {
  @ApiProperty({ format: 'uuid', description: 'Client-generated; a retry with the same id returns the first result' })
  @IsUUID()
  answerId: string;

  @ApiProperty()
  @IsInt()
  @Min(1)
  @Max(2_147_483_647)
  wordId: number;

  @ApiProperty({ enum: [1, 2, 3, 4], description: '1 again, 2 hard, 3 good, 4 easy' })
  @IsIn([1, 2, 3, 4])
  rating: ReviewRating;

  @ApiProperty({ minimum: 0 })
  @IsInt()
  @Min(0)
  @Max(86_400_000)
  responseMs: number;
}

export class ReviewedCardDto {
  @ApiProperty({ enum: CARD_STATES }) state: CardStateName;
  @ApiProperty() dueAt: string;
  @ApiProperty() stability: number;
  @ApiProperty() difficulty: number;
  @ApiProperty() masteryLevel: number;
}

export class AnswerResultDto {
  @ApiProperty() answerId: string;
  @ApiProperty() sessionId: number;
  @ApiProperty() wordId: number;
  @ApiProperty() rating: number;
  @ApiProperty({ description: 'rating ≥ 2 (hard, good, easy)' }) correct: boolean;
  @ApiProperty() responseMs: number;
  @ApiProperty() answeredAt: string;
  @ApiProperty({ type: ReviewedCardDto, description: "The learner's card for the word after this answer" }) card: ReviewedCardDto;
}

const ANSWER_FIELDS = ['answerId', 'wordId', 'rating', 'responseMs'] as const;
const RATINGS: readonly unknown[] = [1, 2, 3, 4];
const intIn = (v: unknown, min: number, max: number) => isInt(v) && (v as number) >= min && (v as number) <= max;

/** SubmitAnswerDto's decorators written out (the answer is the hottest write; see common/body-precheck.ts). */
precheckBody(SubmitAnswerDto, (body) => {
  const b = exactFields(body, ANSWER_FIELDS);
  if (!b || !isUUID(b.answerId) || !intIn(b.wordId, 1, 2_147_483_647) || !RATINGS.includes(b.rating) || !intIn(b.responseMs, 0, 86_400_000))
    return undefined;
  return instanceOf(SubmitAnswerDto, {
    answerId: b.answerId as string,
    wordId: b.wordId as number,
    rating: b.rating as ReviewRating,
    responseMs: b.responseMs as number,
  });
});
