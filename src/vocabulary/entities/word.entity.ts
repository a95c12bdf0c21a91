import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { Category } from './category.entity';

/**
 * A catalogue word. A term is unique within its category case-insensitively through the expression
 * index `uq_words_category_id_term` on (category_id, lower(term)), which also serves the category
 * filter and the RESTRICT check when a category is deleted; `ix_words_term_prefix` serves `?q=`.
 */
@Entity({ name: 'words' })
@Index('uq_words_category_id_term', { synchronize: false })
@Index('ix_words_term_prefix', { synchronize: false })
@Check('ck_words_difficulty_level', 'difficulty_level BETWEEN 1 AND 5')
@Check('ck_words_term_not_blank', `btrim(term) <> ''`)
export class Word {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_words' })
  id: number;

  @Column({ name: 'term', type: 'varchar', length: 255 })
  term: string;

  @Column({ name: 'translation', type: 'varchar', length: 255 })
  translation: string;

  @Column({ name: 'category_id', type: 'integer' })
  categoryId: number;

  @ManyToOne(() => Category, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'category_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_words_category_id' })
  category?: Category;

  @Column({ name: 'difficulty_level', type: 'integer', default: 1 })
  difficultyLevel: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
