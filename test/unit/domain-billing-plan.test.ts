// README › Billing rules, steps 2–4: desired quantity per billing item, plan against the PSA, postings.
import { describe, expect, it } from 'vitest';
import { desiredQuantities, planAgainstPsa, postingsOf, type DesiredQuantity, type PlanLine } from '../../source/domain/billingPlan.js';
import type { ApplicationItems, BillingSettings, PsaChoice } from '../../source/domain/config.js';
import type { Application, Device, ItemQuantity } from '../../source/domain/types.js';
import { KmspError } from '../../source/domain/errors.js';
import { buildBillingPlan } from '../../source/billing/planner.js';
import { AUTOTASK_DEFAULTS, KSC_DEFAULTS, newIntegration } from '../../source/domain/defaults.js';
import type { Psa, SecurityPlatform } from '../../source/domain/ports.js';
import type { ApplicationUsage, TenantUsage } from '../../source/domain/usage.js';

const item = (value: string): PsaChoice => ({ value, label: `Item ${value}` });
const row = (applicationId: string, items: Partial<Record<'single' | 'workstation' | 'server' | 'nonWindows', string>>): ApplicationItems => ({
  applicationId,
  applicationName: applicationId,
  single: items.single ? item(items.single) : null,
  workstation: items.workstation ? item(items.workstation) : null,
  server: items.server ? item(items.server) : null,
  nonWindows: items.nonWindows ? item(items.nonWindows) : null,
});
const deviceUsage = (applicationId: string, ws: number, srv: number, nonWin: number): ApplicationUsage => ({
  applicationId,
  unit: 'device',
  devices: ws + srv + nonWin,
  byCategory: { 'windows-workstation': ws, 'windows-server': srv, 'non-windows': nonWin },
  users: null,
  mailboxes: null,
});
const userUsage = (applicationId: string, users: number, devices: number): ApplicationUsage => ({
  applicationId,
  unit: 'user',
  devices,
  byCategory: { 'windows-workstation': devices, 'windows-server': 0, 'non-windows': 0 },
  users,
  mailboxes: null,
});
const mailboxUsage = (applicationId: string, mailboxes: number): ApplicationUsage => ({
  applicationId,
  unit: 'mailbox',
  devices: 0,
  byCategory: { 'windows-workstation': 0, 'windows-server': 0, 'non-windows': 0 },
  users: null,
  mailboxes,
});
const usage = (...applications: ApplicationUsage[]): TenantUsage => ({ tenantId: 't1', applications, excludedKeys: [] });

const KES: Application = { id: 'KES', name: 'KES', unit: 'device' };
const KSWS: Application = { id: 'KSWS', name: 'KSWS', unit: 'device' };
const CLOUD: Application = { id: 'KESC+', name: 'KES Cloud Plus', unit: 'user' };
const O365: Application = { id: 'KSMO365', name: 'Office 365', unit: 'mailbox' };
const APPS = [KES, KSWS, CLOUD, O365];

const settings = (byCategory: boolean, ...applications: ApplicationItems[]): BillingSettings => ({ byCategory, applications });
const quantities = (d: DesiredQuantity[]) => Object.fromEntries(d.map((q) => [q.billingItemId, q.quantity]));

