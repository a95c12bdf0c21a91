import { Module } from '@nestjs/common';
import { linguaRepositories } from '../database/lingua-repositories';
import { LessonSessionsRepository } from './lesson-sessions.repository';
import { LessonSessionsService } from './lesson-sessions.service';
import { LessonsCache } from './lessons.cache';
import { LESSONS_ENTITIES } from './lessons.entities';
import { LessonsRepository } from './lessons.repository';
import { LessonsService } from './lessons.service';

/** Lessons, compiled versions and lesson sessions: provides and exports the services; mounts no route. */
@Module({
  providers: [...linguaRepositories(LESSONS_ENTITIES), LessonsRepository, LessonSessionsRepository, LessonsCache, LessonsService, LessonSessionsService],
  exports: [LessonsService, LessonSessionsService],
})
export class LessonsModule {}
