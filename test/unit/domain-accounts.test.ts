// README › The console, Accounts tab: the draft reducer, its refusals, and what Save must do.
import { describe, expect, it } from 'vitest';
import {
  accountChoices,
  accountsReducer,
  acceptSuggestions,
  changedTenants,
  contractsFor,
  elsewhereContext,
  filterTenants,
  initialAccountsState,
  isDirty,
  samePlatform,
  samePsa,
  saveBlockers,
  tenantsOffered,
  udfWrites,
  type AccountsAction,
  type AccountsContext,
  type AccountsState,
} from '../../source/domain/accountsDraft.js';
import type { Integration, TenantMapping } from '../../source/domain/config.js';
import { AUTOTASK_DEFAULTS, KSC_DEFAULTS, newIntegration } from '../../source/domain/defaults.js';
import { suggestMappings, type MappingSuggestion } from '../../source/domain/mapping.js';
import type { PsaAccount, PsaContract, Tenant } from '../../source/domain/types.js';
import { validateIntegration } from '../../source/domain/validate.js';

const tenant = (id: string, name: string, enabled = true): Tenant => ({ id, name, enabled });
const account = (id: string, name: string, active = true, customFields: Record<string, string | null> = {}): PsaAccount => ({
  id,
  name,
  active,
  type: 'Customer',
  customFields,
});
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
const contract = (id: string, accountId: string, name: string, over: Partial<PsaContract> = {}): PsaContract => ({
  id,
  accountId,
  name,
  recurring: true,
  typeLabel: 'Recurring Service',
  active: true,
  startDate: '2024-01-01',
  endDate: null,
  ...over,
});

const acme = row('vs1', 'Acme & Sons', { accountId: '100', accountName: 'Acme and Sons Ltd', billing: true, contractId: 'c1', contractName: 'Managed Security' });
const bluebird = row('vs2', 'Bluebird Dental');
const saved = [acme, bluebird];

/** Messages in Autotask's words (its profile); without a PSA the words are plain ones. */
const AT: AccountsContext = { psa: 'autotask' };

function run(state: AccountsState, actions: AccountsAction[], ctx?: AccountsContext) {
  let s = state;
  let last = null as ReturnType<typeof accountsReducer>['refusal'];
  for (const a of actions) {
    const out = accountsReducer(s, a, ctx);
    s = out.state;
    last = out.refusal;
  }
  return { state: s, refusal: last };
}

