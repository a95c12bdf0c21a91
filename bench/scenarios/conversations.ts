import { ConversationsService } from '../../src/conversations/conversations.service';
import type { MessageListQuery } from '../../src/conversations/dto/conversation.dto';
import { ConversationMessage } from '../../src/conversations/entities/conversation-message.entity';
import { ConversationSession } from '../../src/conversations/entities/conversation-session.entity';
import { BenchContext, FLOOR, NAIVE, OURS, Scenario } from './context';

/** GET /me/conversations/:id/messages?limit=50: one page of a conversation's messages in order. */
export function messagePage(ctx: BenchContext, limit = 50): Scenario {
  const { conversationId, conversationUserId: userId } = ctx.fixtures;
  const conversations = ctx.app.get(ConversationsService);
  const ds = ctx.dataSource;
  const afterOrder = 0;
  return {
    name: `messages-page-${limit}`,
    description:
      `the first ${limit} messages of a conversation (${ctx.fixtures.conversationMessages} messages): ours = ConversationsService.listMessages ` +
      `(one statement: ownership check and a LATERAL range on uq_conversation_messages_session_id_message_order); naive = the ` +
      `conversation found by id and owner, then all its messages loaded ordered and paged in JS, with index scans disabled for that ` +
      `query (SET LOCAL enable_indexscan/bitmapscan/indexonlyscan = off) because the legacy table had no index on session_id; ` +
      `floor = one hand-written join.`,
    impls: [
      { name: OURS, run: () => conversations.listMessages(userId, conversationId, { afterOrder, limit } as MessageListQuery) },
      {
        name: NAIVE,
        run: () =>
          ds.transaction(async (manager) => {
            const session = await manager.getRepository(ConversationSession).findOneBy({ id: conversationId, userId });
            if (!session) throw new Error('conversation not found');
            await manager.query(
              `SET LOCAL enable_indexscan = off; SET LOCAL enable_bitmapscan = off; SET LOCAL enable_indexonlyscan = off`,
            );
            const all = await manager
              .getRepository(ConversationMessage)
              .find({ where: { sessionId: conversationId }, order: { messageOrder: 'ASC' } });
            return all.filter((m) => m.messageOrder > afterOrder).slice(0, limit);
          }),
      },
      {
        name: FLOOR,
        run: () =>
          ctx.floor.query(
            `SELECT m.id, m.role, m.content, m.message_order, m.created_at, m.updated_at
               FROM conversation_sessions s JOIN conversation_messages m ON m.session_id = s.id
              WHERE s.id = $1 AND s.user_id = $2 AND m.message_order > $3
              ORDER BY m.message_order LIMIT $4`,
            [conversationId, userId, afterOrder, limit],
          ),
      },
    ],
    identity: (result) => {
      const items = Array.isArray(result) ? result : (result as { items: unknown[] }).items;
      return items.map((m) => (m as { id: number }).id);
    },
  };
}
