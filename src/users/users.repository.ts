import { Injectable } from '@nestjs/common';
import { pageAndTotal } from '../database/page-with-total';
import { InjectLinguaRepository } from '../database/lingua-repositories';
import { EntityManager, Repository } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity';
import { fromRawRow, withoutPrefix } from '../database/raw-rows';
import { prepared } from '../database/pg-driver';
import { LearningPath } from './entities/learning-path.entity';
import { JsonDocument, UserProfile } from './entities/user-profile.entity';
import { User } from './entities/user.entity';

export interface UserWithProfileRow {
  user: User;
  profile: UserProfile | null;
}

const USER_COLUMNS = 'id, email, display_name, native_language, target_language, username, created_at, updated_at';

const PROFILE_COLUMNS = ['user_id', 'learning_goals', 'previous_knowledge', 'usage_context', 'created_at', 'updated_at'];
const USER_WITH_PROFILE_SQL = prepared(`
  SELECT ${USER_COLUMNS.split(', ')
    .map((c) => `u.${c} AS u_${c}`)
    .join(', ')}, ${PROFILE_COLUMNS.map((c) => `p.${c} AS p_${c}`).join(', ')}
    FROM users u LEFT JOIN user_profiles p ON p.user_id = u.id
   WHERE u.id = $1`);

/** SQL for the users module: single-purpose QueryBuilder methods, no business rules. */
@Injectable()
export class UsersRepository {
  constructor(
    @InjectLinguaRepository(User) private readonly users: Repository<User>,
    @InjectLinguaRepository(UserProfile) private readonly profiles: Repository<UserProfile>,
    @InjectLinguaRepository(LearningPath) private readonly paths: Repository<LearningPath>,
  ) {}

  async insertUser(
    values: Pick<User, 'email' | 'displayName' | 'nativeLanguage' | 'targetLanguage'>,
    manager?: EntityManager,
  ): Promise<User> {
    // The entity's readable columns only: password_hash is select: false, and RETURNING * would bring it back.
    const result = await (manager?.getRepository(User) ?? this.users)
      .createQueryBuilder()
      .insert()
      .values(values)
      .returning(USER_COLUMNS)
      .execute();
    return fromRawRow<User>(result.raw[0]);
  }

  /** The user and their profile in one statement (constant SQL: a hot read; prepared where the pool allows). */
  async findWithProfile(userId: number, manager?: EntityManager): Promise<UserWithProfileRow | null> {
    const [row] = (await (manager?.getRepository(User) ?? this.users).query(USER_WITH_PROFILE_SQL, [userId])) as Record<string, unknown>[];
    if (!row) return null;
    const user = fromRawRow<User>(withoutPrefix(row, 'u_'));
    return { user, profile: row.p_user_id === null ? null : fromRawRow<UserProfile>(withoutPrefix(row, 'p_')) };
  }

  async exists(userId: number): Promise<boolean> {
    return this.users.exists({ where: { id: userId } });
  }

  /** Insert or replace the whole profile in one statement (no check-then-insert race). */
  async upsertProfile(
    userId: number,
    docs: Pick<UserProfile, 'learningGoals' | 'previousKnowledge' | 'usageContext'>,
    manager?: EntityManager,
  ): Promise<UserProfile> {
    const result = await (manager?.getRepository(UserProfile) ?? this.profiles)
      .createQueryBuilder()
      .insert()
      .values({ userId, ...docs } as QueryDeepPartialEntity<UserProfile>)
      .orUpdate(['learning_goals', 'previous_knowledge', 'usage_context'], ['user_id'])
      .returning('*')
      .execute();
    return fromRawRow<UserProfile>(result.raw[0]);
  }

  /**
   * Learners whose learning_goals contain `goals`, with the total, in one statement (pageAndTotal).
   * The containment runs first, in a MATERIALIZED CTE served by the GIN index
   * ix_user_profiles_learning_goals; the page joins, sorts and pages the matches (written as one
   * query, the planner may walk pk order filtering every profile — a full scan for rare goals), and
   * the total counts the CTE's rows: every profile has its learner (FK, cascade), so re-joining users
   * to count them, as getManyAndCount would, only adds a scan.
   */
  async searchByLearningGoals(
    goals: JsonDocument,
    offset: number,
    limit: number,
    manager?: EntityManager,
  ): Promise<[UserWithProfileRow[], number]> {
    const document = JSON.stringify(goals);
    const profiles = manager?.getRepository(UserProfile) ?? this.profiles;
    const matches = () =>
      profiles.createQueryBuilder('m').select('m.user_id', 'user_id').where('m.learning_goals @> :goals::jsonb', { goals: document });
    const page = (manager?.getRepository(User) ?? this.users)
      .createQueryBuilder('u')
      .addCommonTableExpression(matches(), 'matches', { materialized: true })
      .innerJoin('matches', 'x', 'x.user_id = u.id')
      .innerJoinAndMapOne('u.profile', UserProfile, 'p', 'p.user_id = u.id')
      .setParameters(matches().getParameters())
      .orderBy('u.id', 'ASC')
      .offset(offset)
      .limit(limit);
    const [users, total] = await pageAndTotal(page, 'SELECT count(*) FROM matches', offset, () => matches().getCount());
    const rows = users.map((u) => {
      const { profile, ...rest } = u as User & { profile: UserProfile };
      return { user: rest as User, profile };
    });
    return [rows, total];
  }

  /** Newest first by id; keyset on (user_id, id) served by ix_learning_paths_user_id_id. */
  async findLearningPaths(userId: number, beforeId: number | undefined, limit: number, manager?: EntityManager): Promise<LearningPath[]> {
    const qb = (manager?.getRepository(LearningPath) ?? this.paths).createQueryBuilder('lp').where('lp.user_id = :userId', { userId });
    if (beforeId !== undefined) qb.andWhere('lp.id < :beforeId', { beforeId });
    return qb.orderBy('lp.id', 'DESC').limit(limit).getMany();
  }

  async insertLearningPath(
    userId: number,
    pathData: JsonDocument,
    progressData: JsonDocument,
    manager?: EntityManager,
  ): Promise<LearningPath> {
    const result = await (manager?.getRepository(LearningPath) ?? this.paths)
      .createQueryBuilder()
      .insert()
      .values({ userId, pathData, progressData } as QueryDeepPartialEntity<LearningPath>)
      .returning('*')
      .execute();
    return fromRawRow<LearningPath>(result.raw[0]);
  }

  /** Updates only the learner's own path; null when it does not exist or is someone else's. */
  async updateLearningPath(
    userId: number,
    id: number,
    changes: Partial<Pick<LearningPath, 'pathData' | 'progressData'>>,
    manager?: EntityManager,
  ): Promise<LearningPath | null> {
    const result = await (manager?.getRepository(LearningPath) ?? this.paths)
      .createQueryBuilder()
      .update()
      .set(changes as QueryDeepPartialEntity<LearningPath>)
      .where('id = :id AND user_id = :userId', { id, userId })
      .returning('*')
      .execute();
    return result.raw.length ? fromRawRow<LearningPath>(result.raw[0]) : null;
  }
}
