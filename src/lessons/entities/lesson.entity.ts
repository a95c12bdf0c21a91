import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

export const LESSON_STATUSES = ['draft', 'compiling', 'completed', 'failed'] as const;
export type LessonStatus = (typeof LESSON_STATUSES)[number];

/** A lesson; its compiled plans are the rows of lesson_versions (the latest is the current one). */
@Entity({ name: 'lessons' })
@Check('ck_lessons_status', `status IN ('draft', 'compiling', 'completed', 'failed')`)
@Index('ix_lessons_status_id', ['status', 'id'])
export class Lesson {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_lessons' })
  id: number;

  @Column({ name: 'title', type: 'varchar', length: 255 })
  title: string;

  /** The CEFR-style "can do" statement the lesson teaches. */
  @Column({ name: 'can_do', type: 'text', nullable: true })
  canDo: string | null;

  @Column({ name: 'status', type: 'varchar', length: 20, default: 'draft' })
  status: LessonStatus;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
