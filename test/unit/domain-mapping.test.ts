// Mapping help (README › Words; The console, Accounts): normalisation, suggestions (never applied automatically), drift.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { TenantMapping } from '../../source/domain/config.js';
import {
  detectDrift,
  driftByTenant,
  exactKey,
  foldDiacritics,
  normaliseName,
  psaAccountWord,
  quoteName,
  suggestMappings,
  withArticle,
  type Confidence,
  type NoSuggestionReason,
} from '../../source/domain/mapping.js';
import type { PsaAccount, PsaContract, Tenant } from '../../source/domain/types.js';

/** Messages in the words of the demo's vendors (without kinds they are vendor-neutral). */
const AT = { psa: 'autotask' } as const;
const KSC_AT = { platform: 'ksc', psa: 'autotask' } as const;

const tenant = (id: string, name: string): Tenant => ({ id, name, enabled: true });
const account = (id: string, name: string, active = true, type = 'Customer'): PsaAccount => ({ id, name, active, type, customFields: {} });
const mapping = (tenantId: string, tenantName: string, accountId: string | null = null, accountName: string | null = null, extra: Partial<TenantMapping> = {}): TenantMapping => ({
  tenantId,
  tenantName,
  accountId,
  accountName,
  billing: false,
  contractId: null,
  contractName: null,
  ...extra,
});

describe('normaliseName', () => {
  it.each([
    // case, spacing
    ['FAIRVIEW CLINIC', 'fairview clinic'],
    ['  Fairview    Clinic  ', 'fairview clinic'],
    // & and + read as "and"
    ['Acme & Sons', 'acme and sons'],
    ['Acme&Sons', 'acme and sons'],
    ['Acme + Sons', 'acme and sons'],
    ['Maple and Oak Design', 'maple and oak design'],
    // punctuation: dots and apostrophes join, the rest separates
    ['Ironwood Accounting, Inc.', 'ironwood accounting'],
    ["O'Brien's Bakery", 'obriens bakery'],
    ['O’Brien’s Bakery', 'obriens bakery'],
    ['A.B.C. Plumbing', 'abc plumbing'],
    ['Smith-Jones (North)', 'smith jones north'],
    ['Meridian MSP (internal)', 'meridian msp internal'],
    // legal suffixes, several at once, with dots
    ['Acme and Sons Ltd', 'acme and sons'],
    ['Carter Logistics Inc.', 'carter logistics'],
    ['Tidewater Freight Ltd.', 'tidewater freight'],
    ['Northwind Traders GmbH', 'northwind traders'],
    ['Pioneer Engineering Corp', 'pioneer engineering'],
    ['Globex Corporation', 'globex'],
    ['Delta Legal LLP', 'delta legal'],
    ['Acme Pty. Ltd.', 'acme'],
    ['Acme Pty Limited', 'acme'],
    ['Acme Co., Ltd.', 'acme'],
    ['Acme L.L.C.', 'acme'],
    ['Acme Private Limited', 'acme'],
    ['Müller Bau GmbH & Co. KG', 'muller bau'],
    ['Smith & Co', 'smith'],
    ['Smith and Company', 'smith'],
    ['Acme S.A.', 'acme'],
    ['Acme S.p.A.', 'acme'],
    ['Acme B.V.', 'acme'],
    ['Acme Sp. z o.o.', 'acme'],
    ['Acme Limited Liability Company', 'acme'],
    // NOT legal suffixes: descriptive words survive
    ['Bluebird Dental Group', 'bluebird dental group'],
    ['Keystone Insurance Group', 'keystone insurance group'],
    ['Harbor Marine Services', 'harbor marine services'],
    ['Acme PC', 'acme pc'],
    // suffix words inside the name stay; only trailing ones go
    ['Limited Editions Ltd', 'limited editions'],
    ['Inc Creative', 'inc creative'],
    // never strips the only word
    ['Company Ltd', 'company'],
    ['Ltd', 'ltd'],
    ['GmbH', 'gmbh'],
    // leading "The"
    ['The Acme Group', 'acme group'],
    ['The', 'the'],
    // diacritics and special letters
    ['Zürich Versicherung AG', 'zurich versicherung'],
    ['Ørsted A/S', 'orsted'],
    ['Straße Bau', 'strasse bau'],
    ['Café Élégance', 'cafe elegance'],
    ['Łódź Tech', 'lodz tech'],
    ['İstanbul Lojistik', 'istanbul lojistik'],
    ['ＡＣＭＥ　Ｌｔｄ', 'acme'],
    ['Acme™ Widgets®', 'acme widgets'],
    // other scripts are kept
    ['東京 Trading', '東京 trading'],
    ['Ωμέγα Α.Ε.', 'ωμεγα αε'],
    // nothing to compare
    ['', ''],
    ['   ', ''],
    ['!!! ???', ''],
    // digits
    ['3M Company', '3m'],
    ['Studio 54 Ltd', 'studio 54'],
  ])('%j → %j', (input, expected) => {
    expect(normaliseName(input)).toBe(expected);
  });

  it('is idempotent', () => {
    for (const name of ['Acme & Sons Ltd.', 'Müller Bau GmbH & Co. KG', 'The Acme Group', 'Company Ltd', 'Ωμέγα Α.Ε.']) {
      expect(normaliseName(normaliseName(name))).toBe(normaliseName(name));
    }
  });

  it('exactKey folds only case and spacing', () => {
    expect(exactKey(' Fairview  Clinic ')).toBe(exactKey('FAIRVIEW CLINIC'));
    expect(exactKey('Maple & Oak')).not.toBe(exactKey('Maple and Oak'));
    expect(exactKey('Café')).toBe(exactKey('Cafe\u0301')); // NFC: composed and decomposed é are the same text
    expect(exactKey('Café')).not.toBe(exactKey('Cafe'));
  });

  it('foldDiacritics keeps letters it cannot fold and drops trademark signs', () => {
    expect(foldDiacritics('Ærø™')).toBe('aero');
    expect(foldDiacritics('東京')).toBe('東京');
  });
});

