import { Injectable } from '@nestjs/common';
import { notFound, stateConflict, validationFailed } from '../common/api-error';
import { CursorPage, decodeCursor, toCursorPage } from '../common/pagination';
import { ConversationsRepository } from './conversations.repository';
import { TransactionRunner, WriteOptions } from '../database/transaction-runner';
import {
  AppendMessageDto,
  ConversationDto,
  ConversationListQuery,
  CreateConversationDto,
  MessageDto,
  MessageListQuery,
  MessagePage,
  UpdateConversationDto,
} from './dto/conversation.dto';
import { CreateInteractionDto, DueInteractionsQuery, InteractionDto, InteractionListQuery } from './dto/interaction.dto';
import { InteractionsRepository } from './interactions.repository';
import { ReadRouter } from '../database/replicas/read-router';
import { WritePositions } from '../database/replicas/write-positions';
import { toConversationDto, toInteractionDto, toMessageDto } from './conversations.mapper';
import { LinguaScoped } from '../database/statement-scope';

/**
 * A learner's conversations, their ordered messages and the learning interactions recorded in
 * them. Every query is filtered by the learner: another learner's conversation is a 404. Every write
 * method joins the caller's transaction: `{ manager }`, else the host's ambient one (option `transaction`).
 */
@Injectable()
@LinguaScoped()
export class ConversationsService {
  /** @internal Built by Nest's DI from lingua-core's own providers. */
  constructor(
    private readonly repo: ConversationsRepository,
    private readonly interactions: InteractionsRepository,
    private readonly reads: ReadRouter,
    private readonly positions: WritePositions,
    private readonly tx: TransactionRunner,
  ) {}

  async create(userId: number, dto: CreateConversationDto, options: WriteOptions = {}): Promise<ConversationDto> {
    const manager = this.tx.joined(options);
    const session = await this.repo.insertSession(userId, dto.sessionType, dto.conversationContext ?? {}, manager);
    await this.positions.learnerWrote(userId, manager);
    return toConversationDto(session);
  }

  async get(userId: number, id: number): Promise<ConversationDto> {
    const session = await this.reads.learner(userId, (m) => this.repo.findSession(userId, id, m));
    if (!session) throw notFound('Conversation');
    return toConversationDto(session);
  }

  async list(userId: number, query: ConversationListQuery): Promise<CursorPage<ConversationDto>> {
    const beforeId = query.cursor ? decodeCursor(query.cursor, ['int'] as const)[0] : undefined;
    const rows = await this.reads.learner(userId, (m) =>
      this.repo.listSessionsQuery(userId, query, beforeId, query.limit + 1, m).getMany(),
    );
    return toCursorPage(rows, query.limit, toConversationDto, (s) => [s.id]);
  }

  /** Completed and abandoned conversations are closed: their status cannot change any more (409). */
  async update(userId: number, id: number, dto: UpdateConversationDto, options: WriteOptions = {}): Promise<ConversationDto> {
    if (dto.status === undefined && dto.conversationContext === undefined) {
      throw validationFailed('Nothing to update: send status and/or conversationContext.');
    }
    const manager = this.tx.joined(options);
    const changes = { status: dto.status, conversationContext: dto.conversationContext };
    const updated = await this.repo.updateSession(userId, id, changes, manager);
    if (updated) {
      await this.positions.learnerWrote(userId, manager);
      return toConversationDto(updated);
    }
    const current = await this.repo.findSession(userId, id, manager);
    if (!current) throw notFound('Conversation');
    throw stateConflict(`The conversation is ${current.status}; its status can no longer change.`);
  }

  /** Concurrent appends get distinct consecutive orders (one statement; see ConversationsRepository). */
  async appendMessage(userId: number, conversationId: number, dto: AppendMessageDto, options: WriteOptions = {}): Promise<MessageDto> {
    const manager = this.tx.joined(options);
    const message = await this.repo.appendMessage(userId, conversationId, dto.role, dto.content, manager);
    if (message) {
      await this.positions.learnerWrote(userId, manager);
      return toMessageDto(message);
    }
    const current = await this.repo.findSession(userId, conversationId, manager);
    if (!current) throw notFound('Conversation');
    throw stateConflict(`The conversation is ${current.status}; no more messages can be added.`);
  }

  async listMessages(userId: number, conversationId: number, { afterOrder, limit }: MessageListQuery): Promise<MessagePage> {
    const rows = await this.reads.learner(userId, (m) => this.repo.messagePage(userId, conversationId, afterOrder, limit + 1, m));
    if (!rows) throw notFound('Conversation');
    const page = rows.slice(0, limit);
    return { items: page.map(toMessageDto), nextAfterOrder: rows.length > limit ? page[page.length - 1].message_order : null };
  }

  async recordInteraction(
    userId: number,
    conversationId: number,
    dto: CreateInteractionDto,
    options: WriteOptions = {},
  ): Promise<InteractionDto> {
    const manager = this.tx.joined(options);
    const created = await this.interactions.insert(
      userId,
      conversationId,
      {
        interactionType: dto.interactionType,
        messageId: dto.messageId ?? null,
        conceptId: dto.conceptId ?? null,
        masteryLevel: dto.masteryLevel ?? null,
        confidenceSelfReported: dto.confidenceSelfReported ?? null,
        nextReviewDate: dto.nextReviewDate ?? null,
        metadata: dto.metadata ?? {},
      },
      manager,
    );
    if (created) {
      await this.positions.learnerWrote(userId, manager);
      return toInteractionDto(created);
    }
    if (!(await this.repo.findSession(userId, conversationId, manager))) throw notFound('Conversation');
    throw notFound('Message in this conversation');
  }

  async listInteractions(userId: number, query: InteractionListQuery): Promise<CursorPage<InteractionDto>> {
    const beforeId = query.cursor ? decodeCursor(query.cursor, ['int'] as const)[0] : undefined;
    const rows = await this.reads.learner(userId, (m) =>
      this.interactions.listQuery(userId, query, beforeId, query.limit + 1, m).getMany(),
    );
    return toCursorPage(rows, query.limit, toInteractionDto, (i) => [i.id]);
  }

  async dueInteractions(userId: number, query: DueInteractionsQuery): Promise<InteractionDto[]> {
    const rows = await this.reads.learner(userId, (m) =>
      this.interactions.dueQuery(userId, query.before ?? new Date(), query.limit, m).getMany(),
    );
    return rows.map(toInteractionDto);
  }
}
