// One tenant's mapping set as a whole — the tenant added to the integration if it is not in it
// yet, its account, contract, price level and billing switch — through the Accounts tab's own
// reducer (accountsDraft.ts), so `kmsp map`, `kmsp unmap` and `kmsp config import --mappings`
// refuse exactly what the console refuses, in the same words. Pure.
import { accountsReducer, type AccountsContext, type AccountsState, type Refusal } from './accountsDraft.js';
import type { PriceLevel, PsaAccount, PsaContract, Tenant } from './types.js';

export interface MappingRequest {
  tenant: Pick<Tenant, 'id' | 'name'>;
  /** null: unmap (account, billing, contract and price level cleared; the tenant stays listed). */
  account: Pick<PsaAccount, 'id' | 'name'> | null;
  /** undefined: keep the row's contract (an account change clears it, as in the console). */
  contract?: PsaContract | null;
  /** undefined: keep the row's price level (an account change clears it, as in the console). */
  priceLevel?: PriceLevel | null;
  /** undefined: on when a contract is given, else as it was. */
  billing?: boolean;
}

export interface MappingEditOutcome {
  state: AccountsState;
  refusal: Refusal | null;
}

/**
 * Applies one request to the draft, step by step as an admin would on the Accounts tab; the first
 * refusal stops it and the state given is returned unchanged with that refusal.
 */
export function applyMapping(state: AccountsState, request: MappingRequest, ctx: AccountsContext = {}): MappingEditOutcome {
  let next = state;
  const step = (outcome: { state: AccountsState; refusal: Refusal | null }): boolean => {
    if (outcome.refusal) return false;
    next = outcome.state;
    return true;
  };
  const refused = (outcome: { refusal: Refusal | null }): MappingEditOutcome => ({ state, refusal: outcome.refusal });
  const tenantId = request.tenant.id;
  if (!next.draft.some((r) => r.tenantId === tenantId)) {
    const tenants = [...next.draft.map((r) => ({ id: r.tenantId, name: r.tenantName })), request.tenant];
    const added = accountsReducer(next, { type: 'setTenants', tenants }, ctx);
    if (!step(added)) return refused(added);
  }
  const row = () => next.draft.find((r) => r.tenantId === tenantId)!;
  const mapped = accountsReducer(next, { type: 'mapAccount', tenantId, account: request.account }, ctx);
  if (!step(mapped)) return refused(mapped);
  if (request.account === null) return { state: next, refusal: null };
  if (request.contract !== undefined) {
    const contract = accountsReducer(next, { type: 'setContract', tenantId, contract: request.contract }, ctx);
    if (!step(contract)) return refused(contract);
  }
  if (request.priceLevel !== undefined) {
    const level = accountsReducer(next, { type: 'setPriceLevel', tenantId, priceLevel: request.priceLevel }, ctx);
    if (!step(level)) return refused(level);
  }
  const billing = request.billing ?? (request.contract ? true : row().billing);
  if (billing !== row().billing) {
    const toggled = accountsReducer(next, { type: 'toggleBilling', tenantId }, ctx);
    if (!step(toggled)) return refused(toggled);
  }
  return { state: next, refusal: null };
}