describe('accountsReducer', () => {
  const start = initialAccountsState(saved);

  it('starts clean, with draft rows that are copies of saved ones', () => {
    expect(isDirty(start)).toBe(false);
    expect(start.draft).toEqual(start.saved);
    expect(start.draft[0]).not.toBe(start.saved[0]);
  });

  describe('setTenants (the add/remove checklist)', () => {
    it('adds checked tenants with no mapping, at the end', () => {
      const { state } = run(start, [{ type: 'setTenants', tenants: [tenant('vs1', 'Acme & Sons'), tenant('vs2', 'Bluebird Dental'), tenant('vs3', 'Carter Logistics')] }]);
      expect(state.draft.map((r) => r.tenantId)).toEqual(['vs1', 'vs2', 'vs3']);
      expect(state.draft[2]).toEqual(row('vs3', 'Carter Logistics'));
      expect(state.draft[0]).toBe(start.draft[0]);
    });

    it('removing a tenant drops its mapping only', () => {
      const { state, refusal } = run(start, [{ type: 'setTenants', tenants: [tenant('vs2', 'Bluebird Dental')] }]);
      expect(refusal).toBeNull();
      expect(state.draft).toEqual([bluebird]);
      expect(state.saved).toEqual(saved);
      expect(changedTenants(state)).toEqual([{ tenantId: 'vs1', tenantName: 'Acme & Sons', kind: 'removed', fields: [] }]);
    });

    it('the same set is no change (same state object); duplicates in the list count once', () => {
      const out = accountsReducer(start, { type: 'setTenants', tenants: [tenant('vs2', 'x'), tenant('vs1', 'y'), tenant('vs1', 'y')] });
      expect(out.state).toBe(start);
    });

    it('re-adding a removed tenant gives an empty row, not the old mapping', () => {
      const { state } = run(start, [
        { type: 'setTenants', tenants: [tenant('vs2', 'Bluebird Dental')] },
        { type: 'setTenants', tenants: [tenant('vs2', 'Bluebird Dental'), tenant('vs1', 'Acme & Sons')] },
      ]);
      expect(state.draft[1]).toEqual(row('vs1', 'Acme & Sons'));
    });

    it('refuses a tenant that belongs to another integration', () => {
      const ctx: AccountsContext = { tenantsElsewhere: new Map([['vs9', 'east']]) };
      const out = accountsReducer(start, { type: 'setTenants', tenants: [tenant('vs1', 'Acme & Sons'), tenant('vs9', 'Harbor Marine')] }, ctx);
      expect(out.state).toBe(start);
      expect(out.refusal).toEqual({
        code: 'tenant-elsewhere',
        tenantId: 'vs9',
        message: '“Harbor Marine” belongs to integration “east”. A tenant belongs to one integration only.',
      });
    });
  });

  describe('mapAccount', () => {
    it('maps a free account', () => {
      const { state, refusal } = run(start, [{ type: 'mapAccount', tenantId: 'vs2', account: account('200', 'Bluebird Dental Group') }]);
      expect(refusal).toBeNull();
      expect(state.draft[1]).toEqual(row('vs2', 'Bluebird Dental', { accountId: '200', accountName: 'Bluebird Dental Group' }));
    });

    it('refuses an account mapped to another tenant, naming it', () => {
      const out = accountsReducer(start, { type: 'mapAccount', tenantId: 'vs2', account: account('100', 'Acme and Sons Ltd') }, AT);
      expect(out.state).toBe(start);
      expect(out.refusal).toEqual({
        code: 'account-taken',
        tenantId: 'vs2',
        message: 'Autotask account “Acme and Sons Ltd” is already mapped to “Acme & Sons”. Unmap it there first.',
      });
    });

    it('without a PSA, says it in plain words', () => {
      const out = accountsReducer(start, { type: 'mapAccount', tenantId: 'vs2', account: account('100', 'Acme and Sons Ltd') });
      expect(out.refusal?.message).toBe('PSA account “Acme and Sons Ltd” is already mapped to “Acme & Sons”. Unmap it there first.');
    });

    it('refuses an account mapped in another integration on the same PSA', () => {
      const ctx: AccountsContext = { psa: 'autotask', accountsElsewhere: new Map([['300', { tenantId: 'x1', tenantName: 'Carter (KBH)', integrationName: 'cloud' }]]) };
      const out = accountsReducer(start, { type: 'mapAccount', tenantId: 'vs2', account: account('300', 'Carter Logistics Inc.') }, ctx);
      expect(out.refusal?.code).toBe('account-taken-elsewhere');
      expect(out.refusal?.message).toBe('Autotask account “Carter Logistics Inc.” is already mapped to “Carter (KBH)” in integration “cloud”. Unmap it there first.');
    });

    it('allows moving an account after unmapping it from its tenant', () => {
      const { state, refusal } = run(start, [
        { type: 'mapAccount', tenantId: 'vs1', account: null },
        { type: 'mapAccount', tenantId: 'vs2', account: account('100', 'Acme and Sons Ltd') },
      ]);
      expect(refusal).toBeNull();
      expect(state.draft.map((r) => r.accountId)).toEqual([null, '100']);
    });

    it('unmapping clears billing and contract', () => {
      const { state } = run(start, [{ type: 'mapAccount', tenantId: 'vs1', account: null }]);
      expect(state.draft[0]).toEqual(row('vs1', 'Acme & Sons'));
    });

    it('changing the account clears the contract and keeps billing (so Save asks for a contract)', () => {
      const { state } = run(start, [{ type: 'mapAccount', tenantId: 'vs1', account: account('101', 'Acme Holdings') }]);
      expect(state.draft[0]).toMatchObject({ accountId: '101', accountName: 'Acme Holdings', billing: true, contractId: null, contractName: null });
      expect(saveBlockers(state).map((b) => b.message)).toEqual(['“Acme & Sons”: billing is on but no contract is chosen.']);
    });

    it('the same account again is no change; a new name for it is taken', () => {
      expect(accountsReducer(start, { type: 'mapAccount', tenantId: 'vs1', account: account('100', 'Acme and Sons Ltd') }).state).toBe(start);
      const renamed = accountsReducer(start, { type: 'mapAccount', tenantId: 'vs1', account: account('100', 'Acme & Sons Limited') }).state;
      expect(renamed.draft[0]).toMatchObject({ accountName: 'Acme & Sons Limited', contractId: 'c1', billing: true });
    });

    it('unmapping an unmapped row is no change', () => {
      expect(accountsReducer(start, { type: 'mapAccount', tenantId: 'vs2', account: null }).state).toBe(start);
    });

    it('refuses an unknown tenant', () => {
      const out = accountsReducer(start, { type: 'mapAccount', tenantId: 'nope', account: account('1', 'X') });
      expect(out).toEqual({ state: start, refusal: { code: 'unknown-tenant', tenantId: 'nope', message: 'Tenant nope is not in this integration; add it first.' } });
    });

    it('uses the PSA word for the account (ConnectWise: company)', () => {
      const out = accountsReducer(start, { type: 'mapAccount', tenantId: 'vs2', account: account('100', 'Acme and Sons Ltd') }, { psa: 'connectwise' });
      expect(out.refusal?.message).toBe('ConnectWise company “Acme and Sons Ltd” is already mapped to “Acme & Sons”. Unmap it there first.');
    });
  });

  describe('toggleBilling', () => {
    it('flips billing of a mapped row; turning it off keeps the contract', () => {
      const { state } = run(start, [{ type: 'toggleBilling', tenantId: 'vs1' }]);
      expect(state.draft[0]).toMatchObject({ billing: false, contractId: 'c1' });
      expect(run(state, [{ type: 'toggleBilling', tenantId: 'vs1' }]).state.draft[0]).toEqual(acme);
    });

    it('refuses turning billing on without an account', () => {
      const out = accountsReducer(start, { type: 'toggleBilling', tenantId: 'vs2' }, AT);
      expect(out.state).toBe(start);
      expect(out.refusal).toMatchObject({ code: 'billing-needs-account', message: '“Bluebird Dental”: map an Autotask account before turning billing on.' });
    });
  });

  describe('setContract', () => {
    const mapped = run(start, [{ type: 'mapAccount', tenantId: 'vs2', account: account('200', 'Bluebird Dental Group') }]).state;

    it.each([
      ['a recurring contract of the account', contract('c2', '200', 'Security'), null, 'c2'],
      ['a contract of another account', contract('c3', '999', 'Other'), 'contract-wrong-account', null],
      ['a non-recurring contract', contract('c4', '200', 'Block Hours', { recurring: false, typeLabel: 'Block Hours' }), 'contract-not-recurring', null],
    ] as const)('%s', (_name, c, code, expectedId) => {
      const out = accountsReducer(mapped, { type: 'setContract', tenantId: 'vs2', contract: c });
      expect(out.refusal?.code ?? null).toBe(code);
      expect(out.state.draft[1]?.contractId).toBe(expectedId);
      if (code) expect(out.state).toBe(mapped);
    });

    it('refusal messages say why', () => {
      expect(accountsReducer(mapped, { type: 'setContract', tenantId: 'vs2', contract: contract('c3', '999', 'Other') }).refusal?.message).toBe(
        'Contract “Other” belongs to another account, not “Bluebird Dental Group”.',
      );
      expect(
        accountsReducer(mapped, { type: 'setContract', tenantId: 'vs2', contract: contract('c4', '200', 'Block Hours', { recurring: false, typeLabel: 'Block Hours' }) }, AT)
          .refusal?.message,
      ).toBe('Contract “Block Hours” (Block Hours) is not a Recurring Service contract; usage can only be posted to Recurring Service contracts.');
      expect(
        accountsReducer(start, { type: 'setContract', tenantId: 'vs2', contract: contract('c2', '200', 'Security') }, { psa: 'connectwise' }).refusal,
      ).toMatchObject({ code: 'contract-needs-account', message: '“Bluebird Dental”: map a ConnectWise company before choosing an agreement.' });
      expect(
        accountsReducer(start, { type: 'setContract', tenantId: 'vs2', contract: contract('c2', '200', 'Security') }, { psa: 'tigerpaw' }).refusal,
      ).toMatchObject({ code: 'contract-needs-account', message: '“Bluebird Dental”: map a Tigerpaw account before choosing an agreement.' });
      // A PSA kind without a profile in this build (a newer config): plain words, no crash.
      expect(
        accountsReducer(start, { type: 'setContract', tenantId: 'vs2', contract: contract('c2', '200', 'Security') }, { psa: 'futurepsa' as never }).refusal,
      ).toMatchObject({ code: 'contract-needs-account', message: '“Bluebird Dental”: map a PSA account before choosing a contract.' });
    });

    it('null clears the contract; clearing nothing is no change', () => {
      expect(run(start, [{ type: 'setContract', tenantId: 'vs1', contract: null }]).state.draft[0]).toMatchObject({ contractId: null, contractName: null, billing: true });
      expect(accountsReducer(start, { type: 'setContract', tenantId: 'vs2', contract: null }).state).toBe(start);
    });
  });

  describe('suggestions', () => {
    const suggestion = (tenantId: string, tenantName: string, accountId: string, accountName: string): MappingSuggestion => ({
      tenantId,
      tenantName,
      accountId,
      accountName,
      confidence: 'normalised',
      reason: '',
    });

    it('accepting one maps it and leaves billing to the admin', () => {
      const { state, refusal } = run(start, [{ type: 'acceptSuggestions', suggestions: [suggestion('vs2', 'Bluebird Dental', '200', 'Bluebird Dental Group')] }]);
      expect(refusal).toBeNull();
      expect(state.draft[1]).toEqual(row('vs2', 'Bluebird Dental', { accountId: '200', accountName: 'Bluebird Dental Group' }));
    });

    it('accepting all from suggestMappings applies every one', () => {
      const tenants = [tenant('vs2', 'Bluebird Dental'), tenant('vs3', 'Carter Logistics'), tenant('vs4', 'Willow Creek Farms')];
      const withAll = run(start, [{ type: 'setTenants', tenants: [tenant('vs1', 'Acme & Sons'), ...tenants] }]).state;
      const { suggestions } = suggestMappings(tenants, [account('200', 'Bluebird Dental Group'), account('300', 'Carter Logistics Inc.')], withAll.draft);
      const out = acceptSuggestions(withAll, suggestions);
      expect(out.refusal).toBeNull();
      expect(out.state.draft.map((r) => r.accountId)).toEqual(['100', '200', '300', null]);
    });

    it('skips what changed meanwhile, applies the rest, and says what was skipped', () => {
      const state = run(start, [{ type: 'setTenants', tenants: [tenant('vs1', 'Acme & Sons'), tenant('vs2', 'Bluebird Dental'), tenant('vs3', 'Carter')] }]).state;
      const out = acceptSuggestions(state, [
        suggestion('vs1', 'Acme & Sons', '101', 'Acme Holdings'), // vs1 is mapped to 100 already
        suggestion('vs2', 'Bluebird Dental', '100', 'Acme and Sons Ltd'), // 100 taken by vs1
        suggestion('vs3', 'Carter', '300', 'Carter Logistics Inc.'),
      ], AT);
      expect(out.state.draft.map((r) => r.accountId)).toEqual(['100', null, '300']);
      expect(out.refusal?.code).toBe('suggestions-skipped');
      expect(out.refusal?.causes?.map((c) => c.code)).toEqual(['tenant-already-mapped', 'account-taken']);
      expect(out.refusal?.message).toBe(
        '2 of 3 suggestions were not applied: “Acme & Sons” is already mapped to “Acme and Sons Ltd”; the suggestion was not applied. Autotask account “Acme and Sons Ltd” is already mapped to “Acme & Sons”. Unmap it there first.',
      );
    });

    it('a suggestion for a tenant not in this integration is refused', () => {
      const out = accountsReducer(start, { type: 'acceptSuggestions', suggestions: [suggestion('vs9', 'Elsewhere', '900', 'X')] });
      expect(out.state).toBe(start);
      expect(out.refusal?.causes?.[0]?.code).toBe('unknown-tenant');
    });
  });

  it('refreshNames takes live names of tenants, accounts and contracts; null lists are left alone', () => {
    const out = accountsReducer(start, {
      type: 'refreshNames',
      tenants: [tenant('vs1', 'Acme and Sons')],
      accounts: null,
      contracts: [contract('c1', '100', 'Managed Security 2025')],
    });
    expect(out.state.draft[0]).toMatchObject({ tenantName: 'Acme and Sons', accountName: 'Acme and Sons Ltd', contractName: 'Managed Security 2025' });
    expect(out.state.draft[1]).toBe(start.draft[1]);
    expect(changedTenants(out.state)).toEqual([{ tenantId: 'vs1', tenantName: 'Acme and Sons', kind: 'changed', fields: ['tenantName', 'contractName'] }]);
    expect(accountsReducer(start, { type: 'refreshNames', tenants: [tenant('vs1', 'Acme & Sons')] }).state).toBe(start);
  });

  it('cancel restores the saved rows; markSaved makes the draft the new saved state', () => {
    const edited = run(start, [
      { type: 'mapAccount', tenantId: 'vs1', account: null },
      { type: 'setTenants', tenants: [tenant('vs1', 'Acme & Sons')] },
    ]).state;
    expect(isDirty(edited)).toBe(true);
    const cancelled = accountsReducer(edited, { type: 'cancel' }).state;
    expect(cancelled.draft).toEqual(saved);
    expect(isDirty(cancelled)).toBe(false);
    const savedNow = accountsReducer(edited, { type: 'markSaved', saved: edited.draft }).state;
    expect(savedNow.saved).toEqual([row('vs1', 'Acme & Sons')]);
    expect(isDirty(savedNow)).toBe(false);
  });
});

