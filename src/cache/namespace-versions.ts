import { randomBytes } from 'node:crypto';
import { CacheStore, UNAVAILABLE, Unavailable } from './cache-store';
import { FreshCoalescer } from './coalescer';

const VERSION_TTL_MS = 7 * 24 * 3600 * 1000;

const VERSION_BYTES = 6;
/** Random bytes drawn 512 versions at a time (`randomBytes(6)` per write cost ~2% of an answer's CPU; randomUUID pools the same way). */
const RANDOM_POOL_BYTES = VERSION_BYTES * 512;
let randomPool = Buffer.alloc(0);
let randomAt = 0;

/** A fresh random version (48 random bits): never reused, never guessable, so an old entry cannot come back. */
export const newVersion = (): string => {
  if (randomAt + VERSION_BYTES > randomPool.length) {
    randomPool = randomBytes(RANDOM_POOL_BYTES);
    randomAt = 0;
  }
  const version = randomPool.toString('base64url', randomAt, randomAt + VERSION_BYTES);
  randomAt += VERSION_BYTES;
  return version;
};

/**
 * The versions of a namespace's scopes in the shared store, and the keys built from them:
 * `<prefix>:<scope>:version` holds a scope's version, `<prefix>:<ns>:<v*>.<vFamily>.<vNs>:<key>` an
 * entry. Concurrent lookups of one namespace share one MGET that started after each of them (one
 * started earlier may predate a version another instance wrote before this read began), unless an
 * invalidation of this instance came between them (the caller passes the generation it captured).
 */
export class NamespaceVersions {
  private readonly lookups = new FreshCoalescer<string[] | Unavailable>();

  constructor(
    private readonly store: CacheStore,
    private readonly prefix: string,
  ) {}

  /** The scopes' versions (a missing one replaced by a fresh one); UNAVAILABLE when the store failed. */
  read(scopes: string[], generation: number): Promise<string[] | Unavailable> {
    return this.lookups.run(`${scopes[scopes.length - 1]}@${generation}`, () => this.readOrCreate(scopes));
  }

  /** Stores `version` for `scope`; false when the store failed or refused it. */
  write(scope: string, version: string): Promise<boolean> {
    return this.store.set(this.versionKey(scope), version, VERSION_TTL_MS);
  }

  /** The stored versions of `scopes`, in one round trip (for confirming pending invalidations). */
  current(scopes: string[]): Promise<Array<string | undefined> | Unavailable> {
    return this.store.getMany<string>(scopes.map((scope) => this.versionKey(scope)));
  }

  entryKey(namespace: string, versions: string[], key: string): string {
    return `${this.prefix}:${namespace}:${versions.join('.')}:${key}`;
  }

  clear(): void {
    this.lookups.clear();
  }

  private async readOrCreate(scopes: string[]): Promise<string[] | Unavailable> {
    const found = await this.current(scopes);
    if (found === UNAVAILABLE) return UNAVAILABLE;
    const versions: string[] = [];
    for (const [i, scope] of scopes.entries()) {
      const version = found[i];
      if (typeof version === 'string') versions.push(version);
      else {
        const fresh = newVersion();
        if (!(await this.write(scope, fresh))) return UNAVAILABLE;
        versions.push(fresh);
      }
    }
    return versions;
  }

  private versionKey(scope: string): string {
    return `${this.prefix}:${scope}:version`;
  }
}
