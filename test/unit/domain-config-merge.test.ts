// Three-way merge of configs saved by two consoles at once (domain/configMerge.ts).
import { describe, expect, it } from 'vitest';
import type { Integration, KmspConfig, ScopedGeneral, TenantMapping, TicketRule } from '../../source/domain/config.js';
import { describeConflict, mergeConfig, type MergeResult } from '../../source/domain/configMerge.js';
import { AUTOTASK_DEFAULTS, KSC_DEFAULTS, defaultConfig, newIntegration } from '../../source/domain/defaults.js';

function tenant(tenantId: string, tenantName: string, accountId: string | null = null): TenantMapping {
  return { tenantId, tenantName, accountId, accountName: accountId ? `Account ${accountId}` : null, billing: false, contractId: null, contractName: null };
}

function integration(name: string, tenants: TenantMapping[]): Integration {
  return { ...newIntegration(name, { ...KSC_DEFAULTS, url: `https://${name}:13299`, username: 'u' }, { ...AUTOTASK_DEFAULTS, username: 'a' }), tenants };
}

function config(...integrations: Integration[]): KmspConfig {
  return { ...defaultConfig(), integrations };
}

type Edit = (c: KmspConfig) => KmspConfig;

/** A copy of `c` with one integration changed. */
function editIntegration(name: string, change: (i: Integration) => Integration): Edit {
  return (c) => ({ ...c, integrations: c.integrations.map((i) => (i.name === name ? change(structuredClone(i)) : i)) });
}

/** A copy of `c` with one rule row of one integration changed. */
function editRule(name: string, section: string, key: string, change: (r: TicketRule) => TicketRule): Edit {
  return editIntegration(name, (i) => ({ ...i, ticketing: { ...i.ticketing, sections: { ...i.ticketing.sections, [section]: i.ticketing.sections[section]!.map((r) => (r.key === key ? change(r) : r)) } } }));
}

function scoped(board: string, newStatus: string): ScopedGeneral {
  return { scope: { value: board, label: `Board ${board}` }, fields: { newStatus: { value: newStatus, label: 'New' }, closedStatus: null } };
}

function mapTenant(name: string, tenantId: string, accountId: string | null): Edit {
  return editIntegration(name, (i) => ({ ...i, tenants: i.tenants.map((t) => (t.tenantId === tenantId ? { ...t, accountId, accountName: accountId ? `Account ${accountId}` : null } : t)) }));
}

const BASE = config(
  integration('demo', [tenant('t1', 'Delta Legal LLP'), tenant('t2', 'Evergreen'), tenant('t3', 'Acme')]),
  integration('second', [tenant('s1', 'Bravo')]),
);

function conflictsOf<T>(result: MergeResult<T>): string[] {
  return 'conflicts' in result ? result.conflicts.map((c) => c.path) : [];
}

function mergedOf<T>(result: MergeResult<T>): T {
  if (!('merged' in result)) throw new Error(`expected a merge, got conflicts: ${result.conflicts.map(describeConflict).join('; ')}`);
  return result.merged;
}

function accountOf(c: KmspConfig, name: string, tenantId: string): string | null | undefined {
  return c.integrations.find((i) => i.name === name)?.tenants.find((t) => t.tenantId === tenantId)?.accountId;
}

