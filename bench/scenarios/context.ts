import type { INestApplicationContext } from '@nestjs/common';
import type { Pool } from 'pg';
import type { DataSource } from 'typeorm';

/** The raw-SQL floor's connection: a plain `pg` Pool, counting the statements it sends. */
export class FloorDb {
  statements = 0;
  constructor(private readonly pool: Pool) {}

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    this.statements++;
    return (await this.pool.query(sql, params)).rows as T[];
  }
}

/** Rows the scenarios read, chosen once from the generated data. */
export interface Fixtures {
  /** The learner with the most vocabulary rows (pages of 100 are full). */
  learnerId: number;
  learnerWords: number;
  /** A category whose words fill at least two pages of 20. */
  categoryId: number;
  categoryWords: number;
  /** The conversation with the most messages, and its owner. */
  conversationId: number;
  conversationUserId: number;
  conversationMessages: number;
  profiles: number;
  /** Profile-search documents: a common one (~8% of profiles) and a selective one (under 1%). */
  profileSearches: { common: ProfileSearchFixture; rare: ProfileSearchFixture };
}

export interface ProfileSearchFixture {
  goals: Record<string, unknown>;
  matches: number;
}

export interface BenchContext {
  app: INestApplicationContext;
  dataSource: DataSource;
  floor: FloorDb;
  fixtures: Fixtures;
}

export interface ScenarioImpl {
  name: string;
  run: () => Promise<unknown>;
  /** Runs once before the statement count (e.g. to fill a cache). */
  prime?: () => Promise<unknown>;
}

/**
 * One scenario: its implementations, all returning the same items, and `identity`, which reduces a
 * result to what must be equal across implementations (ids in order, totals).
 */
export interface Scenario {
  name: string;
  description: string;
  impls: ScenarioImpl[];
  identity: (result: unknown) => unknown;
}

export const OURS = 'ours';
export const OURS_COLD = 'ours (cold cache)';
export const OURS_WARM = 'ours (warm cache)';
export const NAIVE = 'naive baseline';
export { FLOOR } from '../lib/report';

/** Picks the fixtures with a few small queries (outside any timing). */
export async function chooseFixtures(
  floor: FloorDb,
  goals: { common: Record<string, unknown>; rare: Record<string, unknown> },
): Promise<Fixtures> {
  const [learner] = await floor.query<{ user_id: number; n: number }>(
    `SELECT user_id, count(*)::int AS n FROM user_vocabulary GROUP BY user_id ORDER BY n DESC, user_id LIMIT 1`,
  );
  const [category] = await floor.query<{ category_id: number; n: number }>(
    `SELECT category_id, count(*)::int AS n FROM words GROUP BY category_id ORDER BY n DESC, category_id LIMIT 1`,
  );
  const [conversation] = await floor.query<{ id: number; user_id: number; n: number }>(
    `SELECT s.id, s.user_id, count(*)::int AS n FROM conversation_sessions s JOIN conversation_messages m ON m.session_id = s.id
      GROUP BY s.id ORDER BY n DESC, s.id LIMIT 1`,
  );
  const search = async (doc: Record<string, unknown>): Promise<ProfileSearchFixture> => {
    const [{ n }] = await floor.query<{ n: number }>(`SELECT count(*)::int AS n FROM user_profiles WHERE learning_goals @> $1::jsonb`, [
      JSON.stringify(doc),
    ]);
    return { goals: doc, matches: n };
  };
  const [{ n: profiles }] = await floor.query<{ n: number }>(`SELECT count(*)::int AS n FROM user_profiles`);
  const profileSearches = { common: await search(goals.common), rare: await search(goals.rare) };
  floor.statements = 0;
  return {
    learnerId: learner.user_id,
    learnerWords: learner.n,
    categoryId: category.category_id,
    categoryWords: category.n,
    conversationId: conversation.id,
    conversationUserId: conversation.user_id,
    conversationMessages: conversation.n,
    profiles,
    profileSearches,
  };
}
