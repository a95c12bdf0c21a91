/**
 * The two read leases and their timings, in one place (docs/caching.md, "Read barrier and leases").
 *
 * With a shared store (Redis), an invalidation the store accepted reaches every instance through the
 * store, so a read may rely on the listener's recent barrier instead of a round trip of its own.
 */
export const SHARED_LEASE_TIMING = {
  /** A read may skip the barrier while the listener completed one that started less than this ago. */
  leaseMs: 1_000,
  /** An invalidation the store refused is acknowledged leaseMs + this after its NOTIFY committed, so no lease outlives it unheard. */
  marginMs: 100,
  /** Reads renew the lease in the background once it is this old (one round trip per instance, not per read). */
  renewAfterMs: 250,
};

/**
 * The lone lease (docs/caching.md, "Lone lease"): with the in-process store, an instance that has heard
 * no other instance for a while serves hits without a PostgreSQL round trip each, and every writer makes
 * sure no such lease can outlive its write unheard. Pure bookkeeping over times this instance measured
 * on its own monotonic clock (`performance.now()`); no clock is compared with another machine's, only
 * durations, and the order of events comes from PostgreSQL (commit order, and delivery of every
 * notification committed before a statement began ahead of that statement's answer).
 */

/** Every timing of the lone lease, in one place. Every instance of a deployment must use the same. */
export const LONE_LEASE_TIMING = {
  /**
   * A lone instance's hit skips the barrier while its latest completed listener round trip started
   * less than this ago. It is also about how long a new instance's first writes wait (its announcement
   * must outlast every lease granted before it), so it trades a renewal rate against that wait.
   */
  leaseMs: 1_000,
  /** Hits renew the lease in the background once it is this old: ≤ 4 round trips a second under load, none when idle. */
  renewAfterMs: 250,
  /**
   * Alone means: no message from another instance heard for this long, on a connection that has been
   * listening at least this long. A writer whose previous announcement is older than this (minus the
   * margin) starts a new chain and waits a lease out: it tolerates a writer's event loop stalling ~4 s.
   */
  quietMs: 5_000,
  /** Every instance announces itself this often (a NOTIFY with no scopes), keeping its chain unbroken. */
  heartbeatMs: 1_000,
  /** For clock rates that differ between machines, and timers that fire late. */
  marginMs: 100,
};
export type LoneLeaseTiming = typeof LONE_LEASE_TIMING;

/**
 * The rules the correctness argument rests on, each switchable off for the tests that show it matters
 * (test/cache/lone-lease.spec.ts). Never turned off outside those tests.
 */
export interface LoneLeaseRules {
  /** A lease lasts `leaseMs` from the start of the round trip that granted it. */
  leaseExpires: boolean;
  /** No lease while the listener's connection has been listening for less than `quietMs`. */
  listenedLongEnough: boolean;
  /** No lease from a round trip that started within `quietMs` of hearing another instance. */
  quietLongEnough: boolean;
  /** A write is acknowledged no earlier than `leaseMs + marginMs` after its announcement chain began. */
  waitOutChainStart: boolean;
  /** A gap of `quietMs − marginMs` or more between announcements starts a new chain. */
  gapsBreakChain: boolean;
}

const ALL_RULES: LoneLeaseRules = {
  leaseExpires: true,
  listenedLongEnough: true,
  quietLongEnough: true,
  waitOutChainStart: true,
  gapsBreakChain: true,
};

/** What the reader side knows about its listener (InvalidationListener). */
export interface ListenerTimes {
  /** When the latest completed round trip on the current connection started (-Infinity: none). */
  syncedAt: number;
  /** When LISTEN took effect on the current connection (Infinity: not listening). */
  listeningSince: number;
}

export class LoneLease {
  readonly timing: LoneLeaseTiming = { ...LONE_LEASE_TIMING };
  readonly rules: LoneLeaseRules = { ...ALL_RULES };
  private lastForeignAt = -Infinity;
  /** Upper bound of the first commit of this instance's current announcement chain (-Infinity: none yet). */
  private chainStartedAt = -Infinity;
  /** Lower bound of the latest commit of the chain (a message's send time). */
  private latestSentAt = -Infinity;

  /** A message from another instance of this cache (invalidation or announcement) was handled. */
  heardOther(now = performance.now()): void {
    this.lastForeignAt = Math.max(this.lastForeignAt, now);
  }

  /** This instance is alone at `now`: a hit may skip the barrier. */
  alone({ syncedAt, listeningSince }: ListenerTimes, now = performance.now()): boolean {
    const { leaseMs, quietMs } = this.timing;
    if (syncedAt === -Infinity) return false;
    if (this.rules.leaseExpires && now - syncedAt >= leaseMs) return false;
    if (this.rules.listenedLongEnough && syncedAt - listeningSince < quietMs) return false;
    if (this.rules.quietLongEnough && syncedAt - this.lastForeignAt < quietMs) return false;
    return true;
  }

  /** The lease is old enough to renew (in the background). */
  renewDue({ syncedAt }: ListenerTimes, now = performance.now()): boolean {
    return now - syncedAt >= this.timing.renewAfterMs;
  }

  /**
   * One of this instance's NOTIFYs committed somewhere in [sentAt, doneAt]. Recorded in the order they
   * complete; a gap that may reach `quietMs − marginMs` since the latest one starts a new chain.
   */
  announced(sentAt: number, doneAt: number): void {
    const { quietMs, marginMs } = this.timing;
    const broken = this.chainStartedAt === -Infinity || (this.rules.gapsBreakChain && doneAt - this.latestSentAt >= quietMs - marginMs);
    if (broken) {
      this.chainStartedAt = doneAt;
      this.latestSentAt = sentAt;
    } else {
      this.latestSentAt = Math.max(this.latestSentAt, sentAt);
    }
  }

  /** A write whose NOTIFY has been announced is acknowledged no earlier than this. */
  ackNotBefore(): number {
    if (!this.rules.waitOutChainStart) return -Infinity;
    return this.chainStartedAt + this.timing.leaseMs + this.timing.marginMs;
  }
}
