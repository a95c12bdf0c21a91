import { Logger } from '@nestjs/common';
import { InvalidationConfirmer } from '../../src/cache/invalidation-confirmer';
import { InvalidationPublisher } from '../../src/cache/invalidation-publisher';
import { ALL, scopesOf } from '../../src/cache/invalidation-state';
import { NamespaceVersions } from '../../src/cache/namespace-versions';
import { storeOver, switchableKeyv } from './cache-parts.helpers';

beforeAll(() => Logger.overrideLogger(false));

const until = async (condition: () => Promise<boolean> | boolean, ms = 3_000) => {
  const deadline = Date.now() + ms;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
};

describe('InvalidationConfirmer', () => {
  function setup() {
    const { keyv, mode } = switchableKeyv();
    const versions = new NamespaceVersions(storeOver(keyv), 'p');
    const confirmer = new InvalidationConfirmer(versions);
    const trustedNow = async (namespace: string) => {
      const scopes = scopesOf(namespace);
      const read = await versions.read(scopes, confirmer.generation(scopes));
      return Array.isArray(read) && confirmer.trusted(scopes, read);
    };
    return { versions, confirmer, mode, trustedNow };
  }

  it('its own invalidation moves the generation and is trusted once written', async () => {
    const { confirmer, trustedNow } = setup();
    try {
      const before = confirmer.generation(scopesOf('words'));
      await confirmer.applyLocal([['words', 'v2']]);
      expect(confirmer.generation(scopesOf('words'))).not.toBe(before);
      expect(await trustedNow('words')).toBe(true);
    } finally {
      confirmer.stop();
    }
  });

  it('an own invalidation whose write was refused stays untrusted until a write of ours succeeds', async () => {
    const { confirmer, mode, trustedNow } = setup();
    try {
      await trustedNow('words'); // versions exist
      mode.writes = 'refuse';
      await confirmer.applyLocal([['words', 'v2']]);
      expect(await trustedNow('words')).toBe(false);
      mode.writes = 'ok';
      await until(() => trustedNow('words'));
    } finally {
      confirmer.stop();
    }
  });

  it("a remote invalidation is untrusted until its writer's version lands (then settled without a write of ours)", async () => {
    const { versions, confirmer, trustedNow } = setup();
    try {
      await trustedNow('stats:1');
      confirmer.heard([['stats', 'remote-v']]);
      expect(await trustedNow('stats:1')).toBe(false);
      expect(await trustedNow('words')).toBe(true);
      await versions.write('stats', 'remote-v');
      await until(() => trustedNow('stats:1'));
    } finally {
      confirmer.stop();
    }
  });

  it('after a listener gap nothing is trusted until the global version is rewritten', async () => {
    const { versions, confirmer, mode, trustedNow } = setup();
    try {
      await trustedNow('words');
      const [global] = (await versions.current([ALL])) as string[];
      mode.writes = 'refuse';
      confirmer.gap();
      expect(await trustedNow('words')).toBe(false);
      mode.writes = 'ok';
      await until(() => trustedNow('words'));
      expect(await versions.current([ALL])).not.toEqual([global]);
    } finally {
      confirmer.stop();
    }
  });
});

describe('InvalidationPublisher', () => {
  it('NOTIFYs on the listener connection, else through the pool, and never fails when both fail', async () => {
    const sent: string[] = [];
    let listenerUp = true;
    let poolUp = true;
    const publisher = new InvalidationPublisher('app', 'me', {
      listener: async (payload) => (listenerUp ? (sent.push(`listener ${payload}`), true) : false),
      pool: async (channel, payload) => {
        if (!poolUp) throw new Error('pool down');
        sent.push(`pool ${channel} ${payload}`);
      },
    });
    await publisher.publish([
      ['words', 'v1'],
      ['stats', 'v2'],
    ]);
    listenerUp = false;
    await publisher.publish([['words', 'v3']]);
    poolUp = false;
    await expect(publisher.publish([['words', 'v4']])).resolves.toBeUndefined();
    expect(sent).toEqual(['listener app me words=v1 stats=v2', 'pool lingua_cache app me words=v3']);
    await expect(publisher.publish([['bad name', 'v']])).rejects.toThrow(/must not contain spaces/);
  });
});

describe('InvalidationConfirmer.trusted, given what was pending before the versions were read', () => {
  it('a read whose versions predate the write that settled a pending scope is not trusted (it saw the old version)', async () => {
    const { keyv } = switchableKeyv();
    const versions = new NamespaceVersions(storeOver(keyv), 'p');
    const confirmer = new InvalidationConfirmer(versions);
    try {
      const scopes = scopesOf('words');
      await versions.write('words', 'v-old');
      confirmer.heard([['words', 'v-remote']]); // another instance's invalidation; its version write was refused
      const atStart = confirmer.pendingOf(scopes);
      const read = await versions.read(scopes, confirmer.generation(scopes));
      if (!Array.isArray(read)) throw new Error('the store failed');
      // The background pass settles the scope with a version of its own, after this read.
      await until(() => confirmer.pendingOf(scopes).every((e) => e === undefined));
      expect(confirmer.trusted(scopes, read)).toBe(true); // what a read checking only the current state would do
      expect(confirmer.trusted(scopes, read, atStart)).toBe(false);
      const fresh = await versions.read(scopes, confirmer.generation(scopes));
      expect(Array.isArray(fresh) && fresh[1] !== read[1] && confirmer.trusted(scopes, fresh, confirmer.pendingOf(scopes))).toBe(true);
    } finally {
      confirmer.stop();
    }
  });
});
