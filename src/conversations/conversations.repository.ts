import { Injectable } from '@nestjs/common';
import { InjectLinguaRepository } from '../database/lingua-repositories';
import { EntityManager, Repository, SelectQueryBuilder } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { fromRawRow, isoText } from '../database/raw-rows';
import { prepared } from '../database/pg-driver';
import { MessageRole } from './entities/conversation-message.entity';
import { ConversationSession, ConversationStatus, SessionType } from './entities/conversation-session.entity';
import { LinguaDataSource } from '../database/lingua-data-source';

/** A message as the message routes return it (raw row, creation time as ISO text). */
export interface MessageRow {
  id: number;
  session_id: number;
  role: MessageRole;
  content: string;
  message_order: number;
  created_at: string;
}

export interface ConversationFilters {
  status?: ConversationStatus;
  sessionType?: SessionType;
  context?: Record<string, unknown>;
}

/**
 * Appends a message in ONE statement: the UPDATE bumps the session's counter (taking its row lock,
 * so concurrent appends to one conversation queue here and each sees the previous one's committed
 * value) and the INSERT uses the new value. Nothing comes back when the conversation is not the
 * learner's or is closed. See docs/modules/conversations-lessons.md, "Message order".
 */
export const APPEND_MESSAGE_SQL = prepared(`
  WITH s AS (
    UPDATE conversation_sessions SET last_message_order = last_message_order + 1
     WHERE id = $1 AND user_id = $2 AND status IN ('active', 'paused')
    RETURNING id, last_message_order
  )
  INSERT INTO conversation_messages (session_id, role, content, message_order)
  SELECT s.id, $3, $4, s.last_message_order FROM s
  RETURNING id, session_id, role, content, message_order, ${isoText('created_at')} AS created_at`);

/**
 * One page of a conversation's messages in order, in one statement: one row with NULL message
 * columns means the conversation exists but has no messages after `afterOrder`; no row at all means
 * it is not the learner's. Served by uq_conversation_messages_session_id_message_order.
 */
export const MESSAGE_PAGE_SQL = prepared(`
  SELECT m.id, s.id AS session_id, m.role, m.content, m.message_order, ${isoText('m.created_at')} AS created_at
    FROM conversation_sessions s
    LEFT JOIN LATERAL (
      SELECT * FROM conversation_messages m
       WHERE m.session_id = s.id AND m.message_order > $3
       ORDER BY m.message_order
       LIMIT $4
    ) m ON true
   WHERE s.id = $1 AND s.user_id = $2`);

/** SQL for conversations and their messages: single-purpose methods, no business rules. */
@Injectable()
export class ConversationsRepository {
  constructor(
    private readonly dataSource: LinguaDataSource,
    @InjectLinguaRepository(ConversationSession) private readonly sessions: Repository<ConversationSession>,
  ) {}

  async insertSession(
    userId: number,
    sessionType: SessionType,
    conversationContext: Record<string, unknown>,
    manager?: EntityManager,
  ): Promise<ConversationSession> {
    const result = await (manager?.getRepository(ConversationSession) ?? this.sessions)
      .createQueryBuilder()
      .insert()
      .values({ userId, sessionType, conversationContext } as QueryDeepPartialEntity<ConversationSession>)
      .returning('*')
      .execute();
    return fromRawRow<ConversationSession>(result.raw[0]);
  }

  findSession(userId: number, id: number, manager?: EntityManager): Promise<ConversationSession | null> {
    return (manager?.getRepository(ConversationSession) ?? this.sessions)
      .createQueryBuilder('s')
      .where('s.id = :id AND s.user_id = :userId', { id, userId })
      .getOne();
  }

  /**
   * The learner's conversations newest first (descending id), keyset after `beforeId`. Served by
   * ix_conversation_sessions_user_id_{id,status_id,session_type_id}; `context` by the GIN index.
   */
  listSessionsQuery(
    userId: number,
    filters: ConversationFilters,
    beforeId: number | undefined,
    limit: number,
    manager?: EntityManager,
  ): SelectQueryBuilder<ConversationSession> {
    const qb = (manager?.getRepository(ConversationSession) ?? this.sessions)
      .createQueryBuilder('s')
      .where('s.user_id = :userId', { userId });
    if (filters.status) qb.andWhere('s.status = :status', { status: filters.status });
    if (filters.sessionType) qb.andWhere('s.session_type = :sessionType', { sessionType: filters.sessionType });
    if (filters.context) qb.andWhere('s.conversation_context @> :context::jsonb', { context: JSON.stringify(filters.context) });
    if (beforeId !== undefined) qb.andWhere('s.id < :beforeId', { beforeId });
    return qb.orderBy('s.id', 'DESC').limit(limit);
  }

  /**
   * Updates the learner's conversation unless it is closed (completed/abandoned) and the change
   * would reopen or re-close it. Null when nothing matched (missing, someone else's, or closed).
   */
  async updateSession(
    userId: number,
    id: number,
    changes: { status?: ConversationStatus; conversationContext?: Record<string, unknown> },
    manager?: EntityManager,
  ): Promise<ConversationSession | null> {
    const qb = (manager?.getRepository(ConversationSession) ?? this.sessions)
      .createQueryBuilder()
      .update()
      .set(changes as QueryDeepPartialEntity<ConversationSession>)
      .where('id = :id AND user_id = :userId', { id, userId });
    if (changes.status) qb.andWhere(`(status IN ('active', 'paused') OR status = :status)`, { status: changes.status });
    const result = await qb.returning('*').execute();
    return result.raw.length ? fromRawRow<ConversationSession>(result.raw[0]) : null;
  }

  async appendMessage(
    userId: number,
    sessionId: number,
    role: MessageRole,
    content: string,
    manager?: EntityManager,
  ): Promise<MessageRow | null> {
    const rows: MessageRow[] = await (manager ?? this.dataSource.manager).query(APPEND_MESSAGE_SQL, [sessionId, userId, role, content]);
    return rows[0] ?? null;
  }

  /** null: not the learner's conversation; otherwise the page (possibly empty). */
  async messagePage(
    userId: number,
    sessionId: number,
    afterOrder: number,
    limit: number,
    manager?: EntityManager,
  ): Promise<MessageRow[] | null> {
    const rows: Array<MessageRow | { id: null }> = await (manager ?? this.dataSource.manager).query(MESSAGE_PAGE_SQL, [
      sessionId,
      userId,
      afterOrder,
      limit,
    ]);
    if (!rows.length) return null;
    return rows.filter((r): r is MessageRow => r.id !== null);
  }
}
