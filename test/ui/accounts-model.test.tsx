// The Accounts tab's derived data: the per-row caches must always agree with the
// domain functions they speed up (changedTenants, detectDrift), whatever sequence
// of edits the admin makes; rows, detail lines and wrapping behave as shown.
import { describe, expect, it } from 'vitest';
import { accountsReducer, changedTenants, initialAccountsState, type AccountsAction, type AccountsState } from '../../source/domain/accountsDraft.js';
import { detectDrift, driftByTenant, type MappingSuggestion } from '../../source/domain/mapping.js';
import type { TenantMapping } from '../../source/domain/config.js';
import type { PsaAccount, PsaContract, Tenant } from '../../source/domain/types.js';
import { buildRows, ChangeTracker, DriftTracker, detailParagraphs, groupBy, LinksTracker, mappingKey, RowBuilder, RowOrder, wrapDetail } from '../../source/ui/screens/accounts/model.js';
import { saveBlockers } from '../../source/domain/accountsDraft.js';

function world(n: number) {
  const tenants: Tenant[] = Array.from({ length: n }, (_, i) => ({ id: `t${i}`, name: `Tenant ${i}`, enabled: i % 7 !== 0 }));
  const accounts: PsaAccount[] = Array.from({ length: n }, (_, i) => ({ id: `a${i}`, name: `Account ${i}`, active: i % 5 !== 0, type: 'Customer', customFields: {} }));
  const contracts: PsaContract[] = accounts.map((a, i) => ({ id: `c${i}`, accountId: a.id, name: `Contract ${i}`, recurring: i % 4 !== 0, typeLabel: 'Recurring Service', active: i % 6 !== 0, startDate: null, endDate: null }));
  const saved: TenantMapping[] = tenants.slice(0, n - 5).map((t, i) => ({
    tenantId: t.id,
    tenantName: i % 9 === 0 ? `${t.name} (old)` : t.name,
    accountId: i % 2 === 0 ? accounts[i]!.id : null,
    accountName: i % 2 === 0 ? (i % 11 === 0 ? 'Old account name' : accounts[i]!.name) : null,
    billing: i % 4 === 0,
    contractId: i % 4 === 0 ? contracts[i]!.id : null,
    contractName: i % 4 === 0 ? contracts[i]!.name : null,
  }));
  return { tenants, accounts, contracts, saved };
}

