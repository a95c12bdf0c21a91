/** The scope that covers every namespace: its version is part of every key (see `scopesOf`). */
export const ALL = '*';

/** An invalidation this instance knows was committed but has not seen confirmed in the cache yet. */
export interface PendingInvalidation {
  /** The version its writer meant to store; `undefined` when only a fresh bump of our own can settle it. */
  readonly expected: string | undefined;
  readonly seq: number;
  readonly since: number;
}

const GENERATION_SLOTS = 4096;

/**
 * An instance's local knowledge of invalidations, in bounded memory:
 *
 * - `pending`: namespaces whose committed invalidation is not yet confirmed in the shared cache
 *   (the writer's version write failed, or has not landed yet). A read of such a namespace bypasses
 *   the cache. At most `maxPending` entries; one more marks ALL pending instead (every read bypasses
 *   the cache until a fresh bump of the global version succeeds, which settles everything).
 * - generations: counters bumped by every invalidation this instance hears of (its own or another
 *   instance's), hashed into a fixed array. A read captures them before its version lookup and load,
 *   and neither joins an older lookup nor caches its load when they moved meanwhile. A hash
 *   collision only makes a read skip caching once.
 */
export class InvalidationState {
  private readonly pending = new Map<string, PendingInvalidation>();
  private readonly generations = new Uint32Array(GENERATION_SLOTS);
  private seq = 0;

  constructor(private readonly maxPending: number) {}

  /** The sum of the generations of `scopes`; changes whenever any of them is invalidated. */
  generation(scopes: readonly string[]): number {
    let sum = 0;
    for (const scope of scopes) sum += this.generations[slotOf(scope)];
    return sum;
  }

  /** Records a committed invalidation of `scope` (a remote one, or our own whose write failed). */
  markPending(scope: string, expected: string | undefined): void {
    this.bump(scope);
    if (scope !== ALL && !this.pending.has(scope) && this.pending.size >= this.maxPending) scope = ALL;
    if (scope === ALL) {
      this.bump(ALL);
      expected = undefined;
    }
    this.pending.delete(scope); // re-insert: Map order stays oldest-first
    this.pending.set(scope, { expected, seq: ++this.seq, since: Date.now() });
  }

  /** Counts a local invalidation whose version write is under way (readers must not cache across it). */
  bump(scope: string): void {
    this.generations[slotOf(scope)]++;
  }

  get(scope: string): PendingInvalidation | undefined {
    return this.pending.get(scope);
  }

  /**
   * `scope` was settled by a version write that started after `entry` was recorded: drop it, unless
   * a newer invalidation replaced it meanwhile. Settling ALL settles every entry recorded before it.
   */
  settle(scope: string, entry: PendingInvalidation | undefined): void {
    if (scope === ALL && entry) {
      for (const [key, value] of this.pending) if (value.seq <= entry.seq) this.pending.delete(key);
      return;
    }
    if (this.pending.get(scope) === entry) this.pending.delete(scope);
  }

  /** Pending entries, oldest first (for the background confirmation pass). */
  entries(): Array<[string, PendingInvalidation]> {
    return [...this.pending];
  }

  get size(): number {
    return this.pending.size;
  }
}

/**
 * The scopes whose versions make up a namespace's key: the global scope, the family ("stats" for
 * "stats:42") and the namespace itself. Invalidating a family invalidates all its namespaces with
 * one version write (e.g. every learner's stats when a word is deleted).
 */
export function scopesOf(namespace: string): string[] {
  const colon = namespace.indexOf(':');
  return colon > 0 ? [ALL, namespace.slice(0, colon), namespace] : [ALL, namespace];
}

function slotOf(scope: string): number {
  let h = 2166136261;
  for (let i = 0; i < scope.length; i++) h = Math.imul(h ^ scope.charCodeAt(i), 16777619);
  return (h >>> 0) % GENERATION_SLOTS;
}
