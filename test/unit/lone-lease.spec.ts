import { LONE_LEASE_TIMING, LoneLease } from '../../src/cache/leases';

/** docs/caching.md, "Lone lease": the bookkeeping alone, at chosen times (no clock, no database). */
const { leaseMs, quietMs, marginMs } = LONE_LEASE_TIMING;
const listening = (since: number, syncedAt: number) => ({ listeningSince: since, syncedAt });

describe('LoneLease: the reader', () => {
  it('is alone only after listening quietMs, hearing no other instance for quietMs, within leaseMs of the round trip', () => {
    const lease = new LoneLease();
    expect(lease.alone(listening(0, -Infinity), 0)).toBe(false); // no round trip yet
    expect(lease.alone(listening(0, quietMs - 1), quietMs)).toBe(false); // not listening long enough
    expect(lease.alone(listening(0, quietMs), quietMs)).toBe(true);
    expect(lease.alone(listening(0, quietMs), quietMs + leaseMs)).toBe(false); // the lease ran out
    lease.heardOther(quietMs + 10);
    expect(lease.alone(listening(0, quietMs + 20), quietMs + 20)).toBe(false); // heard another instance
    expect(lease.alone(listening(0, 2 * quietMs + 10), 2 * quietMs + 10)).toBe(true); // quiet again
    expect(lease.alone(listening(Infinity, -Infinity), 2 * quietMs + 10)).toBe(false); // connection lost
  });

  it('renews once the lease is renewAfterMs old', () => {
    const lease = new LoneLease();
    expect(lease.renewDue(listening(0, 100), 100 + LONE_LEASE_TIMING.renewAfterMs - 1)).toBe(false);
    expect(lease.renewDue(listening(0, 100), 100 + LONE_LEASE_TIMING.renewAfterMs)).toBe(true);
  });

  it('each rule switched off lets a lease through that the rule refuses', () => {
    const off = (rule: keyof LoneLease['rules']) => {
      const lease = new LoneLease();
      lease.rules[rule] = false;
      return lease;
    };
    expect(off('leaseExpires').alone(listening(0, quietMs), quietMs + 10 * leaseMs)).toBe(true);
    expect(off('listenedLongEnough').alone(listening(0, 1), 1)).toBe(true);
    const deaf = off('quietLongEnough');
    deaf.heardOther(quietMs);
    expect(deaf.alone(listening(0, quietMs + 1), quietMs + 1)).toBe(true);
  });
});

describe('LoneLease: the writer', () => {
  it('acknowledges no earlier than leaseMs + marginMs after its chain began; announcements within the quiet window keep the chain', () => {
    const lease = new LoneLease();
    expect(lease.ackNotBefore()).toBe(-Infinity); // nothing announced: nothing to wait for
    lease.announced(0, 5); // the hello
    expect(lease.ackNotBefore()).toBe(5 + leaseMs + marginMs);
    lease.announced(1_000, 1_003);
    lease.announced(2_000, 2_004);
    expect(lease.ackNotBefore()).toBe(5 + leaseMs + marginMs);
  });

  it('a gap that may reach quietMs − marginMs starts a new chain, measured from the latest send to the new answer', () => {
    const lease = new LoneLease();
    lease.announced(0, 5);
    lease.announced(quietMs - marginMs - 10, quietMs - marginMs - 1); // 1 ms short of the gap
    expect(lease.ackNotBefore()).toBe(5 + leaseMs + marginMs);
    const sent = quietMs - marginMs - 10;
    lease.announced(sent + 1, sent + quietMs - marginMs); // its answer came quietMs − marginMs after the latest send
    expect(lease.ackNotBefore()).toBe(sent + quietMs - marginMs + leaseMs + marginMs);
  });

  it('a chain restarted forgets the previous one: its gaps are measured from the restart’s own send', () => {
    const lease = new LoneLease();
    const gap = quietMs - marginMs;
    lease.announced(0, 5);
    lease.announced(100, 110);
    lease.announced(50, 100 + gap); // a slow NOTIFY: sent before the previous one, answered a gap after it → restart
    expect(lease.ackNotBefore()).toBe(100 + gap + leaseMs + marginMs);
    // A gap from 50 (the restart's send), though not from 100 (the previous chain's latest send): a new chain again.
    lease.announced(60, 50 + gap + 10);
    expect(lease.ackNotBefore()).toBe(50 + gap + 10 + leaseMs + marginMs);
  });

  it('with its rules off, it neither waits nor restarts', () => {
    const lease = new LoneLease();
    lease.rules.gapsBreakChain = false;
    lease.announced(0, 5);
    lease.announced(100_000, 100_005);
    expect(lease.ackNotBefore()).toBe(5 + leaseMs + marginMs);
    lease.rules.waitOutChainStart = false;
    expect(lease.ackNotBefore()).toBe(-Infinity);
  });
});
