import { Learner, TestContext } from '../harness/context';

/** The three cached answers the cross-instance tests watch: a word page, one word, a learner's stats. */
export type Read = (ctx: TestContext) => Promise<Record<string, unknown>>;

export function readsOf(categoryId: number, wordId: number, learner: Learner): { page: Read; word: Read; stats: Read } {
  return {
    page: async (ctx) => {
      const body = (await ctx.http.get(`/api/words?categoryId=${categoryId}`).set(learner.auth).expect(200)).body;
      return { total: body.total, translation: body.items.find((w: { id: number }) => w.id === wordId)?.translation };
    },
    word: async (ctx) => (await ctx.http.get(`/api/words/${wordId}`).set(learner.auth).expect(200)).body,
    stats: async (ctx) => (await ctx.http.get('/api/me/vocabulary/stats').set(learner.auth).expect(200)).body,
  };
}
