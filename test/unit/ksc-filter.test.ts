// The simulator's search-filter grammar ([D] KSC/16/KSCAPI/a00002.html).
import { describe, expect, it } from 'vitest';
import { evaluate, parseFilter, type AttributeLookup } from '../../source/simulators/ksc/filter.js';
import { resolveTime } from '../../source/simulators/ksc/fixture.js';
import { SimPxgError } from '../../source/simulators/ksc/wire.js';

const NOW = Date.UTC(2026, 0, 15, 12, 0, 0);
const host: Record<string, { type: 'str' | 'int' | 'bool' | 'datetime'; value: unknown }> = {
  KLHST_WKS_DN: { type: 'str', value: 'Some "Quoted" PC' },
  KLHST_WKS_STATUS: { type: 'int', value: 0x1d },
  KLHST_WKS_FROM_UNASSIGNED: { type: 'bool', value: false },
  KLHST_WKS_LAST_VISIBLE: { type: 'datetime', value: new Date(NOW - 3600_000) },
  KLHST_WKS_COMMENT: { type: 'str', value: null },
};
const lookup: AttributeLookup = (name) => host[name] ?? undefined;
const test = (filter: string) => evaluate(parseFilter(filter, NOW), lookup);

describe('filter grammar', () => {
  it('evaluates operators, bit tests, quotes, dates and booleans', () => {
    expect(test('(KLHST_WKS_DN = "some ""quoted"" pc")')).toBe(true);
    expect(test('(KLHST_WKS_DN = "Some*PC")')).toBe(true);
    expect(test('(KLHST_WKS_STATUS & 4 <> 0)')).toBe(true);
    expect(test('(KLHST_WKS_STATUS&2<>0)')).toBe(false);
    expect(test('(KLHST_WKS_STATUS >= 29)')).toBe(true);
    expect(test('(KLHST_WKS_STATUS <= 28)')).toBe(false);
    expect(test('(KLHST_WKS_FROM_UNASSIGNED = false)')).toBe(true);
    expect(test('(KLHST_WKS_LAST_VISIBLE > CURTIME(-7200))')).toBe(true);
    expect(test('(KLHST_WKS_LAST_VISIBLE > CURTIME())')).toBe(false);
    expect(test('(KLHST_WKS_LAST_VISIBLE = T"2026-1-15 11:00:00")')).toBe(true);
    expect(test(' ( & ( KLHST_WKS_STATUS = 29 ) ( ! ( KLHST_WKS_DN = "x" ) ) ) ')).toBe(true);
    expect(test('(|(KLHST_WKS_STATUS = 1)(KLHST_WKS_STATUS = 0x1d))')).toBe(true);
  });

  it('never matches a NULL attribute, as SQL would', () => {
    expect(test('(KLHST_WKS_COMMENT = "*")')).toBe(false);
    expect(test('(KLHST_WKS_COMMENT <> "x")')).toBe(false);
  });

  it('refuses malformed filters and type mismatches with a PxgError', () => {
    for (const bad of ['(KLHST_WKS_DN = "x"', '(KLHST_WKS_DN "x")', '(KLHST_WKS_DN = "x") junk', '(KLHST_WKS_LAST_VISIBLE = T"yesterday")', '(KLHST_WKS_DN <> "a*")']) {
      expect(() => test(bad), bad).toThrow(SimPxgError);
    }
    expect(() => test('(KLHST_WKS_LAST_VISIBLE = 5)')).toThrow(SimPxgError);
    expect(() => test('(UNKNOWN_ATTR = 5)')).toThrow(/unknown attribute/);
    expect(parseFilter('   ', NOW)).toBeNull();
  });
});

describe('fixture times', () => {
  it('resolves now-relative and ISO times to whole seconds', () => {
    const base = Date.UTC(2026, 0, 15, 12, 0, 0, 750);
    expect(resolveTime('now', base).toISOString()).toBe('2026-01-15T12:00:00.000Z');
    expect(resolveTime('now-2h', base).toISOString()).toBe('2026-01-15T10:00:00.000Z');
    expect(resolveTime('now+300d', base).toISOString()).toBe('2026-11-11T12:00:00.000Z');
    expect(resolveTime('now-1d6h30m', base).toISOString()).toBe('2026-01-14T05:30:00.000Z');
    expect(resolveTime('2024-02-29T12:00:00.900Z', base).toISOString()).toBe('2024-02-29T12:00:00.000Z');
    expect(() => resolveTime('tomorrow', base)).toThrow(/fixture datetime/);
  });
});
