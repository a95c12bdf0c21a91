import type { DataSource } from 'typeorm';
import { Category } from '../../src/vocabulary/entities/category.entity';
import { UserVocabulary } from '../../src/vocabulary/entities/user-vocabulary.entity';
import { Word } from '../../src/vocabulary/entities/word.entity';
import type { LearnerVocabularyQuery } from '../../src/vocabulary/dto/learner-vocabulary.dto';
import { VocabularyCache } from '../../src/vocabulary/vocabulary.cache';
import { VocabularyService } from '../../src/vocabulary/vocabulary.service';
import { BenchContext, FLOOR, NAIVE, OURS, OURS_COLD, OURS_WARM, Scenario } from './context';

/** Columns the floor reads for a vocabulary item: the learner's card, the word and its category name. */
const ITEM_COLUMNS = `uv.word_id, uv.mastery_level, uv.times_seen, uv.times_correct, uv.state, uv.due_at, uv.stability,
       uv.difficulty, uv.reps, uv.lapses, uv.last_reviewed_at, uv.created_at,
       w.term, w.translation, w.difficulty_level, w.category_id, c.name AS category_name`;

interface FloorItem {
  word_id: number;
}

const wordIds = (result: unknown): number[] => {
  const items = Array.isArray(result) ? result : (result as { items: unknown[] }).items;
  return items.map((i) => (i as { wordId?: number; word_id?: number }).wordId ?? (i as { word_id: number }).word_id);
};

/**
 * The legacy N+1: for each of the learner's rows, one query for the word and one for its category
 * (lazy relationships, no eager loading).
 */
async function withWordsOneByOne(ds: DataSource, rows: UserVocabulary[]): Promise<UserVocabulary[]> {
  const words = ds.getRepository(Word);
  const categories = ds.getRepository(Category);
  for (const row of rows) {
    const word = (await words.findOneBy({ id: row.wordId })) as Word;
    word.category = (await categories.findOneBy({ id: word.categoryId })) as Category;
    row.word = word;
  }
  return rows;
}

/** GET /me/vocabulary?limit=N: a learner's words with word and category, keyset-paged by word id. */
export function vocabularyPage(ctx: BenchContext, limit: number): Scenario {
  const { learnerId } = ctx.fixtures;
  const service = ctx.app.get(VocabularyService);
  const ds = ctx.dataSource;
  return {
    name: `vocab-page-${limit}`,
    description:
      `a learner's vocabulary page of ${limit} (learner with ${ctx.fixtures.learnerWords} words): ours = VocabularyService.list (one joined ` +
      `statement on uq_user_vocabulary_user_id_word_id); naive = the learner's rows paged in SQL, then one query per row for the word ` +
      `and one for its category (the legacy N+1: 1 + 2×${limit} statements); floor = one hand-written join.`,
    impls: [
      { name: OURS, run: () => service.list(learnerId, { limit } as LearnerVocabularyQuery) },
      {
        name: NAIVE,
        run: async () => {
          const rows = await ds
            .getRepository(UserVocabulary)
            .find({ where: { userId: learnerId }, order: { wordId: 'ASC' }, take: limit + 1 });
          return withWordsOneByOne(ds, rows.slice(0, limit));
        },
      },
      {
        name: FLOOR,
        run: async () =>
          (
            await ctx.floor.query<FloorItem>(
              `SELECT ${ITEM_COLUMNS}
                 FROM user_vocabulary uv JOIN words w ON w.id = uv.word_id JOIN categories c ON c.id = w.category_id
                WHERE uv.user_id = $1 ORDER BY uv.word_id LIMIT $2`,
              [learnerId, limit + 1],
            )
          ).slice(0, limit),
      },
    ],
    identity: wordIds,
  };
}

