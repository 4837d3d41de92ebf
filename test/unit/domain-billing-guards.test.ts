// README › Billing approvals: which changes are held, and why (domain/billingGuards.ts).
import { describe, expect, it } from 'vitest';
import { approvalProblems, approvalsOf, checkTypedName, DEFAULT_APPROVALS, holdReasons, LEGACY_APPROVALS, needsTypedName } from '../../source/domain/billingGuards.js';

const codes = (before: number, after: number, extra: { firstPosting?: boolean; incomplete?: string | null } = {}, settings = DEFAULT_APPROVALS) =>
  holdReasons({ before, after, firstPosting: extra.firstPosting ?? false, incomplete: extra.incomplete ?? null }, settings).map((r) => r.code);

describe('billing approvals', () => {
  it('a configuration without approvals posts everything; a new one holds risky changes at 20%', () => {
    expect(approvalsOf({})).toEqual(LEGACY_APPROVALS);
    expect(LEGACY_APPROVALS.mode).toBe('post-all');
    expect(DEFAULT_APPROVALS).toEqual({ mode: 'hold-risky', maxDecreasePercent: 20, maxDecreaseUnits: null });
  });

  it('hold risky changes: decreases over the share or the units, drops to 0, first postings', () => {
    expect(codes(100, 80)).toEqual([]); // exactly 20%: routine
    expect(codes(100, 79)).toEqual(['decrease']);
    expect(codes(10, 5)).toEqual(['decrease']);
    expect(codes(3, 0)).toEqual(['to-zero']);
    expect(codes(0, 0)).toEqual([]);
    expect(codes(5, 500)).toEqual([]); // increases are routine
    expect(codes(5, 6, { firstPosting: true })).toEqual(['first-posting']);
    expect(codes(100, 90, {}, { ...DEFAULT_APPROVALS, maxDecreaseUnits: 5 })).toEqual(['decrease']);
    expect(codes(100, 95, {}, { ...DEFAULT_APPROVALS, maxDecreaseUnits: 5 })).toEqual([]);
    expect(holdReasons({ before: 180, after: 90, firstPosting: false, incomplete: null }, DEFAULT_APPROVALS)[0]!.text).toBe('decrease of 90 of 180 units, 50% (more than 20%)');
    // Never rounded onto the limit: 10 of 49 is 20.41 %, held, and says so.
    expect(holdReasons({ before: 49, after: 39, firstPosting: false, incomplete: null }, DEFAULT_APPROVALS)[0]!.text).toBe('decrease of 10 of 49 units, 20.41% (more than 20%)');
  });

  it('incomplete platform data holds under every setting; hold everything holds every change', () => {
    for (const mode of ['post-all', 'hold-risky', 'hold-all'] as const) expect(codes(10, 12, { incomplete: 'keys unread' }, { ...DEFAULT_APPROVALS, mode })).toEqual(['incomplete']);
    expect(codes(100, 0, { firstPosting: true }, LEGACY_APPROVALS)).toEqual([]);
    expect(codes(10, 11, {}, { ...DEFAULT_APPROVALS, mode: 'hold-all' })).toEqual(['hold-all']);
  });

  it('a decrease asks for the name, typed exactly (case and blanks aside); settings are checked', () => {
    expect(needsTypedName({ beforeUnits: 3, afterUnits: 0 })).toBe(true);
    expect(needsTypedName({ beforeUnits: 3, afterUnits: 4 })).toBe(false);
    expect(checkTypedName('Acme Corp', '  acme corp ')).toBeNull();
    expect(checkTypedName('Acme Corp', 'Acme')?.remedy).toContain('Nothing was approved');
    expect(approvalProblems({ mode: 'hold-risky', maxDecreasePercent: 101, maxDecreaseUnits: -1 })).toHaveLength(2);
    expect(approvalProblems(DEFAULT_APPROVALS)).toEqual([]);
  });
});
