import { Injectable } from '@nestjs/common';
import { InjectLinguaRepository } from '../database/lingua-repositories';
import { EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import { fromRawRow } from '../database/raw-rows';
import { ConversationInteraction, InteractionType } from './entities/conversation-interaction.entity';
import { LinguaDataSource } from '../database/lingua-data-source';

export interface NewInteraction {
  interactionType: InteractionType;
  messageId: number | null;
  conceptId: string | null;
  masteryLevel: number | null;
  confidenceSelfReported: number | null;
  nextReviewDate: Date | null;
  metadata: Record<string, unknown>;
}

/**
 * Inserts only when the conversation is the learner's and the message (if any) belongs to it; no
 * row back otherwise. Ownership and consistency are checked by the same statement (no race).
 */
export const INSERT_INTERACTION_SQL = `
  INSERT INTO conversation_interactions
    (user_id, session_id, message_id, concept_id, interaction_type, mastery_level, confidence_self_reported, next_review_date, metadata)
  SELECT s.user_id, s.id, $3, $4, $5, $6, $7, $8, $9::jsonb
    FROM conversation_sessions s
   WHERE s.id = $1 AND s.user_id = $2
     AND ($3::int IS NULL OR EXISTS (SELECT 1 FROM conversation_messages m WHERE m.id = $3::int AND m.session_id = s.id))
  RETURNING *`;

/** SQL for conversation interactions. */
@Injectable()
export class InteractionsRepository {
  constructor(
    private readonly dataSource: LinguaDataSource,
    @InjectLinguaRepository(ConversationInteraction) private readonly interactions: Repository<ConversationInteraction>,
  ) {}

  async insert(userId: number, sessionId: number, v: NewInteraction, manager?: EntityManager): Promise<ConversationInteraction | null> {
    const rows: Record<string, unknown>[] = await (manager ?? this.dataSource.manager).query(INSERT_INTERACTION_SQL, [
      sessionId,
      userId,
      v.messageId,
      v.conceptId,
      v.interactionType,
      v.masteryLevel,
      v.confidenceSelfReported,
      v.nextReviewDate,
      JSON.stringify(v.metadata),
    ]);
    return rows.length ? fromRawRow<ConversationInteraction>(rows[0]) : null;
  }

  /**
   * The learner's interactions newest first, keyset on id. Served by
   * ix_conversation_interactions_user_id_concept_id_id (with conceptId) or …_user_id_id; the
   * metadata containment by the GIN index ix_conversation_interactions_metadata.
   */
  listQuery(
    userId: number,
    filters: { conceptId?: string; metadata?: Record<string, unknown> },
    beforeId: number | undefined,
    limit: number,
    manager?: EntityManager,
  ): SelectQueryBuilder<ConversationInteraction> {
    const qb = (manager?.getRepository(ConversationInteraction) ?? this.interactions)
      .createQueryBuilder('i')
      .where('i.user_id = :userId', { userId });
    if (filters.conceptId !== undefined) qb.andWhere('i.concept_id = :conceptId', { conceptId: filters.conceptId });
    if (filters.metadata) qb.andWhere('i.metadata @> :metadata::jsonb', { metadata: JSON.stringify(filters.metadata) });
    if (beforeId !== undefined) qb.andWhere('i.id < :beforeId', { beforeId });
    return qb.orderBy('i.id', 'DESC').limit(limit);
  }

  /** The review queue: due at or before `before`, earliest first (partial index …_user_id_next_review_date). */
  dueQuery(userId: number, before: Date, limit: number, manager?: EntityManager): SelectQueryBuilder<ConversationInteraction> {
    return (manager?.getRepository(ConversationInteraction) ?? this.interactions)
      .createQueryBuilder('i')
      .where('i.user_id = :userId', { userId })
      .andWhere('i.next_review_date IS NOT NULL AND i.next_review_date <= :before', { before })
      .orderBy('i.next_review_date', 'ASC')
      .addOrderBy('i.id', 'ASC')
      .limit(limit);
  }
}
