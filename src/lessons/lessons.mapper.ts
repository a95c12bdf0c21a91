import { iso } from '../common/dates';
import { LessonDetailDto, LessonDto, LessonSessionDto, LessonVersionDto } from './dto/lesson.dto';
import { LessonVersion } from './entities/lesson-version.entity';
import { Lesson } from './entities/lesson.entity';
import { LessonSessionRow } from './lesson-sessions.repository';
import { LessonDetailRow, LessonRow } from './lessons.repository';

export const toLessonDto = (l: LessonRow | Lesson): LessonDto => ({
  id: l.id,
  title: l.title,
  canDo: l.canDo,
  status: l.status,
  latestVersion: 'latestVersion' in l ? l.latestVersion : null,
  createdAt: iso(l.createdAt) as string,
  updatedAt: iso(l.updatedAt) as string,
});

export const toLessonDetailDto = (l: LessonDetailRow): LessonDetailDto => ({ ...toLessonDto(l), lessonPlan: l.lessonPlan });

export const toLessonVersionDto = (v: LessonVersion): LessonVersionDto => ({
  id: v.id,
  lessonId: v.lessonId,
  version: v.version,
  lessonPlan: v.lessonPlan,
  createdAt: iso(v.createdAt) as string,
});

export const toLessonSessionDto = (s: LessonSessionRow): LessonSessionDto => ({
  id: s.id,
  lessonId: s.lessonId,
  lessonTitle: s.lessonTitle,
  lessonVersionId: s.lessonVersionId,
  version: s.version,
  status: s.status,
  score: s.score,
  startedAt: iso(s.startedAt) as string,
  completedAt: iso(s.completedAt),
});