describe('suggestMappings: the demo pairs (README › The console, Accounts tab)', () => {
  // tenant → Autotask account (null: none exists), expected confidence (null: no suggestion)
  const pairs: [string, string | null, Confidence | null][] = [
    ['Acme & Sons', 'Acme and Sons Ltd', 'normalised'],
    ['Carter Logistics', 'Carter Logistics Inc.', 'normalised'],
    ['Fairview Clinic', 'FAIRVIEW CLINIC', 'exact'],
    ['Ironwood Accounting', 'Ironwood Accounting, Inc.', 'normalised'],
    ['Maple & Oak Design', 'Maple and Oak Design', 'normalised'],
    ['Northwind Traders', 'Northwind Traders GmbH', 'normalised'],
    ['Tidewater Freight', 'Tidewater Freight Ltd.', 'normalised'],
    ['Bluebird Dental', 'Bluebird Dental Group', 'partial'],
    ['Lakeside Vets', 'Lakeside Veterinary', null],
    ['Willow Creek Farms', null, null],
    ['Delta Legal LLP', 'Delta Legal LLP', 'exact'],
    ['Riverside Church', 'Riverside Community Church', null],
    ['Quantum Research', 'Quantum Research Labs', 'partial'],
  ];
  const tenants = pairs.map(([name], i) => tenant(`vs${i}`, name));
  const accounts = [
    ...pairs.flatMap(([, acc], i) => (acc ? [account(String(100 + i), acc)] : [])),
    // distractors from the demo's unmapped accounts
    account('900', 'Parkway Dental'),
    account('901', 'Zephyr Consulting'),
    account('902', 'Globex Corporation', true, 'Prospect'),
  ];
  const result = suggestMappings(tenants, accounts, [], AT);

  it.each(pairs.map((p, i) => [p[0], p[1], p[2], i] as const))('%s → %s (%s)', (name, acc, confidence, i) => {
    const s = result.suggestions.find((x) => x.tenantId === `vs${i}`);
    if (confidence === null) {
      expect(s).toBeUndefined();
      const none = result.unmatched.find((x) => x.tenantId === `vs${i}`);
      expect(none?.reason).toBe('no-match');
      expect(none?.message).toBe(`No Autotask account has a name close to “${name}”.`);
    } else {
      expect(s).toMatchObject({ tenantName: name, accountName: acc, accountId: String(100 + i), confidence });
      expect(s?.reason).not.toBe('');
    }
  });

  it('every unmapped tenant is either suggested or explained, in tenant order', () => {
    const ids = [...result.suggestions.map((s) => s.tenantId), ...result.unmatched.map((u) => u.tenantId)];
    expect(ids.sort()).toEqual(tenants.map((t) => t.id).sort());
    expect(result.suggestions.map((s) => s.tenantId)).toEqual(tenants.map((t) => t.id).filter((id) => result.suggestions.some((s) => s.tenantId === id)));
  });

  it('partial and normalised suggestions say why', () => {
    expect(result.suggestions.find((s) => s.tenantName === 'Bluebird Dental')?.reason).toBe(
      '“Bluebird Dental” is the start of “Bluebird Dental Group”; check it is the same customer.',
    );
    expect(result.suggestions.find((s) => s.tenantName === 'Acme & Sons')?.reason).toMatch(/legal suffixes/);
    expect(result.suggestions.find((s) => s.tenantName === 'Fairview Clinic')?.reason).toBe('Same name apart from letter case and spacing.');
  });

  it('the shipped demo story: every suggestion is the intended account, and none is made where the story has no match', () => {
    const story = JSON.parse(readFileSync(new URL('../../fixtures/demo/customers.json', import.meta.url), 'utf8')) as {
      customers: { tenant: string | null; account: string | null; accountActive: boolean | null }[];
    };
    const ts = story.customers.flatMap((c, i) => (c.tenant ? [tenant(`t${i}`, c.tenant)] : []));
    const as = story.customers.flatMap((c, i) => (c.account ? [account(`a${i}`, c.account, c.accountActive ?? true)] : []));
    const r = suggestMappings(ts, as, [], AT);
    for (const s of r.suggestions) {
      const intended = story.customers.find((c) => c.tenant === s.tenantName)?.account;
      expect(s.accountName, s.tenantName).toBe(intended);
    }
    // The story's near-matches that must be found (the rest are explained, not guessed).
    expect(r.suggestions.length).toBeGreaterThanOrEqual(20);
    expect(r.unmatched.map((u) => u.tenantName).sort()).toEqual(['Juniper Hotels', 'Lakeside Vets', 'Riverside Church', 'Willow Creek Farms', 'Xeno Biotech']);
    // Its only match is an inactive account: never suggested, and the tenant is told why.
    expect(r.suggestions.find((s) => s.tenantName === 'Juniper Hotels')).toBeUndefined();
    expect(r.unmatched.find((u) => u.tenantName === 'Juniper Hotels')).toMatchObject({
      reason: 'inactive',
      message: 'The only close Autotask account, “Juniper Hotels”, is inactive; inactive accounts are not suggested. Choose it yourself if it is the right one.',
    });
    const inactiveIds = new Set(as.filter((a) => !a.active).map((a) => a.id));
    expect(r.suggestions.filter((s) => inactiveIds.has(s.accountId))).toEqual([]);
  });
});

