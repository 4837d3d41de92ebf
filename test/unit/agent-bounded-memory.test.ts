// What the agent keeps from pass to pass is bounded by what it serves (integrations, distinct
// warnings), never by how many passes it has run: a poll every second for a year must not grow it.
import { describe, expect, it } from 'vitest';
import { RequestWindow } from '../../source/agent/requestWindow.js';
import { WarningMemory } from '../../source/agent/warningMemory.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe('the request counts of the last hour', () => {
  it('add up every pass of the hour and drop what is older', () => {
    const w = new RequestWindow();
    const t0 = Date.UTC(2026, 0, 5, 10, 0, 0);
    w.record(t0, 'a', { platform: 3, psa: 1 });
    w.record(t0 + 1000, 'a', { platform: 2, psa: 2 });
    w.record(t0 + 30 * MINUTE, 'b', { platform: 1, psa: 0 });
    expect(w.lastHour(t0 + 30 * MINUTE)).toEqual({ a: { platform: 5, psa: 3 }, b: { platform: 1, psa: 0 } });
    // Two hours on, the first minute is gone; b's is too after another half hour.
    expect(w.lastHour(t0 + 62 * MINUTE)).toEqual({ b: { platform: 1, psa: 0 } });
    expect(w.lastHour(t0 + 92 * MINUTE)).toEqual({});
    expect(w.size).toBe(0);
  });

  it('hold at most 61 buckets per integration however often passes run', () => {
    const w = new RequestWindow();
    const t0 = Date.UTC(2026, 0, 5, 10, 0, 0);
    // A pass every second for three hours, the status refreshed after each as the daemon does.
    let sizes = 0;
    for (let s = 0; s < 3 * 3600; s++) {
      w.record(t0 + s * 1000, 'a', { platform: 1, psa: 1 });
      w.lastHour(t0 + s * 1000);
      sizes = Math.max(sizes, w.size);
    }
    expect(sizes).toBeLessThanOrEqual(61);
    const hour = w.lastHour(t0 + 3 * 3600 * 1000 - 1000).a!;
    // The last hour to the minute: between 60 and 61 minutes of passes.
    expect(hour.psa).toBeGreaterThanOrEqual(3600);
    expect(hour.psa).toBeLessThanOrEqual(3660);
  });

  it('forget an integration removed from the config', () => {
    const w = new RequestWindow();
    w.record(0, 'a', { platform: 1, psa: 1 });
    w.record(0, 'b', { platform: 1, psa: 1 });
    w.keepOnly(['b']);
    expect(Object.keys(w.lastHour(1000))).toEqual(['b']);
  });
});

describe('the connector warnings told', () => {
  it('are told once a day, and forgotten once a day has passed', () => {
    const m = new WarningMemory(DAY);
    expect(m.firstTelling('a', 'x', 0)).toBe(true);
    expect(m.firstTelling('a', 'x', HOUR)).toBe(false);
    expect(m.firstTelling('b', 'x', HOUR)).toBe(true);
    expect(m.size).toBe(2);
    // A day after b's, a message told afresh sweeps both out; only the new one stays.
    expect(m.firstTelling('a', 'y', HOUR + DAY)).toBe(true);
    expect(m.size).toBe(1);
    expect(m.firstTelling('a', 'x', HOUR + DAY + 1)).toBe(true);
  });

  it('stay bounded when every pass brings a new wording', () => {
    const m = new WarningMemory(DAY, 100);
    for (let i = 0; i < 1000; i++) expect(m.firstTelling('a', `status ${i}`, i * 1000)).toBe(true);
    expect(m.size).toBe(100);
    // The newest are the ones remembered.
    expect(m.firstTelling('a', 'status 999', 1_000_000)).toBe(false);
    expect(m.firstTelling('a', 'status 0', 1_000_000)).toBe(true);
  });

  it('tell again when the clock was set back', () => {
    const m = new WarningMemory(DAY);
    expect(m.firstTelling('a', 'x', 10 * HOUR)).toBe(true);
    expect(m.firstTelling('a', 'x', 5 * HOUR)).toBe(true);
    expect(m.firstTelling('a', 'x', 6 * HOUR)).toBe(false);
  });
});
