import { createCache } from 'cache-manager';
import { UNAVAILABLE } from '../../src/cache/cache-store';
import { storeOver, switchableKeyv } from './cache-parts.helpers';

/**
 * Why lingua reads and writes through CacheStore rather than cache-manager's own calls (docs/caching.md,
 * "What cache-manager does here"). These pin cache-manager 7's behaviour with a store that fails: if a
 * release starts telling failures apart, these fail, and CacheStore can shrink to cache-manager calls.
 */
describe('cache-manager 7 with a failing store (what lingua cannot build on)', () => {
  it('get and mget answer a failed read as a miss', async () => {
    const { keyv, mode } = switchableKeyv();
    const cache = createCache({ stores: [keyv] });
    await cache.set('k', 'v');
    mode.reads = 'throw';
    expect(await cache.get('k')).toBeUndefined();
    expect(await cache.mget(['k'])).toEqual([undefined]);
  });

  it('set answers a refused write (Keyv returns false) as success', async () => {
    const { keyv, mode } = switchableKeyv();
    const cache = createCache({ stores: [keyv] });
    mode.writes = 'refuse';
    expect(await cache.set('k', 'v')).toBe('v');
    expect(await cache.get('k')).toBeUndefined();
  });

  it('wrap loads after a failed read as after a miss, and rejects every coalesced caller when the write then fails', async () => {
    const { keyv, mode } = switchableKeyv();
    const cache = createCache({ stores: [keyv] });
    mode.reads = 'throw';
    mode.writes = 'throw';
    let loads = 0;
    const results = await Promise.allSettled([1, 2].map(() => cache.wrap('k', async () => (++loads, 'from the database'))));
    expect(loads).toBe(1);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']); // the loaded value is lost: an outage became an error
  });

  it('wrap has no time limit: a store that stops answering holds the read (CacheStore gives up after 300 ms)', async () => {
    const { keyv, mode } = switchableKeyv();
    const cache = createCache({ stores: [keyv] });
    mode.reads = 'hang';
    const wrapped = cache.wrap('k', async () => 'from the database');
    const settled = await Promise.race([wrapped.then(() => 'settled'), new Promise((r) => setTimeout(() => r('still waiting'), 1_000))]);
    expect(settled).toBe('still waiting');
    expect(await storeOver(keyv).get('k')).toBe(UNAVAILABLE); // in time
  });
});
