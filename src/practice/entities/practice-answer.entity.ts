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
  @PrimaryGeneratedColumn('identity', { type: 'bigint', generatedIdentity: 'BY DEFAULT', primaryKeyConstraintName: 'pk_practice_answers' })
  id: string;

  @Column({ type: 'integer' })
  sessionId: number;

  @ManyToOne(() => PracticeSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'fk_practice_answers_session_id' })
  session?: PracticeSession;

  @Column({ type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_practice_answers_user_id' })
  user?: User;

  @Column({ type: 'integer' })
  wordId: number;

  @ManyToOne(() => Word, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'word_id', foreignKeyConstraintName: 'fk_practice_answers_word_id' })
  word?: Word;

  @Column({ type: 'uuid' })
  answerId: string;

  @Column({ type: 'smallint' })
  rating: number;

  @Column({ type: 'integer' })
  responseMs: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  answeredAt: Date;

  /** The learner's card after this answer. */
  @Column({ type: 'smallint' })
  state: number;

  @Column({ type: 'timestamptz' })
  dueAt: Date;

  @Column({ type: 'double precision' })
  stability: number;

  @Column({ type: 'double precision' })
  difficulty: number;

  @Column({ type: 'smallint' })
  masteryLevel: number;
}
