import { Body, Get, Param, Patch, Post, Query, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '../common/swagger-optional';
import { AuthorGuard, CurrentLearner } from '../common/auth';
import { IdParam } from '../common/id-param';
import { ApiErrors } from '../common/openapi';
import { CursorPage, Page, PageQuery } from '../common/pagination';
import {
  CompileLessonDto,
  CreateLessonDto,
  LessonDetailDto,
  LessonDto,
  LessonListQuery,
  LessonSessionDto,
  LessonSessionListQuery,
  LessonVersionDto,
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
  @UseGuards(AuthorGuard)
  @ApiCreatedResponse({ type: LessonDto })
  @ApiErrors(400, 401, 403, 409)
  create(@Body() dto: CreateLessonDto): Promise<LessonDto> {
    return this.lessons.create(dto);
  }

  @Get()
  @ApiOkResponse({ description: '{ items: Lesson[], total, page, perPage, pages }, newest first; cached' })
  @ApiErrors(400, 401)
  list(@Query() query: LessonListQuery): Promise<Page<LessonDto>> {
    return this.lessons.list(query);
  }

  @Get(':id')
  @ApiOkResponse({ type: LessonDetailDto })
  @ApiErrors(400, 401, 404)
  get(@Param('id', IdParam) id: number): Promise<LessonDetailDto> {
    return this.lessons.get(id);
  }

  @Post(':id/versions')
  @UseGuards(AuthorGuard)
  @ApiCreatedResponse({ type: LessonVersionDto, description: 'Compiled; a rejected plan answers 400 and leaves the lesson failed' })
  @ApiErrors(400, 401, 403, 404)
  compile(@Param('id', IdParam) id: number, @Body() dto: CompileLessonDto): Promise<LessonVersionDto> {
    return this.lessons.compile(id, dto);
  }

  @Get(':id/versions')
  @ApiOkResponse({ description: '{ items: LessonVersion[], total, page, perPage, pages }, newest first' })
  @ApiErrors(400, 401, 404)
  versions(@Param('id', IdParam) id: number, @Query() query: PageQuery): Promise<Page<LessonVersionDto>> {
    return this.lessons.listVersions(id, query);
  }

  @Get(':id/versions/:version')
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
  @ApiCreatedResponse({ type: LessonSessionDto })
  @ApiErrors(400, 401, 404, 409)
  start(@CurrentLearner() userId: number, @Body() dto: StartLessonSessionDto): Promise<LessonSessionDto> {
    return this.sessions.start(userId, dto);
  }

  @Get()
  @ApiOkResponse({ description: '{ items: LessonSession[], nextCursor }, newest first' })
  @ApiErrors(400, 401)
  list(@CurrentLearner() userId: number, @Query() query: LessonSessionListQuery): Promise<CursorPage<LessonSessionDto>> {
    return this.sessions.list(userId, query);
  }

  @Patch(':id')
  @ApiOkResponse({ type: LessonSessionDto })
  @ApiErrors(400, 401, 404, 409)
  update(@CurrentLearner() userId: number, @Param('id', IdParam) id: number, @Body() dto: UpdateLessonSessionDto): Promise<LessonSessionDto> {
    return this.sessions.update(userId, id, dto);
  }
}
