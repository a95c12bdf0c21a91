import { Check, Column, CreateDateColumn, Entity, Index, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';

/**
 * A catalogue category. The name is unique case-insensitively through the expression index
 * `uq_categories_name` on lower(name) (built in migrations; TypeORM cannot declare it).
 */
@Entity({ name: 'categories' })
@Index('uq_categories_name', { synchronize: false })
@Check('ck_categories_name_not_blank', `btrim(name) <> ''`)
export class Category {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_categories' })
  id: number;

  @Column({ name: 'name', type: 'varchar', length: 100 })
  name: string;

  @Column({ name: 'description', type: 'text', nullable: true })
  description: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
