import type { WordQuery } from '../../src/vocabulary/dto/catalogue.dto';
import { CatalogueService } from '../../src/vocabulary/catalogue.service';
import { Category } from '../../src/vocabulary/entities/category.entity';
import { Word } from '../../src/vocabulary/entities/word.entity';
import { VocabularyCache } from '../../src/vocabulary/vocabulary.cache';
import { BenchContext, FLOOR, NAIVE, OURS_COLD, OURS_WARM, Scenario } from './context';

interface WordPageResult {
  items: Array<{ id: number }>;
  total: number;
}

/** GET /words?categoryId=…&sort=term&page=2&perPage=20: a filtered, sorted catalogue page with its total. */
export function wordPage(ctx: BenchContext, page = 2, perPage = 20): Scenario {
  const { categoryId } = ctx.fixtures;
  const catalogue = ctx.app.get(CatalogueService);
  const cache = ctx.app.get(VocabularyCache);
  const ds = ctx.dataSource;
  const query = { categoryId, sort: 'term', page, perPage } as WordQuery;
  return {
    name: 'word-page',
    description:
      `catalogue page ${page} of ${perPage} words in one category (${ctx.fixtures.categoryWords} words) sorted by term, with the total: ` +
      `ours = CatalogueService.listWords, cold (the words namespace invalidated before every call, as after a catalogue write) and ` +
      `warm (in-memory cache hit); naive = Word.query.all() then filter/sort/page in JS and one query per item for its category ` +
      `(legacy); floor = one join with count(*) OVER ().`,
    impls: [
      {
        name: OURS_COLD,
        run: async () => {
          await cache.catalogueChanged();
          return catalogue.listWords(query);
        },
      },
      { name: OURS_WARM, run: () => catalogue.listWords(query), prime: () => catalogue.listWords(query) },
      {
        name: NAIVE,
        run: async () => {
          const all = await ds.getRepository(Word).find();
          const matching = all
            .filter((w) => w.categoryId === categoryId)
            .sort((a, b) => (a.term < b.term ? -1 : a.term > b.term ? 1 : a.id - b.id));
          const items = matching.slice((page - 1) * perPage, page * perPage);
          for (const w of items) w.category = (await ds.getRepository(Category).findOneBy({ id: w.categoryId })) as Category;
          return { items, total: matching.length };
        },
      },
      {
        name: FLOOR,
        run: async () => {
          const rows = await ctx.floor.query<{ id: number; total: string }>(
            `SELECT w.id, w.term, w.translation, w.difficulty_level, w.category_id, c.name AS category_name, w.created_at, w.updated_at,
                    count(*) OVER () AS total
               FROM words w JOIN categories c ON c.id = w.category_id
              WHERE w.category_id = $1
              ORDER BY w.term, w.id LIMIT $2 OFFSET $3`,
            [categoryId, perPage, (page - 1) * perPage],
          );
          return { items: rows, total: rows.length ? Number(rows[0].total) : 0 };
        },
      },
    ],
    identity: (result) => {
      const r = result as WordPageResult;
      return { ids: r.items.map((i) => i.id), total: r.total };
    },
  };
}
