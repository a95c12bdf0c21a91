import { messagePage } from './conversations';
import { wordPage } from './catalogue';
import type { BenchContext, Scenario } from './context';
import { profileSearch } from './users';
import { dueQueue, vocabularyPage, vocabularyStats } from './vocabulary';

/** Every scenario, in report order. */
export const SCENARIOS: Array<{ name: string; build: (ctx: BenchContext) => Scenario }> = [
  { name: 'vocab-page-10', build: (ctx) => vocabularyPage(ctx, 10) },
  { name: 'vocab-page-50', build: (ctx) => vocabularyPage(ctx, 50) },
  { name: 'vocab-page-100', build: (ctx) => vocabularyPage(ctx, 100) },
  { name: 'word-page', build: (ctx) => wordPage(ctx) },
  { name: 'due-queue-20', build: (ctx) => dueQueue(ctx, 20) },
  { name: 'vocab-stats', build: (ctx) => vocabularyStats(ctx) },
  { name: 'profile-search', build: (ctx) => profileSearch(ctx, 'common') },
  { name: 'profile-search-rare', build: (ctx) => profileSearch(ctx, 'rare') },
  { name: 'messages-page-50', build: (ctx) => messagePage(ctx, 50) },
];

/** Scenarios whose name starts with one of the filters (all when there is none). */
export function selectScenarios(filters: string[]): typeof SCENARIOS {
  if (!filters.length) return SCENARIOS;
  const chosen = SCENARIOS.filter((s) => filters.some((f) => s.name.startsWith(f)));
  if (!chosen.length) throw new Error(`No scenario matches ${filters.join(', ')}; known: ${SCENARIOS.map((s) => s.name).join(', ')}`);
  return chosen;
}
