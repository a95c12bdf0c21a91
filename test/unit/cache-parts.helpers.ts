import { createCache } from 'cache-manager';
import { Keyv } from 'keyv';
import { CacheStore } from '../../src/cache/cache-store';

/** A Keyv store the test can break: reads or writes throw, writes refused (Keyv answers false), or hang. */
export function switchableKeyv(): {
  keyv: Keyv;
  memory: Map<string, unknown>;
  mode: { reads: Mode; writes: Mode | 'refuse' };
  getManyCalls: () => number;
} {
  const memory = new Map<string, unknown>();
  const keyv = new Keyv({ store: memory, useKeyPrefix: false });
  const mode: { reads: Mode; writes: Mode | 'refuse' } = { reads: 'ok', writes: 'ok' };
  const get = keyv.get.bind(keyv);
  const getMany = keyv.getMany.bind(keyv);
  const set = keyv.set.bind(keyv);
  let calls = 0;
  keyv.get = (async (key: string) => (await failOrHang(mode.reads), get(key))) as typeof keyv.get;
  keyv.getMany = (async (keys: string[]) => (calls++, await failOrHang(mode.reads), getMany(keys))) as typeof keyv.getMany;
  keyv.set = (async (key: string, value: unknown, ttl?: number) => {
    if (mode.writes === 'refuse') return false;
    await failOrHang(mode.writes);
    return set(key, value, ttl);
  }) as typeof keyv.set;
  return { keyv, memory, mode, getManyCalls: () => calls };
}

type Mode = 'ok' | 'throw' | 'hang';

async function failOrHang(mode: Mode | 'refuse'): Promise<void> {
  if (mode === 'throw') throw new Error('cache down');
  if (mode === 'hang') await new Promise(() => undefined);
}

export const storeOver = (keyv: Keyv) => new CacheStore(createCache({ stores: [keyv] }));