describe('mergeConfig: configs', () => {
  interface Case {
    name: string;
    mine: Edit;
    theirs: Edit;
    expect: (merged: KmspConfig) => void;
  }
  const merges: Case[] = [
    {
      name: 'two admins map two different tenants of one integration (Delta / Evergreen)',
      theirs: mapTenant('demo', 't1', '29683504'),
      mine: mapTenant('demo', 't2', '29683999'),
      expect: (m) => {
        expect(accountOf(m, 'demo', 't1')).toBe('29683504');
        expect(accountOf(m, 'demo', 't2')).toBe('29683999');
      },
    },
    {
      name: 'two integrations edited, one each',
      theirs: mapTenant('second', 's1', '1'),
      mine: mapTenant('demo', 't3', '2'),
      expect: (m) => {
        expect(accountOf(m, 'second', 's1')).toBe('1');
        expect(accountOf(m, 'demo', 't3')).toBe('2');
      },
    },
    {
      name: 'both set the same value',
      theirs: mapTenant('demo', 't1', '7'),
      mine: mapTenant('demo', 't1', '7'),
      expect: (m) => expect(accountOf(m, 'demo', 't1')).toBe('7'),
    },
    {
      name: 'different keys of one tenant',
      theirs: mapTenant('demo', 't1', '7'),
      mine: editIntegration('demo', (i) => ({ ...i, tenants: i.tenants.map((t) => (t.tenantId === 't1' ? { ...t, tenantName: 'Delta Legal' } : t)) })),
      expect: (m) => expect(m.integrations[0]!.tenants[0]).toMatchObject({ accountId: '7', tenantName: 'Delta Legal' }),
    },
    {
      name: 'one adds a tenant, the other maps another (theirs order, then mine added)',
      theirs: editIntegration('demo', (i) => ({ ...i, tenants: [tenant('t0', 'Zero'), ...i.tenants] })),
      mine: (c) => mapTenant('demo', 't2', '5')(editIntegration('demo', (i) => ({ ...i, tenants: [...i.tenants, tenant('t9', 'Nine')] }))(c)),
      expect: (m) => {
        expect(m.integrations[0]!.tenants.map((t) => t.tenantId)).toEqual(['t0', 't1', 't2', 't3', 't9']);
        expect(accountOf(m, 'demo', 't2')).toBe('5');
      },
    },
    {
      name: 'one removes a tenant nobody else touched',
      theirs: editIntegration('demo', (i) => ({ ...i, tenants: i.tenants.filter((t) => t.tenantId !== 't3') })),
      mine: mapTenant('demo', 't1', '5'),
      expect: (m) => expect(m.integrations[0]!.tenants.map((t) => t.tenantId)).toEqual(['t1', 't2']),
    },
    {
      name: 'one adds an integration, the other edits agent settings',
      theirs: (c) => ({ ...c, integrations: [...c.integrations, integration('third', [])] }),
      mine: (c) => ({ ...c, agent: { ...c.agent, ticketPollSeconds: 120 } }),
      expect: (m) => {
        expect(m.integrations.map((i) => i.name)).toEqual(['demo', 'second', 'third']);
        expect(m.agent.ticketPollSeconds).toBe(120);
      },
    },
    {
      name: 'ticket rules of one integration: two different rules (by key)',
      theirs: editRule('demo', 'events', 'critical', (r) => ({ ...r, dueHours: 2 })),
      mine: editRule('demo', 'events', 'warning', (r) => ({ ...r, dueHours: 48 })),
      expect: (m) => {
        const events = m.integrations[0]!.ticketing.sections.events!;
        expect(events.find((r) => r.key === 'critical')!.dueHours).toBe(2);
        expect(events.find((r) => r.key === 'warning')!.dueHours).toBe(48);
      },
    },
    {
      name: 'per-board General fields: two admins set the statuses of two different boards (by scope value)',
      theirs: editIntegration('demo', (i) => ({ ...i, ticketing: { ...i.ticketing, perScope: [scoped('10', '101')] } })),
      mine: editIntegration('demo', (i) => ({ ...i, ticketing: { ...i.ticketing, perScope: [scoped('20', '201')] } })),
      expect: (m) => {
        expect(m.integrations[0]!.ticketing.perScope.map((s) => [s.scope.value, s.fields.newStatus?.value])).toEqual([['10', '101'], ['20', '201']]);
      },
    },
    {
      name: 'an array without record keys changed on one side only',
      theirs: editIntegration('demo', (i) => ({ ...i, excludedAccounts: ['1', '2'] })),
      mine: mapTenant('demo', 't1', '5'),
      expect: (m) => expect(m.integrations[0]!.excludedAccounts).toEqual(['1', '2']),
    },
  ];
  it.each(merges)('merges: $name', (c) => {
    const result = mergeConfig(BASE, c.mine(structuredClone(BASE)), c.theirs(structuredClone(BASE)));
    c.expect(mergedOf(result));
  });

  const conflicts: Array<{ name: string; mine: Edit; theirs: Edit; paths: string[] }> = [
    {
      name: 'both map one tenant to different accounts',
      theirs: mapTenant('demo', 't1', '29683504'),
      mine: mapTenant('demo', 't1', '11111111'),
      paths: ['integration “demo”, tenant “Delta Legal LLP”, accountId', 'integration “demo”, tenant “Delta Legal LLP”, accountName'],
    },
    {
      name: 'one removes a tenant the other edited',
      theirs: editIntegration('demo', (i) => ({ ...i, tenants: i.tenants.filter((t) => t.tenantId !== 't1') })),
      mine: mapTenant('demo', 't1', '5'),
      paths: ['integration “demo”, tenant “Delta Legal LLP”'],
    },
    {
      name: 'an array without record keys changed on both sides',
      theirs: editIntegration('demo', (i) => ({ ...i, excludedAccounts: ['1'] })),
      mine: editIntegration('demo', (i) => ({ ...i, excludedAccounts: ['2'] })),
      paths: ['integration “demo”, excludedAccounts'],
    },
    {
      name: 'a scalar changed on both sides',
      theirs: (c) => ({ ...c, agent: { ...c.agent, billingSchedule: '0 5 * * *' } }),
      mine: (c) => ({ ...c, agent: { ...c.agent, billingSchedule: '0 6 * * *' } }),
      paths: ['agent.billingSchedule'],
    },
    {
      name: 'both add an integration of one name, differently',
      theirs: (c) => ({ ...c, integrations: [...c.integrations, integration('third', [])] }),
      mine: (c) => ({ ...c, integrations: [...c.integrations, integration('third', [tenant('x', 'X')])] }),
      paths: ['integration “third”'],
    },
    {
      name: 'a ticket rule field on both sides (named in words)',
      theirs: editRule('demo', 'events', 'critical', (r) => ({ ...r, dueHours: 2 })),
      mine: editRule('demo', 'events', 'critical', (r) => ({ ...r, dueHours: 3 })),
      paths: ['integration “demo”, ticketing.sections, rule “Events › Critical”, dueHours'],
    },
    {
      name: 'a rule field on both sides: the field is named under its row',
      theirs: editRule('demo', 'warningStatus', 'databases-outdated', (r) => ({ ...r, fields: { ...r.fields, queue: { value: '1', label: 'A' } } })),
      mine: editRule('demo', 'warningStatus', 'databases-outdated', (r) => ({ ...r, fields: { ...r.fields, queue: { value: '2', label: 'B' } } })),
      paths: ['integration “demo”, ticketing.sections, rule “Warning status › Databases are out of date”, fields.queue.value', 'integration “demo”, ticketing.sections, rule “Warning status › Databases are out of date”, fields.queue.label'],
    },
  ];
  it.each(conflicts)('conflict: $name', (c) => {
    const result = mergeConfig(BASE, c.mine(structuredClone(BASE)), c.theirs(structuredClone(BASE)));
    expect(conflictsOf(result)).toEqual(c.paths);
  });

  it('says both values of a conflict', () => {
    const result = mergeConfig(BASE, mapTenant('demo', 't1', '1')(BASE), mapTenant('demo', 't1', '2')(BASE));
    expect('conflicts' in result && describeConflict(result.conflicts[0]!)).toBe('integration “demo”, tenant “Delta Legal LLP”, accountId (this console: "1"; the file: "2")');
  });
});

