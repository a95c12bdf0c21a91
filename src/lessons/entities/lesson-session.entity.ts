import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';
import { LessonVersion } from './lesson-version.entity';
import { Lesson } from './lesson.entity';

export const LESSON_SESSION_STATUSES = ['in_progress', 'completed', 'abandoned'] as const;
export type LessonSessionStatus = (typeof LESSON_SESSION_STATUSES)[number];

/**
 * A learner taking a lesson. Lessons and versions with sessions cannot be deleted (RESTRICT): the
 * learner's history stays. `lesson_version_id` is null only for legacy sessions, which never
 * recorded the version taken.
 */
@Entity({ name: 'lesson_sessions' })
@Check('ck_lesson_sessions_status', `status IN ('in_progress', 'completed', 'abandoned')`)
@Check('ck_lesson_sessions_score', `score BETWEEN 0 AND 100`)
@Index('ix_lesson_sessions_user_id_id', ['userId', 'id'])
@Index('ix_lesson_sessions_lesson_id', ['lessonId'])
@Index('ix_lesson_sessions_lesson_version_id', ['lessonVersionId'])
export class LessonSession {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_lesson_sessions' })
  id: number;

  @Column({ name: 'lesson_id', type: 'integer' })
  lessonId: number;

  @ManyToOne(() => Lesson, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'lesson_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_lesson_sessions_lesson_id' })
  lesson?: Lesson;

  @Column({ name: 'lesson_version_id', type: 'integer', nullable: true })
  lessonVersionId: number | null;

  @ManyToOne(() => LessonVersion, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'lesson_version_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_lesson_sessions_lesson_version_id' })
  lessonVersion?: LessonVersion;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_lesson_sessions_user_id' })
  user?: User;

  @Column({ name: 'status', type: 'varchar', length: 20, default: 'in_progress' })
  status: LessonSessionStatus;

  @Column({ name: 'score', type: 'integer', nullable: true })
  score: number | null;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt: Date;

  @Column({ name: 'completed_at', type: 'timestamptz', nullable: true })
  completedAt: Date | null;
}
