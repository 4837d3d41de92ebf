// README › The console, Accounts tab, for a PSA that prices usage at a price level chosen per
// account (profile posting.priceLevel: Tigerpaw): the draft's price level action, what clears it,
// change detection, renames and drift, the Save blocker and the same rule in config validation.
// PSAs without price levels never gain the keys.
import { describe, expect, it } from 'vitest';
import {
  accountsReducer,
  acceptSuggestions,
  changedTenants,
  initialAccountsState,
  isDirty,
  priceLevelWords,
  saveBlockers,
  sortPriceLevels,
  type AccountsAction,
  type AccountsContext,
  type AccountsState,
} from '../../source/domain/accountsDraft.js';
import type { Integration, TenantMapping } from '../../source/domain/config.js';
import { AUTOTASK_DEFAULTS, defaultConfig, KSC_DEFAULTS, newIntegration } from '../../source/domain/defaults.js';
import { detectDrift } from '../../source/domain/mapping.js';
import { psaProfile } from '../../source/domain/profiles/index.js';
import type { PriceLevel, PsaAccount } from '../../source/domain/types.js';
import { validateConfig, validateIntegration } from '../../source/domain/validate.js';

const TP: AccountsContext = { psa: 'tigerpaw' };
const AT: AccountsContext = { psa: 'autotask' };

const account = (id: string, name: string): PsaAccount => ({ id, name, active: true, type: 'Customer', customFields: {} });
const level = (id: string, name: string): PriceLevel => ({ id, name });
const row = (tenantId: string, tenantName: string, over: Partial<TenantMapping> = {}): TenantMapping => ({
  tenantId,
  tenantName,
  accountId: null,
  accountName: null,
  billing: false,
  contractId: null,
  contractName: null,
  ...over,
});

/** Billed at price level "Retail" (2) on agreement 1042. */
const acme = row('vs1', 'Acme & Sons', { accountId: '100', accountName: 'Acme and Sons Ltd', billing: true, contractId: '1042', contractName: '1042 · 2026-01-01', priceLevelId: '2', priceLevelName: 'Retail' });
/** Mapped, billing off, no price level keys at all (as a fresh row). */
const bluebird = row('vs2', 'Bluebird Dental', { accountId: '200', accountName: 'Bluebird Dental Group' });
const carter = row('vs3', 'Carter Logistics');

function run(state: AccountsState, actions: AccountsAction[], ctx: AccountsContext = TP) {
  let s = state;
  let refusal = null as ReturnType<typeof accountsReducer>['refusal'];
  for (const a of actions) ({ state: s, refusal } = accountsReducer(s, a, ctx));
  return { state: s, refusal };
}

describe('priceLevelWords', () => {
  it('comes from the profile: present for a PSA with price levels, null for the others and for unknown kinds', () => {
    expect(priceLevelWords('tigerpaw')).toEqual(psaProfile('tigerpaw').posting.priceLevel);
    expect(priceLevelWords('autotask')).toBeNull();
    expect(priceLevelWords('connectwise')).toBeNull();
    expect(priceLevelWords('futurepsa')).toBeNull();
    expect(priceLevelWords(undefined)).toBeNull();
  });
});

