import { ALL, InvalidationState, scopesOf } from '../../src/cache/invalidation-state';

/** Issue 9: what an instance remembers about unconfirmed invalidations stays bounded. */
describe('InvalidationState', () => {
  it('keeps at most maxPending namespaces; one more makes ALL pending, and settling ALL settles what came before it', () => {
    const state = new InvalidationState(100);
    for (let i = 0; i < 100; i++) state.markPending(`stats:${i}`, `v${i}`);
    expect(state.get(ALL)).toBeUndefined();
    state.markPending('stats:100', 'v100');
    expect(state.size).toBe(101);
    expect(state.get('stats:100')).toBeUndefined();
    const all = state.get(ALL);
    expect(all).toMatchObject({ expected: undefined });
    for (let i = 101; i < 5_000; i++) state.markPending(`stats:${i}`, `v${i}`);
    expect(state.size).toBe(101);
    state.markPending('words', 'later'); // already full: ALL again, recorded after `all`
    state.settle(ALL, all);
    expect(state.size).toBe(1);
    expect(state.get(ALL)).toBeDefined();
  });

  it('a newer invalidation of a namespace is not settled by a write that began before it', () => {
    const state = new InvalidationState(10);
    state.markPending('words', 'a');
    const before = state.get('words');
    state.markPending('words', 'b');
    state.settle('words', before);
    expect(state.get('words')).toMatchObject({ expected: 'b' });
  });

  it('generations move with every invalidation of a scope, its family or ALL', () => {
    const state = new InvalidationState(10);
    const scopes = scopesOf('stats:42');
    expect(scopes).toEqual([ALL, 'stats', 'stats:42']);
    let last = state.generation(scopes);
    for (const scope of ['stats:42', 'stats', ALL]) {
      state.bump(scope);
      expect(state.generation(scopes)).not.toBe(last);
      last = state.generation(scopes);
    }
  });
});
