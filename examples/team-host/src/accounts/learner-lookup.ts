import type { LinguaHostRequest } from 'lingua-core';
import type { DataSource } from 'typeorm';
import type { HostUser } from '../auth/token';

/**
 * lingua-core's `learner` option: the team's UUID (`req.user.userId`) → lingua's `users.id`, read from
 * the team's `accounts` table and cached in process once found (a link never changes once made), so a
 * hit costs no statement. Unknown or unlinked accounts give `undefined`: lingua answers 401.
 */
export function learnerLookup(dataSource: DataSource): (req: LinguaHostRequest) => Promise<number | undefined> {
  const known = new Map<string, number>();
  return async (req) => {
    const userId = (req.user as HostUser | undefined)?.userId;
    if (!userId) return undefined;
    const hit = known.get(userId);
    if (hit !== undefined) return hit;
    const [row] = await dataSource.query<Array<{ lingua_user_id: number | null }>>('SELECT lingua_user_id FROM accounts WHERE id = $1', [
      userId,
    ]);
    if (row?.lingua_user_id == null) return undefined;
    known.set(userId, row.lingua_user_id);
    return row.lingua_user_id;
  };
}