describe('setPriceLevel', () => {
  const start = initialAccountsState([acme, bluebird, carter]);

  it('chooses a price level for a mapped row, keeping it with its name', () => {
    const { state, refusal } = run(start, [{ type: 'setPriceLevel', tenantId: 'vs2', priceLevel: level('1', 'Standard') }]);
    expect(refusal).toBeNull();
    expect(state.draft[1]).toEqual({ ...bluebird, priceLevelId: '1', priceLevelName: 'Standard' });
    expect(changedTenants(state)).toEqual([{ tenantId: 'vs2', tenantName: 'Bluebird Dental', kind: 'changed', fields: ['priceLevelId', 'priceLevelName'] }]);
  });

  it('the same choice again is no change (same state object)', () => {
    expect(accountsReducer(start, { type: 'setPriceLevel', tenantId: 'vs1', priceLevel: level('2', 'Retail') }, TP).state).toBe(start);
  });

  it('a new name for the same level is taken', () => {
    const { state } = run(start, [{ type: 'setPriceLevel', tenantId: 'vs1', priceLevel: level('2', 'Retail 2026') }]);
    expect(state.draft[0]).toMatchObject({ priceLevelId: '2', priceLevelName: 'Retail 2026' });
  });

  it('null clears it (the keys go, as on a fresh row); clearing nothing is no change', () => {
    const { state } = run(start, [{ type: 'setPriceLevel', tenantId: 'vs1', priceLevel: null }]);
    expect(state.draft[0]).not.toHaveProperty('priceLevelId');
    expect(state.draft[0]).not.toHaveProperty('priceLevelName');
    expect(accountsReducer(start, { type: 'setPriceLevel', tenantId: 'vs2', priceLevel: null }, TP).state).toBe(start);
  });

  it('refuses an unmapped row, in the PSA’s words', () => {
    const out = accountsReducer(start, { type: 'setPriceLevel', tenantId: 'vs3', priceLevel: level('1', 'Standard') }, TP);
    expect(out.state).toBe(start);
    expect(out.refusal).toEqual({ code: 'price-level-needs-account', tenantId: 'vs3', message: '“Carter Logistics”: map a Tigerpaw account before choosing a price level.' });
  });

  it('refuses a PSA that prices usage itself; an unknown tenant as ever', () => {
    const at = initialAccountsState([bluebird]);
    const out = accountsReducer(at, { type: 'setPriceLevel', tenantId: 'vs2', priceLevel: level('1', 'Standard') }, AT);
    expect(out.state).toBe(at);
    expect(out.refusal).toMatchObject({ code: 'price-levels-unsupported', message: 'Autotask prices usage itself; there is no price level to choose.' });
    expect(accountsReducer(start, { type: 'setPriceLevel', tenantId: 'nope', priceLevel: level('1', 'Standard') }, TP).refusal?.code).toBe('unknown-tenant');
  });

  it('changing the account clears the price level (as the contract); billing stays, so Save asks for both', () => {
    const { state } = run(start, [{ type: 'mapAccount', tenantId: 'vs1', account: account('101', 'Acme Holdings') }]);
    expect(state.draft[0]).toEqual(row('vs1', 'Acme & Sons', { accountId: '101', accountName: 'Acme Holdings', billing: true }));
    expect(saveBlockers(state, TP).map((b) => [b.field, b.message])).toEqual([
      ['contractId', '“Acme & Sons”: billing is on but no agreement is chosen.'],
      ['priceLevelId', '“Acme & Sons”: billing is on but no price level is chosen.'],
    ]);
  });

  it('unmapping clears it with billing and contract', () => {
    expect(run(start, [{ type: 'mapAccount', tenantId: 'vs1', account: null }]).state.draft[0]).toEqual(row('vs1', 'Acme & Sons'));
    // A row whose only choice left is its price level (a hand-edited config): unmapping still clears it.
    const onlyLevel = { saved: [], draft: [row('vs9', 'Orphan', { priceLevelId: '1', priceLevelName: 'Standard' })] };
    expect(accountsReducer(onlyLevel, { type: 'mapAccount', tenantId: 'vs9', account: null }, TP).state.draft[0]).toEqual(row('vs9', 'Orphan'));
  });

  it('accepting a suggestion for a row (one by one, or many at once) never carries a price level over', () => {
    const rows = Array.from({ length: 20 }, (_, i) => row(`t${i}`, `T ${i}`, { priceLevelId: '1', priceLevelName: 'Standard' }));
    const suggestions = rows.map((r, i) => ({ tenantId: r.tenantId, tenantName: r.tenantName, accountId: `a${i}`, accountName: `A ${i}`, confidence: 'exact' as const, reason: '' }));
    for (const n of [1, 20]) {
      const out = acceptSuggestions(initialAccountsState(rows), suggestions.slice(0, n), TP);
      expect(out.refusal).toBeNull();
      for (const r of out.state.draft.slice(0, n)) expect(r).not.toHaveProperty('priceLevelId');
    }
  });
});

