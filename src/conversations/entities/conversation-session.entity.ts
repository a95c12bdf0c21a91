import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn, UpdateDateColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';

export const SESSION_TYPES = ['home', 'profile_building', 'lesson', 'practice'] as const;
export type SessionType = (typeof SESSION_TYPES)[number];
export const CONVERSATION_STATUSES = ['active', 'completed', 'abandoned', 'paused'] as const;
export type ConversationStatus = (typeof CONVERSATION_STATUSES)[number];

/**
 * A learner's conversation. `last_message_order` is the message-order counter: appending a message
 * increments it with `UPDATE … RETURNING` (docs/modules/conversations-lessons.md, "Message order").
 */
@Entity({ name: 'conversation_sessions' })
@Check('ck_conversation_sessions_session_type', `session_type IN ('home', 'profile_building', 'lesson', 'practice')`)
@Check('ck_conversation_sessions_status', `status IN ('active', 'completed', 'abandoned', 'paused')`)
@Check('ck_conversation_sessions_last_message_order', `last_message_order >= 0`)
@Index('ix_conversation_sessions_user_id_id', ['userId', 'id'])
@Index('ix_conversation_sessions_user_id_status_id', ['userId', 'status', 'id'])
@Index('ix_conversation_sessions_user_id_session_type_id', ['userId', 'sessionType', 'id'])
@Index('ix_conversation_sessions_conversation_context', { synchronize: false })
export class ConversationSession {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_conversation_sessions' })
  id: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_conversation_sessions_user_id' })
  user?: User;

  @Column({ name: 'session_type', type: 'varchar', length: 50 })
  sessionType: SessionType;

  @Column({ name: 'status', type: 'varchar', length: 20, default: 'active' })
  status: ConversationStatus;

  @Column({ name: 'conversation_context', type: 'jsonb', default: () => "'{}'" })
  conversationContext: Record<string, unknown>;

  @Column({ name: 'last_message_order', type: 'integer', default: 0 })
  lastMessageOrder: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
