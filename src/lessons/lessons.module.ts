import { Module } from '@nestjs/common';
import { LessonSessionsRepository } from './lesson-sessions.repository';
import { LessonSessionsService } from './lesson-sessions.service';
import { LessonsCache } from './lessons.cache';
import { LessonsRepository } from './lessons.repository';
import { LessonsService } from './lessons.service';

/** Lessons, compiled versions and lesson sessions: provides and exports the services; mounts no route. */
@Module({
  providers: [LessonsRepository, LessonSessionsRepository, LessonsCache, LessonsService, LessonSessionsService],
  exports: [LessonsService, LessonSessionsService],
})
export class LessonsModule {}
