import { randomUUID } from 'node:crypto';
import type { HttpFixtures, Owned } from './fixtures';

export interface RequestSpec {
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: string;
}

export type RouteKind = 'read' | 'cached' | 'write' | 'overhead';

/**
 * One timed route. `next()` yields the next request (round-robin over the fixtures; POST bodies
 * fresh each time); `prime` runs before each timed window (fills per-learner caches); `sameAnswer`
 * reduces a response to what must be equal between ours and the floor.
 */
export interface Route {
  name: string;
  /** As shown in tables: the route with its query. */
  label: string;
  kind: RouteKind;
  /** The route does not depend on who asks (no per-learner data): timed under the spread shape only. */
  anyLearner?: boolean;
  /** bench/http/bare-nest.ts serves it too (lingua-core's own cost is measured on it). */
  bare?: boolean;
  next(): RequestSpec;
  /** Every distinct cached request, once (warms ours' cache; harmless on the floor). */
  prime?: () => RequestSpec[];
  sameAnswer(body: unknown): unknown;
}

const JSON_HEADERS = { 'content-type': 'application/json' };

function roundRobin<T>(items: T[]): () => T {
  let i = 0;
  return () => items[i++ % items.length];
}

/** Keys and value types, recursively: what two write responses must share when ids and times differ. */
export function shapeOf(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeOf);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, shapeOf((value as Record<string, unknown>)[k])]),
    );
  return value === null ? 'null' : typeof value;
}

/** JSON with sorted keys: equal data, whatever order the fields were written in. */
export const canonical = (value: unknown) => JSON.stringify(shapeKeysSorted(value));
function shapeKeysSorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(shapeKeysSorted);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .map((k) => [k, shapeKeysSorted((value as Record<string, unknown>)[k])]),
    );
  return value;
}

export function buildRoutes(f: HttpFixtures): Route[] {
  const auth = (userId: number) => ({ authorization: `Bearer ${f.tokens.get(userId)}` });
  const get = (path: string, userId: number): RequestSpec => ({ method: 'GET', path, headers: auth(userId) });
  const perLearner = (path: string) => {
    const learner = roundRobin(f.learners);
    return () => get(path, learner());
  };
  const conversationPage = roundRobin(f.readConversations);
  const openConversation = roundRobin<Owned>(f.openConversations);
  const category = roundRobin(f.categoryIds);
  const practice = roundRobin(f.practice.filter((p) => p.wordIds.length));
  const wordsPath = (categoryId: number) => `/api/words?categoryId=${categoryId}&page=2&perPage=20`;
  let answerCount = 0;

  return [
    {
      name: 'health',
      label: 'GET /health/live',
      kind: 'overhead',
      anyLearner: true,
      bare: true,
      next: () => ({ method: 'GET', path: '/health/live', headers: {} }),
      sameAnswer: (b) => b,
    },
    {
      name: 'vocab-list',
      bare: true,
      label: 'GET /api/me/vocabulary?limit=50',
      kind: 'read',
      next: perLearner('/api/me/vocabulary?limit=50'),
      sameAnswer: (b) => b,
    },
    {
      name: 'vocab-due',
      bare: true,
      label: 'GET /api/me/vocabulary/due?limit=20',
      kind: 'read',
      next: perLearner('/api/me/vocabulary/due?limit=20'),
      sameAnswer: (b) => b,
    },
    {
      name: 'messages',
      bare: true,
      label: 'GET /api/me/conversations/:id/messages?limit=50',
      kind: 'read',
      next: () => {
        const c = conversationPage();
        return get(`/api/me/conversations/${c.id}/messages?limit=50`, c.userId);
      },
      sameAnswer: (b) => b,
    },
    {
      name: 'vocab-stats',
      label: 'GET /api/me/vocabulary/stats (cached)',
      kind: 'cached',
      next: perLearner('/api/me/vocabulary/stats'),
      prime: () => f.learners.map((id) => get('/api/me/vocabulary/stats', id)),
      sameAnswer: (b) => b,
    },
    {
      name: 'words',
      label: 'GET /api/words?categoryId&page=2&perPage=20 (cached)',
      kind: 'cached',
      anyLearner: true,
      next: () => get(wordsPath(category()), f.learners[0]),
      prime: () => f.categoryIds.map((id) => get(wordsPath(id), f.learners[0])),
      sameAnswer: (b) => b,
    },
    {
      name: 'answer',
      bare: true,
      label: 'POST /api/me/practice-sessions/:id/answers',
      kind: 'write',
      next: () => {
        const p = practice();
        const n = answerCount++;
        const body = { answerId: randomUUID(), wordId: p.wordIds[n % p.wordIds.length], rating: 1 + (n % 4), responseMs: 800 + (n % 2000) };
        return {
          method: 'POST',
          path: `/api/me/practice-sessions/${p.sessionId}/answers`,
          headers: { ...auth(p.userId), ...JSON_HEADERS },
          body: JSON.stringify(body),
        };
      },
      sameAnswer: shapeOf,
    },
    {
      name: 'append',
      bare: true,
      label: 'POST /api/me/conversations/:id/messages',
      kind: 'write',
      next: () => {
        const c = openConversation();
        const body = { role: 'user', content: 'How do I say "the train leaves at nine" in Spanish?' };
        return {
          method: 'POST',
          path: `/api/me/conversations/${c.id}/messages`,
          headers: { ...auth(c.userId), ...JSON_HEADERS },
          body: JSON.stringify(body),
        };
      },
      sameAnswer: shapeOf,
    },
  ];
}
