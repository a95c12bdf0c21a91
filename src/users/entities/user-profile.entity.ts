import { Column, CreateDateColumn, Entity, Index, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { User } from './user.entity';

export type JsonDocument = Record<string, unknown>;

/** One profile per learner; its JSON documents are replaced whole and searched by containment (`@>`). */
@Entity({ name: 'user_profiles' })
@Index('ix_user_profiles_learning_goals', { synchronize: false })
@Index('ix_user_profiles_previous_knowledge', { synchronize: false })
@Index('ix_user_profiles_usage_context', { synchronize: false })
export class UserProfile {
  @PrimaryColumn({ type: 'integer', primaryKeyConstraintName: 'pk_user_profiles' })
  userId: number;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_user_profiles_user_id' })
  user?: User;

  @Column({ type: 'jsonb', nullable: true })
  learningGoals: JsonDocument | null;

  @Column({ type: 'jsonb', nullable: true })
  previousKnowledge: JsonDocument | null;

  @Column({ type: 'jsonb', nullable: true })
  usageContext: JsonDocument | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
