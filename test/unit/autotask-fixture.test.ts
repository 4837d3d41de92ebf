// Simulator fixture helpers (relative times, contract periods) and the committed
// demo fixture, which must equal what its generator produces.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { demoFixtureText, DEMO_CREDENTIALS } from '../../source/simulators/autotask/demoFixture.js';
import { resolveTime, type AutotaskFixture } from '../../source/simulators/autotask/fixture.js';
import { addMonths, contractPeriods, lastDayOf } from '../../source/simulators/autotask/periods.js';
import { fixturesPath } from '../../source/simulators/server.js';

const now = new Date('2026-03-15T10:30:00Z');

describe('resolveTime', () => {
  it.each([
    ['now', '2026-03-15T10:30:00.000Z'],
    ['now-2d', '2026-03-13T10:30:00.000Z'],
    ['now+90m', '2026-03-15T12:00:00.000Z'],
    ['now-1h', '2026-03-15T09:30:00.000Z'],
    ['today', '2026-03-15T00:00:00.000Z'],
    ['startOfMonth', '2026-03-01T00:00:00.000Z'],
    ['startOfYear', '2026-01-01T00:00:00.000Z'],
    ['startOfYear+1y-1d', '2026-12-31T00:00:00.000Z'],
    ['startOfYear-1y', '2025-01-01T00:00:00.000Z'],
    ['today+1mo', '2026-04-15T00:00:00.000Z'],
    ['2025-06-01', '2025-06-01T00:00:00.000Z'],
    ['2025-06-01T08:00:00', '2025-06-01T08:00:00.000Z'],
  ])('%s', (value, expected) => {
    expect(resolveTime(value, now)!.toISOString()).toBe(expected);
  });

  it('rejects anything else', () => {
    expect(resolveTime('yesterday', now)).toBeNull();
    expect(resolveTime('now-2w', now)).toBeNull();
  });
});

describe('contract periods', () => {
  it('are calendar months from the contract start, cut at the end', () => {
    expect(contractPeriods('2026-01-01', '2026-12-31')).toHaveLength(12);
    expect(contractPeriods('2026-01-01', '2026-12-31')[1]).toEqual({ start: '2026-02-01', end: '2026-02-28', last: '2026-02-28' });
    expect(contractPeriods('2026-01-15', '2026-03-20')).toEqual([
      { start: '2026-01-15', end: '2026-02-14', last: '2026-02-14' },
      { start: '2026-02-15', end: '2026-03-14', last: '2026-03-14' },
      { start: '2026-03-15', end: '2026-03-20', last: '2026-03-20' },
    ]);
    expect(addMonths('2026-01-31', 1)).toBe('2026-02-28');
    expect(addMonths('2028-01-31', 1)).toBe('2028-02-29');
  });

  it('store endDate as the next period\'s start under the "next-start" convention', () => {
    expect(contractPeriods('2026-01-15', '2026-03-20', 'next-start')).toEqual([
      { start: '2026-01-15', end: '2026-02-15', last: '2026-02-14' },
      { start: '2026-02-15', end: '2026-03-15', last: '2026-03-14' },
      { start: '2026-03-15', end: '2026-03-21', last: '2026-03-20' },
    ]);
    expect(lastDayOf('2026-03-01', 'next-start')).toBe('2026-02-28');
    expect(lastDayOf('2026-02-28', 'last-day')).toBe('2026-02-28');
  });
});

describe('demo fixture', () => {
  it('is what the generator produces from customers.json (regenerate: see demoFixture.ts)', () => {
    expect(readFileSync(fixturesPath('demo', 'autotask.json'), 'utf8')).toBe(demoFixtureText());
  });

  it('holds the 40 accounts of customers.json and the demo credentials', () => {
    const fixture = JSON.parse(demoFixtureText()) as AutotaskFixture;
    const customers = (JSON.parse(readFileSync(fixturesPath('demo', 'customers.json'), 'utf8')) as { customers: Array<{ account: string | null }> }).customers;
    expect(fixture.companies!.map((c) => c.companyName)).toEqual(customers.filter((c) => c.account).map((c) => c.account));
    expect(fixture.apiUser).toMatchObject(DEMO_CREDENTIALS);
    expect(fixture.userDefinedFields!.Companies!.map((u) => u.name)).toContain('Kaspersky Tenant');
    expect(fixture.services!.filter((s) => s.isActive)).toHaveLength(10);
  });
});
