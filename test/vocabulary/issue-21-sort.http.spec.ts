import { DocumentBuilder, SwaggerModule } from '@nestjs/swagger';
import { TestContext } from '../harness/context';
import { WORD_SORT_FIELDS, WordDto } from '../../src/vocabulary/dto/catalogue.dto';
import { newCategory } from './factories';
import { CatalogueService } from '../../src/vocabulary/catalogue.service';

/**
 * Issue 21: `GET /api/words?sort=-id` came back ascending — the tie-breaker `addOrderBy('w.id')`
 * replaced the requested `w.id DESC`. Every allowed sort key, both directions, on every list route
 * that takes `sort`: the items come back in the order computed here from the data, on one page and
 * across pages.
 */

type Direction = 1 | -1;
type Item = WordDto & { createdAt: string };

/** How each sort key orders the returned items (ties: id ascending, the documented tie-breaker). */
const WORD_KEYS: Record<(typeof WORD_SORT_FIELDS)[number], (a: Item, b: Item) => number> = {
  term: (a, b) => (a.term < b.term ? -1 : a.term > b.term ? 1 : 0),
  difficultyLevel: (a, b) => a.difficultyLevel - b.difficultyLevel,
  createdAt: (a, b) => Date.parse(a.createdAt) - Date.parse(b.createdAt),
  id: (a, b) => a.id - b.id,
};

const expectedOrder = (items: Item[], compare: (a: Item, b: Item) => number, direction: Direction) =>
  [...items].sort((a, b) => direction * compare(a, b) || a.id - b.id).map((w) => w.id);

describe('issue 21: sort orders in both directions on every list route that takes sort', () => {
  let ctx: TestContext;
  let categoryId: number;
  let auth: { Authorization: string };
  let words: Item[];

  beforeAll(async () => {
    ctx = await TestContext.create();
    auth = (await ctx.newLearner()).auth;
    categoryId = (await newCategory(ctx)).id;
    // Terms, difficulties and creation times each in an order unlike the ids', with ties.
    const specs = [
      { term: 'delta', difficultyLevel: 2, minutesAgo: 5 },
      { term: 'alpha', difficultyLevel: 5, minutesAgo: 1 },
      { term: 'echo', difficultyLevel: 2, minutesAgo: 9 },
      { term: 'charlie', difficultyLevel: 1, minutesAgo: 1 },
      { term: 'bravo', difficultyLevel: 4, minutesAgo: 7 },
      { term: 'foxtrot', difficultyLevel: 2, minutesAgo: 3 },
    ];
    for (const { term, difficultyLevel, minutesAgo } of specs) {
      const word = await ctx.get(CatalogueService).createWord({ term, translation: `t-${term}`, categoryId, difficultyLevel });
      await ctx.dataSource.query(`UPDATE words SET created_at = date_trunc('second', now()) - make_interval(mins => $2) WHERE id = $1`, [
        word.id,
        minutesAgo,
      ]);
    }
    // Read back through the route itself (after the direct updates, and uncached: no read has run yet).
    words = (await ctx.http.get(`/api/words?categoryId=${categoryId}&perPage=100`).set(auth).expect(200)).body.items;
    expect(words).toHaveLength(specs.length);
  });
  afterAll(() => ctx?.close());

  it('the routes tested here are every list route whose OpenAPI operation takes sort', () => {
    const document = SwaggerModule.createDocument(ctx.app, new DocumentBuilder().build());
    const sortable = Object.entries(document.paths)
      .filter(([, item]) => item.get?.parameters?.some((p) => 'name' in p && p.name === 'sort' && p.in === 'query'))
      .map(([path]) => path);
    expect(sortable).toEqual(['/api/words']);
  });

  for (const [field, compare] of Object.entries(WORD_KEYS)) {
    for (const direction of [1, -1] as Direction[]) {
      const sort = direction === 1 ? field : `-${field}`;

      it(`GET /api/words?sort=${sort}`, async () => {
        const expected = expectedOrder(words, compare, direction);
        const all = await ctx.http.get(`/api/words?categoryId=${categoryId}&sort=${sort}&perPage=100`).set(auth).expect(200);
        expect(all.body.items.map((w: Item) => w.id)).toEqual(expected);
        // Page by page: the tie-breaker keeps equal keys in one order, so pages neither repeat nor skip.
        const paged: number[] = [];
        for (let page = 1; page <= 3; page++) {
          const res = await ctx.http.get(`/api/words?categoryId=${categoryId}&sort=${sort}&perPage=2&page=${page}`).set(auth).expect(200);
          paged.push(...res.body.items.map((w: Item) => w.id));
        }
        expect(paged).toEqual(expected);
      });
    }
  }
});
