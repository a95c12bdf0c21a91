import { Logger } from '@nestjs/common';
import { CACHE_OP_TIMEOUT_MS, UNAVAILABLE } from '../../src/cache/cache-store';
import { Coalescer } from '../../src/cache/coalescer';
import { storeOver, switchableKeyv } from './cache-parts.helpers';

beforeAll(() => Logger.overrideLogger(false));

describe('CacheStore: a failure is neither a miss nor a success', () => {
  it('a miss is undefined (also when the store answers null), a failed or slow read UNAVAILABLE', async () => {
    const { keyv, mode } = switchableKeyv();
    const store = storeOver(keyv);
    expect(await store.get('absent')).toBeUndefined();
    await keyv.set('null', null);
    expect(await store.get('null')).toBeUndefined();
    mode.reads = 'throw';
    expect(await store.get('absent')).toBe(UNAVAILABLE);
    expect(await store.getMany(['a', 'b'])).toBe(UNAVAILABLE);
    mode.reads = 'hang';
    const t0 = Date.now();
    expect(await store.get('absent')).toBe(UNAVAILABLE);
    expect(Date.now() - t0).toBeLessThan(CACHE_OP_TIMEOUT_MS + 200);
  });

  it('set is true only when the store took the value: thrown, refused and timed-out writes are false', async () => {
    const { keyv, mode, memory } = switchableKeyv();
    const store = storeOver(keyv);
    expect(await store.set('k', 'v', 1_000)).toBe(true);
    expect(await store.get('k')).toBe('v');
    for (const writes of ['throw', 'refuse', 'hang'] as const) {
      mode.writes = writes;
      expect(await store.set(`k-${writes}`, 'v', 1_000)).toBe(false);
    }
    expect([...memory.keys()]).toEqual(['k']);
  });

  it('setMax only moves a counter up, also under concurrent writers; getMax reads counters; a failure is false / UNAVAILABLE', async () => {
    const { keyv, mode } = switchableKeyv();
    const store = storeOver(keyv);
    expect(await store.getMax(['c', 'other'])).toEqual([undefined, undefined]);
    expect(await Promise.all([5n, 9n, 7n, 2n].map((v) => store.setMax('c', v, 1_000)))).toEqual([true, true, true, true]);
    expect(await store.getMax(['c', 'other'])).toEqual([9n, undefined]);
    expect(await store.setMax('c', 3n, 1_000)).toBe(true);
    expect(await store.getMax(['c'])).toEqual([9n]);
    mode.writes = 'hang';
    expect(await store.setMax('c', 20n, 1_000)).toBe(false);
    mode.writes = 'ok';
    expect(await store.setMax('c', 12n, 1_000)).toBe(true);
    expect(await store.getMax(['c'])).toEqual([12n]);
    mode.reads = 'throw';
    expect(await store.getMax(['c'])).toBe(UNAVAILABLE);
    expect(await store.setMax('c', 30n, 1_000)).toBe(false);
  });

  it('is not a Redis store when the store is in memory (write positions then use plain Keyv calls)', () => {
    expect(storeOver(switchableKeyv().keyv).redis()).toBeUndefined();
  });
});

describe('Coalescer', () => {
  it('concurrent callers of one key share one run; the key is free again once it settles, also after a failure', async () => {
    const coalescer = new Coalescer<number>();
    let runs = 0;
    const work = async () => {
      runs++;
      await new Promise((r) => setTimeout(r, 10));
      return runs;
    };
    expect(await Promise.all([coalescer.run('a', work), coalescer.run('a', work), coalescer.run('b', work)])).toEqual([2, 2, 2]);
    expect(runs).toBe(2);
    const failing = () => Promise.reject(new Error('boom'));
    await expect(Promise.all([coalescer.run('a', failing), coalescer.run('a', work)])).rejects.toThrow('boom');
    expect(await coalescer.run('a', work)).toBe(3);
  });
});
