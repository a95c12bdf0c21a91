import type { ProfileSearchQuery } from '../../src/users/dto/user.dto';
import { UserProfile } from '../../src/users/entities/user-profile.entity';
import { User } from '../../src/users/entities/user.entity';
import { UsersService } from '../../src/users/users.service';
import { BenchContext, FLOOR, NAIVE, OURS, Scenario } from './context';

interface ProfilePage {
  items: Array<{ id?: number; userId?: number }>;
  total: number;
}

/** GET /profiles/search?learningGoals=<json>: learners whose goals contain the document, paged by id. */
export function profileSearch(ctx: BenchContext, which: 'common' | 'rare', perPage = 20): Scenario {
  const { goals, matches } = ctx.fixtures.profileSearches[which];
  const users = ctx.app.get(UsersService);
  const ds = ctx.dataSource;
  const json = JSON.stringify(goals);
  return {
    name: which === 'common' ? 'profile-search' : 'profile-search-rare',
    description:
      `learners whose learning_goals contain ${json} (${matches} of ${ctx.fixtures.profiles} profiles), first page of ${perPage} with the total: ` +
      `ours = UsersService.searchProfiles (containment in a MATERIALIZED CTE on the GIN index, then join, page and count); naive = the ` +
      `legacy schema had no GIN index, so the containment runs with bitmap scans disabled (SET LOCAL enable_bitmapscan = off: a GIN ` +
      `index is only usable through one) in a transaction, page and count via getManyAndCount, then one query per profile for its ` +
      `user; floor = one hand-written statement (MATERIALIZED CTE, join, count).`,
    impls: [
      { name: OURS, run: () => users.searchProfiles({ learningGoals: goals, page: 1, perPage } as ProfileSearchQuery) },
      {
        name: NAIVE,
        run: () =>
          ds.transaction(async (manager) => {
            await manager.query(`SET LOCAL enable_bitmapscan = off`);
            const [profiles, total] = await manager
              .getRepository(UserProfile)
              .createQueryBuilder('p')
              .where('p.learning_goals @> :goals::jsonb', { goals: json })
              .orderBy('p.user_id', 'ASC')
              .take(perPage)
              .getManyAndCount();
            const items = [];
            for (const profile of profiles)
              items.push({ ...(await manager.getRepository(User).findOneBy({ id: profile.userId })), profile });
            return { items, total };
          }),
      },
      {
        name: FLOOR,
        run: async () => {
          const rows = await ctx.floor.query<{ id: number; total: number }>(
            `WITH m AS MATERIALIZED (SELECT * FROM user_profiles WHERE learning_goals @> $1::jsonb)
             SELECT u.id, u.email, u.display_name, u.native_language, u.target_language, u.created_at,
                    m.learning_goals, m.previous_knowledge, m.usage_context, m.updated_at AS profile_updated_at,
                    (SELECT count(*)::int FROM m) AS total
               FROM m JOIN users u ON u.id = m.user_id
              ORDER BY m.user_id LIMIT $2`,
            [json, perPage],
          );
          return { items: rows, total: rows.length ? rows[0].total : 0 };
        },
      },
    ],
    identity: (result) => {
      const r = result as ProfilePage;
      return { ids: r.items.map((i) => i.id), total: r.total };
    },
  };
}
