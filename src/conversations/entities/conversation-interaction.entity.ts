import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { User } from '../../users/entities/user.entity';
import { ConversationMessage } from './conversation-message.entity';
import { ConversationSession } from './conversation-session.entity';

export const INTERACTION_TYPES = [
  'question_asked',
  'correction_received',
  'grammar_practiced',
  'vocabulary_learned',
  'cultural_note',
  'pronunciation_practice',
] as const;
export type InteractionType = (typeof INTERACTION_TYPES)[number];

/**
 * A learning event inside a conversation. `session_id` is nullable only for legacy rows whose
 * conversation no longer exists (repair rule); every new interaction belongs to a conversation.
 */
@Entity({ name: 'conversation_interactions' })
@Check(
  'ck_conversation_interactions_interaction_type',
  `interaction_type IN ('question_asked', 'correction_received', 'grammar_practiced', 'vocabulary_learned', 'cultural_note', 'pronunciation_practice')`,
)
@Check('ck_conversation_interactions_mastery_level', `mastery_level BETWEEN 1 AND 5`)
@Check('ck_conversation_interactions_confidence_self_reported', `confidence_self_reported BETWEEN 1 AND 5`)
@Index('ix_conversation_interactions_user_id_id', ['userId', 'id'])
@Index('ix_conversation_interactions_user_id_concept_id_id', ['userId', 'conceptId', 'id'])
@Index('ix_conversation_interactions_session_id', ['sessionId'])
@Index('ix_conversation_interactions_message_id', ['messageId'])
@Index('ix_conversation_interactions_user_id_next_review_date', { synchronize: false })
@Index('ix_conversation_interactions_metadata', { synchronize: false })
export class ConversationInteraction {
  @PrimaryGeneratedColumn({ name: 'id', primaryKeyConstraintName: 'pk_conversation_interactions' })
  id: number;

  @Column({ name: 'user_id', type: 'integer' })
  userId: number;

  @ManyToOne(() => User, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'user_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_conversation_interactions_user_id' })
  user?: User;

  @Column({ name: 'session_id', type: 'integer', nullable: true })
  sessionId: number | null;

  @ManyToOne(() => ConversationSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_conversation_interactions_session_id' })
  session?: ConversationSession;

  @Column({ name: 'message_id', type: 'integer', nullable: true })
  messageId: number | null;

  @ManyToOne(() => ConversationMessage, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'message_id', referencedColumnName: 'id', foreignKeyConstraintName: 'fk_conversation_interactions_message_id' })
  message?: ConversationMessage;

  @Column({ name: 'concept_id', type: 'varchar', length: 100, nullable: true })
  conceptId: string | null;

  @Column({ name: 'interaction_type', type: 'varchar', length: 50 })
  interactionType: InteractionType;

  @Column({ name: 'mastery_level', type: 'integer', nullable: true })
  masteryLevel: number | null;

  @Column({ name: 'confidence_self_reported', type: 'integer', nullable: true })
  confidenceSelfReported: number | null;

  @Column({ name: 'next_review_date', type: 'timestamptz', nullable: true })
  nextReviewDate: Date | null;

  @Column({ name: 'metadata', type: 'jsonb', default: () => "'{}'" })
  metadata: Record<string, unknown>;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz' })
  createdAt: Date;
}
