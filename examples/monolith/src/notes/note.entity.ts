import { Column, CreateDateColumn, Entity, PrimaryGeneratedColumn } from 'typeorm';

/** The app's own table, named by TypeORM's default naming strategy (columns "authorId", "createdAt"). */
@Entity('host_notes')
export class Note {
  @PrimaryGeneratedColumn()
  id: number;

  /** Unique: a second note with the same title is a 409 (and rolls back its author's registration). */
  @Column({ type: 'varchar', length: 200, unique: true })
  title: string;

  /** The lingua-core user who wrote it (users.id). */
  @Column({ type: 'int' })
  authorId: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt: Date;
}
