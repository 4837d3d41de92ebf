// `kmsp demo --faults`: the plan as a person types it, refused with the way to write it.
import { describe, expect, it } from 'vitest';
import { parseFaultSpec, planFor, unknownKinds } from '../../source/simulators/faultSpec.js';

describe('parseFaultSpec', () => {
  it('reads rate, seed, kinds and timings', () => {
    expect(parseFaultSpec('rate=0.2,seed=7,kinds=5xx+429,slow=200,timeout=3000,retry-after=2')).toEqual({
      rate: 0.2, seed: 7, kinds: ['5xx', '429'], slowMs: 200, timeoutMs: 3000, retryAfterSeconds: 2,
    });
    expect(parseFaultSpec(' rate = 1 ')).toEqual({ rate: 1, seed: 1 });
  });

  it.each([
    ['', /rate must be given/],
    ['rate=2', /from 0 to 1/],
    ['rate=x', /rate must be a number/],
    ['rate=0.1,speed=3', /"speed" is not a setting/],
    ['rate=0.1,kinds=', /kinds names no fault kind/],
  ])('refuses %j', (spec, why) => {
    let error: unknown;
    try {
      parseFaultSpec(spec);
    } catch (e) {
      error = e;
    }
    expect(error).toMatchObject({ why: expect.stringMatching(why), remedy: expect.stringMatching(/rate=0\.2/) });
  });

  it('gives each simulator the kinds it has, and names a kind neither has', () => {
    const plan = parseFaultSpec('rate=0.5,kinds=5xx+lock');
    expect(planFor(plan, ['5xx', '429'])).toEqual({ ...plan, kinds: ['5xx'] });
    expect(planFor(plan, ['429'])).toBeNull();
    expect(unknownKinds(parseFaultSpec('rate=0.5,kinds=5xx+nope'), [['5xx'], ['lock']])?.message).toBe('Unknown fault kind: nope');
    expect(unknownKinds(plan, [['5xx'], ['lock']])).toBeNull();
  });
});
