import { Body, Get, Param, Patch, Post, Put, Query, UseGuards } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse } from '../common/swagger-optional';
import { AuthorGuard, CurrentLearner, Public } from '../common/auth';
import { IdParam } from '../common/id-param';
import { ApiErrors } from '../common/openapi';
import { CursorPage, CursorQuery, Page } from '../common/pagination';
import {
  CreateLearningPathDto,
  LearningPathDto,
  ProfileDto,
  ProfileSearchQuery,
  RegisterUserDto,
  ReplaceProfileDto,
  UpdateLearningPathDto,
  UserDto,
  UserWithProfileDto,
} from './dto/user.dto';
import { UsersService } from './users.service';
import { LinguaController } from '../common/lingua-controller.decorator';

@LinguaController('', 'users')
export class UsersController {
  constructor(private readonly users: UsersService) {}

  @Public()
  @Post('users')
  @ApiCreatedResponse({ type: UserDto })
  @ApiErrors(400, 409)
  register(@Body() dto: RegisterUserDto): Promise<UserDto> {
    return this.users.register(dto);
  }

  @Get('me')
  @ApiOkResponse({ type: UserWithProfileDto })
  @ApiErrors(401, 404)
  me(@CurrentLearner() userId: number): Promise<UserWithProfileDto> {
    return this.users.getWithProfile(userId);
  }

  @Put('me/profile')
  @ApiOkResponse({ type: ProfileDto })
  @ApiErrors(400, 401, 409)
  replaceProfile(@CurrentLearner() userId: number, @Body() dto: ReplaceProfileDto): Promise<ProfileDto> {
    return this.users.replaceProfile(userId, dto);
  }

  @Get('me/learning-paths')
  @ApiOkResponse({ description: '{ items: LearningPath[], nextCursor }' })
  @ApiErrors(400, 401)
  listPaths(@CurrentLearner() userId: number, @Query() query: CursorQuery): Promise<CursorPage<LearningPathDto>> {
    return this.users.listLearningPaths(userId, query);
  }

  @Post('me/learning-paths')
  @ApiCreatedResponse({ type: LearningPathDto })
  @ApiErrors(400, 401, 409)
  createPath(@CurrentLearner() userId: number, @Body() dto: CreateLearningPathDto): Promise<LearningPathDto> {
    return this.users.createLearningPath(userId, dto);
  }

  @Patch('me/learning-paths/:id')
  @ApiOkResponse({ type: LearningPathDto })
  @ApiErrors(400, 401, 404)
  updatePath(@CurrentLearner() userId: number, @Param('id', IdParam) id: number, @Body() dto: UpdateLearningPathDto): Promise<LearningPathDto> {
    return this.users.updateLearningPath(userId, id, dto);
  }

  @Get('profiles/search')
  @UseGuards(AuthorGuard)
  @ApiOkResponse({ description: 'Page of learners whose learningGoals contain the document' })
  @ApiErrors(400, 401, 403)
  searchProfiles(@Query() query: ProfileSearchQuery): Promise<Page<UserWithProfileDto>> {
    return this.users.searchProfiles(query);
  }
}
