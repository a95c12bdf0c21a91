import { Delete, Get, HttpCode, Param, Put, Query, Res } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse } from '../common/swagger-optional';
import { CurrentLearner } from '../common/auth';
import { IdParam } from '../common/id-param';
import { ApiErrors } from '../common/openapi';
import { CursorPage } from '../common/pagination';
import { DueListDto, DueQuery, LearnerVocabularyQuery, VocabularyItemDto, VocabularyPageDto, VocabularyStatsDto } from './dto/learner-vocabulary.dto';
import { VocabularyService } from './vocabulary.service';
import { LinguaController } from '../common/lingua-controller.decorator';

/** `status(code)` exists on both Express's response and Fastify's reply. */
interface StatusSettable {
  status(code: number): unknown;
}

@LinguaController('me/vocabulary', 'vocabulary')
export class VocabularyController {
  constructor(private readonly vocabulary: VocabularyService) {}

  @Get()
  @ApiOkResponse({ type: VocabularyPageDto })
  @ApiErrors(400, 401)
  list(@CurrentLearner() userId: number, @Query() query: LearnerVocabularyQuery): Promise<CursorPage<VocabularyItemDto>> {
    return this.vocabulary.list(userId, query);
  }

  @Get('due')
  @ApiOkResponse({ type: DueListDto })
  @ApiErrors(400, 401)
  due(@CurrentLearner() userId: number, @Query() query: DueQuery): Promise<DueListDto> {
    return this.vocabulary.due(userId, query.limit);
  }

  @Get('stats')
  @ApiOkResponse({ type: VocabularyStatsDto })
  @ApiErrors(401)
  stats(@CurrentLearner() userId: number): Promise<VocabularyStatsDto> {
    return this.vocabulary.stats(userId);
  }

  @Put(':wordId')
  @ApiOkResponse({ type: VocabularyItemDto, description: '201 when the learner starts learning the word, 200 when already learning it' })
  @ApiErrors(400, 401, 409)
  async start(
    @CurrentLearner() userId: number,
    @Param('wordId', IdParam) wordId: number,
    @Res({ passthrough: true }) res: StatusSettable,
  ): Promise<VocabularyItemDto> {
    const { created, item } = await this.vocabulary.startLearning(userId, wordId);
    res.status(created ? 201 : 200);
    return item;
  }

  @Delete(':wordId')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors(400, 401, 404)
  stop(@CurrentLearner() userId: number, @Param('wordId', IdParam) wordId: number): Promise<void> {
    return this.vocabulary.stopLearning(userId, wordId);
  }
}
