import { Injectable } from '@nestjs/common';
import { notFound, validationFailed } from '../common/api-error';
import { definedOnly } from '../common/defined-only';
import { TransactionRunner, WriteOptions } from '../database/transaction-runner';
import { CursorPage, CursorQuery, decodeCursor, offsetOf, Page, toCursorPage, toPage } from '../common/pagination';
import {
  CreateLearningPathDto,
  LearningPathDto,
  ProfileDto,
  ProfileSearchQuery,
  RegisterUserDto,
  ReplaceProfileDto,
  UpdateLearningPathDto,
  UserDto,
  UserWithProfileDto,
} from './dto/user.dto';
import { toLearningPathDto, toProfileDto, toUserDto, toUserWithProfileDto } from './users.mapper';
import { UsersRepository } from './users.repository';
import { ReadRouter } from '../database/replicas/read-router';
import { WritePositions } from '../database/replicas/write-positions';
import { LinguaScoped } from '../database/statement-scope';

/** Learners, their profile and learning paths. Other modules inject this, never the repository. */
@Injectable()
@LinguaScoped()
export class UsersService {
  /** @internal Built by Nest's DI from lingua-core's own providers. */
  constructor(
    private readonly repo: UsersRepository,
    private readonly reads: ReadRouter,
    private readonly positions: WritePositions,
    private readonly tx: TransactionRunner,
  ) {}

  /**
   * A duplicate email (any case) raises the unique violation on `uq_users_email` → 409. Like every
   * write method here, it joins the caller's transaction: `{ manager }`, else the host's ambient one.
   */
  async register(dto: RegisterUserDto, options: WriteOptions = {}): Promise<UserDto> {
    const manager = this.tx.joined(options);
    const user = await this.repo.insertUser(
      {
        email: dto.email.trim(),
        displayName: dto.displayName.trim(),
        nativeLanguage: dto.nativeLanguage,
        targetLanguage: dto.targetLanguage,
      },
      manager,
    );
    await this.positions.learnerWrote(user.id, manager);
    return toUserDto(user);
  }

  async getWithProfile(userId: number): Promise<UserWithProfileDto> {
    const row = await this.reads.learner(userId, (m) => this.repo.findWithProfile(userId, m));
    if (!row) throw notFound('User');
    return toUserWithProfileDto(row.user, row.profile);
  }

  async exists(userId: number): Promise<boolean> {
    return this.repo.exists(userId);
  }

  async replaceProfile(userId: number, dto: ReplaceProfileDto, options: WriteOptions = {}): Promise<ProfileDto> {
    const manager = this.tx.joined(options);
    const profile = await this.repo.upsertProfile(
      userId,
      {
        learningGoals: dto.learningGoals ?? null,
        previousKnowledge: dto.previousKnowledge ?? null,
        usageContext: dto.usageContext ?? null,
      },
      manager,
    );
    await this.positions.learnerWrote(userId, manager);
    return toProfileDto(profile);
  }

  async searchProfiles(query: ProfileSearchQuery): Promise<Page<UserWithProfileDto>> {
    // Across learners, for authors: a replica within the lag bound serves it (no one learner's writes to wait for).
    const [rows, total] = await this.reads.catalogue((m) =>
      this.repo.searchByLearningGoals(query.learningGoals, offsetOf(query), query.perPage, m),
    );
    return toPage(
      rows.map((r) => toUserWithProfileDto(r.user, r.profile)),
      total,
      query,
    );
  }

  async listLearningPaths(userId: number, { limit, cursor }: CursorQuery): Promise<CursorPage<LearningPathDto>> {
    const beforeId = cursor ? decodeCursor(cursor, ['int'] as const)[0] : undefined;
    const rows = await this.reads.learner(userId, (m) => this.repo.findLearningPaths(userId, beforeId, limit + 1, m));
    return toCursorPage(rows, limit, toLearningPathDto, (lp) => [lp.id]);
  }

  async createLearningPath(userId: number, dto: CreateLearningPathDto, options: WriteOptions = {}): Promise<LearningPathDto> {
    const manager = this.tx.joined(options);
    const path = await this.repo.insertLearningPath(userId, dto.pathData, dto.progressData ?? {}, manager);
    await this.positions.learnerWrote(userId, manager);
    return toLearningPathDto(path);
  }

  async updateLearningPath(userId: number, id: number, dto: UpdateLearningPathDto, options: WriteOptions = {}): Promise<LearningPathDto> {
    const changes = definedOnly(dto);
    if (Object.keys(changes).length === 0) throw validationFailed('Nothing to update: send pathData and/or progressData.');
    const manager = this.tx.joined(options);
    const updated = await this.repo.updateLearningPath(userId, id, changes, manager);
    if (!updated) throw notFound('Learning path');
    await this.positions.learnerWrote(userId, manager);
    return toLearningPathDto(updated);
  }
}
