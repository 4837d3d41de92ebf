// The rules that keep billing off a contract that is not the customer's (domain/billingChecks.ts)
// and the usage no billing item is chosen for (domain/billingPlan.ts unbilledUsage).
import { describe, expect, it } from 'vitest';
import { accountProblem, blockingItemProblem, contractProblem, itemProblems, priceLevelProblem, readinessProblem, skipReason } from '../../source/domain/billingChecks.js';
import { unbilledLine, unbilledUsage } from '../../source/domain/billingPlan.js';
import type { BillingSettings, TenantMapping } from '../../source/domain/config.js';
import type { PsaContract } from '../../source/domain/types.js';
import type { TenantUsage } from '../../source/domain/usage.js';

const mapping: TenantMapping = { tenantId: 't1', tenantName: 'Acme & Sons', accountId: '10', accountName: 'Acme and Sons Ltd', billing: true, contractId: '100', contractName: 'Managed Security' };
const contract: PsaContract = { id: '100', accountId: '10', name: 'Acme – Managed Security', recurring: true, typeLabel: 'Recurring Service', active: true, startDate: '2026-01-01', endDate: '2026-12-31' };
const TODAY = '2026-12-07';

describe('contractProblem', () => {
  it('passes a recurring, active contract of the mapped account that runs today (open-ended too)', () => {
    expect(contractProblem(mapping, contract, TODAY)).toBeNull();
    expect(contractProblem(mapping, { ...contract, endDate: null }, TODAY)).toBeNull();
    expect(contractProblem(mapping, { ...contract, startDate: TODAY, endDate: TODAY }, TODAY)).toBeNull();
  });

  it('refuses each way a mapping goes wrong, with cause and remedy', () => {
    const cases: Array<[string, PsaContract | undefined, RegExp, RegExp]> = [
      ['missing', undefined, /Contract “Managed Security” \(100\) of “Acme & Sons” does not exist in the PSA; billing skips this tenant/, /deleted/],
      ['another customer', { ...contract, accountId: '20' }, /belongs to “Bluebird Dental Group” \(20\), not to “Acme and Sons Ltd” \(10\) mapped to “Acme & Sons”/, /would bill another customer/],
      ['not recurring', { ...contract, recurring: false, typeLabel: 'Block Hours' }, /is a Block Hours contract, which takes no usage postings/, /recurring service contract/],
      ['inactive', { ...contract, active: false }, /is not active; billing skips “Acme & Sons”/, /inactive/],
      ['ended', { ...contract, endDate: '2026-12-06' }, /runs 2026-01-01 to 2026-12-06, which does not include 2026-12-07/, /has ended/],
      ['not started', { ...contract, startDate: '2026-12-08', endDate: null }, /runs 2026-12-08 to …/, /not started/],
    ];
    for (const [what, c, message, cause] of cases) {
      const p = contractProblem(mapping, c, TODAY, (id) => (id === '20' ? 'Bluebird Dental Group' : undefined));
      expect(p, what).not.toBeNull();
      expect(p!.message, what).toMatch(message);
      expect(p!.cause, what).toMatch(cause);
      expect(p!.remedy, what).not.toBe('');
    }
  });

  it('names the owner by id when its name is unknown; unbilled mappings are not checked', () => {
    expect(contractProblem(mapping, { ...contract, accountId: '20' }, TODAY)!.message).toMatch(/belongs to 20, not to/);
    expect(skipReason({ ...mapping, billing: false })).toBe('billing is off');
    expect(contractProblem({ ...mapping, contractId: null }, undefined, TODAY)).toBeNull();
  });
});