describe('a PSA without price levels', () => {
  it('never gains the keys: map, bill, change the account, unmap', () => {
    const start = initialAccountsState([row('vs2', 'Bluebird Dental')]);
    const { state } = run(
      start,
      [
        { type: 'mapAccount', tenantId: 'vs2', account: account('200', 'Bluebird Dental Group') },
        { type: 'toggleBilling', tenantId: 'vs2' },
        { type: 'mapAccount', tenantId: 'vs2', account: account('201', 'Bluebird') },
        { type: 'mapAccount', tenantId: 'vs2', account: null },
        { type: 'setTenants', tenants: [{ id: 'vs2', name: 'Bluebird Dental' }, { id: 'vs5', name: 'New' }] },
      ],
      AT,
    );
    for (const r of state.draft) expect(Object.keys(r).filter((k) => k.startsWith('priceLevel'))).toEqual([]);
  });

  it('billing without a price level blocks nothing', () => {
    const billed = row('vs1', 'Acme', { accountId: '1', accountName: 'Acme', billing: true, contractId: 'c1', contractName: 'C' });
    expect(saveBlockers({ saved: [], draft: [billed] }, AT)).toEqual([]);
    expect(saveBlockers({ saved: [], draft: [billed] }, { psa: 'connectwise' })).toEqual([]);
    expect(saveBlockers({ saved: [], draft: [billed] }, {})).toEqual([]);
  });
});

describe('change detection', () => {
  it('an absent price level and a null one are the same (none chosen)', () => {
    const withNull = { ...bluebird, priceLevelId: null, priceLevelName: null };
    expect(isDirty({ saved: [bluebird], draft: [withNull] })).toBe(false);
    expect(isDirty({ saved: [withNull], draft: [bluebird] })).toBe(false);
    expect(changedTenants({ saved: [bluebird], draft: [{ ...bluebird, priceLevelId: '1', priceLevelName: 'Standard' }] })[0]?.fields).toEqual(['priceLevelId', 'priceLevelName']);
  });
});

describe('refreshNames', () => {
  const start = initialAccountsState([acme, bluebird]);

  it('takes the live name of a chosen price level; null lists and rows without one are left alone', () => {
    const out = accountsReducer(start, { type: 'refreshNames', priceLevels: [level('2', 'Retail (2026)'), level('1', 'Standard')] }, TP);
    expect(out.state.draft[0]).toMatchObject({ priceLevelId: '2', priceLevelName: 'Retail (2026)' });
    expect(out.state.draft[1]).toBe(start.draft[1]);
    expect(changedTenants(out.state)).toEqual([{ tenantId: 'vs1', tenantName: 'Acme & Sons', kind: 'changed', fields: ['priceLevelName'] }]);
    expect(accountsReducer(start, { type: 'refreshNames', priceLevels: null }, TP).state).toBe(start);
    // A level the PSA no longer lists keeps its saved name (drift says it is gone).
    expect(accountsReducer(start, { type: 'refreshNames', priceLevels: [level('1', 'Standard')] }, TP).state).toBe(start);
  });
});

describe('saveBlockers', () => {
  it('billing on with no price level blocks Save where the PSA has price levels, once per row, after the contract', () => {
    const draft = [
      { ...acme, priceLevelId: null, priceLevelName: null },
      row('vs2', 'Bluebird Dental', { accountId: '200', accountName: 'B', billing: true, contractId: null }),
      row('vs3', 'Carter Logistics', { billing: true }),
      { ...bluebird, tenantId: 'vs4', tenantName: 'Dunmore', accountId: '400' },
    ];
    expect(saveBlockers({ saved: [], draft }, TP).map((b) => [b.tenantId, b.field, b.message])).toEqual([
      ['vs1', 'priceLevelId', '“Acme & Sons”: billing is on but no price level is chosen.'],
      ['vs2', 'contractId', '“Bluebird Dental”: billing is on but no agreement is chosen.'],
      ['vs2', 'priceLevelId', '“Bluebird Dental”: billing is on but no price level is chosen.'],
      // Without an account, the account is the one problem to fix first.
      ['vs3', 'billing', '“Carter Logistics”: billing is on but no Tigerpaw account is mapped.'],
    ]);
    expect(saveBlockers({ saved: [], draft: [acme, bluebird] }, TP)).toEqual([]);
  });
});

