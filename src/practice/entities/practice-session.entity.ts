import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';

/**
 * A practice session. Every new session has an owner: `ck_practice_sessions_user_id_required` is
 * added NOT VALID and never validated, so PostgreSQL enforces it on every insert and update while
 * the legacy sessions (which never had an owner, LEGACY.md) are kept as they are.
 */
@Entity({ name: 'practice_sessions' })
@Index('ix_practice_sessions_user_id_id', ['userId', 'id'])
@Check('ck_practice_sessions_user_id_required', 'user_id IS NOT NULL')
@Check('ck_practice_sessions_answers', 'correct_answers >= 0 AND total_questions >= correct_answers')
@Check('ck_practice_sessions_duration_seconds', 'duration_seconds >= 0')
export class PracticeSession {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_practice_sessions' })
  id: number;

  @Column({ name: 'user_id', type: 'integer', nullable: true })
  userId: number | null;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_practice_sessions_user_id' })
  user?: User;

  @Column({ name: 'started_at', type: 'timestamptz', default: () => 'now()' })
  startedAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', nullable: true })
  finishedAt: Date | null;

  @Column({ name: 'total_questions', type: 'integer', default: 0 })
  totalQuestions: number;

  @Column({ name: 'correct_answers', type: 'integer', default: 0 })
  correctAnswers: number;

  @Column({ name: 'duration_seconds', type: 'integer', nullable: true })
  durationSeconds: number | null;
}