describe('isDirty and changedTenants', () => {
  it.each<[string, TenantMapping[], TenantMapping[], ReturnType<typeof changedTenants>]>([
    ['same rows', saved, [...saved], []],
    ['same rows, other order: not a change', saved, [bluebird, acme], []],
    ['a field differs', saved, [{ ...acme, billing: false }, bluebird], [{ tenantId: 'vs1', tenantName: 'Acme & Sons', kind: 'changed', fields: ['billing'] }]],
    [
      'added and removed',
      saved,
      [acme, row('vs3', 'Carter')],
      [
        { tenantId: 'vs3', tenantName: 'Carter', kind: 'added', fields: [] },
        { tenantId: 'vs2', tenantName: 'Bluebird Dental', kind: 'removed', fields: [] },
      ],
    ],
    ['both empty', [], [], []],
  ])('%s', (_name, s, d, expected) => {
    const state = { saved: s, draft: d };
    expect(changedTenants(state)).toEqual(expected);
    expect(isDirty(state)).toBe(expected.length > 0);
  });
});

describe('saveBlockers', () => {
  it.each<[string, TenantMapping[], AccountsContext, string[]]>([
    ['a valid draft', saved, {}, []],
    ['billing on without a contract', [{ ...acme, contractId: null, contractName: null }], {}, ['“Acme & Sons”: billing is on but no contract is chosen.']],
    ['billing on without an account', [row('vs2', 'Bluebird Dental', { billing: true })], AT, ['“Bluebird Dental”: billing is on but no Autotask account is mapped.']],
    ['billing on without an account, no PSA named', [row('vs2', 'Bluebird Dental', { billing: true })], {}, ['“Bluebird Dental”: billing is on but no PSA account is mapped.']],
    [
      'one account on two rows (from a hand-edited config)',
      [acme, row('vs2', 'Bluebird Dental', { accountId: '100', accountName: 'Acme and Sons Ltd' })],
      AT,
      ['“Bluebird Dental”: Autotask account “Acme and Sons Ltd” is also mapped to “Acme & Sons”; an account maps to one tenant only.'],
    ],
    ['a tenant listed twice', [bluebird, bluebird], {}, ['“Bluebird Dental” is listed twice.']],
    [
      'an account mapped in another integration',
      [acme],
      { ...AT, accountsElsewhere: new Map([['100', { tenantId: 'k1', tenantName: 'Acme (cloud)', integrationName: 'cloud' }]]) },
      ['“Acme & Sons”: Autotask account “Acme and Sons Ltd” is also mapped to “Acme (cloud)” in integration “cloud”.'],
    ],
    ['a tenant owned by another integration', [bluebird], { tenantsElsewhere: new Map([['vs2', 'east']]) }, ['“Bluebird Dental” belongs to integration “east” already; a tenant belongs to one integration only.']],
    ['ConnectWise words', [{ ...acme, contractId: null }], { psa: 'connectwise' }, ['“Acme & Sons”: billing is on but no agreement is chosen.']],
    ['an unnamed tenant is still named', [row('vs7', '', { billing: true })], AT, ['“(unnamed, id vs7)”: billing is on but no Autotask account is mapped.']],
  ])('%s', (_name, draft, ctx, messages) => {
    expect(saveBlockers({ saved: [], draft }, ctx).map((b) => b.message)).toEqual(messages);
  });

  it('blocks every row validateIntegration would reject after saving (and no other)', () => {
    const draft = [
      { ...acme, contractId: null },
      row('vs2', 'B', { billing: true }),
      row('vs3', 'C', { accountId: '100', accountName: 'Acme and Sons Ltd' }),
      row('vs4', 'D', { accountId: '400', accountName: 'D Ltd', billing: true, contractId: 'c4', contractName: 'x' }),
    ];
    const integration = { ...newIntegration('main', { ...KSC_DEFAULTS, url: 'https://ksc:13299', username: 'u' }, { ...AUTOTASK_DEFAULTS, username: 'a' }), tenants: draft };
    const rejectedRows = new Set(
      validateIntegration(integration, 0).flatMap((p) => {
        const hit = /\.tenants\[(\d+)\]/u.exec(p.path);
        return hit ? [draft[Number(hit[1])]?.tenantId] : [];
      }),
    );
    expect(rejectedRows).toEqual(new Set(['vs1', 'vs2', 'vs3']));
    expect(new Set(saveBlockers({ saved: [], draft }).map((b) => b.tenantId))).toEqual(rejectedRows);
  });
});

