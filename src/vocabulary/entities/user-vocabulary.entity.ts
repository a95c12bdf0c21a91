import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
  UpdateDateColumn,
} from 'typeorm';
import { User } from '../../users/entities/user.entity';
import { Word } from './word.entity';

/**
 * A word a learner is learning, with its FSRS card state (ts-fsrs `Card`: due, stability,
 * difficulty, reps, lapses, state, learning_steps, last_review) and the mastery level derived from
 * it (docs/modules/vocabulary-practice.md, "Mastery").
 */
@Entity({ name: 'user_vocabulary' })
@Unique('uq_user_vocabulary_user_id_word_id', ['userId', 'wordId'])
@Index('ix_user_vocabulary_user_id_mastery_level_word_id', ['userId', 'masteryLevel', 'wordId'])
@Index('ix_user_vocabulary_user_id_due_at', ['userId', 'dueAt'])
@Index('ix_user_vocabulary_word_id', ['wordId'])
@Check('ck_user_vocabulary_mastery_level', 'mastery_level BETWEEN 0 AND 5')
@Check('ck_user_vocabulary_times', 'times_seen >= times_correct AND times_correct >= 0')
@Check('ck_user_vocabulary_state', 'state BETWEEN 0 AND 3')
@Check('ck_user_vocabulary_srs', 'reps >= 0 AND lapses >= 0 AND stability >= 0 AND difficulty >= 0 AND learning_steps >= 0')
export class UserVocabulary {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_user_vocabulary' })
  id: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_user_vocabulary_user_id' })
  user?: User;

  @Column({ name: 'word_id', type: 'integer' })
  wordId: number;

  @ManyToOne(() => Word, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'word_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_user_vocabulary_word_id' })
  word?: Word;

  @Column({ name: 'mastery_level', type: 'integer', default: 0 })
  masteryLevel: number;

  @Column({ name: 'times_seen', type: 'integer', default: 0 })
  timesSeen: number;

  @Column({ name: 'times_correct', type: 'integer', default: 0 })
  timesCorrect: number;

  @Column({ name: 'due_at', type: 'timestamptz', default: () => 'now()' })
  dueAt: Date;

  @Column({ name: 'stability', type: 'double precision', default: 0 })
  stability: number;

  @Column({ name: 'difficulty', type: 'double precision', default: 0 })
  difficulty: number;

  @Column({ name: 'reps', type: 'integer', default: 0 })
  reps: number;

  @Column({ name: 'lapses', type: 'integer', default: 0 })
  lapses: number;

  /** ts-fsrs State: 0 new, 1 learning, 2 review, 3 relearning. */
  @Column({ name: 'state', type: 'smallint', default: 0 })
  state: number;

  @Column({ name: 'learning_steps', type: 'integer', default: 0 })
  learningSteps: number;

  @Column({ name: 'last_reviewed_at', type: 'timestamptz', nullable: true })
  lastReviewedAt: Date | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
