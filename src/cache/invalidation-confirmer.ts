import { UNAVAILABLE } from './cache-store';
import { ALL, InvalidationState, PendingInvalidation } from './invalidation-state';
import { NamespaceVersions, newVersion } from './namespace-versions';

/** Pending invalidations kept per instance; beyond it, the whole cache is bypassed until one global bump succeeds. */
export const MAX_PENDING_INVALIDATIONS = 10_000;
const CONFIRM_EVERY_MS = 50;
const CONFIRM_BATCH = 500;
/** A remote invalidation still unconfirmed after this is settled by a version write of our own. */
export const REPAIR_AFTER_MS = 1_000;

/**
 * Brings the shared store's versions in line with every invalidation this instance knows was
 * committed, and says which namespaces it may trust meanwhile. Its own invalidations are counted at
 * once and written; a failed write, a remote invalidation (NOTIFY) or a listener gap stays pending
 * until the store shows the writer's version or a version write of ours succeeds after it — tried by
 * the read that meets it, and by a background pass every 50 ms (a write of ours after 1 s).
 */
export class InvalidationConfirmer {
  private readonly state = new InvalidationState(MAX_PENDING_INVALIDATIONS);
  private readonly repairing = new Set<string>();
  private timer: NodeJS.Timeout | undefined;
  private stopped = false;

  constructor(private readonly versions: NamespaceVersions) {}

  /** Changes whenever any of `scopes` is invalidated (see InvalidationState). */
  generation(scopes: readonly string[]): number {
    return this.state.generation(scopes);
  }

  /** The pending entries of `scopes` now: capture them before reading the versions that `trusted` checks. */
  pendingOf(scopes: readonly string[]): Array<PendingInvalidation | undefined> {
    return scopes.map((scope) => this.state.get(scope));
  }

  /**
   * No scope has an invalidation the versions read do not reflect; starts settling those that have
   * one. `atStart` is `pendingOf(scopes)` from before the versions were read: an entry settled by a
   * version write that landed after that read still makes the read untrusted (it saw the old version).
   */
  trusted(scopes: string[], versions: string[], atStart: Array<PendingInvalidation | undefined> = []): boolean {
    let trusted = true;
    scopes.forEach((scope, i) => {
      const entry = atStart[i] ?? this.state.get(scope);
      if (!entry) return;
      if (entry.expected !== undefined && entry.expected === versions[i]) {
        this.state.settle(scope, entry);
      } else {
        trusted = false;
        const current = this.state.get(scope);
        if (current) void this.repair(scope, current);
      }
    });
    return trusted;
  }

  /** Our own invalidation: counted at once, then written; a failed write stays pending here. True when every write landed. */
  async applyLocal(versions: Array<[scope: string, version: string]>): Promise<boolean> {
    const written = await Promise.all(
      versions.map(async ([scope, version]) => {
        this.state.bump(scope);
        const before = this.state.get(scope);
        if (await this.versions.write(scope, version)) {
          this.state.settle(scope, before);
          return true;
        }
        this.pending(scope, version);
        return false;
      }),
    );
    return written.every(Boolean);
  }

  /** Another instance's committed invalidation: pending until its version (or one of ours) lands. */
  heard(versions: Array<[scope: string, version: string]>): void {
    for (const [scope, version] of versions) this.pending(scope, version);
  }

  /** Invalidations may have been missed (the listener reconnected): nothing is trusted until a global bump. */
  gap(): void {
    this.pending(ALL, undefined);
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private pending(scope: string, expected: string | undefined): void {
    this.state.markPending(scope, expected);
    this.schedule();
  }

  /** Settles `entry` with a fresh version of our own (written after its commit was heard of). */
  private async repair(scope: string, entry: PendingInvalidation): Promise<void> {
    if (this.repairing.has(scope)) return;
    this.repairing.add(scope);
    try {
      if (await this.versions.write(scope, newVersion())) this.state.settle(scope, entry);
    } finally {
      this.repairing.delete(scope);
    }
  }

  private schedule(): void {
    if (this.timer || this.stopped) return;
    this.timer = setTimeout(() => {
      void this.confirm().finally(() => {
        this.timer = undefined;
        if (this.state.size > 0) this.schedule();
      });
    }, CONFIRM_EVERY_MS);
    this.timer.unref();
  }

  /** Settles the pending entries whose version landed; writes our own for the rest once due. */
  private async confirm(): Promise<void> {
    const batch = this.state.entries().slice(0, CONFIRM_BATCH);
    const found = await this.versions.current(batch.map(([scope]) => scope));
    if (found === UNAVAILABLE) return;
    const now = Date.now();
    await Promise.all(
      batch.map(([scope, entry], i) => {
        if (entry.expected !== undefined && found[i] === entry.expected) return this.state.settle(scope, entry);
        if (entry.expected === undefined || now - entry.since >= REPAIR_AFTER_MS) return this.repair(scope, entry);
      }),
    );
  }
}
