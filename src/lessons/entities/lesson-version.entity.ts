import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { Lesson } from './lesson.entity';

/** An immutable compiled plan of a lesson: versions are 1, 2, 3 … per lesson. */
@Entity({ name: 'lesson_versions' })
@Unique('uq_lesson_versions_lesson_id_version', ['lessonId', 'version'])
@Check('ck_lesson_versions_version', `version > 0`)
@Index('ix_lesson_versions_lesson_plan', { synchronize: false })
export class LessonVersion {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_lesson_versions' })
  id: number;

  @Column({ name: 'lesson_id', type: 'integer' })
  lessonId: number;

  @ManyToOne(() => Lesson, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'lesson_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_lesson_versions_lesson_id' })
  lesson?: Lesson;

  @Column({ name: 'version', type: 'integer' })
  version: number;

  @Column({ name: 'lesson_plan', type: 'jsonb' })
  lessonPlan: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
