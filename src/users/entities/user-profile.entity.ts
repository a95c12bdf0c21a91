import { Column, CreateDateColumn, Entity, Index, JoinColumn, OneToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { User } from './user.entity';

export type JsonDocument = Record<string, unknown>;

/** One profile per learner; its JSON documents are replaced whole and searched by containment (`@>`). */
@Entity({ name: 'user_profiles' })
@Index('ix_user_profiles_learning_goals', { synchronize: false })
@Index('ix_user_profiles_previous_knowledge', { synchronize: false })
@Index('ix_user_profiles_usage_context', { synchronize: false })
export class UserProfile {
  @PrimaryColumn({ name: 'user_id', type: 'integer', primaryKeyConstraintName: 'pk_user_profiles' })
  userId: number;

  @OneToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_user_profiles_user_id' })
  user?: User;

  @Column({ name: 'learning_goals', type: 'jsonb', nullable: true })
  learningGoals: JsonDocument | null;

  @Column({ name: 'previous_knowledge', type: 'jsonb', nullable: true })
  previousKnowledge: JsonDocument | null;

  @Column({ name: 'usage_context', type: 'jsonb', nullable: true })
  usageContext: JsonDocument | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