/** GET /me/vocabulary/due?limit=20: the review queue, earliest due first. */
export function dueQueue(ctx: BenchContext, limit = 20): Scenario {
  const { learnerId } = ctx.fixtures;
  const service = ctx.app.get(VocabularyService);
  const ds = ctx.dataSource;
  return {
    name: `due-queue-${limit}`,
    description:
      `the learner's ${limit} earliest due words: ours = VocabularyService.due (one range scan on ix_user_vocabulary_user_id_due_at, joined); ` +
      `naive = all the learner's rows loaded, filtered and sorted in JS, then word and category one query each per item (legacy); ` +
      `floor = one hand-written join.`,
    impls: [
      { name: OURS, run: () => service.due(learnerId, limit) },
      {
        name: NAIVE,
        run: async () => {
          const now = Date.now();
          const rows = await ds.getRepository(UserVocabulary).find({ where: { userId: learnerId } });
          const due = rows.filter((r) => r.dueAt.getTime() <= now).sort((a, b) => a.dueAt.getTime() - b.dueAt.getTime());
          return withWordsOneByOne(ds, due.slice(0, limit));
        },
      },
      {
        name: FLOOR,
        run: () =>
          ctx.floor.query<FloorItem>(
            `SELECT ${ITEM_COLUMNS}
               FROM user_vocabulary uv JOIN words w ON w.id = uv.word_id JOIN categories c ON c.id = w.category_id
              WHERE uv.user_id = $1 AND uv.due_at <= $2 ORDER BY uv.due_at LIMIT $3`,
            [learnerId, new Date(), limit],
          ),
      },
    ],
    identity: wordIds,
  };
}

interface Stats {
  total: number;
  byMastery: Array<{ masteryLevel: number; count: number }>;
  dueNow: number;
  nextDueAt: string | null;
}

function statsOf(levels: Array<{ level: number; n: number; due: number; next: Date | null }>): Stats {
  const byMastery = [0, 1, 2, 3, 4, 5].map((level) => ({ masteryLevel: level, count: levels.find((l) => l.level === level)?.n ?? 0 }));
  const next = levels.map((l) => l.next?.getTime()).filter((t): t is number => t !== undefined);
  return {
    total: byMastery.reduce((s, m) => s + m.count, 0),
    byMastery,
    dueNow: levels.reduce((s, l) => s + l.due, 0),
    nextDueAt: next.length ? new Date(Math.min(...next)).toISOString() : null,
  };
}

/** GET /me/vocabulary/stats: totals by mastery level, due now, next due time; cached per learner. */
export function vocabularyStats(ctx: BenchContext): Scenario {
  const { learnerId } = ctx.fixtures;
  const service = ctx.app.get(VocabularyService);
  const cache = ctx.app.get(VocabularyCache);
  const ds = ctx.dataSource;
  return {
    name: 'vocab-stats',
    description:
      `one learner's stats (${ctx.fixtures.learnerWords} words): ours = VocabularyService.stats, cold (the learner's stats namespace ` +
      `invalidated before every call, as after an answer) and warm (in-memory cache hit); naive = every row of the learner loaded as ` +
      `entities and counted in JS (legacy); floor = one GROUP BY over the learner's rows.`,
    impls: [
      {
        name: OURS_COLD,
        run: async () => {
          await cache.statsChanged(learnerId);
          return service.stats(learnerId);
        },
      },
      { name: OURS_WARM, run: () => service.stats(learnerId), prime: () => service.stats(learnerId) },
      {
        name: NAIVE,
        run: async () => {
          const now = Date.now();
          const rows = await ds.getRepository(UserVocabulary).find({ where: { userId: learnerId } });
          const levels = [0, 1, 2, 3, 4, 5].map((level) => {
            const mine = rows.filter((r) => r.masteryLevel === level);
            const future = mine.filter((r) => r.dueAt.getTime() > now).map((r) => r.dueAt.getTime());
            return { level, n: mine.length, due: mine.length - future.length, next: future.length ? new Date(Math.min(...future)) : null };
          });
          return statsOf(levels);
        },
      },
      {
        name: FLOOR,
        run: async () =>
          statsOf(
            await ctx.floor.query(
              `SELECT mastery_level AS level, count(*)::int AS n, (count(*) FILTER (WHERE due_at <= $2))::int AS due,
                      min(due_at) FILTER (WHERE due_at > $2) AS next
                 FROM user_vocabulary WHERE user_id = $1 GROUP BY mastery_level`,
              [learnerId, new Date()],
            ),
          ),
      },
    ],
    identity: (result) => {
      const s = result as Stats;
      return { total: s.total, byMastery: s.byMastery, dueNow: s.dueNow, nextDueAt: s.nextDueAt };
    },
  };
}