describe('desiredQuantities', () => {
  const all = row('KES', { single: 'S', workstation: 'W', server: 'V', nonWindows: 'N' });

  it('the README example, by category on: 90 and 10 on the two items', () => {
    const d = desiredQuantities(usage(deviceUsage('KES', 90, 10, 0)), settings(true, row('KES', { workstation: 'W', server: 'V' })), APPS);
    expect(d).toEqual([
      { billingItemId: 'W', billingItemName: 'Item W', quantity: 90, sources: [{ applicationId: 'KES', bucket: 'windows-workstation', quantity: 90 }] },
      { billingItemId: 'V', billingItemName: 'Item V', quantity: 10, sources: [{ applicationId: 'KES', bucket: 'windows-server', quantity: 10 }] },
    ]);
  });

  it('the README example, by category off: 100 on one item', () => {
    const d = desiredQuantities(usage(deviceUsage('KES', 90, 10, 0)), settings(false, row('KES', { single: 'S' })), APPS);
    expect(d).toEqual([{ billingItemId: 'S', billingItemName: 'Item S', quantity: 100, sources: [{ applicationId: 'KES', bucket: 'all', quantity: 100 }] }]);
  });

  const cases: Array<[string, TenantUsage, BillingSettings, Record<string, number>]> = [
    ['off: single item only, category items untouched', usage(deviceUsage('KES', 5, 2, 1)), settings(false, all), { S: 8 }],
    ['on: category items only, single untouched', usage(deviceUsage('KES', 5, 2, 1)), settings(true, all), { W: 5, V: 2, N: 1 }],
    ['on: unchosen categories are not in the plan', usage(deviceUsage('KES', 5, 2, 1)), settings(true, row('KES', { workstation: 'W' })), { W: 5 }],
    ['off: no single chosen → nothing', usage(deviceUsage('KES', 5, 2, 1)), settings(false, row('KES', { workstation: 'W' })), {}],
    ['mapped item with 0 usage → 0', usage(deviceUsage('KES', 0, 0, 0)), settings(true, all), { W: 0, V: 0, N: 0 }],
    ['mapped application with no usage entry → 0', usage(), settings(false, row('KES', { single: 'S' })), { S: 0 }],
    ['per-user, on: single with users', usage(userUsage('KESC+', 7, 9)), settings(true, row('KESC+', { single: 'U', workstation: 'W' })), { U: 7 }],
    ['per-user, off: single with users', usage(userUsage('KESC+', 7, 9)), settings(false, row('KESC+', { single: 'U' })), { U: 7 }],
    ['mailbox, on: single with mailboxes', usage(mailboxUsage('KSMO365', 40)), settings(true, row('KSMO365', { single: 'M', server: 'V' })), { M: 40 }],
    ['mailbox, off: single with mailboxes', usage(mailboxUsage('KSMO365', 40)), settings(false, row('KSMO365', { single: 'M' })), { M: 40 }],
    ['usage of an unmapped application is ignored', usage(deviceUsage('KES', 5, 0, 0), deviceUsage('KSWS', 3, 0, 0)), settings(false, row('KES', { single: 'S' })), { S: 5 }],
    ['a row with no item chosen adds nothing', usage(deviceUsage('KES', 5, 0, 0)), settings(true, row('KES', {})), {}],
    // several sources on one item: summed, one DesiredQuantity
    ['on: two categories on one item are summed', usage(deviceUsage('KES', 5, 2, 1)), settings(true, row('KES', { workstation: 'X', server: 'X', nonWindows: 'N' })), { X: 7, N: 1 }],
    [
      'off: two applications on one item are summed',
      usage(deviceUsage('KES', 5, 0, 0), deviceUsage('KSWS', 0, 3, 0)),
      settings(false, row('KES', { single: 'X' }), row('KSWS', { single: 'X' })),
      { X: 8 },
    ],
    [
      'device and per-user applications on one item are summed',
      usage(deviceUsage('KES', 5, 0, 0), userUsage('KESC+', 4, 6)),
      settings(false, row('KES', { single: 'X' }), row('KESC+', { single: 'X' })),
      { X: 9 },
    ],
    ['a duplicated settings row counts once', usage(deviceUsage('KES', 5, 0, 0)), settings(false, row('KES', { single: 'S' }), row('KES', { single: 'S' })), { S: 5 }],
    // unit unknown to `applications`: taken from the usage, else inferred from the row's items
    ['unit from usage when not in applications', usage(userUsage('Gone', 3, 4)), settings(true, row('Gone', { single: 'U' })), { U: 3 }],
    ['unknown application, on, category items chosen → they go to 0', usage(), settings(true, row('Gone', { single: 'S', workstation: 'W' })), { W: 0 }],
    ['unknown application, on, only single chosen → it goes to 0', usage(), settings(true, row('Gone', { single: 'S' })), { S: 0 }],
    ['unknown application, off → single goes to 0', usage(), settings(false, row('Gone', { single: 'S', workstation: 'W' })), { S: 0 }],
  ];
  it.each(cases)('%s', (_name, u, billing, expected) => {
    const d = desiredQuantities(u, billing, APPS);
    expect(quantities(d)).toEqual(expected);
    expect(new Set(d.map((q) => q.billingItemId)).size).toBe(d.length); // never one item twice
    for (const q of d) expect(q.quantity).toBe(q.sources.reduce((s, x) => s + x.quantity, 0));
  });

  it('summed items list every source', () => {
    const d = desiredQuantities(
      usage(deviceUsage('KES', 5, 2, 0), deviceUsage('KSWS', 0, 3, 0)),
      settings(true, row('KES', { workstation: 'X', server: 'X' }), row('KSWS', { server: 'X' })),
      APPS,
    );
    expect(d).toEqual([
      {
        billingItemId: 'X',
        billingItemName: 'Item X',
        quantity: 10,
        sources: [
          { applicationId: 'KES', bucket: 'windows-workstation', quantity: 5 },
          { applicationId: 'KES', bucket: 'windows-server', quantity: 2 },
          { applicationId: 'KSWS', bucket: 'windows-server', quantity: 3 },
        ],
      },
    ]);
  });

  it('buckets name what was counted', () => {
    const d = desiredQuantities(
      usage(userUsage('KESC+', 2, 3), mailboxUsage('KSMO365', 4)),
      settings(false, row('KESC+', { single: 'U' }), row('KSMO365', { single: 'M' })),
      APPS,
    );
    expect(d.map((q) => q.sources[0]?.bucket)).toEqual(['users', 'mailboxes']);
  });
});

