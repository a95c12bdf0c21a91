import { Module } from '@nestjs/common';
import { TypeOrmModule } from '@nestjs/typeorm';
import { LessonSessionsRepository } from './lesson-sessions.repository';
import { LessonSessionsService } from './lesson-sessions.service';
import { LessonsCache } from './lessons.cache';
import { LessonSessionsController, LessonsController } from './lessons.controller';
import { LESSONS_ENTITIES } from './lessons.entities';
import { LessonsRepository } from './lessons.repository';
import { LessonsService } from './lessons.service';

@Module({
  imports: [TypeOrmModule.forFeature(LESSONS_ENTITIES)],
  controllers: [LessonsController, LessonSessionsController],
  providers: [LessonsRepository, LessonSessionsRepository, LessonsCache, LessonsService, LessonSessionsService],
  exports: [LessonsService, LessonSessionsService],
})
export class LessonsModule {}
