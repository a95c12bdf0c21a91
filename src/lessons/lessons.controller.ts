import { Get, Patch, Post, UseGuards } from '@nestjs/common';
import { Body, Param, Query } from '../common/request-params';
import { ApiCreatedResponse, ApiOkResponse } from '../common/swagger-optional';
import { AuthorGuard, CurrentLearner } from '../common/auth';
import { IdParam } from '../common/id-param';
import { ApiErrors, Operation } from '../common/openapi';
import { PageQuery } from '../common/pagination';
import {
  CompileLessonDto,
  CreateLessonDto,
  LessonDetailDto,
  LessonDto,
  LessonListQuery,
  LessonPageDto,
  LessonSessionDto,
  LessonSessionListQuery,
  LessonSessionPageDto,
  LessonVersionDto,
  LessonVersionPageDto,
  StartLessonSessionDto,
  UpdateLessonSessionDto,
} from './dto/lesson.dto';
import { LessonSessionsService } from './lesson-sessions.service';
import { LessonsService } from './lessons.service';
import { LinguaController } from '../common/lingua-controller.decorator';

@LinguaController('lessons', 'lessons')
export class LessonsController {
  constructor(private readonly lessons: LessonsService) {}

  @Post()
  @Operation('Create a lesson (author)')
  @UseGuards(AuthorGuard)
  @ApiCreatedResponse({ type: LessonDto })
  @ApiErrors(400, 401, 403, 409)
  create(@Body() dto: CreateLessonDto): Promise<LessonDto> {
    return this.lessons.create(dto);
  }

  @Get()
  @Operation('Page the lessons, newest first')
  @ApiOkResponse({ type: LessonPageDto, description: 'Newest first; cached' })
  @ApiErrors(400, 401)
  list(@Query() query: LessonListQuery): Promise<LessonPageDto> {
    return this.lessons.list(query);
  }

  @Get(':id')
  @Operation('A lesson with its latest version')
  @ApiOkResponse({ type: LessonDetailDto })
  @ApiErrors(400, 401, 404)
  get(@Param('id', IdParam) id: number): Promise<LessonDetailDto> {
    return this.lessons.get(id);
  }

  @Post(':id/versions')
  @Operation('Compile a new lesson version (author)')
  @UseGuards(AuthorGuard)
  @ApiCreatedResponse({ type: LessonVersionDto, description: 'Compiled; a rejected plan answers 400 and leaves the lesson failed' })
  @ApiErrors(400, 401, 403, 404)
  compile(@Param('id', IdParam) id: number, @Body() dto: CompileLessonDto): Promise<LessonVersionDto> {
    return this.lessons.compile(id, dto);
  }

  @Get(':id/versions')
  @Operation("Page a lesson's versions, newest first")
  @ApiOkResponse({ type: LessonVersionPageDto })
  @ApiErrors(400, 401, 404)
  versions(@Param('id', IdParam) id: number, @Query() query: PageQuery): Promise<LessonVersionPageDto> {
    return this.lessons.listVersions(id, query);
  }

  @Get(':id/versions/:version')
  @Operation('One version of a lesson')
  @ApiOkResponse({ type: LessonVersionDto })
  @ApiErrors(400, 401, 404)
  version(@Param('id', IdParam) id: number, @Param('version', IdParam) version: number): Promise<LessonVersionDto> {
    return this.lessons.getVersion(id, version);
  }
}

@LinguaController('me/lesson-sessions', 'lessons')
export class LessonSessionsController {
  constructor(private readonly sessions: LessonSessionsService) {}

  @Post()
  @Operation('Start a lesson session')
  @ApiCreatedResponse({ type: LessonSessionDto })
  @ApiErrors(400, 401, 404, 409)
  start(@CurrentLearner() userId: number, @Body() dto: StartLessonSessionDto): Promise<LessonSessionDto> {
    return this.sessions.start(userId, dto);
  }

  @Get()
  @Operation("List the learner's lesson sessions, newest first")
  @ApiOkResponse({ type: LessonSessionPageDto })
  @ApiErrors(400, 401)
  list(@CurrentLearner() userId: number, @Query() query: LessonSessionListQuery): Promise<LessonSessionPageDto> {
    return this.sessions.list(userId, query);
  }

  @Patch(':id')
  @Operation("Update a lesson session's status or score")
  @ApiOkResponse({ type: LessonSessionDto })
  @ApiErrors(400, 401, 404, 409)
  update(
    @CurrentLearner() userId: number,
    @Param('id', IdParam) id: number,
    @Body() dto: UpdateLessonSessionDto,
  ): Promise<LessonSessionDto> {
    return this.sessions.update(userId, id, dto);
  }
}
