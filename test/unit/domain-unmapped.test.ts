// Reports › Unmapped accounts (README › The console, Reports): rows, filters, exclude marks, CSV and JSON exports.
import { describe, expect, it } from 'vitest';
import type { Integration, TenantMapping } from '../../source/domain/config.js';
import { AUTOTASK_DEFAULTS, KSC_DEFAULTS, newIntegration } from '../../source/domain/defaults.js';
import type { PsaAccount } from '../../source/domain/types.js';
import {
  accountTypes,
  csvField,
  excludedAccountIds,
  setExcluded,
  toggleExcluded,
  unmappedAccounts,
  unmappedToCsv,
  unmappedToJson,
  type UnmappedRow,
} from '../../source/domain/unmapped.js';

const account = (id: string, name: string, type = 'Customer', active = true): PsaAccount => ({ id, name, type, active, customFields: {} });
const mapped = (tenantId: string, accountId: string): TenantMapping => ({
  tenantId,
  tenantName: `T ${tenantId}`,
  accountId,
  accountName: null,
  billing: false,
  contractId: null,
  contractName: null,
});
const psa = { ...AUTOTASK_DEFAULTS, username: 'api@msp' };
function integration(name: string, tenants: TenantMapping[], excluded: string[] = [], apiUrl: string | null = null): Integration {
  return { ...newIntegration(name, { ...KSC_DEFAULTS, url: `https://${name}:13299`, username: 'u' }, { ...psa, apiUrl }), tenants, excludedAccounts: excluded };
}

const accounts = [
  account('1', 'Acme and Sons Ltd'),
  account('2', 'zephyr Consulting'),
  account('3', 'Alpine Ski Club'),
  account('4', 'Cobalt Media', 'Customer', false),
  account('5', 'Foxglove Florists', 'Prospect'),
  account('6', 'Helix Hardware Supply', 'Vendor'),
  account('7', 'Bluebird Dental Group'),
  account('8', 'Élan Studio'),
  account('9', 'Beacon Charities'),
  account('10', 'Beacon Charities'), // duplicate name, different account
  account('9', 'Beacon Charities'), // duplicate record of the same account
  account('11', 'Unit 10'),
  account('12', 'Unit 9'),
];
const main = integration('main', [mapped('vs1', '1'), { ...mapped('vs2', '7'), accountId: null }], ['6']);
const cloud = integration('cloud', [mapped('k1', '3')]);

const ids = (rows: UnmappedRow[]) => rows.map((r) => r.accountId);

describe('unmappedAccounts', () => {
  it('lists accounts mapped nowhere, sorted by name (case-insensitive, accents, numbers), ids breaking ties', () => {
    const rows = unmappedAccounts(accounts, [main, cloud], { locale: 'en' });
    // 1 mapped here, 3 mapped in another integration (counts as mapped), 6 excluded; 7's row is unmapped
    expect(ids(rows)).toEqual(['9', '10', '7', '4', '8', '5', '12', '11', '2']);
    expect(rows[3]).toEqual({ accountId: '4', name: 'Cobalt Media', type: 'Customer', active: false, excluded: false });
  });

  it.each<[string, Parameters<typeof unmappedAccounts>[2], string[]]>([
    ['type filter, case-insensitive', { type: 'prospect' }, ['5']],
    ['type filter with spaces', { type: '  Customer ' }, ['9', '10', '7', '4', '8', '12', '11', '2']],
    ['blank type = all', { type: '' }, ['9', '10', '7', '4', '8', '5', '12', '11', '2']],
    ['name filter, substring, case-insensitive', { nameQuery: 'BEACON' }, ['9', '10']],
    ['name filter folds accents', { nameQuery: 'elan' }, ['8']],
    ['name and type together', { nameQuery: 'h', type: 'Vendor', includeExcluded: true }, ['6']],
    ['name matches but type does not', { nameQuery: 'helix', type: 'Customer', includeExcluded: true }, []],
    ['excluded shown on request', { includeExcluded: true, nameQuery: 'helix' }, ['6']],
    ['excluded hidden by default', { nameQuery: 'helix' }, []],
    ['active only', { activeOnly: true, nameQuery: 'c' }, ['9', '10', '2']],
    ['inactive listed by default', { nameQuery: 'c' }, ['9', '10', '4', '2']],
    ['explicit exclude marks replace the stored ones', { excludedIds: ['2'] }, ['9', '10', '7', '4', '8', '5', '6', '12', '11']],
  ])('%s', (_name, options, expected) => {
    expect(ids(unmappedAccounts(accounts, [main, cloud], { locale: 'en', ...options }))).toEqual(expected);
  });

  it('marks excluded rows when they are shown', () => {
    const rows = unmappedAccounts(accounts, [main, cloud], { includeExcluded: true, nameQuery: 'helix' });
    expect(rows).toEqual([{ accountId: '6', name: 'Helix Hardware Supply', type: 'Vendor', active: true, excluded: true }]);
  });

  it('with a PSA given, only integrations on that PSA count', () => {
    const zone5 = 'https://webservices5.autotask.net/atservicesrest/';
    const other = integration('other', [mapped('x', '2')], ['5'], 'https://webservices14.autotask.net/atservicesrest/');
    const here = integration('here', [mapped('y', '1')], [], zone5);
    const rows = unmappedAccounts(accounts, [here, other], { psa: { ...psa, apiUrl: zone5 }, locale: 'en' });
    expect(ids(rows)).toContain('2'); // mapped only on another Autotask instance
    expect(ids(rows)).toContain('5'); // excluded only there
    expect(ids(rows)).not.toContain('1');
    expect(ids(unmappedAccounts(accounts, [here, other], { locale: 'en' }))).not.toContain('2');
  });

  it('no accounts, no integrations', () => {
    expect(unmappedAccounts([], [])).toEqual([]);
    expect(ids(unmappedAccounts([account('1', '')], []))).toEqual(['1']);
  });
});

