import { Delete, Get, HttpCode, Put, Res } from '@nestjs/common';
import { Param, Query } from '../common/request-params';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse } from '../common/swagger-optional';
import { CurrentLearner } from '../common/auth';
import { IdParam } from '../common/id-param';
import { ApiErrors, Operation } from '../common/openapi';
import { CursorPage } from '../common/pagination';
import {
  DueListDto,
  DueQuery,
  LearnerVocabularyQuery,
  VocabularyItemDto,
  VocabularyPageDto,
  VocabularyStatsDto,
} from './dto/learner-vocabulary.dto';
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
  @Operation('List the words the learner is learning')
  @ApiOkResponse({ type: VocabularyPageDto })
  @ApiErrors(400, 401)
  list(@CurrentLearner() userId: number, @Query() query: LearnerVocabularyQuery): Promise<CursorPage<VocabularyItemDto>> {
    return this.vocabulary.list(userId, query);
  }

  @Get('due')
  @Operation("The learner's review queue, earliest due first")
  @ApiOkResponse({ type: DueListDto })
  @ApiErrors(400, 401)
  due(@CurrentLearner() userId: number, @Query() query: DueQuery): Promise<DueListDto> {
    return this.vocabulary.due(userId, query.limit);
  }

  @Get('stats')
  @Operation("The learner's totals by mastery level and due now")
  @ApiOkResponse({ type: VocabularyStatsDto })
  @ApiErrors(401)
  stats(@CurrentLearner() userId: number): Promise<VocabularyStatsDto> {
    return this.vocabulary.stats(userId);
  }

  @Put(':wordId')
  @Operation('Start learning a word (idempotent)')
  @ApiCreatedResponse({ type: VocabularyItemDto, description: 'The learner started learning the word' })
  @ApiOkResponse({ type: VocabularyItemDto, description: 'The learner was already learning it (nothing changed)' })
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
  @Operation('Stop learning a word')
  @HttpCode(204)
  @ApiNoContentResponse()
  @ApiErrors(400, 401, 404)
  stop(@CurrentLearner() userId: number, @Param('wordId', IdParam) wordId: number): Promise<void> {
    return this.vocabulary.stopLearning(userId, wordId);
  }
}