describe('udfWrites', () => {
  const m = (tenantId: string, tenantName: string, accountId: string | null) => row(tenantId, tenantName, { accountId, accountName: accountId ? `Account ${accountId}` : null });

  it.each<[string, TenantMapping[], TenantMapping[], [string, string | null, string][]]>([
    ['nothing changed', [m('t1', 'Acme', '1')], [m('t1', 'Acme', '1')], []],
    ['new mapping writes the tenant name', [m('t1', 'Acme', null)], [m('t1', 'Acme', '1')], [['1', 'Acme', 'mapped']]],
    ['unmapping clears the account', [m('t1', 'Acme', '1')], [m('t1', 'Acme', null)], [['1', null, 'unmapped']]],
    ['removing the tenant clears its account', [m('t1', 'Acme', '1')], [], [['1', null, 'unmapped']]],
    ['changing the account: old cleared, new written', [m('t1', 'Acme', '1')], [m('t1', 'Acme', '2')], [['1', null, 'unmapped'], ['2', 'Acme', 'mapped']]],
    ['renamed tenant writes the new name', [m('t1', 'Acme & Sons', '1')], [m('t1', 'Acme and Sons', '1')], [['1', 'Acme and Sons', 'renamed']]],
    [
      'account moved between tenants: written once, not cleared',
      [m('t1', 'Acme', '1'), m('t2', 'Beta', null)],
      [m('t1', 'Acme', null), m('t2', 'Beta', '1')],
      [['1', 'Beta', 'mapped']],
    ],
    [
      'two accounts swapped',
      [m('t1', 'Acme', '1'), m('t2', 'Beta', '2')],
      [m('t1', 'Acme', '2'), m('t2', 'Beta', '1')],
      [['2', 'Acme', 'mapped'], ['1', 'Beta', 'mapped']],
    ],
    ['billing and contract changes write nothing', [m('t1', 'Acme', '1')], [{ ...m('t1', 'Acme', '1'), billing: true, contractId: 'c' }], []],
  ])('%s', (_name, before, after, expected) => {
    expect(udfWrites(before, after).map((w) => [w.accountId, w.value, w.reason])).toEqual(expected);
  });

  it('clears come before sets', () => {
    const writes = udfWrites([m('t1', 'A', '1'), m('t2', 'B', null)], [m('t1', 'A', null), m('t2', 'B', '2')]);
    expect(writes.map((w) => w.value)).toEqual([null, 'B']);
  });

  it('with the live PSA values: skips writes in place, repairs drifted ones, skips accounts gone', () => {
    const field = 'Kaspersky Tenant';
    const live = {
      fieldName: field,
      accounts: [
        account('1', 'Account 1', true, { [field]: 'Acme' }), // already right
        account('2', 'Account 2', true, { [field]: null }), // lost its value: repair
        account('3', 'Account 3', true, { [field]: null }), // unmapped and already blank
        account('5', 'Account 5', true, { [field]: 'Old' }), // unmapped: clear
      ],
    };
    const before = [m('t1', 'Acme', '1'), m('t2', 'Beta', '2'), m('t3', 'Gamma', '3'), m('t4', 'Delta', '4'), m('t5', 'Eps', '5')];
    const after = [m('t1', 'Acme', '1'), m('t2', 'Beta', '2'), m('t3', 'Gamma', null), m('t4', 'Delta', null), m('t5', 'Eps', null), m('t6', 'New', '6')];
    expect(udfWrites(before, after, live).map((w) => [w.accountId, w.value, w.reason])).toEqual([
      ['5', null, 'unmapped'],
      ['2', 'Beta', 'repair'],
    ]);
  });
});

