/**
 * Concurrent callers with one key share one run of the work; the key is free again once it settles.
 * Per instance, unlike `@cacheable/utils`' process-global `coalesceAsync` (what cache-manager's `wrap`
 * uses): two lingua instances in one process must never join each other's lookups, their
 * invalidation generations differ.
 */
export class Coalescer<T> {
  private readonly running = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const pending = this.running.get(key);
    if (pending) return pending;
    const run = work().finally(() => this.running.delete(key));
    this.running.set(key, run);
    return run;
  }

  clear(): void {
    this.running.clear();
  }
}

/**
 * Concurrent callers with one key share one run that *starts after* each of them called: a caller
 * arriving while a run is in flight waits for the next one (at most one queued per key), because the
 * run in flight may have read before something the caller must see. A run starts on the microtask
 * after the first call, so callers in the same synchronous stretch share it. For reads whose answer
 * must reflect every write acknowledged before the read began (version lookups, the listener's barrier).
 */
export class FreshCoalescer<T> {
  private readonly inflight = new Map<string, { started: boolean; run: Promise<T> }>();
  private readonly queued = new Map<string, Promise<T>>();

  run(key: string, work: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(key);
    if (!running) return this.start(key, work);
    if (!running.started) return running.run;
    let next = this.queued.get(key);
    if (!next) {
      const settled = running.run.then(
        () => undefined,
        () => undefined,
      );
      next = settled.then(() => {
        this.queued.delete(key);
        return this.run(key, work);
      });
      this.queued.set(key, next);
    }
    return next;
  }

  /** True while a run for `key` is in flight or about to start. */
  running(key: string): boolean {
    return this.inflight.has(key);
  }

  clear(): void {
    this.inflight.clear();
    this.queued.clear();
  }

  private start(key: string, work: () => Promise<T>): Promise<T> {
    const entry: { started: boolean; run: Promise<T> } = { started: false, run: undefined as unknown as Promise<T> };
    entry.run = Promise.resolve()
      .then(() => {
        entry.started = true;
        return work();
      })
      .finally(() => this.inflight.delete(key));
    this.inflight.set(key, entry);
    return entry.run;
  }
}
