import { Get, Patch, Post, Put, UseGuards } from '@nestjs/common';
import { Body, Param, Query } from '../common/request-params';
import { ApiCreatedResponse, ApiOkResponse } from '../common/swagger-optional';
import { AuthorGuard, CurrentLearner, Public } from '../common/auth';
import { IdParam } from '../common/id-param';
import { ApiErrors, Operation } from '../common/openapi';
import { CursorQuery } from '../common/pagination';
import {
  CreateLearningPathDto,
  LearningPathDto,
  LearningPathPageDto,
  ProfileDto,
  ProfileSearchPageDto,
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
  @Operation('Register a learner', { publicRoute: true })
  @ApiCreatedResponse({ type: UserDto })
  @ApiErrors(400, 409)
  register(@Body() dto: RegisterUserDto): Promise<UserDto> {
    return this.users.register(dto);
  }

  @Get('me')
  @Operation('The learner, with their profile')
  @ApiOkResponse({ type: UserWithProfileDto })
  @ApiErrors(401, 404)
  me(@CurrentLearner() userId: number): Promise<UserWithProfileDto> {
    return this.users.getWithProfile(userId);
  }

  @Put('me/profile')
  @Operation("Replace the learner's profile documents")
  @ApiOkResponse({ type: ProfileDto })
  @ApiErrors(400, 401, 409)
  replaceProfile(@CurrentLearner() userId: number, @Body() dto: ReplaceProfileDto): Promise<ProfileDto> {
    return this.users.replaceProfile(userId, dto);
  }

  @Get('me/learning-paths')
  @Operation("List the learner's learning paths")
  @ApiOkResponse({ type: LearningPathPageDto })
  @ApiErrors(400, 401)
  listPaths(@CurrentLearner() userId: number, @Query() query: CursorQuery): Promise<LearningPathPageDto> {
    return this.users.listLearningPaths(userId, query);
  }

  @Post('me/learning-paths')
  @Operation('Create a learning path')
  @ApiCreatedResponse({ type: LearningPathDto })
  @ApiErrors(400, 401, 409)
  createPath(@CurrentLearner() userId: number, @Body() dto: CreateLearningPathDto): Promise<LearningPathDto> {
    return this.users.createLearningPath(userId, dto);
  }

  @Patch('me/learning-paths/:id')
  @Operation('Update a learning path')
  @ApiOkResponse({ type: LearningPathDto })
  @ApiErrors(400, 401, 404)
  updatePath(
    @CurrentLearner() userId: number,
    @Param('id', IdParam) id: number,
    @Body() dto: UpdateLearningPathDto,
  ): Promise<LearningPathDto> {
    return this.users.updateLearningPath(userId, id, dto);
  }

  @Get('profiles/search')
  @Operation('Search learners by learning goals (author)')
  @UseGuards(AuthorGuard)
  @ApiOkResponse({ type: ProfileSearchPageDto })
  @ApiErrors(400, 401, 403)
  searchProfiles(@Query() query: ProfileSearchQuery): Promise<ProfileSearchPageDto> {
    return this.users.searchProfiles(query);
  }
}
