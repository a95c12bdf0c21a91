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
