import { randomUUID } from 'node:crypto';
import type { CapacityFixtures, LearnerFixture } from './fixtures';

export interface Call {
  method: 'GET' | 'POST';
  path: string;
  body?: unknown;
}

/** Sends one request (the caller times it and counts it); resolves with the parsed body of a 2xx answer, rejects otherwise. */
export type Send = (call: Call) => Promise<unknown>;

export const ANSWERS_PER_SESSION = 20;
const MESSAGE_ROUNDS = 3;
const BROWSE_PAGES = 2;
/** 3 app-open reads, start + answers + finish, the vocabulary list, the message rounds, the catalogue pages: 34. */
export const REQUESTS_PER_SESSION = 3 + ANSWERS_PER_SESSION + 2 + 1 + 2 * MESSAGE_ROUNDS + BROWSE_PAGES;

/** The app-open reads, the vocabulary page, the conversation page and a catalogue page: the reads every server must answer alike. */
export function readCalls(learner: LearnerFixture, category: { id: number; page: number }): Call[] {
  return [
    { method: 'GET', path: '/api/me' },
    { method: 'GET', path: '/api/me/vocabulary/stats' },
    { method: 'GET', path: '/api/me/vocabulary/due?limit=20' },
    { method: 'GET', path: '/api/me/vocabulary?limit=50' },
    { method: 'GET', path: `/api/me/conversations/${learner.conversationId}/messages?limit=50` },
    { method: 'GET', path: `/api/words?categoryId=${category.id}&page=${category.page}&perPage=20` },
  ];
}

/**
 * One learner's session, as the app sends it (`think` runs between requests): open the app (profile,
 * stats, due queue); a practice session of 20 answers (fresh answerIds, the learner's own words) and
 * its finish; the vocabulary list; three rounds of appending a message and reading the conversation's
 * page; two catalogue pages of a random category. 34 requests.
 */
export async function runSession(
  learner: LearnerFixture,
  categories: CapacityFixtures['categories'],
  send: Send,
  think: () => Promise<void>,
  turn: number,
): Promise<void> {
  const step = async (call: Call) => {
    const body = await send(call);
    await think();
    return body;
  };
  const [me, stats, due, vocabulary, messages] = readCalls(learner, { id: 0, page: 1 });
  await step(me);
  await step(stats);
  await step(due);
  const session = (await step({ method: 'POST', path: '/api/me/practice-sessions', body: {} })) as { id: number };
  for (let i = 0; i < ANSWERS_PER_SESSION; i++) {
    const n = turn * ANSWERS_PER_SESSION + i;
    await step({
      method: 'POST',
      path: `/api/me/practice-sessions/${session.id}/answers`,
      body: {
        answerId: randomUUID(),
        wordId: learner.wordIds[n % learner.wordIds.length],
        rating: 1 + (n % 4),
        responseMs: 800 + (n % 2000),
      },
    });
  }
  await step({ method: 'POST', path: `/api/me/practice-sessions/${session.id}/finish` });
  await step(vocabulary);
  for (let i = 0; i < MESSAGE_ROUNDS; i++) {
    await step({
      method: 'POST',
      path: `/api/me/conversations/${learner.conversationId}/messages`,
      body: { role: 'user', content: `How do I say "the train leaves at nine" in Spanish? (${turn}.${i})` },
    });
    await step(messages);
  }
  const category = categories[(learner.userId + turn) % categories.length];
  for (let i = 0; i < BROWSE_PAGES; i++) {
    const page = 1 + ((turn + i) % category.pages);
    await step(readCalls(learner, { id: category.id, page })[5]);
  }
}
