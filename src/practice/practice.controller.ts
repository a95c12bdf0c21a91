import { Get, HttpCode, Post } from '@nestjs/common';
import { Body, Param, Query } from '../common/request-params';
import { ApiCreatedResponse, ApiOkResponse } from '../common/swagger-optional';
import { CurrentLearner } from '../common/auth';
import { IdParam } from '../common/id-param';
import { ApiErrors, Operation } from '../common/openapi';
import { CursorPage, CursorQuery } from '../common/pagination';
import { AnswerResultDto, PracticeSessionDto, PracticeSessionPageDto, StartSessionDto, SubmitAnswerDto } from './dto/practice.dto';
import { PracticeService } from './practice.service';
import { LinguaController } from '../common/lingua-controller.decorator';

@LinguaController('me/practice-sessions', 'practice')
export class PracticeController {
  constructor(private readonly practice: PracticeService) {}

  @Post()
  @Operation('Start a practice session')
  @ApiCreatedResponse({ type: PracticeSessionDto })
  @ApiErrors(400, 401, 409)
  start(@CurrentLearner() userId: number, @Body() _dto: StartSessionDto): Promise<PracticeSessionDto> {
    return this.practice.start(userId);
  }

  @Get()
  @Operation("List the learner's practice sessions, newest first")
  @ApiOkResponse({ type: PracticeSessionPageDto })
  @ApiErrors(400, 401)
  list(@CurrentLearner() userId: number, @Query() query: CursorQuery): Promise<CursorPage<PracticeSessionDto>> {
    return this.practice.list(userId, query);
  }

  @Get(':id')
  @Operation('A practice session')
  @ApiOkResponse({ type: PracticeSessionDto })
  @ApiErrors(400, 401, 404)
  get(@CurrentLearner() userId: number, @Param('id', IdParam) id: number): Promise<PracticeSessionDto> {
    return this.practice.get(userId, id);
  }

  @Post(':id/answers')
  @Operation('Answer a question (idempotent by answerId)')
  @ApiCreatedResponse({ type: AnswerResultDto, description: 'Also for a retried answerId: the first result, counted once' })
  @ApiErrors(400, 401, 404, 409)
  answer(@CurrentLearner() userId: number, @Param('id', IdParam) id: number, @Body() dto: SubmitAnswerDto): Promise<AnswerResultDto> {
    return this.practice.answer(userId, id, dto);
  }

  @Post(':id/finish')
  @Operation('Finish a practice session')
  @HttpCode(200)
  @ApiOkResponse({ type: PracticeSessionDto })
  @ApiErrors(400, 401, 404)
  finish(@CurrentLearner() userId: number, @Param('id', IdParam) id: number): Promise<PracticeSessionDto> {
    return this.practice.finish(userId, id);
  }
}