describe('exclude marks', () => {
  it.each<[string[], string, string[]]>([
    [[], '1', ['1']],
    [['1', '2'], '1', ['2']],
    [['1', '2'], '3', ['1', '2', '3']],
    [['1', '1'], '1', []],
  ])('toggleExcluded(%j, %s) → %j', (list, id, expected) => {
    const before = [...list];
    expect(toggleExcluded(list, id)).toEqual(expected);
    expect(list).toEqual(before);
  });

  it('the mark is per account across integrations on the same PSA', () => {
    const a = integration('a', [], ['6']);
    const b = integration('b', [], ['6', '9']);
    expect(excludedAccountIds([a, b]).sort()).toEqual(['6', '9']);

    const marked = setExcluded([a, b], 'a', '9', true);
    expect(marked[0]?.excludedAccounts).toEqual(['6', '9']);
    expect(marked[1]).toBe(b);

    const unmarked = setExcluded([a, b], 'a', '6', false);
    expect(unmarked.map((i) => i.excludedAccounts)).toEqual([[], ['9']]);
    expect(unmappedAccounts([account('6', 'Helix')], unmarked)).toHaveLength(1);

    const other = integration('c', [], ['6'], 'https://webservices14.autotask.net/atservicesrest/');
    const zoned = integration('d', [], ['6'], 'https://webservices5.autotask.net/atservicesrest/');
    expect(setExcluded([zoned, other], 'd', '6', false)[1]).toBe(other);
    expect(setExcluded([a], 'nope', '6', false)).toEqual([a]);
  });
});

describe('accountTypes', () => {
  it('distinct, sorted, first spelling kept, blanks dropped', () => {
    const list = [account('1', 'a', 'Customer'), account('2', 'b', 'vendor'), account('3', 'c', 'customer'), account('4', 'd', ' '), account('5', 'e', 'Lead')];
    expect(accountTypes(list, 'en')).toEqual(['Customer', 'Lead', 'vendor']);
  });
});

describe('CSV export (RFC 4180)', () => {
  it.each<[string | number | boolean, string]>([
    ['plain', 'plain'],
    ['Ironwood Accounting, Inc.', '"Ironwood Accounting, Inc."'],
    ['The "Best" Co', '"The ""Best"" Co"'],
    ['line\nbreak', '"line\nbreak"'],
    ['cr\rhere', '"cr\rhere"'],
    ['', ''],
    ['Zürich 東京', 'Zürich 東京'],
    [true, 'true'],
    [42, '42'],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['+44 Ltd', "'+44 Ltd"],
    ['-Acme', "'-Acme"],
    ['@home', "'@home"],
  ])('csvField(%j) → %s', (value, expected) => {
    expect(csvField(value)).toBe(expected);
  });

  it('formula protection can be turned off', () => {
    expect(csvField('=1+1', false)).toBe('=1+1');
  });

  const rows: UnmappedRow[] = [
    { accountId: '1', name: 'Ironwood Accounting, Inc.', type: 'Customer', active: true, excluded: false },
    { accountId: '2', name: 'Café "Élan"', type: 'Prospect', active: false, excluded: true },
  ];

  it('header row, one record per row, CRLF line ends', () => {
    expect(unmappedToCsv(rows)).toBe(
      'accountId,name,type,active,excluded\r\n1,"Ironwood Accounting, Inc.",Customer,true,false\r\n2,"Café ""Élan""",Prospect,false,true\r\n',
    );
  });

  it('an empty report is just the header; a BOM on request', () => {
    expect(unmappedToCsv([])).toBe('accountId,name,type,active,excluded\r\n');
    expect(unmappedToCsv([], { bom: true }).charCodeAt(0)).toBe(0xfeff);
  });
});

describe('JSON export', () => {
  it('stable field names and order, pretty, newline-terminated, round-trips', () => {
    const rows: UnmappedRow[] = [{ excluded: false, active: true, type: 'Customer', name: 'Acme "A" & Sons', accountId: '1' } as UnmappedRow];
    const text = unmappedToJson(rows);
    expect(text.endsWith('}\n]\n')).toBe(true);
    expect(Object.keys((JSON.parse(text) as object[])[0] ?? {})).toEqual(['accountId', 'name', 'type', 'active', 'excluded']);
    expect(JSON.parse(text)).toEqual(rows);
    expect(unmappedToJson([])).toBe('[]\n');
  });
});