describe('suggestMappings: rules', () => {
  type Case = {
    name: string;
    tenants: Tenant[];
    accounts: PsaAccount[];
    current?: TenantMapping[];
    /** tenant id → [account id, confidence] or [reason] */
    expect: Record<string, [string, Confidence] | [NoSuggestionReason]>;
  };
  const cases: Case[] = [
    {
      name: 'an account already mapped is never suggested; the tenant is told who holds it',
      tenants: [tenant('t1', 'Acme & Sons')],
      accounts: [account('1', 'Acme and Sons Ltd')],
      current: [mapping('t9', 'Acme (old server)', '1', 'Acme and Sons Ltd')],
      expect: { t1: ['already-mapped'] },
    },
    {
      name: 'a mapped tenant gets no suggestion at all',
      tenants: [tenant('t1', 'Acme'), tenant('t2', 'Orchard Foods')],
      accounts: [account('1', 'Acme'), account('2', 'Orchard Foods')],
      current: [mapping('t1', 'Acme', '7', 'Something else')],
      expect: { t2: ['2', 'exact'] },
    },
    {
      name: 'an unmapped row in current does not make the tenant mapped',
      tenants: [tenant('t1', 'Acme')],
      accounts: [account('1', 'Acme Ltd')],
      current: [mapping('t1', 'Acme')],
      expect: { t1: ['1', 'normalised'] },
    },
    {
      name: 'two accounts equally good → ambiguous',
      tenants: [tenant('t1', 'Acme & Sons')],
      accounts: [account('1', 'Acme and Sons Ltd'), account('2', 'ACME & SONS INC')],
      expect: { t1: ['ambiguous'] },
    },
    {
      name: 'duplicate account names → ambiguous',
      tenants: [tenant('t1', 'Acme')],
      accounts: [account('1', 'Acme'), account('2', 'Acme')],
      expect: { t1: ['ambiguous'] },
    },
    {
      name: 'the stronger level wins over weaker candidates',
      tenants: [tenant('t1', 'Acme Ltd')],
      accounts: [account('1', 'ACME LTD'), account('2', 'Acme Limited'), account('3', 'Acme Ltd Holdings')],
      expect: { t1: ['1', 'exact'] },
    },
    {
      name: 'an inactive account does not compete with an active one',
      tenants: [tenant('t1', 'Acme')],
      accounts: [account('1', 'Acme Ltd', false), account('2', 'Acme Inc', true)],
      expect: { t1: ['2', 'normalised'] },
    },
    {
      name: 'an inactive account is never suggested, however close',
      tenants: [tenant('t1', 'Acme')],
      accounts: [account('1', 'Acme', false)],
      expect: { t1: ['inactive'] },
    },
    {
      name: 'two inactive candidates: no suggestion, and the tenant is told they are inactive',
      tenants: [tenant('t1', 'Acme')],
      accounts: [account('1', 'Acme Ltd', false), account('2', 'Acme Inc', false)],
      expect: { t1: ['inactive'] },
    },
    {
      name: 'an inactive exact match does not stop an active normalised one',
      tenants: [tenant('t1', 'Acme')],
      accounts: [account('1', 'Acme', false), account('2', 'Acme Ltd', true)],
      expect: { t1: ['2', 'normalised'] },
    },
    {
      name: 'an inactive account does not contest an active one for another tenant',
      tenants: [tenant('t1', 'Acme Ltd'), tenant('t2', 'Acme Inc')],
      accounts: [account('1', 'Acme', false), account('2', 'Acme Ltd', true)],
      expect: { t1: ['2', 'exact'], t2: ['outranked'] },
    },
    {
      name: 'one account equally good for two tenants → neither gets it',
      tenants: [tenant('t1', 'Acme Ltd'), tenant('t2', 'Acme Inc')],
      accounts: [account('1', 'Acme')],
      expect: { t1: ['contested'], t2: ['contested'] },
    },
    {
      name: 'a better claim wins; the weaker tenant is outranked, not given a worse guess',
      tenants: [tenant('t1', 'Acme'), tenant('t2', 'Acme Ltd')],
      accounts: [account('1', 'Acme')],
      expect: { t1: ['1', 'exact'], t2: ['outranked'] },
    },
    {
      name: 'an account contested at a strong level is not handed to a weaker claimant',
      tenants: [tenant('t1', 'Acme Ltd'), tenant('t2', 'Acme Inc'), tenant('t3', 'Acme Plumbing')],
      accounts: [account('1', 'Acme')],
      expect: { t1: ['contested'], t2: ['contested'], t3: ['outranked'] },
    },
    {
      name: 'an ambiguous tenant is not offered a weaker match',
      tenants: [tenant('t1', 'Acme')],
      accounts: [account('1', 'Acme Ltd'), account('2', 'Acme Inc'), account('3', 'Acme Plumbing')],
      expect: { t1: ['ambiguous'] },
    },
    {
      name: 'two tenants, two accounts, each its own',
      tenants: [tenant('t1', 'Bluebird Dental'), tenant('t2', 'Parkway Dental')],
      accounts: [account('1', 'Parkway Dental Ltd'), account('2', 'Bluebird Dental Group')],
      expect: { t1: ['2', 'partial'], t2: ['1', 'normalised'] },
    },
    {
      name: 'partial works both ways (account name shorter than tenant name)',
      tenants: [tenant('t1', 'Keystone Insurance Group')],
      accounts: [account('1', 'Keystone Insurance')],
      expect: { t1: ['1', 'partial'] },
    },
    {
      name: 'partial needs whole leading words',
      tenants: [tenant('t1', 'Lakeside Vets'), tenant('t2', 'Dental Bluebird')],
      accounts: [account('1', 'Lakeside Veterinary'), account('2', 'Bluebird Dental Group')],
      expect: { t1: ['no-match'], t2: ['no-match'] },
    },
    {
      name: 'partial from a single short word is too weak to suggest',
      tenants: [tenant('t1', 'ABC'), tenant('t2', 'Acme')],
      accounts: [account('1', 'ABC Plumbing'), account('2', 'Acme Plumbing')],
      expect: { t1: ['no-match'], t2: ['2', 'partial'] },
    },
    {
      name: 'empty and symbol-only names never match',
      tenants: [tenant('t1', ''), tenant('t2', '***'), tenant('t3', 'Acme')],
      accounts: [account('1', ''), account('2', '***'), account('3', 'Acme')],
      expect: { t1: ['unnamed'], t2: ['unnamed'], t3: ['3', 'exact'] },
    },
    {
      name: 'unicode: accents, ß and fullwidth forms',
      tenants: [tenant('t1', 'Müller Bau'), tenant('t2', 'Strasse Logistik'), tenant('t3', 'ＡＣＭＥ')],
      accounts: [account('1', 'Muller Bau GmbH'), account('2', 'Straße Logistik AG'), account('3', 'Acme Ltd')],
      expect: { t1: ['1', 'normalised'], t2: ['2', 'normalised'], t3: ['3', 'normalised'] },
    },
    {
      name: 'no accounts at all',
      tenants: [tenant('t1', 'Acme')],
      accounts: [],
      expect: { t1: ['no-match'] },
    },
    {
      name: 'a tenant listed twice is considered once',
      tenants: [tenant('t1', 'Acme'), tenant('t1', 'Acme')],
      accounts: [account('1', 'Acme')],
      expect: { t1: ['1', 'exact'] },
    },
  ];

  it.each(cases)('$name', (c) => {
    const r = suggestMappings(c.tenants, c.accounts, c.current ?? [], AT);
    const got: Record<string, [string, Confidence] | [NoSuggestionReason]> = {};
    for (const s of r.suggestions) got[s.tenantId] = [s.accountId, s.confidence];
    for (const u of r.unmatched) got[u.tenantId] = [u.reason];
    expect(got).toEqual(c.expect);
    // at most one suggestion per tenant, never one account twice
    expect(new Set(r.suggestions.map((s) => s.tenantId)).size).toBe(r.suggestions.length);
    expect(new Set(r.suggestions.map((s) => s.accountId)).size).toBe(r.suggestions.length);
  });

  it('messages name the accounts and tenants involved (ids when names repeat)', () => {
    const dup = suggestMappings([tenant('t1', 'Acme')], [account('1', 'Acme'), account('2', 'Acme')], [], AT);
    expect(dup.unmatched[0]?.message).toBe('2 Autotask accounts match “Acme” equally well (exact): “Acme” (id 1), “Acme” (id 2). Choose one yourself.');
    expect(dup.unmatched[0]?.candidates).toEqual([
      { accountId: '1', accountName: 'Acme' },
      { accountId: '2', accountName: 'Acme' },
    ]);

    const contested = suggestMappings([tenant('t1', 'Acme Ltd'), tenant('t2', 'Acme Inc')], [account('1', 'Acme')], [], AT);
    expect(contested.unmatched[0]?.message).toBe('“Acme” matches “Acme Ltd” and “Acme Inc” equally well. Choose yourself.');

    const taken = suggestMappings([tenant('t1', 'Acme & Sons')], [account('1', 'Acme and Sons Ltd')], [mapping('t9', 'Acme old', '1', 'Acme and Sons Ltd')], AT);
    expect(taken.unmatched[0]?.message).toBe('“Acme and Sons Ltd” is already mapped to “Acme old”.');

    const outranked = suggestMappings([tenant('t1', 'Acme'), tenant('t2', 'Acme Ltd')], [account('1', 'Acme')], [], AT);
    expect(outranked.unmatched[0]?.message).toBe('The closest Autotask account, “Acme”, is a better match for “Acme”.');
    const outranked2 = suggestMappings([tenant('t1', 'Acme Ltd'), tenant('t2', 'Acme Inc'), tenant('t3', 'Acme Plumbing')], [account('1', 'Acme')], [], AT);
    expect(outranked2.unmatched[2]?.message).toBe('The closest Autotask account, “Acme”, is a better match for “Acme Ltd”, “Acme Inc”.');

    const cw = suggestMappings([tenant('t1', 'Nope')], [], [], { psa: 'connectwise' });
    expect(cw.unmatched[0]?.message).toBe('No ConnectWise company has a name close to “Nope”.');
  });

  // Its speed is measured by the Accounts benchmark (npm run bench), not asserted here.
  it('handles a long account list (first-word index)', () => {
    const accounts = Array.from({ length: 20_000 }, (_, i) => account(String(i), `Customer ${i} Ltd`));
    const tenants = Array.from({ length: 500 }, (_, i) => tenant(`t${i}`, `Customer ${i * 7}`));
    const r = suggestMappings(tenants, accounts, [], AT);
    expect(r.suggestions).toHaveLength(500);
    expect(r.suggestions[3]).toMatchObject({ tenantId: 't3', accountId: '21', confidence: 'normalised' });
  });
});