describe('tenantsOffered', () => {
  const ksc = { ...KSC_DEFAULTS, url: 'https://ksc.example:13299', username: 'u' };
  const psa = { ...AUTOTASK_DEFAULTS, username: 'api@x' };
  const all = [tenant('vs3', 'carter'), tenant('vs1', 'Acme & Sons'), tenant('vs2', 'Bluebird', false), tenant('vs4', 'Delta'), tenant('vs10', 'Zeta 10'), tenant('vs9', 'Zeta 9')];
  const mine = { ...newIntegration('main', ksc, psa), tenants: [row('vs1', 'Acme & Sons'), row('vs8', 'Gone Ltd')] };
  const other = { ...newIntegration('east', { ...ksc, url: 'HTTPS://KSC.example:13299/' }, psa), tenants: [row('vs4', 'Delta')] };
  const otherServer = { ...newIntegration('west', { ...ksc, url: 'https://ksc-west:13299' }, psa), tenants: [row('vs3', 'carter')] };

  it('offers tenants not in another integration on the same server; checks this one’s; keeps missing ones to uncheck; sorts by name', () => {
    expect(tenantsOffered(all, mine, [mine, other, otherServer])).toEqual([
      { tenantId: 'vs1', tenantName: 'Acme & Sons', enabled: true, checked: true, missing: false },
      { tenantId: 'vs2', tenantName: 'Bluebird', enabled: false, checked: false, missing: false },
      { tenantId: 'vs3', tenantName: 'carter', enabled: true, checked: false, missing: false },
      { tenantId: 'vs8', tenantName: 'Gone Ltd', enabled: false, checked: true, missing: true },
      { tenantId: 'vs9', tenantName: 'Zeta 9', enabled: true, checked: false, missing: false },
      { tenantId: 'vs10', tenantName: 'Zeta 10', enabled: true, checked: false, missing: false },
    ]);
  });

  it('elsewhereContext feeds the reducer the same ownership', () => {
    const ctx = elsewhereContext(mine, [mine, { ...other, tenants: [row('vs4', 'Delta', { accountId: '400', accountName: 'Delta Ltd' })] }, otherServer]);
    expect([...(ctx.tenantsElsewhere?.keys() ?? [])]).toEqual(['vs4']);
    expect(ctx.accountsElsewhere?.get('400')).toEqual({ tenantId: 'vs4', tenantName: 'Delta', integrationName: 'east' });
    const out = accountsReducer(initialAccountsState(mine.tenants), { type: 'setTenants', tenants: [tenant('vs1', 'Acme & Sons'), tenant('vs4', 'Delta')] }, ctx);
    expect(out.refusal?.code).toBe('tenant-elsewhere');
  });

  it.each([
    ['https://ksc:13299', 'https://KSC:13299/', true],
    ['https://ksc:13299', 'https://ksc:13291', false],
    ['https://ksc:443', 'https://ksc', true],
    ['not a url', 'NOT A URL/', true],
  ])('samePlatform(%s, %s) = %s', (a, b, same) => {
    expect(samePlatform({ ...ksc, url: a }, { ...ksc, url: b })).toBe(same);
    expect(samePlatform({ ...ksc, url: a }, { kind: 'kbh', url: a, email: 'x', caFile: null })).toBe(false);
  });

  it.each([
    [null, null, true],
    ['https://webservices5.autotask.net/atservicesrest/', null, true],
    ['https://webservices5.autotask.net/atservicesrest/', 'https://WEBSERVICES5.autotask.net/ATServicesRest/', true],
    ['https://webservices5.autotask.net/atservicesrest/', 'https://webservices14.autotask.net/atservicesrest/', false],
  ])('samePsa(apiUrl %s, %s) = %s', (a, b, same) => {
    expect(samePsa({ ...psa, apiUrl: a }, { ...psa, apiUrl: b })).toBe(same);
  });

  it.each([
    ['acme', 'acme', true],
    ['acme', ' ACME ', true],
    ['acme', 'other', false],
  ])('ConnectWise: samePsa(company %s, %s) = %s (one company id is one database, on any host)', (a, b, same) => {
    const cw = { kind: 'connectwise' as const, siteUrl: 'https://api-na.myconnectwise.net', companyId: a, publicKey: 'p', clientId: 'c', codebase: null, tenantNameField: 'Kaspersky Tenant', caFile: null };
    expect(samePsa(cw, { ...cw, siteUrl: 'https://api-eu.myconnectwise.net', companyId: b })).toBe(same);
    expect(samePsa(cw, { ...psa, apiUrl: null })).toBe(false);
  });
});