describe('per-row caches agree with the domain', () => {
  it('after every edit of a random sequence (changes and drift)', () => {
    const w = world(60);
    let seed = 7;
    const random = (k: number) => (seed = (seed * 48_271) % 2_147_483_647) % k;
    let state: AccountsState = initialAccountsState(w.saved);
    const changes = new ChangeTracker();
    const drift = new DriftTracker();
    const maps = { t: new Map(w.tenants.map((t) => [t.id, t])), a: new Map(w.accounts.map((a) => [a.id, a])), c: new Map(w.contracts.map((c) => [c.id, c])) };
    // Live lists that change mid-way (a rename in the platform, a deleted account) must be picked up too.
    let tenants = w.tenants;
    for (let step = 0; step < 400; step++) {
      const row = state.draft[random(Math.max(1, state.draft.length))];
      const actions: AccountsAction[] = row
        ? [
            { type: 'mapAccount', tenantId: row.tenantId, account: random(4) === 0 ? null : w.accounts[random(w.accounts.length)]! },
            { type: 'toggleBilling', tenantId: row.tenantId },
            { type: 'setContract', tenantId: row.tenantId, contract: w.contracts.find((c) => c.accountId === row.accountId) ?? null },
            { type: 'setTenants', tenants: w.tenants.filter(() => random(10) !== 0) },
            { type: 'refreshNames', tenants, accounts: w.accounts, contracts: w.contracts },
            { type: 'cancel' },
            { type: 'markSaved', saved: state.draft },
          ]
        : [{ type: 'setTenants', tenants: w.tenants }];
      state = accountsReducer(state, actions[random(actions.length)]!).state;
      if (step === 200) {
        tenants = w.tenants.map((t, i) => (i === 3 ? { ...t, name: 'Renamed in KSC' } : t)).filter((_, i) => i !== 4);
        maps.t = new Map(tenants.map((t) => [t.id, t]));
      }
      const expected = changedTenants(state);
      const got = changes.compute(state);
      expect(got.count).toBe(expected.length);
      expect(new Map([...got.byId].map(([k, v]) => [k, v]))).toEqual(new Map(expected.filter((c) => c.kind !== 'removed').map((c) => [c.tenantId, c])));
      const loaded = step % 3 !== 0; // sometimes the PSA lists are not loaded yet: nothing is claimed about them
      const expectedDrift = driftByTenant(detectDrift(state.draft, tenants, loaded ? w.accounts : null, { contracts: loaded ? w.contracts : null }));
      expect(drift.compute(state.draft, maps.t, loaded ? maps.a : null, loaded ? maps.c : null, {})).toEqual(expectedDrift);
    }
  });

  it('rows built again after an edit equal rows built from scratch; untouched rows are the same objects; the links key follows mappingKey', () => {
    const w = world(60);
    let seed = 11;
    const random = (k: number) => (seed = (seed * 48_271) % 2_147_483_647) % k;
    let state: AccountsState = initialAccountsState(w.saved);
    const changes = new ChangeTracker();
    const drift = new DriftTracker();
    const builder = new RowBuilder();
    const links = new LinksTracker();
    const order = new RowOrder();
    const maps = { t: new Map(w.tenants.map((t) => [t.id, t])), a: new Map(w.accounts.map((a) => [a.id, a])), c: new Map(w.contracts.map((c) => [c.id, c])) };
    // Suggestions for some tenants, kept across edits (so rows are built incrementally), replaced now and then;
    // some suggest accounts the edits take and free again.
    const suggest = () => new Map<string, MappingSuggestion>(w.tenants.filter(() => random(3) === 0).map((t) => [t.id, { tenantId: t.id, tenantName: t.name, accountId: w.accounts[random(w.accounts.length)]!.id, accountName: 'x', confidence: 'exact', reason: 'r' }]));
    let suggestions = suggest();
    let previous: { rows: ReturnType<typeof buildRows>; draft: readonly TenantMapping[]; key: string; links: number } | null = null;
    for (let step = 0; step < 600; step++) {
      if (step % 50 === 49) suggestions = suggest();
      if (step === 300) maps.a = new Map(w.accounts.map((a, i) => [a.id, i % 3 === 0 ? { ...a, name: `${a.name} renamed`, active: !a.active } : a]));
      const row = state.draft[random(Math.max(1, state.draft.length))];
      const actions: AccountsAction[] = row
        ? [
            { type: 'mapAccount', tenantId: row.tenantId, account: random(4) === 0 ? null : w.accounts[random(w.accounts.length)]! },
            { type: 'toggleBilling', tenantId: row.tenantId },
            { type: 'toggleBilling', tenantId: row.tenantId },
            { type: 'setContract', tenantId: row.tenantId, contract: w.contracts.find((c) => c.accountId === row.accountId) ?? null },
            { type: 'setTenants', tenants: w.tenants.filter(() => random(10) !== 0) },
            { type: 'cancel' },
          ]
        : [{ type: 'setTenants', tenants: w.tenants }];
      // Mostly single-row edits (the incremental path), now and then a roster change or a cancel.
      state = accountsReducer(state, actions[random(5) === 0 ? random(actions.length) : random(4)]!).state;
      const inputs = {
        draft: state.draft,
        order: order.indexes(state.draft),
        changes: changes.compute(state).byId,
        drift: drift.compute(state.draft, maps.t, maps.a, maps.c, {}),
        blockers: groupBy(saveBlockers(state), (b) => b.tenantId),
        suggestions,
      };
      const rows = builder.build(inputs);
      expect(rows).toEqual(buildRows(inputs));
      const key = mappingKey(state.draft);
      const version = links.key(state.draft);
      if (previous) {
        expect(version === previous.links).toBe(key === previous.key);
        // A row that is the same draft object, with nothing else about it changed, is the same row object.
        const before = new Map(previous.rows.map((r) => [r.tenantId, r]));
        for (const r of rows) {
          const old = before.get(r.tenantId);
          if (old && old.change === r.change && old.drift === r.drift && old.suggestion === r.suggestion && old.blockers.length === 0 && r.blockers.length === 0 && previous.draft.find((m) => m.tenantId === r.tenantId) === state.draft.find((m) => m.tenantId === r.tenantId)) expect(r).toBe(old);
        }
      }
      previous = { rows, draft: state.draft, key, links: version };
    }
  });
});

