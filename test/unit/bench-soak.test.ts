// The soak's growth figure: a least-squares slope per 100 passes, so one high or low sample
// (a pass in flight when the heap was read) does not make or hide a leak.
import { describe, expect, it } from 'vitest';
import { growthPer100 } from '../../source/bench/soak.js';

describe('soak growth per 100 passes', () => {
  it('is the slope of a steady rise, whatever the jitter around it', () => {
    const samples = Array.from({ length: 50 }, (_, i) => ({ passes: i * 20, mib: 100 + i * 20 * 0.01 + (i % 2 ? 0.3 : -0.3) }));
    expect(growthPer100(samples)).toBeCloseTo(1, 1);
  });

  it('is zero for a flat series with one spike, and not a number without two pass counts', () => {
    const flat = Array.from({ length: 21 }, (_, i) => ({ passes: i * 10, mib: i === 10 ? 150 : 140 }));
    expect(growthPer100(flat)).toBeCloseTo(0, 6);
    expect(growthPer100([{ passes: 5, mib: 1 }])).toBeNaN();
    expect(growthPer100([{ passes: 5, mib: 1 }, { passes: 5, mib: 2 }])).toBeNaN();
  });
});