describe('mergeConfig: JSON values', () => {
  it.each([
    { name: 'mine unchanged takes theirs', base: 1, mine: 1, theirs: 2, merged: 2 },
    { name: 'theirs unchanged takes mine', base: 1, mine: 3, theirs: 1, merged: 3 },
    { name: 'same change', base: 1, mine: 3, theirs: 3, merged: 3 },
    { name: 'key removed on one side', base: { a: 1, b: 2 }, mine: { a: 1 }, theirs: { a: 5, b: 2 }, merged: { a: 5 } },
    { name: 'key added on both sides, same', base: {}, mine: { a: 1 }, theirs: { a: 1 }, merged: { a: 1 } },
    { name: 'key order does not matter', base: { a: 1, b: 2 }, mine: { b: 2, a: 1 }, theirs: { a: 1, b: 3 }, merged: { a: 1, b: 3 } },
    { name: 'null counts as a value', base: { a: null }, mine: { a: null }, theirs: { a: 'x' }, merged: { a: 'x' } },
  ])('$name', ({ base, mine, theirs, merged }) => {
    expect(mergeConfig<unknown>(base, mine, theirs)).toEqual({ merged });
  });

  it('a keyed item removed on both sides stays removed', () => {
    const base = [{ name: 'a' }, { name: 'b' }];
    expect(mergeConfig<unknown>(base, [{ name: 'a' }], [{ name: 'a' }])).toEqual({ merged: [{ name: 'a' }] });
  });

  it('every conflict is listed, not only the first', () => {
    const result = mergeConfig<unknown>({ a: 1, b: 1 }, { a: 2, b: 2 }, { a: 3, b: 3 });
    expect(conflictsOf(result)).toEqual(['a', 'b']);
  });
});