describe('accountProblem', () => {
  const account = (customFields: Record<string, string | null>) => ({ id: '10', name: 'Keystone Insurance Group', active: true, type: 'Customer', customFields });

  it('passes an account whose tenant-name field is empty, absent, or names this tenant (cut to the field length, any case)', () => {
    expect(accountProblem(mapping, account({}), 'Kaspersky Tenant')).toBeNull();
    expect(accountProblem(mapping, account({ 'Kaspersky Tenant': null }), 'Kaspersky Tenant')).toBeNull();
    expect(accountProblem(mapping, account({ 'Kaspersky Tenant': 'acme &  sons' }), 'Kaspersky Tenant')).toBeNull();
    const long = { ...mapping, tenantName: 'Acme & Sons Holdings International Limited' };
    expect(accountProblem(long, account({ 'Kaspersky Tenant': 'Acme & Sons Holdings Intern' }), 'Kaspersky Tenant')).toBeNull();
  });

  it("refuses an account whose field names another tenant, and a missing account", () => {
    const p = accountProblem(mapping, account({ 'Kaspersky Tenant': 'Keystone Insurance' }), 'Kaspersky Tenant');
    expect(p!.message).toBe('Account “Keystone Insurance Group” (10) says in its “Kaspersky Tenant” field that it belongs to “Keystone Insurance”, not to “Acme & Sons” mapped to it; billing skips “Acme & Sons”');
    expect(p!.cause).toMatch(/could bill another customer/);
    expect(p!.remedy).toMatch(/map it again on the Accounts tab and save/);
    expect(accountProblem(mapping, undefined, 'Kaspersky Tenant')!.message).toMatch(/Account “Acme and Sons Ltd” \(10\) mapped to “Acme & Sons” does not exist in the PSA/);
  });
});

describe('itemProblems and blockingItemProblem', () => {
  const billing: BillingSettings = {
    byCategory: true,
    applications: [
      { applicationId: 'KES', applicationName: 'KES', single: null, workstation: { value: '1', label: 'KES WS' }, server: { value: '2', label: 'KES Srv' }, nonWindows: { value: '3', label: 'old' } },
      { applicationId: 'KSWS', applicationName: 'KSWS', single: null, workstation: null, server: { value: '2', label: 'KES Srv' }, nonWindows: null },
    ],
  };
  const problems = itemProblems(billing, [
    { id: '1', name: 'KES Workstation', active: true },
    { id: '2', name: 'KES Server', active: false },
  ]);

  it('finds each chosen item the PSA lacks or holds inactive, once', () => {
    expect([...problems.keys()].sort()).toEqual(['2', '3']);
    expect(problems.get('2')!.message).toBe('Billing item “KES Server” (2) chosen for “KES” is inactive in the PSA');
    expect(problems.get('3')!.message).toBe('Billing item “old” (3) chosen for “KES” does not exist in the PSA');
  });

  it('judges only the items the plan bills with: with categories, not a single item left beside category items', () => {
    const settings: BillingSettings = {
      byCategory: true,
      applications: [
        { applicationId: 'KES', applicationName: 'KES', single: { value: '8', label: 'unused' }, workstation: { value: '1', label: 'WS' }, server: null, nonWindows: null },
        { applicationId: 'O365', applicationName: 'Office 365', single: { value: '9', label: 'Mailboxes' }, workstation: null, server: null, nonWindows: null },
      ],
    };
    expect([...itemProblems(settings, [{ id: '1', name: 'WS', active: true }]).keys()]).toEqual(['9']);
    expect([...itemProblems({ ...settings, byCategory: false }, [{ id: '9', name: 'Mailboxes', active: true }]).keys()]).toEqual(['8']);
  });

  it('stops a contract only when a line on a bad item would post or holds units', () => {
    expect(blockingItemProblem([{ billingItemId: '3', before: 0, after: 0 }, { billingItemId: '1', before: 2, after: 5 }], problems, 'Acme')).toBeNull();
    expect(blockingItemProblem([{ billingItemId: '3', before: 0, after: 4 }], problems, 'Acme')!.message).toMatch(/does not exist in the PSA; billing skips “Acme”, which would use it \(0 → 4\)/);
    expect(blockingItemProblem([{ billingItemId: '2', before: 3, after: 3 }], problems, 'Acme')).not.toBeNull();
  });
});

