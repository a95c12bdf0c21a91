import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { User } from './user.entity';
import type { JsonDocument } from './user-profile.entity';

@Entity({ name: 'learning_paths' })
@Index('ix_learning_paths_user_id_id', ['userId', 'id'])
@Index('ix_learning_paths_path_data', { synchronize: false })
@Index('ix_learning_paths_progress_data', { synchronize: false })
export class LearningPath {
  @PrimaryGeneratedColumn({ primaryKeyConstraintName: 'pk_learning_paths' })
  id: number;

  @Column({ type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_learning_paths_user_id' })
  user?: User;

  @Column({ type: 'jsonb' })
  pathData: JsonDocument;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  progressData: JsonDocument;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt: Date;
}
