import { Check, Column, CreateDateColumn, Entity, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';

/**
 * A learner. Email is unique case-insensitively through the expression index `uq_users_email`
 * (migrations only: TypeORM cannot declare it). Legacy accounts may lack an email, display name or
 * languages (docs/schema.md, "Repair rules").
 */
@Entity({ name: 'users' })
@Unique('uq_users_username', ['username'])
@Check('ck_users_display_name_not_blank', `btrim(display_name) <> ''`)
export class User {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_users' })
  id: number;

  @Column({ name: 'email', type: 'varchar', length: 120, nullable: true })
  email: string | null;

  @Column({ name: 'display_name', type: 'varchar', length: 100 })
  displayName: string;

  @Column({ name: 'native_language', type: 'varchar', length: 16, nullable: true })
  nativeLanguage: string | null;

  @Column({ name: 'target_language', type: 'varchar', length: 16, nullable: true })
  targetLanguage: string | null;

  /** Legacy login name, kept for accounts that have one. */
  @Column({ name: 'username', type: 'varchar', length: 80, nullable: true })
  username: string | null;

  /** Legacy credential column; lingua-core never reads it. */
  @Column({ name: 'password_hash', type: 'varchar', length: 255, nullable: true, select: false })
  passwordHash: string | null;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
