// The hourly-threshold guard (budget.ts) with a fake clock, reader and sleep.
import { describe, expect, it } from 'vitest';
import { KmspError } from '../../source/domain/errors.js';
import { BudgetGuard, DEFAULT_BUDGET_POLICY, type BudgetPolicy, type Threshold } from '../../source/connectors/autotask/budget.js';

/** `reserveFromRatio` 1: no reserve, so the limit itself is where sending stops (the reserve has tests of its own). */
function harness(readings: Array<Threshold | Error>, policy: Partial<BudgetPolicy> = { reserveFromRatio: 1 }) {
  let requests = 0;
  let now = 1_000_000;
  const waits: number[] = [];
  let reads = 0;
  const guard = new BudgetGuard({
    read: async () => {
      requests++; // the usage check counts too
      const next = readings[Math.min(reads, readings.length - 1)]!;
      reads++;
      if (next instanceof Error) throw next;
      return next;
    },
    requestsMade: () => requests,
    sleep: async (ms) => {
      waits.push(ms);
      now += ms;
    },
    now: () => now,
    policy: { refreshEvery: 10, refreshEveryWhenPacing: 3, ...policy },
  });
  const send = async (n = 1) => {
    for (let i = 0; i < n; i++) {
      await guard.beforeRequest();
      requests++;
    }
  };
  return { guard, send, waits, reads: () => reads, advance: (ms: number) => (now += ms) };
}

const t = (used: number, limit = 10_000): Threshold => ({ used, limit, timeframeMinutes: 60 });

describe('BudgetGuard', () => {
  it('reads usage before the first request, then every refreshEvery requests', async () => {
    const h = harness([t(100)]);
    await h.send(1);
    expect(h.reads()).toBe(1);
    await h.send(8);
    expect(h.reads()).toBe(1);
    await h.send(2);
    expect(h.reads()).toBe(2);
    expect(h.waits).toEqual([]);
    expect(h.guard.estimate()!.used).toBeGreaterThan(100);
  });

  it('paces from 75%: the rest of the budget spread over the timeframe, at least 1 s, at most 10 s', async () => {
    const h = harness([t(8_000)]);
    await h.send(3);
    // 2,000 left for 60 minutes: 1.8 s apart.
    expect(h.waits).toHaveLength(2);
    expect(h.waits[0]).toBeCloseTo(1_800, -1);
    const tight = harness([t(9_990)]);
    await tight.send(2);
    expect(tight.waits[0]).toBe(10_000);
    const loose = harness([t(7_500, 100_000)]);
    await loose.send(3);
    expect(loose.waits).toEqual([]);
  });

  it('by default leaves the last 10% to other integrations: paced so the budget up to 90% lasts the window, nothing sent from 90%', async () => {
    expect(DEFAULT_BUDGET_POLICY.reserveFromRatio).toBe(0.9);
    const paced = harness([t(8_000)], {});
    await paced.send(3);
    // 1,000 left below the reserve for 60 minutes: 3.6 s apart.
    expect(paced.waits[0]).toBeCloseTo(3_600, -1);
    const reserved = harness([t(9_000), t(9_000)], {});
    const error = (await reserved.send(1).catch((e: unknown) => e)) as KmspError;
    expect(error).toBeInstanceOf(KmspError);
    expect(error.kind).toBe('rate-limit');
    expect(error.message).toBe('kmsp paused its Autotask requests: 9000 of 10000 requests of the 60-minute window are used, and kmsp leaves the last 10% to other integrations');
    expect(error.remedy).toMatch(/looks at the usage again every 30 s/);
    // Nothing was sent but the usage check itself.
    expect(reserved.reads()).toBe(1);
  });

  it('deferred at the reserve, it looks again after a while and carries on once the others slowed down', async () => {
    const h = harness([t(9_500), t(9_400), t(6_000)], {});
    await expect(h.send(1)).rejects.toMatchObject({ kind: 'rate-limit' });
    await expect(h.send(1)).rejects.toMatchObject({ kind: 'rate-limit' });
    expect(h.reads()).toBe(1);
    h.advance(30_000);
    await expect(h.send(1)).rejects.toMatchObject({ kind: 'rate-limit' });
    expect(h.reads()).toBe(2);
    h.advance(30_000);
    await h.send(1);
    expect(h.reads()).toBe(3);
  });

  it('re-reads more often while pacing', async () => {
    const h = harness([t(8_000)]);
    await h.send(5);
    expect(h.reads()).toBe(2);
  });

  it('refuses to send at the limit, after confirming with a fresh reading', async () => {
    const h = harness([t(9_999), t(10_000)]);
    await h.send(1);
    const error = await h.send(1).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(KmspError);
    expect((error as KmspError).kind).toBe('rate-limit');
    expect((error as KmspError).message).toContain('of 10000 requests used in the current 60-minute window');
    expect(h.reads()).toBe(2);
  });

  it('a long-lived connector looks again after a while when the threshold was used up', async () => {
    const h = harness([t(10_000), t(10_000), t(3_000)]);
    await expect(h.send(1)).rejects.toMatchObject({ kind: 'rate-limit' });
    // Refused again without asking Autotask again right away…
    await expect(h.send(1)).rejects.toMatchObject({ kind: 'rate-limit' });
    expect(h.reads()).toBe(1);
    // …but after 30 s it looks again (still used up), and again later (capacity is back).
    h.advance(30_000);
    await expect(h.send(1)).rejects.toMatchObject({ kind: 'rate-limit' });
    expect(h.reads()).toBe(2);
    h.advance(30_000);
    await h.send(1);
    expect(h.reads()).toBe(3);
  });

  it('refreshes a reading older than five minutes', async () => {
    const h = harness([t(100), t(200)]);
    await h.send(1);
    h.advance(5 * 60_000);
    await h.send(1);
    expect(h.reads()).toBe(2);
  });

  it('recovers when a fresh reading shows the window moved on', async () => {
    const h = harness([t(9_999), t(2_000)]);
    await h.send(2);
    expect(h.reads()).toBe(2);
  });

  it('says when to retry: Retry-After when known, else the end of the window', () => {
    const h = harness([t(10_000)]);
    h.guard.note(t(10_000));
    expect(h.guard.exhausted(30_000).remedy).toMatch(/in 30 s, as Autotask asked/);
    expect(h.guard.exhausted(null).remedy).toMatch(/at the latest .*rolling 60-minute window/);
  });

  it('keeps working when the usage check fails for a vendor reason, but not for auth', async () => {
    const soft = harness([new KmspError('boom', { kind: 'vendor' })]);
    await soft.send(3);
    expect(soft.reads()).toBe(1);
    const hard = harness([new KmspError('denied', { kind: 'auth' })]);
    await expect(hard.send(1)).rejects.toMatchObject({ kind: 'auth' });
  });

  it('shares one reading between concurrent first requests', async () => {
    const h = harness([t(10)]);
    await Promise.all([h.guard.beforeRequest(), h.guard.beforeRequest(), h.guard.beforeRequest()]);
    expect(h.reads()).toBe(1);
  });
});
