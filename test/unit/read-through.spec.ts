import { Logger } from '@nestjs/common';
import { ReadThrough } from '../../src/cache/read-through';
import { MetricsService } from '../../src/observability/metrics.service';
import { storeOver, switchableKeyv } from './cache-parts.helpers';

beforeAll(() => Logger.overrideLogger(false));

async function lookups(metrics: MetricsService, result: string): Promise<number> {
  const metric = await metrics.cacheLookups.get();
  return metric.values.find((v) => v.labels.namespace === 'words' && v.labels.result === result)?.value ?? 0;
}

describe('ReadThrough', () => {
  const entry = (stillCurrent = () => true) => ({ namespace: 'words', key: 'p:words:v:k', ttlMs: 1_000, stillCurrent });

  it('a miss loads once for concurrent callers and stores the value; then hits; counted per lookup', async () => {
    const { keyv, memory } = switchableKeyv();
    const metrics = new MetricsService();
    const reads = new ReadThrough(storeOver(keyv), metrics);
    let loads = 0;
    const load = async () => (++loads, await new Promise((r) => setTimeout(r, 10)), 'v');
    expect(await Promise.all([reads.get('id', entry(), load), reads.get('id', entry(), load)])).toEqual(['v', 'v']);
    expect(await reads.get('id', entry(), load)).toBe('v');
    expect(loads).toBe(1);
    expect(memory.get('p:words:v:k')).toBeDefined();
    expect([await lookups(metrics, 'miss'), await lookups(metrics, 'hit')]).toEqual([1, 1]);
  });

  it('a failed read is an error, not a miss: the loader answers and nothing is written', async () => {
    const { keyv, mode, memory } = switchableKeyv();
    const metrics = new MetricsService();
    const reads = new ReadThrough(storeOver(keyv), metrics);
    mode.reads = 'throw';
    expect(await reads.get('id', entry(), async () => 'db')).toBe('db');
    expect(memory.size).toBe(0);
    expect([await lookups(metrics, 'error'), await lookups(metrics, 'miss')]).toEqual([1, 0]);
  });

  it('a load that an invalidation overtook is returned, not stored; a refused write still returns the value', async () => {
    const { keyv, mode, memory } = switchableKeyv();
    const reads = new ReadThrough(storeOver(keyv), new MetricsService());
    expect(
      await reads.get(
        'a',
        entry(() => false),
        async () => 'stale?',
      ),
    ).toBe('stale?');
    expect(memory.size).toBe(0);
    mode.writes = 'throw';
    expect(await reads.get('b', entry(), async () => 'v')).toBe('v');
    expect(memory.size).toBe(0);
  });
});
