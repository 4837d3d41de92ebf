// The console bench section's pure parts: the generated lists (deterministic, scoped picklists
// stay scoped) and the figures made of the child's samples (p95 per run, median over runs, the
// 16 ms aim, the Ink-alone floor).
import { describe, expect, it } from 'vitest';
import { generateConsoleData, padPicklists } from '../../source/bench/console-data.js';
import { consoleFigures, CONSOLE_ROWS } from '../../source/bench/console.js';
import { met } from '../../source/bench/measure.js';
import type { ConsoleChildOutput } from '../../source/bench/consoleChild.js';

describe('console bench data', () => {
  it('is the same for the same seed and N long, with the first 40% mapped', () => {
    const a = generateConsoleData({ rows: 500, mapped: 200, seed: 7 });
    const b = generateConsoleData({ rows: 500, mapped: 200, seed: 7 });
    expect(a).toEqual(b);
    expect(generateConsoleData({ rows: 500, mapped: 200, seed: 8 }).accounts).not.toEqual(a.accounts);
    for (const list of [a.tenants, a.accounts, a.applications, a.billingItems, a.saved]) expect(list).toHaveLength(500);
    expect(a.contracts).toHaveLength(1000);
    expect(a.saved.filter((m) => m.accountId !== null)).toHaveLength(200);
    expect(new Set(a.billingItems.map((i) => i.id)).size).toBe(500);
  });

  it('pads every picklist to N values that belong to the parents the real ones belong to', () => {
    const lists = padPicklists(
      {
        boards: [{ value: '1', label: 'Help desk', active: true, parentValue: null, isDefault: true }],
        statuses: [
          { value: '10', label: 'New', active: true, parentValue: '1', isDefault: false },
          { value: '11', label: 'Closed', active: true, parentValue: '2', closed: true, isDefault: false },
        ],
        empty: [],
      },
      300,
    );
    expect(lists['boards']).toHaveLength(300);
    expect(lists['statuses']).toHaveLength(300);
    expect(lists['empty']).toEqual([]);
    expect(new Set(lists['statuses']!.map((v) => v.parentValue))).toEqual(new Set(['1', '2']));
    expect(lists['statuses']!.filter((v) => v.closed)).toHaveLength(150);
    expect(new Set(lists['boards']!.map((v) => v.value)).size).toBe(300);
  });
});

describe('console bench figures', () => {
  const keys = (cpu: number[], wall = cpu) => cpu.map((c, i) => ({ cpu: c, wall: wall[i]! }));
  const floor = [2, 4, 3].map((ms) => keys(Array.from({ length: 20 }, () => ms)));
  const output: ConsoleChildOutput = {
    build: 'production',
    results: [
      // 20 keys a run, the two slowest set the p95 (nearest rank): run p95s 19, 10 and 12, the median 12.
      { tab: 'Accounts', action: 'move (j, PgDn)', subject: 'P × Q', floor, runs: [keys([...Array.from({ length: 18 }, () => 5), 19, 19]), keys([...Array.from({ length: 18 }, () => 5), 10, 10]), keys([...Array.from({ length: 18 }, () => 5), 12, 12])] },
      { tab: 'Services', action: 'filter: type / erase', subject: 'P × Q', floor: [keys([9])], runs: [keys(Array.from({ length: 20 }, () => 30), Array.from({ length: 20 }, () => 90))] },
    ],
  };

  it('gives each tab × action the median over runs of its p95, against 16 ms and the floor', () => {
    const [accounts, services] = consoleFigures(output);
    expect(accounts).toMatchObject({ group: 'Console', subject: 'P × Q', unit: 'ms', value: 12, samples: [19, 10, 12], aim: { max: 16 } });
    expect(accounts!.name).toContain('Accounts');
    expect(accounts!.name).toContain(CONSOLE_ROWS.toLocaleString('en-US'));
    expect(accounts!.floor).toMatchObject({ value: 3, unit: 'ms' });
    expect(accounts!.detail).toContain('median 5.0 ms');
    expect(met(accounts!)).toBe(true);
    expect(services!.value).toBe(30);
    expect(services!.floor?.value).toBe(9);
    expect(services!.detail).toContain('wall-clock p95 90.0 ms');
    expect(met(services!)).toBe(false);
  });
});
