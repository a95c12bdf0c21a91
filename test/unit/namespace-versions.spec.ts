import { Logger } from '@nestjs/common';
import { UNAVAILABLE } from '../../src/cache/cache-store';
import { NamespaceVersions } from '../../src/cache/namespace-versions';
import { storeOver, switchableKeyv } from './cache-parts.helpers';

beforeAll(() => Logger.overrideLogger(false));

describe('NamespaceVersions', () => {
  it('replaces missing versions by fresh random ones, stored, and reads them back the same', async () => {
    const { keyv } = switchableKeyv();
    const versions = new NamespaceVersions(storeOver(keyv), 'p');
    const first = (await versions.read(['*', 'stats', 'stats:1'], 0)) as string[];
    expect(first).toHaveLength(3);
    expect(new Set(first).size).toBe(3);
    expect(await versions.read(['*', 'stats', 'stats:1'], 1)).toEqual(first);
    expect(await keyv.get('p:stats:version')).toBe(first[1]);
    expect(versions.entryKey('stats:1', first as string[], 'summary')).toBe(`p:stats:1:${first.join('.')}:summary`);
  });

  it('UNAVAILABLE when the read fails, or a missing version cannot be stored', async () => {
    const { keyv, mode } = switchableKeyv();
    const versions = new NamespaceVersions(storeOver(keyv), 'p');
    mode.reads = 'throw';
    expect(await versions.read(['*', 'words'], 0)).toBe(UNAVAILABLE);
    mode.reads = 'ok';
    mode.writes = 'refuse';
    expect(await versions.read(['*', 'words'], 0)).toBe(UNAVAILABLE);
    expect(await versions.write('words', 'v1')).toBe(false);
    mode.writes = 'ok';
    expect(await versions.write('words', 'v1')).toBe(true);
    expect(await versions.current(['words', 'other'])).toEqual(['v1', undefined]);
  });

  it('concurrent lookups of one namespace share one MGET within a generation, never across generations', async () => {
    const { keyv, getManyCalls } = switchableKeyv();
    const versions = new NamespaceVersions(storeOver(keyv), 'p');
    await versions.read(['*', 'words'], 0);
    const before = getManyCalls();
    await Promise.all([versions.read(['*', 'words'], 0), versions.read(['*', 'words'], 0)]);
    expect(getManyCalls() - before).toBe(1);
    await Promise.all([versions.read(['*', 'words'], 0), versions.read(['*', 'words'], 1)]);
    expect(getManyCalls() - before).toBe(3);
  });

  it('a lookup that begins while another one is in flight gets the next MGET, not the one in flight (it may predate a write)', async () => {
    const { keyv, getManyCalls } = switchableKeyv();
    const versions = new NamespaceVersions(storeOver(keyv), 'p');
    const before = getManyCalls();
    const first = versions.read(['*', 'words'], 0);
    await Promise.resolve(); // the first lookup's MGET has started
    await Promise.resolve();
    const [second, third] = [versions.read(['*', 'words'], 0), versions.read(['*', 'words'], 0)];
    await Promise.all([first, second, third]);
    expect(getManyCalls() - before).toBe(2);
  });
});
