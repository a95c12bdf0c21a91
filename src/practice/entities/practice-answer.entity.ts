import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique } from 'typeorm';
import { User } from '../../users/entities/user.entity';
import { Word } from '../../vocabulary/entities/word.entity';
import { PracticeSession } from './practice-session.entity';

/**
 * The review log: one row per answer, append-only (a trigger rejects UPDATE). It keeps the
 * scheduling result the answer produced, so a retried answer (same answerId) gets the first result.
 */
@Entity({ name: 'practice_answers' })
@Unique('uq_practice_answers_session_id_answer_id', ['sessionId', 'answerId'])
@Index('ix_practice_answers_user_id', ['userId'])
@Index('ix_practice_answers_word_id', ['wordId'])
@Check('ck_practice_answers_rating', 'rating BETWEEN 1 AND 4')
@Check('ck_practice_answers_response_ms', 'response_ms >= 0')
export class PracticeAnswer {
  @PrimaryGeneratedColumn('identity', {
    name: 'id',
    type: 'bigint',
    generatedIdentity: 'BY DEFAULT',
    primaryKeyConstraintName: 'pk_practice_answers',
  })
  id: string;

  @Column({ name: 'session_id', type: 'integer' })
  sessionId: number;

  @ManyToOne(() => PracticeSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_practice_answers_session_id' })
  session?: PracticeSession;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_practice_answers_user_id' })
  user?: User;

  @Column({ name: 'word_id', type: 'integer' })
  wordId: number;

  @ManyToOne(() => Word, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'word_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_practice_answers_word_id' })
  word?: Word;

  @Column({ name: 'answer_id', type: 'uuid' })
  answerId: string;

  @Column({ name: 'rating', type: 'smallint' })
  rating: number;

  @Column({ name: 'response_ms', type: 'integer' })
  responseMs: number;

  @Column({ name: 'answered_at', type: 'timestamptz', default: () => 'now()' })
  answeredAt: Date;

  /** The learner's card after this answer. */
  @Column({ name: 'state', type: 'smallint' })
  state: number;

  @Column({ name: 'due_at', type: 'timestamptz' })
  dueAt: Date;

  @Column({ name: 'stability', type: 'double precision' })
  stability: number;

  @Column({ name: 'difficulty', type: 'double precision' })
  difficulty: number;

  @Column({ name: 'mastery_level', type: 'smallint' })
  masteryLevel: number;
}