describe('planAgainstPsa', () => {
  const want = (billingItemId: string, quantity: number): DesiredQuantity => ({ billingItemId, billingItemName: `Item ${billingItemId}`, quantity, sources: [] });
  const held = (billingItemId: string, units: number, periodStart = '2024-01-01', periodEnd = '2024-01-31'): ItemQuantity => ({ billingItemId, units, periodStart, periodEnd });
  const jan = { start: '2024-01-01', end: '2024-01-31' };
  const line = (id: string, before: number, after: number, period: PlanLine['period'] | null = jan): PlanLine => ({ billingItemId: id, billingItemName: `Item ${id}`, before, after, delta: after - before, ...(period ? { period } : {}) });

  const cases: Array<[string, DesiredQuantity[], ItemQuantity[], PlanLine[]]> = [
    ['increase', [want('A', 12)], [held('A', 10)], [line('A', 10, 12)]],
    ['decrease', [want('A', 8)], [held('A', 10)], [line('A', 10, 8)]],
    ['unchanged: a zero line', [want('A', 10)], [held('A', 10)], [line('A', 10, 10)]],
    ['absent from the PSA: before 0, no period', [want('A', 5)], [], [line('A', 0, 5, null)]],
    ['absent and wanted 0: a zero line', [want('A', 0)], [], [line('A', 0, 0, null)]],
    ['brought down to 0', [want('A', 0)], [held('A', 7)], [line('A', 7, 0)]],
    ['PSA items not desired never appear', [want('A', 1)], [held('A', 1), held('Other', 50)], [line('A', 1, 1)]],
    ['nothing desired: no lines', [], [held('Other', 50)], []],
    ['the same item desired twice is summed into one line', [want('A', 2), want('A', 3)], [held('A', 1)], [line('A', 1, 5)]],
    ['identical duplicate PSA entries are one', [want('A', 4)], [held('A', 3), held('A', 3)], [line('A', 3, 4)]],
    ['keeps the order of desired', [want('B', 1), want('A', 2)], [held('A', 2), held('B', 0)], [line('B', 0, 1), line('A', 2, 2)]],
  ];
  it.each(cases)('%s', (_name, desired, current, expected) => {
    expect(planAgainstPsa(desired, current)).toEqual(expected);
  });

  it('refuses two different PSA entries for one item (pass the current period only)', () => {
    expect(() => planAgainstPsa([want('A', 1)], [held('A', 3), held('A', 4, '2024-02-01', '2024-02-29')])).toThrow(/current period/);
  });

  it.each([-1, Number.NaN, Number.POSITIVE_INFINITY])('refuses a desired quantity of %s', (q) => {
    expect(() => planAgainstPsa([want('A', q)], [])).toThrow(RangeError);
  });

  it.each([-1, 1.5])('refuses a desired quantity of %s (whole licences only)', (q) => {
    expect(() => planAgainstPsa([want('A', q)], [])).toThrow(RangeError);
  });

  it.each([
    [-2, 'below 0'],
    [2.5, 'not a whole number'],
    [Number.NaN, 'not a number'],
  ])('refuses PSA units of %s with the item, the figure and a remedy, never a delta from them', (units, why) => {
    let error: unknown;
    try {
      planAgainstPsa([want('A', 3)], [held('A', units)]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(KmspError);
    const e = error as KmspError;
    expect(e.message).toContain(`${units} units of billing item`);
    expect(e.message).toContain('(A)');
    expect(e.why).toContain(why);
    expect(e.remedy).toMatch(/Nothing was posted/);
  });

  it('ignores what it does not bill: a fractional or doubled line of another item (labour hours, another vendor) on the same contract', () => {
    const lines = planAgainstPsa([want('A', 3)], [held('A', 1), held('LABOUR', 2.5), held('OTHER', -1), held('LABOUR', 4)]);
    expect(lines.map((l) => [l.billingItemId, l.before, l.after, l.delta])).toEqual([['A', 1, 3, 2]]);
  });

  it('marks units held at another price level than the account\'s to be posted again (set-mode PSAs with price levels)', () => {
    const at = (billingItemId: string, units: number, priceLevel: string | null): ItemQuantity => ({ billingItemId, units, periodStart: null, periodEnd: null, priceLevel });
    const lines = planAgainstPsa([want('A', 5), want('B', 3), want('C', 0), want('D', 2)], [at('A', 5, '1'), at('B', 3, '2'), at('C', 4, '1'), at('D', 2, null)], '2');
    expect(lines.map((l) => [l.billingItemId, l.delta, l.reprice])).toEqual([
      ['A', 0, { from: '1' }],
      ['B', 0, undefined],
      // Brought to 0: the units change; the price of nothing needs no level.
      ['C', -4, undefined],
      // Held without a level (flat-priced, or several): not re-priced, or it would be written every day.
      ['D', 0, undefined],
    ]);
    expect(postingsOf(lines).map((l) => l.billingItemId)).toEqual(['A', 'C']);
    // Without an account price level (a PSA without them) nothing is re-priced.
    expect(postingsOf(planAgainstPsa([want('A', 5)], [at('A', 5, '1')]))).toEqual([]);
  });
});

describe('postingsOf', () => {
  it('keeps only the lines with a change', () => {
    const lines: PlanLine[] = [
      { billingItemId: 'A', billingItemName: 'A', before: 1, after: 1, delta: 0 },
      { billingItemId: 'B', billingItemName: 'B', before: 1, after: 3, delta: 2 },
      { billingItemId: 'C', billingItemName: 'C', before: 4, after: 0, delta: -4 },
    ];
    expect(postingsOf(lines).map((l) => l.billingItemId)).toEqual(['B', 'C']);
    expect(postingsOf([])).toEqual([]);
  });
});

describe('usage → plan → postings, end to end', () => {
  it('the README example against a PSA holding 85 and 10', () => {
    const d = desiredQuantities(usage(deviceUsage('KES', 90, 10, 0)), settings(true, row('KES', { single: 'S', workstation: 'W', server: 'V' })), APPS);
    const lines = planAgainstPsa(d, [{ billingItemId: 'W', units: 85, periodStart: '2024-01-01', periodEnd: '2024-01-31' }, { billingItemId: 'V', units: 10, periodStart: '2024-01-01', periodEnd: '2024-01-31' }, { billingItemId: 'S', units: 100, periodStart: '2024-01-01', periodEnd: '2024-01-31' }]);
    expect(lines.map((l) => [l.billingItemId, l.before, l.after, l.delta])).toEqual([
      ['W', 85, 90, 5],
      ['V', 10, 10, 0],
    ]);
    expect(postingsOf(lines).map((l) => [l.billingItemId, l.delta])).toEqual([['W', 5]]);
  });
});

describe('two categories of one application on one billing item', () => {
  // Kaspersky Endpoint Security for Windows runs on workstations and servers; one Autotask
  // service bills both. The plan adds the two quantities into one line: never two postings of one item.
  it('desired → plan → postings: one line whose quantity is the sum', () => {
    const d = desiredQuantities(usage(deviceUsage('KES', 90, 10, 4)), settings(true, row('KES', { workstation: 'X', server: 'X', nonWindows: 'N' })), APPS);
    expect(d).toEqual([
      {
        billingItemId: 'X',
        billingItemName: 'Item X',
        quantity: 100,
        sources: [
          { applicationId: 'KES', bucket: 'windows-workstation', quantity: 90 },
          { applicationId: 'KES', bucket: 'windows-server', quantity: 10 },
        ],
      },
      { billingItemId: 'N', billingItemName: 'Item N', quantity: 4, sources: [{ applicationId: 'KES', bucket: 'non-windows', quantity: 4 }] },
    ]);
    const lines = planAgainstPsa(d, [{ billingItemId: 'X', units: 95, periodStart: '2024-01-01', periodEnd: '2024-01-31' }]);
    expect(lines.map((l) => [l.billingItemId, l.before, l.after, l.delta])).toEqual([
      ['X', 95, 100, 5],
      ['N', 0, 4, 4],
    ]);
    expect(postingsOf(lines).map((l) => [l.billingItemId, l.delta])).toEqual([
      ['X', 5],
      ['N', 4],
    ]);
  });

  it('buildBillingPlan: usage counted per category, summed on the shared item of the contract', async () => {
    const KESW: Application = { id: 'KESW', name: 'Kaspersky Endpoint Security for Windows', unit: 'device', categories: ['windows-workstation', 'windows-server'] };
    const tenant = { id: 'vs-1', name: 'Acme', enabled: true };
    const device = (id: string, category: Device['category']): Device => ({ id, tenantId: tenant.id, name: id, category, osName: '', mobile: false, health: 'ok', statuses: [], lastSeen: null });
    const devices = [device('w1', 'windows-workstation'), device('w2', 'windows-workstation'), device('w3', 'windows-workstation'), device('s1', 'windows-server'), device('s2', 'windows-server')];
    const platform = {
      kind: 'ksc',
      listTenants: async () => [tenant],
      listApplications: async () => [KESW],
      listDevices: async () => devices,
      licenseUsage: async () => ({
        tenantId: tenant.id,
        keys: [{ id: 'K1', applicationId: 'KESW', type: 'commercial', expiresAt: null, subscriptionState: null, capacity: 50 }],
        assignments: devices.map((d) => ({ keyId: 'K1', deviceId: d.id, current: true })),
      }),
    } as unknown as SecurityPlatform;
    const psa = {
      kind: 'autotask',
      // What the mapping checks read before planning: the contract is Acme's, recurring, active and running.
      listContracts: async () => [{ id: '7', accountId: '10', name: 'Acme – Security', recurring: true, typeLabel: 'Recurring Service', active: true, startDate: '2024-01-01', endDate: null }],
      listBillingItems: async () => [{ id: 'X', name: 'Item X', active: true }],
      listAccounts: async () => [{ id: '10', name: 'Acme', active: true, type: 'Customer', customFields: {} }],
      currentQuantities: async () => [{ billingItemId: 'X', units: 4, periodStart: '2024-01-01', periodEnd: '2024-01-31' }],
    } as unknown as Psa;
    const integration = newIntegration('main', { ...KSC_DEFAULTS, url: 'https://ksc:13299', username: 'u' }, { ...AUTOTASK_DEFAULTS, username: 'api@x' });
    integration.tenants = [{ tenantId: tenant.id, tenantName: tenant.name, accountId: '10', accountName: 'Acme', billing: true, contractId: '7', contractName: 'Acme – Security' }];
    integration.billing = { byCategory: true, applications: [{ applicationId: 'KESW', applicationName: KESW.name, single: null, workstation: item('X'), server: item('X'), nonWindows: null }] };
    const plan = await buildBillingPlan({ integration, platform, psa, now: new Date('2024-01-15T12:00:00Z'), timeZone: 'UTC' });
    expect(plan.contracts).toHaveLength(1);
    expect(plan.contracts[0]!.error).toBeUndefined();
    expect(plan.contracts[0]!.lines).toEqual([{ billingItemId: 'X', billingItemName: 'Item X', before: 4, after: 5, delta: 1, period: { start: '2024-01-01', end: '2024-01-31' } }]);
  });
});