describe('validate: the same rule for a configuration', () => {
  const tigerpaw = { kind: 'tigerpaw', apiUrl: 'https://tp.example', publicKey: 'pk', externalProduct: 'Kaspersky Security', tenantNameField: 'Kaspersky Tenant', caFile: null } as const;
  const ksc = { ...KSC_DEFAULTS, url: 'https://ksc:13299', username: 'u' };
  const tp = (tenants: TenantMapping[]): Integration => ({ ...newIntegration('tp', ksc, tigerpaw), tenants });
  const at = (tenants: TenantMapping[]): Integration => ({ ...newIntegration('at', ksc, { ...AUTOTASK_DEFAULTS, username: 'a' }), tenants });
  const noLevel = { ...acme, priceLevelId: null, priceLevelName: null };
  const { priceLevelId: _id, priceLevelName: _name, ...absent } = acme;

  it('a billed account without a price level is a problem for a PSA with price levels (null or absent)', () => {
    for (const t of [noLevel, absent]) {
      expect(validateIntegration(tp([t]), 0).filter((p) => p.path.startsWith('integrations[0].tenants'))).toEqual([
        { path: 'integrations[0].tenants[0].priceLevelId', message: '"Acme & Sons": billing is on but no price level is chosen.' },
      ]);
    }
    expect(validateIntegration(tp([acme, bluebird]), 0).filter((p) => p.path.includes('tenants'))).toEqual([]);
  });

  it('not for the other PSAs, nor for an unknown kind', () => {
    expect(validateIntegration(at([absent]), 0).filter((p) => p.path.includes('tenants'))).toEqual([]);
    const future = { ...tp([noLevel]), psa: { ...tigerpaw, kind: 'futurepsa' } } as unknown as Integration;
    expect(validateIntegration(future, 0).filter((p) => p.path.includes('priceLevel'))).toEqual([]);
  });

  it('Save blocks every row validation would reject (and no other)', () => {
    const draft = [noLevel, row('vs2', 'B', { billing: true }), { ...acme, tenantId: 'vs3', accountId: '300', contractId: '3', priceLevelId: '1' }, { ...bluebird, tenantId: 'vs4', accountId: '400' }];
    const rejected = new Set(validateConfig({ ...defaultConfig(), integrations: [tp(draft)] }).flatMap((p) => {
      const hit = /\.tenants\[(\d+)\]/u.exec(p.path);
      return hit ? [draft[Number(hit[1])]?.tenantId] : [];
    }));
    expect(rejected).toEqual(new Set(['vs1', 'vs2']));
    expect(new Set(saveBlockers({ saved: [], draft }, TP).map((b) => b.tenantId))).toEqual(rejected);
  });
});

describe('drift of a price level', () => {
  const levels = [level('1', 'Standard'), level('2', 'Retail 2026')];

  it('renamed (info, n takes the name) and missing (error) where the live list is loaded; nothing claimed without it', () => {
    const gone = { ...bluebird, priceLevelId: '9', priceLevelName: 'Old', billing: true };
    const drift = detectDrift([acme, gone, carter], null, null, { psa: 'tigerpaw', priceLevels: levels });
    expect(drift.map((d) => [d.tenantId, d.kind, d.severity, d.message])).toEqual([
      ['vs1', 'price-level-renamed', 'info', 'Price level “Retail” is now called “Retail 2026”.'],
      ['vs2', 'price-level-missing', 'error', 'Price level “Old” of “Bluebird Dental” no longer exists; choose another for billing.'],
    ]);
    expect(detectDrift([acme, gone], null, null, { psa: 'tigerpaw', priceLevels: null })).toEqual([]);
    expect(detectDrift([acme], null, null, { psa: 'tigerpaw', priceLevels: [level('2', 'Retail')] })).toEqual([]);
  });
});

describe('sortPriceLevels', () => {
  it('by name (numbers numerically), then id', () => {
    expect(sortPriceLevels([level('3', 'Level 10'), level('2', 'level 2'), level('5', 'Retail'), level('4', 'Retail')]).map((l) => l.id)).toEqual(['2', '3', '4', '5']);
  });
});