describe('detectDrift', () => {
  const m = mapping('t1', 'Acme & Sons', 'a1', 'Acme and Sons Ltd', { billing: true, contractId: 'c1', contractName: 'Managed Security' });
  const contract = (over: Partial<PsaContract> = {}): PsaContract => ({
    id: 'c1',
    accountId: 'a1',
    name: 'Managed Security',
    recurring: true,
    typeLabel: 'Recurring Service',
    active: true,
    startDate: '2024-01-01',
    endDate: null,
    ...over,
  });
  const liveTenant = tenant('t1', 'Acme & Sons');
  const liveAccount = account('a1', 'Acme and Sons Ltd');

  type Case = [string, Tenant[] | null, PsaAccount[] | null, PsaContract[] | null | undefined, [string, string | null, string | null][]];
  const cases: Case[] = [
    ['nothing changed', [liveTenant], [liveAccount], [contract()], []],
    ['nothing loaded: no claims', null, null, null, []],
    ['tenant missing', [], [liveAccount], undefined, [['tenant-missing', 'Acme & Sons', null]]],
    ['tenant renamed', [tenant('t1', 'Acme and Sons')], [liveAccount], undefined, [['tenant-renamed', 'Acme & Sons', 'Acme and Sons']]],
    ['account missing (and contract not judged then)', [liveTenant], [], [], [['account-missing', 'Acme and Sons Ltd', null]]],
    ['account renamed', [liveTenant], [account('a1', 'Acme & Sons Limited')], undefined, [['account-renamed', 'Acme and Sons Ltd', 'Acme & Sons Limited']]],
    ['account inactive', [liveTenant], [account('a1', 'Acme and Sons Ltd', false)], undefined, [['account-inactive', 'Acme and Sons Ltd', null]]],
    ['renamed and inactive', null, [account('a1', 'Acme Old', false)], undefined, [['account-renamed', 'Acme and Sons Ltd', 'Acme Old'], ['account-inactive', 'Acme Old', null]]],
    ['contract missing', null, null, [], [['contract-missing', 'Managed Security', null]]],
    ['contract moved to another account', null, null, [contract({ accountId: 'a2' })], [['contract-unusable', 'Managed Security', null]]],
    ['contract no longer recurring', null, null, [contract({ recurring: false })], [['contract-unusable', 'Managed Security', null]]],
    ['contract inactive', null, null, [contract({ active: false })], [['contract-inactive', 'Managed Security', null]]],
    ['only the tenant side loaded: no account claims', [liveTenant], null, undefined, []],
    ['everything gone', [], [], [], [['tenant-missing', 'Acme & Sons', null], ['account-missing', 'Acme and Sons Ltd', null]]],
  ];

  it.each(cases)('%s', (_name, tenants, accounts, contracts, expected) => {
    const drifts = detectDrift([m], tenants, accounts, { ...KSC_AT, contracts });
    expect(drifts.map((d) => [d.kind, d.oldName, d.newName])).toEqual(expected);
    for (const d of drifts) expect(d.tenantId).toBe('t1');
  });

  it("a billed tenant's contract must run today (the billing run's own check); unbilled or without a date: not judged", () => {
    const ended = contract({ endDate: '2026-11-30' });
    const [drift] = detectDrift([m], null, null, { ...KSC_AT, contracts: [ended], today: '2026-12-07' });
    expect(drift).toMatchObject({ kind: 'contract-out-of-period', severity: 'error' });
    expect(drift!.message).toMatch(/runs 2024-01-01 to 2026-11-30, which does not include 2026-12-07; billing skips “Acme & Sons”/);
    expect(detectDrift([m], null, null, { ...KSC_AT, contracts: [contract({ startDate: '2026-12-08' })], today: '2026-12-07' }).map((d) => d.kind)).toEqual(['contract-out-of-period']);
    expect(detectDrift([m], null, null, { ...KSC_AT, contracts: [ended] })).toEqual([]);
    expect(detectDrift([{ ...m, billing: false }], null, null, { ...KSC_AT, contracts: [ended], today: '2026-12-07' })).toEqual([]);
    expect(detectDrift([m], null, null, { ...KSC_AT, contracts: [contract()], today: '2026-12-07' })).toEqual([]);
  });

  it('an unmapped row has no account or contract drift', () => {
    expect(detectDrift([mapping('t2', 'Beta')], [tenant('t2', 'Beta')], [], { ...KSC_AT, contracts: [] })).toEqual([]);
  });

  it('messages and severities use the platform and PSA words', () => {
    const [missing] = detectDrift([m], [], null, KSC_AT);
    expect(missing).toMatchObject({ severity: 'error', message: 'Virtual server “Acme & Sons” no longer exists in Kaspersky Security Center.' });
    const [renamed] = detectDrift([m], [tenant('t1', 'Acme and Sons')], null, { platform: 'kbh' });
    expect(renamed).toMatchObject({ severity: 'info', message: 'Company “Acme & Sons” is now called “Acme and Sons”.' });
    const [inactive] = detectDrift([m], null, [account('a1', 'Acme and Sons Ltd', false)], AT);
    expect(inactive).toMatchObject({ severity: 'warning', message: 'Autotask account “Acme and Sons Ltd” is inactive: no tickets are created for it.' });
    const [gone] = detectDrift([m], null, [], { psa: 'connectwise' });
    expect(gone?.message).toBe('ConnectWise company “Acme and Sons Ltd” (mapped to “Acme & Sons”) no longer exists.');
    const [notRecurring] = detectDrift([m], null, null, { ...KSC_AT, contracts: [contract({ recurring: false })] });
    expect(notRecurring?.message).toBe('Contract “Managed Security” is no longer a Recurring Service contract; usage cannot be posted to it.');
  });

  it('groups by tenant for row markers, in mapping order', () => {
    const drifts = detectDrift([m, mapping('t2', 'Beta', 'a2', 'Beta Ltd')], [], []);
    const grouped = driftByTenant(drifts);
    expect([...grouped.keys()]).toEqual(['t1', 't2']);
    expect(grouped.get('t2')?.map((d) => d.kind)).toEqual(['tenant-missing', 'account-missing']);
  });
});

describe('vocabulary helpers', () => {
  it.each([
    ['autotask', 'an Autotask account'],
    ['connectwise', 'a ConnectWise company'],
    [undefined, 'a PSA account'],
  ] as const)('%s → %s', (kind, text) => {
    expect(withArticle(psaAccountWord(kind))).toBe(text);
  });

  it('quoteName keeps empty names visible', () => {
    expect(quoteName('Acme')).toBe('“Acme”');
    expect(quoteName('', '42')).toBe('“(unnamed, id 42)”');
    expect(quoteName(null)).toBe('“(unnamed)”');
  });
});
