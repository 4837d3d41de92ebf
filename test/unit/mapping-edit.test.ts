// One tenant's mapping set as a whole (domain/mappingEdit.ts), through the Accounts tab's reducer:
// the command line refuses what the console refuses, in its words, and changes nothing then.
import { describe, expect, it } from 'vitest';
import { initialAccountsState, saveBlockers, type AccountsContext } from '../../source/domain/accountsDraft.js';
import type { TenantMapping } from '../../source/domain/config.js';
import { applyMapping } from '../../source/domain/mappingEdit.js';
import type { PsaContract } from '../../source/domain/types.js';

const contract = (id: string, accountId: string, recurring = true): PsaContract => ({ id, accountId, name: `C${id}`, recurring, typeLabel: recurring ? 'Recurring Service' : 'Block Hours', active: true, startDate: null, endDate: null });
const row = (tenantId: string, accountId: string | null = null): TenantMapping => ({ tenantId, tenantName: `T${tenantId}`, accountId, accountName: accountId ? `A${accountId}` : null, billing: false, contractId: null, contractName: null });
const ctx: AccountsContext = { psa: 'autotask' };

describe('applyMapping', () => {
  it('adds a tenant not in the integration yet, maps it, chooses the contract and turns billing on', () => {
    const state = initialAccountsState([row('1')]);
    const out = applyMapping(state, { tenant: { id: '2', name: 'T2' }, account: { id: 'a', name: 'Acme' }, contract: contract('c1', 'a') }, ctx);
    expect(out.refusal).toBeNull();
    expect(out.state.draft).toEqual([row('1'), { tenantId: '2', tenantName: 'T2', accountId: 'a', accountName: 'Acme', billing: true, contractId: 'c1', contractName: 'Cc1' }]);
    expect(saveBlockers(out.state, ctx)).toEqual([]);
  });

  it('refuses an account mapped to another tenant, and a contract of another account or kind, leaving the draft as it was', () => {
    const state = initialAccountsState([row('1', 'a'), row('2')]);
    const taken = applyMapping(state, { tenant: { id: '2', name: 'T2' }, account: { id: 'a', name: 'Aa' } }, ctx);
    expect(taken.state).toBe(state);
    expect(taken.refusal?.message).toBe('Autotask account “Aa” is already mapped to “T1”. Unmap it there first.');
    const other = applyMapping(state, { tenant: { id: '2', name: 'T2' }, account: { id: 'b', name: 'Ab' }, contract: contract('c9', 'z') }, ctx);
    expect(other.state).toBe(state);
    expect(other.refusal?.code).toBe('contract-wrong-account');
    const hours = applyMapping(state, { tenant: { id: '2', name: 'T2' }, account: { id: 'b', name: 'Ab' }, contract: contract('c2', 'b', false) }, ctx);
    expect(hours.refusal?.code).toBe('contract-not-recurring');
  });

  it('billing on without a contract is left for Save to refuse, as on the tab; off keeps the contract; null unmaps', () => {
    const mapped = applyMapping(initialAccountsState([row('1')]), { tenant: { id: '1', name: 'T1' }, account: { id: 'a', name: 'Aa' }, billing: true }, ctx).state;
    expect(saveBlockers(mapped, ctx).map((b) => b.message)).toEqual(['“T1”: billing is on but no contract is chosen.']);
    const billed = applyMapping(mapped, { tenant: { id: '1', name: 'T1' }, account: { id: 'a', name: 'Aa' }, contract: contract('c1', 'a') }, ctx).state;
    const off = applyMapping(billed, { tenant: { id: '1', name: 'T1' }, account: { id: 'a', name: 'Aa' }, billing: false }, ctx).state;
    expect(off.draft[0]).toMatchObject({ billing: false, contractId: 'c1' });
    const unmapped = applyMapping(billed, { tenant: { id: '1', name: 'T1' }, account: null }, ctx).state;
    expect(unmapped.draft[0]).toEqual(row('1'));
  });

  it('refuses a tenant another integration on the same platform holds', () => {
    const out = applyMapping(initialAccountsState([]), { tenant: { id: '7', name: 'T7' }, account: { id: 'a', name: 'Aa' } }, { ...ctx, tenantsElsewhere: new Map([['7', 'other']]) });
    expect(out.refusal?.code).toBe('tenant-elsewhere');
  });
});
