import { Check, Column, CreateDateColumn, Entity, JoinColumn, ManyToOne, PrimaryGeneratedColumn, Unique, UpdateDateColumn } from 'typeorm';
import { ConversationSession } from './conversation-session.entity';

export const MESSAGE_ROLES = ['user', 'assistant', 'system'] as const;
export type MessageRole = (typeof MESSAGE_ROLES)[number];

/** One message of a conversation; `message_order` is 1, 2, 3 … within its session, without gaps. */
@Entity({ name: 'conversation_messages' })
@Unique('uq_conversation_messages_session_id_message_order', ['sessionId', 'messageOrder'])
@Check('ck_conversation_messages_role', `role IN ('user', 'assistant', 'system')`)
@Check('ck_conversation_messages_message_order', `message_order > 0`)
export class ConversationMessage {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_conversation_messages' })
  id: number;

  @Column({ name: 'session_id', type: 'integer' })
  sessionId: number;

  @ManyToOne(() => ConversationSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_conversation_messages_session_id' })
  session?: ConversationSession;

  @Column({ name: 'role', type: 'varchar', length: 20 })
  role: MessageRole;

  @Column({ name: 'content', type: 'text' })
  content: string;

  @Column({ name: 'message_order', type: 'integer' })
  messageOrder: number;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz' })
  updatedAt: Date;
}