describe('unbilledUsage', () => {
  const usage: TenantUsage = {
    tenantId: 't1',
    excludedKeys: [],
    applications: [
      { applicationId: 'KES', unit: 'device', devices: 7, byCategory: { 'windows-workstation': 4, 'windows-server': 2, 'non-windows': 1 }, users: null, mailboxes: null },
      { applicationId: 'KSWS', unit: 'device', devices: 5, byCategory: { 'windows-workstation': 0, 'windows-server': 5, 'non-windows': 0 }, users: null, mailboxes: null },
      { applicationId: 'O365', unit: 'mailbox', devices: 0, byCategory: { 'windows-workstation': 0, 'windows-server': 0, 'non-windows': 0 }, users: null, mailboxes: 0 },
    ],
  };
  const apps = [
    { id: 'KES', name: 'Kaspersky Endpoint Security', unit: 'device' as const },
    { id: 'KSWS', name: 'Kaspersky Security for Windows Server', unit: 'device' as const },
    { id: 'O365', name: 'Office 365', unit: 'mailbox' as const },
  ];

  it('lists what no item is chosen for: a category left empty, an application with no row; never zero usage', () => {
    const billing: BillingSettings = {
      byCategory: true,
      applications: [{ applicationId: 'KES', applicationName: 'KES', single: null, workstation: { value: '1', label: 'WS' }, server: { value: '2', label: 'Srv' }, nonWindows: null }],
    };
    const out = unbilledUsage(usage, billing, apps);
    expect(out.map(unbilledLine)).toEqual([
      '1 non-Windows device on Kaspersky Endpoint Security: no billing item chosen',
      '5 Windows servers on Kaspersky Security for Windows Server: no billing item chosen',
    ]);
  });

  it('without categories, one item takes every device of its application', () => {
    const billing: BillingSettings = { byCategory: false, applications: [{ applicationId: 'KES', applicationName: 'KES', single: { value: '9', label: 'All' }, workstation: null, server: null, nonWindows: null }] };
    expect(unbilledUsage(usage, billing, apps).map(unbilledLine)).toEqual(['5 devices on Kaspersky Security for Windows Server: no billing item chosen']);
  });
});

describe('priceLevelProblem and readinessProblem', () => {
  const levelWords = { label: 'Price level', word: 'price level', words: 'price levels' };
  const levels = new Map([['2', { id: '2', name: 'Preferred' }]]);

  it('asks nothing of a PSA without price levels', () => {
    expect(priceLevelProblem(mapping, levels, undefined)).toBeNull();
  });

  it('needs a chosen price level that the PSA still has', () => {
    expect(priceLevelProblem({ ...mapping, priceLevelId: '2', priceLevelName: 'Preferred' }, levels, levelWords)).toBeNull();
    // Not read (null): only "none chosen" can be told.
    expect(priceLevelProblem({ ...mapping, priceLevelId: '9' }, null, levelWords)).toBeNull();
    expect(priceLevelProblem(mapping, levels, levelWords)).toMatchObject({
      field: 'priceLevelId',
      message: '“Acme & Sons” has billing on but no price level is chosen; billing skips this tenant',
      remedy: 'On the Accounts tab, choose a price level for “Acme & Sons” (or turn its billing off).',
    });
    expect(priceLevelProblem({ ...mapping, priceLevelId: '9', priceLevelName: 'Gold' }, levels, levelWords)).toMatchObject({
      field: 'priceLevelId',
      message: 'Price level “Gold” (9) chosen for “Acme & Sons” does not exist in the PSA; billing skips this tenant',
    });
  });

  it('passes on the PSA\'s own reason an account takes no usage, with its remedy', () => {
    expect(readinessProblem(mapping, undefined)).toBeNull();
    expect(readinessProblem(mapping, { accountId: '10', ready: true, problem: null, remedy: null })).toBeNull();
    expect(readinessProblem(mapping, { accountId: '10', ready: false, problem: 'not cross-referenced to External Product “Kaspersky Security”', remedy: 'Add it on the account.' })).toEqual({
      message: 'Account “Acme and Sons Ltd” (10) of “Acme & Sons” cannot take usage postings yet; billing skips this tenant',
      cause: 'not cross-referenced to External Product “Kaspersky Security”',
      remedy: 'Add it on the account.',
    });
  });
});
