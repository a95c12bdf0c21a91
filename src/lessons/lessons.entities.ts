import { LessonSession } from './entities/lesson-session.entity';
import { LessonVersion } from './entities/lesson-version.entity';
import { Lesson } from './entities/lesson.entity';

export const LESSONS_ENTITIES = [Lesson, LessonVersion, LessonSession];