describe('rows', () => {
  const m = (id: string, name: string, accountId: string | null = null): TenantMapping => ({ tenantId: id, tenantName: name, accountId, accountName: accountId, billing: false, contractId: null, contractName: null });
  const suggestion = (tenantId: string, accountId: string): MappingSuggestion => ({ tenantId, tenantName: tenantId, accountId, accountName: accountId, confidence: 'exact', reason: 'Same name.' });

  it('sorts by name with numbers in order, and reuses the order while the roster is the same', () => {
    const order = new RowOrder();
    const draft = [m('1', 'Tenant 10'), m('2', 'tenant 9'), m('3', 'Alpha')];
    const first = order.indexes(draft);
    expect(first.map((i) => draft[i]!.tenantName)).toEqual(['Alpha', 'tenant 9', 'Tenant 10']);
    expect(order.indexes(draft.map((r) => ({ ...r, billing: true })))).toBe(first); // an edit: same order object
    expect(order.indexes([...draft, m('4', 'Beta')])).not.toBe(first);
  });

  it('flags problems and suggestions, and hides a suggestion for an account the draft has taken', () => {
    const draft = [m('t1', 'One'), m('t2', 'Two', 'a9'), m('t3', 'Three')];
    const order = new RowOrder().indexes(draft);
    const rows = buildRows({
      draft,
      order,
      changes: new Map(),
      drift: new Map(),
      blockers: new Map([['t3', [{ tenantId: 't3', field: 'contractId' as const, message: 'no contract' }]]]),
      suggestions: new Map([
        ['t1', suggestion('t1', 'a1')],
        ['t3', suggestion('t3', 'a9')],
      ]),
    });
    const byName = new Map(rows.map((r) => [r.tenantName, r]));
    expect(byName.get('One')!.flag).toBe('?');
    expect(byName.get('Three')!.flag).toBe('!');
    expect(byName.get('Three')!.suggestion).toBeUndefined(); // a9 is mapped to Two now
    expect(byName.get('Two')!.flag).toBe('');
  });

  it('keys suggestions on links only: billing and contract edits do not change it', () => {
    const draft = [m('t1', 'One', 'a1'), m('t2', 'Two')];
    const key = mappingKey(draft);
    expect(mappingKey([{ ...draft[0]!, billing: true, contractId: 'c1' }, draft[1]!])).toBe(key);
    expect(mappingKey([draft[0]!, { ...draft[1]!, accountId: 'a2' }])).not.toBe(key);
    expect(mappingKey([{ ...draft[0]!, tenantName: 'Uno' }, draft[1]!])).not.toBe(key);
  });
});

describe('detail lines', () => {
  it('puts the most urgent first and wraps whole paragraphs only', () => {
    const lines = wrapDetail(
      [
        { text: 'Refused: the account is already mapped to “Somebody Else”. Unmap it there first.', tone: 'danger' },
        { text: 'A second paragraph that would not fit in what is left.', tone: 'muted' },
        { text: 'Short.', tone: 'muted' },
      ],
      40,
      3,
    );
    expect(lines.map((l) => l.text)).toEqual(['Refused: the account is already mapped', 'to “Somebody Else”. Unmap it there', 'first.']);
    const cut = wrapDetail([{ text: 'word '.repeat(40), tone: 'normal' }], 20, 2);
    expect(cut).toHaveLength(2);
    expect(cut[1]!.text.endsWith('…')).toBe(true);
  });

  it('says why an unmapped row has no suggestion, and what is unsaved', () => {
    const row = buildRows({
      draft: [{ tenantId: 't', tenantName: 'T', accountId: null, accountName: null, billing: false, contractId: null, contractName: null }],
      order: [0],
      changes: new Map([['t', { tenantId: 't', tenantName: 'T', kind: 'changed' as const, fields: ['accountId' as const, 'accountName' as const, 'billing' as const] }]]),
      drift: new Map(),
      blockers: new Map(),
      suggestions: new Map(),
    })[0]!;
    const text = detailParagraphs(row, {
      refusal: undefined,
      unmatched: { tenantId: 't', tenantName: 'T', reason: 'no-match', message: 'No Autotask account has a name close to “T”.', candidates: [] },
      tenant: { id: 't', name: 'T', enabled: false },
      account: undefined,
      tenantWord: 'virtual server',
      platformShort: 'KSC',
      psaAccountWord: 'Autotask account',
    }).map((p) => p.text);
    expect(text).toEqual(['No suggestion: No Autotask account has a name close to “T”.', 'This virtual server is disabled in KSC.', 'Not saved yet: account, billing changed.']);
  });
});