describe('filterTenants', () => {
  const rows = [row('1', 'Acme & Sons'), row('2', 'Zürich Versicherung'), row('3', 'ACME Labs'), row('4', '')];
  it.each([
    ['acme', ['1', '3']],
    ['ACME', ['1', '3']],
    ['& s', ['1']],
    ['zurich', ['2']],
    ['Zür', ['2']],
    ['', ['1', '2', '3', '4']],
    ['   ', ['1', '2', '3', '4']],
    ['nothing', []],
  ])('%j → %j', (q, ids) => {
    expect(filterTenants(rows, q).map((r) => r.tenantId)).toEqual(ids);
  });

  it('works on checklist rows too', () => {
    expect(filterTenants([{ tenantName: 'Bluebird', checked: true }], 'BLUE')).toHaveLength(1);
  });
});

describe('contractsFor', () => {
  const contracts = [
    contract('1', 'A', 'Zeta Security'),
    contract('2', 'A', 'Old Security', { active: false }),
    contract('3', 'A', 'Block Hours', { recurring: false }),
    contract('4', 'B', 'Managed Security'),
    contract('5', 'A', 'alpha Security'),
  ];
  it.each<[string | null, string[]]>([
    ['A', ['5', '1', '2']],
    ['B', ['4']],
    ['C', []],
    [null, []],
  ])('account %s → %j (its recurring contracts, active first, by name)', (accountId, ids) => {
    expect(contractsFor(accountId, contracts).map((c) => c.id)).toEqual(ids);
  });

  it('with a day: those running that day first (an ended or not yet started one after, though active)', () => {
    const dated = [
      contract('10', 'A', 'a Ended', { startDate: '2025-01-01', endDate: '2025-12-31' }),
      contract('11', 'A', 'b Running', { startDate: '2026-01-01', endDate: null }),
      contract('12', 'A', 'c Future', { startDate: '2027-01-01', endDate: null }),
    ];
    expect(contractsFor('A', dated, '2026-12-07').map((c) => c.id)).toEqual(['11', '10', '12']);
    expect(contractsFor('A', dated).map((c) => c.id)).toEqual(['10', '11', '12']);
  });
});

describe('accountChoices', () => {
  it('lists matching accounts, active first, marking who holds each', () => {
    const state = initialAccountsState(saved);
    const ctx: AccountsContext = { accountsElsewhere: new Map([['300', { tenantId: 'k', tenantName: 'Carter (cloud)', integrationName: 'cloud' }]]) };
    const accounts = [account('300', 'Carter Logistics Inc.'), account('100', 'Acme and Sons Ltd'), account('101', 'acme old', false), account('200', 'Bluebird')];
    const choices = accountChoices(accounts, state, 'c', ctx);
    expect(choices.map((c) => [c.account.id, c.mappedTo?.tenantName ?? null, c.mappedTo?.integrationName ?? null])).toEqual([
      ['100', 'Acme & Sons', null],
      ['300', 'Carter (cloud)', 'cloud'],
      ['101', null, null],
    ]);
  });
});
