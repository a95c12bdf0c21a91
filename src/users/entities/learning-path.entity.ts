import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { User } from './user.entity';
import type { JsonDocument } from './user-profile.entity';

@Entity({ name: 'learning_paths' })
@Index('ix_learning_paths_user_id_id', ['userId', 'id'])
@Index('ix_learning_paths_path_data', { synchronize: false })
@Index('ix_learning_paths_progress_data', { synchronize: false })
export class LearningPath {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_learning_paths' })
  id: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_learning_paths_user_id' })
  user?: User;

  @Column({ name: 'path_data', type: 'jsonb' })
  pathData: JsonDocument;

  @Column({ name: 'progress_data', type: 'jsonb', default: () => "'{}'" })
  progressData: JsonDocument;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
