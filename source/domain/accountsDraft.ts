// The Accounts tab's editing model (README › The console, Accounts): the saved mappings, the draft being edited,
// the actions the admin can take, and what Save must do. Pure: the console renders it, the
// store persists `draft` on Save, a connector writes `udfWrites` to the PSA.
//
// Rules enforced here, not in the UI, so no screen can get them wrong:
// - mapping is one-to-one: an account already mapped to another tenant (here or in another
//   integration on the same PSA) is refused, naming that tenant;
// - a contract must be a recurring contract of the row's own account;
// - unmapping an account clears billing, contract and price level; changing the account clears
//   the contract and the price level (both were chosen for that account);
// - where the PSA prices usage at a price level per account (profile posting.priceLevel), a
//   billed row needs one; elsewhere a mapping never carries the price level keys;
// - removing a tenant drops only its mapping (nothing is deleted in the platform or the PSA).
import { psaAccountWord, psaContractWord, quoteName, recurringContractWord, withArticle, type MappingSuggestion } from './mapping.js';
import { matchesWords, queryWords, searchKey } from './search.js';
import type { Integration, PlatformConnection, PsaConnection, TenantMapping } from './config.js';
import { isKnownPsaKind, platformProfile, psaProfile } from './profiles/index.js';
import type { PriceLevelWords } from './profiles/types.js';
import type { PriceLevel, PsaAccount, PsaContract, PsaKind, Tenant } from './types.js';

// ------------------------------------------------------------------ state and context

export interface AccountsState {
  /** As last saved (or loaded). */
  saved: TenantMapping[];
  /** What the table shows and Save writes. */
  draft: TenantMapping[];
}

/** Who holds an account in another integration. */
export interface AccountOwner {
  tenantId: string;
  tenantName: string;
  integrationName: string;
}

/**
 * What the reducer must know beyond this integration's rows. Build it with {@link elsewhereContext}.
 */
export interface AccountsContext {
  /** Wording of messages: the PSA's own words (its profile); without one, plain "PSA account" and "contract". */
  psa?: PsaKind;
  /** Accounts mapped by other integrations connected to the same PSA, by account id. */
  accountsElsewhere?: ReadonlyMap<string, AccountOwner>;
  /** Tenants that belong to other integrations on the same platform: tenant id → integration name. */
  tenantsElsewhere?: ReadonlyMap<string, string>;
}

export function initialAccountsState(saved: readonly TenantMapping[]): AccountsState {
  return { saved: saved.map((m) => ({ ...m })), draft: saved.map((m) => ({ ...m })) };
}

const fields = (connection: PlatformConnection | PsaConnection) => connection as unknown as Record<string, unknown>;

/**
 * Two integrations read the same platform: same kind, and the platform profile's sameInstance
 * says so (for a URL: scheme, host, port and path, ignoring case and a trailing slash). A tenant
 * belongs to one integration per platform.
 */
export function samePlatform(a: PlatformConnection, b: PlatformConnection): boolean {
  return a.kind === b.kind && platformProfile(a.kind).sameInstance(fields(a), fields(b));
}

/**
 * Two integrations write to the same PSA instance: same kind, and the PSA profile's sameInstance
 * says so. Where the config cannot prove two connections differ, the profile answers "same":
 * refusing a double mapping is safer than letting two tenants bill one account.
 */
export function samePsa(a: PsaConnection, b: PsaConnection): boolean {
  return a.kind === b.kind && psaProfile(a.kind).sameInstance(fields(a), fields(b));
}

/** The words of the context's PSA in refusals: "Autotask account", "contract", "Recurring Service contract". */
interface PsaWording {
  account: string;
  contract: string;
  billableContract: string;
  /** The PSA's price level words where it prices usage by one per account; null elsewhere. */
  priceLevel: PriceLevelWords | null;
}

/**
 * The PSA profile's words (mapping.ts); without a PSA, or for a kind this build has no profile of
 * (a configuration from a newer kmsp), plain words of no vendor.
 */
function wordsOf(ctx: AccountsContext): PsaWording {
  const kind = isKnownPsaKind(ctx.psa) ? ctx.psa : undefined;
  return { account: psaAccountWord(kind), contract: psaContractWord(kind), billableContract: recurringContractWord(kind), priceLevel: priceLevelWords(kind) };
}

/**
 * The price level words of a PSA that prices usage at a price level chosen per account (profile
 * posting.priceLevel); null for the others, for no PSA and for a kind this build has no profile of.
 */
export function priceLevelWords(kind: string | undefined): PriceLevelWords | null {
  return isKnownPsaKind(kind) ? (psaProfile(kind).posting.priceLevel ?? null) : null;
}

/** The row's price level id; absent and null are the same: none chosen. */
function priceLevelOf(row: TenantMapping): string | null {
  return row.priceLevelId ?? null;
}

/**
 * The row without a price level: the keys go, so a mapping of a PSA without price levels never
 * gains them, and one that had a choice reads as "none chosen" (as a fresh row does).
 */
function withoutPriceLevel(row: TenantMapping): TenantMapping {
  if (row.priceLevelId === undefined && row.priceLevelName === undefined) return row;
  const { priceLevelId: _id, priceLevelName: _name, ...rest } = row;
  return rest;
}

/** The context for editing `integration`'s Accounts tab, from the whole configuration. */
export function elsewhereContext(integration: Pick<Integration, 'name' | 'platform' | 'psa'>, all: readonly Integration[]): AccountsContext {
  const accountsElsewhere = new Map<string, AccountOwner>();
  const tenantsElsewhere = new Map<string, string>();
  for (const other of all) {
    if (other.name === integration.name) continue;
    if (samePsa(other.psa, integration.psa)) {
      for (const m of other.tenants) {
        if (m.accountId !== null && !accountsElsewhere.has(m.accountId)) {
          accountsElsewhere.set(m.accountId, { tenantId: m.tenantId, tenantName: m.tenantName, integrationName: other.name });
        }
      }
    }
    if (samePlatform(other.platform, integration.platform)) {
      for (const m of other.tenants) if (!tenantsElsewhere.has(m.tenantId)) tenantsElsewhere.set(m.tenantId, other.name);
    }
  }
  return { psa: integration.psa.kind, accountsElsewhere, tenantsElsewhere };
}

// ------------------------------------------------------------------ actions

export type AccountsAction =
  /** The checked tenants of the add/remove checklist: new ones get an empty row, unchecked ones lose theirs. */
  | { type: 'setTenants'; tenants: readonly Pick<Tenant, 'id' | 'name'>[] }
  /** Map (or with null, unmap) a tenant's PSA account. */
  | { type: 'mapAccount'; tenantId: string; account: Pick<PsaAccount, 'id' | 'name'> | null }
  | { type: 'toggleBilling'; tenantId: string }
  | { type: 'setContract'; tenantId: string; contract: PsaContract | null }
  /** Choose (or with null, clear) the price level of a mapped row, where the PSA has price levels. */
  | { type: 'setPriceLevel'; tenantId: string; priceLevel: PriceLevel | null }
  /** Accept one suggestion or all of them (from suggestMappings). */
  | { type: 'acceptSuggestions'; suggestions: readonly MappingSuggestion[] }
  /** Take the current names of tenants, accounts, contracts and price levels (after a rename drift). Null lists are left alone. */
  | {
      type: 'refreshNames';
      tenants?: readonly Tenant[] | null;
      accounts?: readonly PsaAccount[] | null;
      contracts?: readonly PsaContract[] | null;
      priceLevels?: readonly PriceLevel[] | null;
    }
  /** Cancel changes: back to the last saved state. */
  | { type: 'cancel' }
  /** Save succeeded: what the store now holds becomes both saved and draft. */
  | { type: 'markSaved'; saved: readonly TenantMapping[] };

export type RefusalCode =
  | 'unknown-tenant'
  | 'tenant-elsewhere'
  | 'account-taken'
  | 'account-taken-elsewhere'
  | 'billing-needs-account'
  | 'contract-needs-account'
  | 'contract-wrong-account'
  | 'contract-not-recurring'
  | 'price-level-needs-account'
  | 'price-levels-unsupported'
  | 'tenant-already-mapped'
  | 'suggestions-skipped';

/** Why an action was not applied; the state is unchanged (the same object) when refused. */
export interface Refusal {
  code: RefusalCode;
  tenantId: string | null;
  message: string;
  /** For a partly applied acceptSuggestions: each suggestion that was skipped. */
  causes?: Refusal[];
}

export interface AccountsOutcome {
  state: AccountsState;
  refusal: Refusal | null;
}

function ok(state: AccountsState): AccountsOutcome {
  return { state, refusal: null };
}

function refuse(state: AccountsState, code: RefusalCode, tenantId: string | null, message: string): AccountsOutcome {
  return { state, refusal: { code, tenantId, message } };
}

function updateRow(state: AccountsState, tenantId: string, change: (row: TenantMapping) => TenantMapping): AccountsState {
  return { ...state, draft: state.draft.map((row) => (row.tenantId === tenantId ? change(row) : row)) };
}

function unknownTenant(state: AccountsState, tenantId: string): AccountsOutcome {
  return refuse(state, 'unknown-tenant', tenantId, `Tenant ${tenantId} is not in this integration; add it first.`);
}

function setTenants(state: AccountsState, tenants: readonly Pick<Tenant, 'id' | 'name'>[], ctx: AccountsContext): AccountsOutcome {
  const wanted = new Map<string, Pick<Tenant, 'id' | 'name'>>();
  for (const t of tenants) if (!wanted.has(t.id)) wanted.set(t.id, t);
  const taken = [...wanted.values()].filter((t) => ctx.tenantsElsewhere?.has(t.id) && !state.draft.some((r) => r.tenantId === t.id));
  if (taken.length > 0) {
    const list = taken.map((t) => `${quoteName(t.name, t.id)} belongs to integration ${quoteName(ctx.tenantsElsewhere?.get(t.id))}`).join('; ');
    return refuse(state, 'tenant-elsewhere', taken[0]?.id ?? null, `${list}. A tenant belongs to one integration only.`);
  }
  const kept = state.draft.filter((row) => wanted.has(row.tenantId));
  const present = new Set(kept.map((r) => r.tenantId));
  const added: TenantMapping[] = [...wanted.values()]
    .filter((t) => !present.has(t.id))
    .map((t) => ({ tenantId: t.id, tenantName: t.name, accountId: null, accountName: null, billing: false, contractId: null, contractName: null }));
  if (added.length === 0 && kept.length === state.draft.length) return ok(state);
  return ok({ ...state, draft: [...kept, ...added] });
}

function mapAccount(state: AccountsState, tenantId: string, account: Pick<PsaAccount, 'id' | 'name'> | null, ctx: AccountsContext): AccountsOutcome {
  const row = state.draft.find((r) => r.tenantId === tenantId);
  if (!row) return unknownTenant(state, tenantId);
  if (account === null) {
    if (row.accountId === null && !row.billing && row.contractId === null && priceLevelOf(row) === null) return ok(state);
    return ok(updateRow(state, tenantId, (r) => ({ ...withoutPriceLevel(r), accountId: null, accountName: null, billing: false, contractId: null, contractName: null })));
  }
  if (row.accountId === account.id) {
    return row.accountName === account.name ? ok(state) : ok(updateRow(state, tenantId, (r) => ({ ...r, accountName: account.name })));
  }
  const word = wordsOf(ctx).account;
  const holder = state.draft.find((r) => r.accountId === account.id && r.tenantId !== tenantId);
  if (holder) return refuse(state, 'account-taken', tenantId, accountTakenMessage(word, account, holder));
  const owner = ctx.accountsElsewhere?.get(account.id);
  if (owner) return refuse(state, 'account-taken-elsewhere', tenantId, accountElsewhereMessage(word, account, owner));
  // A contract belongs to one account, so a new account never keeps the old account's contract;
  // the price level was chosen for the old account too. Billing keeps the admin's choice: if it
  // was on, Save is blocked until a contract (and a price level, where needed) is chosen.
  return ok(updateRow(state, tenantId, mapped(account)));
}

function mapped(account: Pick<PsaAccount, 'id' | 'name'>): (row: TenantMapping) => TenantMapping {
  return (r) => ({ ...withoutPriceLevel(r), accountId: account.id, accountName: account.name, contractId: null, contractName: null });
}

function accountTakenMessage(word: string, account: Pick<PsaAccount, 'id' | 'name'>, holder: TenantMapping): string {
  return `${word} ${quoteName(account.name, account.id)} is already mapped to ${quoteName(holder.tenantName, holder.tenantId)}. Unmap it there first.`;
}

function accountElsewhereMessage(word: string, account: Pick<PsaAccount, 'id' | 'name'>, owner: AccountOwner): string {
  return `${word} ${quoteName(account.name, account.id)} is already mapped to ${quoteName(owner.tenantName, owner.tenantId)} in integration ${quoteName(owner.integrationName)}. Unmap it there first.`;
}

function alreadyMappedRefusal(row: TenantMapping): Refusal {
  return {
    code: 'tenant-already-mapped',
    tenantId: row.tenantId,
    message: `${quoteName(row.tenantName, row.tenantId)} is already mapped to ${quoteName(row.accountName, row.accountId ?? undefined)}; the suggestion was not applied.`,
  };
}

function toggleBilling(state: AccountsState, tenantId: string, ctx: AccountsContext): AccountsOutcome {
  const row = state.draft.find((r) => r.tenantId === tenantId);
  if (!row) return unknownTenant(state, tenantId);
  if (!row.billing && row.accountId === null) {
    const word = wordsOf(ctx).account;
    return refuse(state, 'billing-needs-account', tenantId, `${quoteName(row.tenantName, row.tenantId)}: map ${withArticle(word)} before turning billing on.`);
  }
  // Turning billing off keeps the contract, so turning it back on needs no new choice.
  return ok(updateRow(state, tenantId, (r) => ({ ...r, billing: !r.billing })));
}

function setContract(state: AccountsState, tenantId: string, contract: PsaContract | null, ctx: AccountsContext): AccountsOutcome {
  const row = state.draft.find((r) => r.tenantId === tenantId);
  if (!row) return unknownTenant(state, tenantId);
  if (contract === null) {
    if (row.contractId === null) return ok(state);
    return ok(updateRow(state, tenantId, (r) => ({ ...r, contractId: null, contractName: null })));
  }
  const words = wordsOf(ctx);
  const cWord = words.contract;
  const shown = quoteName(contract.name, contract.id);
  if (row.accountId === null) {
    return refuse(state, 'contract-needs-account', tenantId, `${quoteName(row.tenantName, row.tenantId)}: map ${withArticle(words.account)} before choosing ${withArticle(cWord)}.`);
  }
  if (contract.accountId !== row.accountId) {
    return refuse(
      state,
      'contract-wrong-account',
      tenantId,
      `${cWord.charAt(0).toUpperCase()}${cWord.slice(1)} ${shown} belongs to another account, not ${quoteName(row.accountName, row.accountId)}.`,
    );
  }
  if (!contract.recurring) {
    const type = contract.typeLabel ? ` (${contract.typeLabel})` : '';
    return refuse(
      state,
      'contract-not-recurring',
      tenantId,
      `${cWord.charAt(0).toUpperCase()}${cWord.slice(1)} ${shown}${type} is not ${withArticle(words.billableContract)}; usage can only be posted to ${words.billableContract}s.`,
    );
  }
  if (row.contractId === contract.id && row.contractName === contract.name) return ok(state);
  return ok(updateRow(state, tenantId, (r) => ({ ...r, contractId: contract.id, contractName: contract.name })));
}

function setPriceLevel(state: AccountsState, tenantId: string, priceLevel: PriceLevel | null, ctx: AccountsContext): AccountsOutcome {
  const row = state.draft.find((r) => r.tenantId === tenantId);
  if (!row) return unknownTenant(state, tenantId);
  if (priceLevel === null) {
    const cleared = withoutPriceLevel(row);
    return cleared === row ? ok(state) : ok(updateRow(state, tenantId, withoutPriceLevel));
  }
  const words = wordsOf(ctx);
  // A PSA that prices usage itself would never read the choice: refused rather than kept unused.
  if (ctx.psa !== undefined && isKnownPsaKind(ctx.psa) && !words.priceLevel) {
    return refuse(state, 'price-levels-unsupported', tenantId, `${psaProfile(ctx.psa).words.name} prices usage itself; there is no price level to choose.`);
  }
  const word = words.priceLevel?.word ?? 'price level';
  if (row.accountId === null) {
    return refuse(state, 'price-level-needs-account', tenantId, `${quoteName(row.tenantName, row.tenantId)}: map ${withArticle(words.account)} before choosing ${withArticle(word)}.`);
  }
  if (row.priceLevelId === priceLevel.id && row.priceLevelName === priceLevel.name) return ok(state);
  return ok(updateRow(state, tenantId, (r) => ({ ...r, priceLevelId: priceLevel.id, priceLevelName: priceLevel.name })));
}

/**
 * Applies suggestions the admin accepted (one, or all). Each is checked again against the
 * draft as it is now: a tenant mapped meanwhile keeps its account, an account taken meanwhile
 * is refused as in {@link AccountsAction} mapAccount. What could be applied is applied; the
 * refusal lists what was skipped. Billing and contract are left for the admin.
 */
export function acceptSuggestions(state: AccountsState, suggestions: readonly MappingSuggestion[], ctx: AccountsContext = {}): AccountsOutcome {
  const { next, causes } = suggestions.length > ACCEPT_INDEXED_FROM ? acceptIndexed(state, suggestions, ctx) : acceptOneByOne(state, suggestions, ctx);
  if (causes.length === 0) return ok(next);
  const n = suggestions.length;
  const head = n === 1 ? 'The suggestion was not applied:' : `${causes.length} of ${n} suggestions were not applied:`;
  return {
    state: next,
    refusal: { code: 'suggestions-skipped', tenantId: causes.length === 1 ? causes[0]?.tenantId ?? null : null, message: `${head} ${causes.map((c) => c.message).join(' ')}`, causes },
  };
}

/** From this many suggestions on, acceptSuggestions indexes the draft (a few are cheaper one by one). */
const ACCEPT_INDEXED_FROM = 16;

function acceptOneByOne(state: AccountsState, suggestions: readonly MappingSuggestion[], ctx: AccountsContext): { next: AccountsState; causes: Refusal[] } {
  let next = state;
  const causes: Refusal[] = [];
  for (const s of suggestions) {
    const row = next.draft.find((r) => r.tenantId === s.tenantId);
    if (row && row.accountId !== null && row.accountId !== s.accountId) {
      causes.push(alreadyMappedRefusal(row));
      continue;
    }
    const outcome = mapAccount(next, s.tenantId, { id: s.accountId, name: s.accountName }, ctx);
    if (outcome.refusal) causes.push(outcome.refusal);
    else next = outcome.state;
  }
  return { next, causes };
}

/**
 * acceptOneByOne with the draft indexed by tenant and by account: accepting 5,000
 * suggestions on 10,000 rows was 5,000 scans and copies of the draft. Same checks in the
 * same order, same messages, same result (untouched rows stay the same objects; the
 * state is the same object when nothing was applied).
 */
function acceptIndexed(state: AccountsState, suggestions: readonly MappingSuggestion[], ctx: AccountsContext): { next: AccountsState; causes: Refusal[] } {
  const word = wordsOf(ctx).account;
  const draft = state.draft.slice();
  let changed = false;
  /** Row indexes of each tenant, in draft order (an id listed twice has two). */
  const byTenant = new Map<string, number[]>();
  /** Row indexes holding each account. */
  const byAccount = new Map<string, Set<number>>();
  const hold = (accountId: string | null, i: number) => {
    if (accountId === null) return;
    const set = byAccount.get(accountId);
    if (set) set.add(i);
    else byAccount.set(accountId, new Set([i]));
  };
  draft.forEach((r, i) => {
    const list = byTenant.get(r.tenantId);
    if (list) list.push(i);
    else byTenant.set(r.tenantId, [i]);
    hold(r.accountId, i);
  });
  const update = (indexes: readonly number[], change: (row: TenantMapping) => TenantMapping) => {
    for (const i of indexes) {
      const before = draft[i]!;
      const after = change(before);
      if (before.accountId !== after.accountId) {
        if (before.accountId !== null) byAccount.get(before.accountId)?.delete(i);
        hold(after.accountId, i);
      }
      draft[i] = after;
    }
    changed = true;
  };

  const causes: Refusal[] = [];
  for (const s of suggestions) {
    const rows = byTenant.get(s.tenantId);
    const row = rows ? draft[rows[0]!] : undefined;
    if (row && row.accountId !== null && row.accountId !== s.accountId) {
      causes.push(alreadyMappedRefusal(row));
      continue;
    }
    // mapAccount(next, s.tenantId, account, ctx) on the indexed draft:
    const account = { id: s.accountId, name: s.accountName };
    if (!rows || !row) {
      causes.push(unknownTenant(state, s.tenantId).refusal!);
      continue;
    }
    if (row.accountId === account.id) {
      if (row.accountName !== account.name) update(rows, (r) => ({ ...r, accountName: account.name }));
      continue;
    }
    let holder = -1;
    for (const i of byAccount.get(account.id) ?? []) if (draft[i]!.tenantId !== s.tenantId && (holder < 0 || i < holder)) holder = i;
    if (holder >= 0) {
      causes.push({ code: 'account-taken', tenantId: s.tenantId, message: accountTakenMessage(word, account, draft[holder]!) });
      continue;
    }
    const owner = ctx.accountsElsewhere?.get(account.id);
    if (owner) {
      causes.push({ code: 'account-taken-elsewhere', tenantId: s.tenantId, message: accountElsewhereMessage(word, account, owner) });
      continue;
    }
    update(rows, mapped(account));
  }
  return { next: changed ? { ...state, draft } : state, causes };
}

function refreshNames(state: AccountsState, action: Extract<AccountsAction, { type: 'refreshNames' }>): AccountsOutcome {
  const tenants = action.tenants ? new Map(action.tenants.map((t) => [t.id, t.name])) : null;
  const accounts = action.accounts ? new Map(action.accounts.map((a) => [a.id, a.name])) : null;
  const contracts = action.contracts ? new Map(action.contracts.map((c) => [c.id, c.name])) : null;
  const priceLevels = action.priceLevels ? new Map(action.priceLevels.map((l) => [l.id, l.name])) : null;
  let changed = false;
  const draft = state.draft.map((r) => {
    const tenantName = tenants?.get(r.tenantId) ?? r.tenantName;
    const accountName = r.accountId !== null ? accounts?.get(r.accountId) ?? r.accountName : r.accountName;
    const contractName = r.contractId !== null ? contracts?.get(r.contractId) ?? r.contractName : r.contractName;
    const levelId = priceLevelOf(r);
    const levelName = levelId !== null ? priceLevels?.get(levelId) : undefined;
    const renamedLevel = levelName !== undefined && levelName !== r.priceLevelName;
    if (tenantName === r.tenantName && accountName === r.accountName && contractName === r.contractName && !renamedLevel) return r;
    changed = true;
    return { ...r, tenantName, accountName, contractName, ...(renamedLevel ? { priceLevelName: levelName } : {}) };
  });
  return ok(changed ? { ...state, draft } : state);
}

/**
 * The Accounts tab reducer. Returns the next state and, when the action is not allowed, a
 * refusal to show (the state is then returned unchanged, as the same object). Unknown tenants
 * are refused rather than ignored so a stale row in the UI is noticed.
 */
export function accountsReducer(state: AccountsState, action: AccountsAction, ctx: AccountsContext = {}): AccountsOutcome {
  switch (action.type) {
    case 'setTenants':
      return setTenants(state, action.tenants, ctx);
    case 'mapAccount':
      return mapAccount(state, action.tenantId, action.account, ctx);
    case 'toggleBilling':
      return toggleBilling(state, action.tenantId, ctx);
    case 'setContract':
      return setContract(state, action.tenantId, action.contract, ctx);
    case 'setPriceLevel':
      return setPriceLevel(state, action.tenantId, action.priceLevel, ctx);
    case 'acceptSuggestions':
      return acceptSuggestions(state, action.suggestions, ctx);
    case 'refreshNames':
      return refreshNames(state, action);
    case 'cancel':
      return ok({ saved: state.saved, draft: state.saved.map((m) => ({ ...m })) });
    case 'markSaved':
      return ok(initialAccountsState(action.saved));
  }
}

// ------------------------------------------------------------------ queries

export const MAPPING_FIELDS = ['tenantName', 'accountId', 'accountName', 'billing', 'contractId', 'contractName', 'priceLevelId', 'priceLevelName'] as const;
export type MappingField = (typeof MAPPING_FIELDS)[number];

/** An absent price level and a null one are the same (none chosen): neither is a change. */
function differingFields(a: TenantMapping, b: TenantMapping): MappingField[] {
  return MAPPING_FIELDS.filter((f) => (a[f] ?? null) !== (b[f] ?? null));
}

export interface RowChange {
  tenantId: string;
  /** Draft name for added/changed rows, saved name for removed rows. */
  tenantName: string;
  kind: 'added' | 'removed' | 'changed';
  /** For `changed`: which fields differ from saved. */
  fields: MappingField[];
}

/**
 * Rows that differ from saved, for the "changed" markers: changed and added rows in draft order,
 * then removed rows in saved order. Row order alone is not a change.
 */
export function changedTenants(state: AccountsState): RowChange[] {
  const saved = new Map(state.saved.map((m) => [m.tenantId, m]));
  const draftIds = new Set(state.draft.map((m) => m.tenantId));
  const out: RowChange[] = [];
  for (const row of state.draft) {
    const before = saved.get(row.tenantId);
    if (!before) out.push({ tenantId: row.tenantId, tenantName: row.tenantName, kind: 'added', fields: [] });
    else {
      const fields = differingFields(before, row);
      if (fields.length > 0) out.push({ tenantId: row.tenantId, tenantName: row.tenantName, kind: 'changed', fields });
    }
  }
  for (const m of state.saved) {
    if (!draftIds.has(m.tenantId)) out.push({ tenantId: m.tenantId, tenantName: m.tenantName, kind: 'removed', fields: [] });
  }
  return out;
}

/** Unsaved changes exist (leaving the tab or quitting must ask first). */
export function isDirty(state: AccountsState): boolean {
  return changedTenants(state).length > 0;
}

export interface SaveBlocker {
  tenantId: string;
  field: 'accountId' | 'billing' | 'contractId' | 'priceLevelId' | 'tenantId';
  message: string;
}

/**
 * Problems that block Save, one per problem, in row order. The reducer prevents most of them;
 * they can still come from a loaded configuration or an older version, so Save re-checks.
 */
export function saveBlockers(state: AccountsState, ctx: AccountsContext = {}): SaveBlocker[] {
  const words = wordsOf(ctx);
  const word = words.account;
  const cWord = words.contract;
  const levelWord = words.priceLevel?.word;
  const out: SaveBlocker[] = [];
  const holders = new Map<string, TenantMapping>();
  const seen = new Set<string>();
  for (const r of state.draft) {
    // The quoted name only for rows with a problem (10,000 rows, a handful of problems).
    let quoted: string | undefined;
    const name = () => (quoted ??= quoteName(r.tenantName, r.tenantId));
    if (seen.has(r.tenantId)) out.push({ tenantId: r.tenantId, field: 'tenantId', message: `${name()} is listed twice.` });
    seen.add(r.tenantId);
    const owner = ctx.tenantsElsewhere?.get(r.tenantId);
    if (owner) out.push({ tenantId: r.tenantId, field: 'tenantId', message: `${name()} belongs to integration ${quoteName(owner)} already; a tenant belongs to one integration only.` });
    if (r.accountId !== null) {
      const holder = holders.get(r.accountId);
      if (holder) {
        out.push({
          tenantId: r.tenantId,
          field: 'accountId',
          message: `${name()}: ${word} ${quoteName(r.accountName, r.accountId)} is also mapped to ${quoteName(holder.tenantName, holder.tenantId)}; an account maps to one tenant only.`,
        });
      } else holders.set(r.accountId, r);
      const elsewhere = ctx.accountsElsewhere?.get(r.accountId);
      if (elsewhere) {
        out.push({
          tenantId: r.tenantId,
          field: 'accountId',
          message: `${name()}: ${word} ${quoteName(r.accountName, r.accountId)} is also mapped to ${quoteName(elsewhere.tenantName, elsewhere.tenantId)} in integration ${quoteName(elsewhere.integrationName)}.`,
        });
      }
    }
    if (r.billing && r.accountId === null) out.push({ tenantId: r.tenantId, field: 'billing', message: `${name()}: billing is on but no ${word} is mapped.` });
    else {
      if (r.billing && r.contractId === null) out.push({ tenantId: r.tenantId, field: 'contractId', message: `${name()}: billing is on but no ${cWord} is chosen.` });
      // Every posting carries the account's price level: billing without one cannot post.
      if (r.billing && levelWord && priceLevelOf(r) === null) out.push({ tenantId: r.tenantId, field: 'priceLevelId', message: `${name()}: billing is on but no ${levelWord} is chosen.` });
    }
  }
  return out;
}

export interface UdfWrite {
  accountId: string;
  /** For display: the account's name as the mapping knows it. */
  accountName: string | null;
  /** The tenant name to write into the account's custom field, or null to clear it. */
  value: string | null;
  /** `mapped`: newly mapped to this tenant; `renamed`: same account, the name it holds changes; `unmapped`: no tenant any more; `repair`: the PSA holds something else than the saved mapping says. */
  reason: 'mapped' | 'renamed' | 'unmapped' | 'repair';
}

export interface UdfLiveState {
  /** Accounts as the PSA returned them (with customFields). Accounts absent from the list are not written. */
  accounts: readonly PsaAccount[];
  /** The custom field's name (the connection setting the PSA profile's accountFieldKey names). */
  fieldName: string;
}

/**
 * The custom-field writes a Save must make (README › The console, Accounts: the mapped tenant's name goes into the
 * PSA account's custom field; unmapping clears it), as the difference between saved and draft:
 * - an account newly mapped, or mapped to another tenant, gets the draft tenant name;
 * - an account whose tenant was renamed gets the new name;
 * - an account no longer mapped (unmapped, moved away, or its tenant removed) is cleared.
 * With `live`, the PSA's current values decide instead of `saved`: writes already in place are
 * skipped and values that drifted are repaired, and accounts the PSA no longer has are skipped.
 * Clears come first, then sets, so no value is cleared after being set in one Save.
 */
export function udfWrites(saved: readonly TenantMapping[], draft: readonly TenantMapping[], live?: UdfLiveState): UdfWrite[] {
  const before = new Map<string, TenantMapping>();
  for (const m of saved) if (m.accountId !== null && !before.has(m.accountId)) before.set(m.accountId, m);
  const after = new Map<string, TenantMapping>();
  for (const m of draft) if (m.accountId !== null && !after.has(m.accountId)) after.set(m.accountId, m);
  const liveById = live ? new Map(live.accounts.map((a) => [a.id, a])) : null;
  const field = live?.fieldName ?? '';

  const clears: UdfWrite[] = [];
  const sets: UdfWrite[] = [];
  for (const [accountId, was] of before) {
    if (after.has(accountId)) continue;
    if (liveById) {
      const acc = liveById.get(accountId);
      if (!acc || (acc.customFields[field] ?? null) === null) continue;
    }
    clears.push({ accountId, accountName: was.accountName, value: null, reason: 'unmapped' });
  }
  for (const [accountId, now] of after) {
    const was = before.get(accountId);
    const reason: UdfWrite['reason'] | null = !was || was.tenantId !== now.tenantId ? 'mapped' : was.tenantName !== now.tenantName ? 'renamed' : null;
    if (liveById) {
      const acc = liveById.get(accountId);
      if (!acc || (acc.customFields[field] ?? null) === now.tenantName) continue;
      sets.push({ accountId, accountName: now.accountName, value: now.tenantName, reason: reason ?? 'repair' });
    } else if (reason) sets.push({ accountId, accountName: now.accountName, value: now.tenantName, reason });
  }
  return [...clears, ...sets];
}

// ------------------------------------------------------------------ checklist, search, contracts

/** One line of the add/remove checklist. */
export interface TenantChoice {
  tenantId: string;
  tenantName: string;
  enabled: boolean;
  /** In this integration (in the draft) now. */
  checked: boolean;
  /** In this integration but no longer in the platform: offered so it can be unchecked. */
  missing: boolean;
}

const collator = new Intl.Collator(undefined, { sensitivity: 'accent', numeric: true });

/** Ids are compared numerically when both are numbers (Autotask ids), else by code point: a stable tie-break. */
export function compareIds(a: string, b: string): number {
  if (/^\d+$/u.test(a) && /^\d+$/u.test(b) && a.length !== b.length) return a.length - b.length;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The add/remove checklist (README › Words): every platform tenant not owned by another integration
 * on the same platform, checked when in `integration.tenants` (pass the draft rows while editing),
 * plus this integration's tenants the platform no longer lists. Sorted by name (locale-aware,
 * case-insensitive, numbers in numeric order), then id.
 */
export function tenantsOffered(
  allTenants: readonly Tenant[],
  integration: Pick<Integration, 'name' | 'platform' | 'tenants'>,
  otherIntegrations: readonly Pick<Integration, 'name' | 'platform' | 'tenants'>[],
): TenantChoice[] {
  const mine = new Map(integration.tenants.map((m) => [m.tenantId, m]));
  const owned = new Set<string>();
  for (const other of otherIntegrations) {
    if (other.name === integration.name || !samePlatform(other.platform, integration.platform)) continue;
    for (const m of other.tenants) owned.add(m.tenantId);
  }
  const out: TenantChoice[] = [];
  const listed = new Set<string>();
  for (const t of allTenants) {
    if (listed.has(t.id)) continue;
    listed.add(t.id);
    if (owned.has(t.id) && !mine.has(t.id)) continue;
    out.push({ tenantId: t.id, tenantName: t.name, enabled: t.enabled, checked: mine.has(t.id), missing: false });
  }
  for (const m of integration.tenants) {
    if (!listed.has(m.tenantId)) out.push({ tenantId: m.tenantId, tenantName: m.tenantName, enabled: false, checked: true, missing: true });
  }
  return out.sort((a, b) => collator.compare(a.tenantName, b.tenantName) || compareIds(a.tenantId, b.tenantId));
}

/**
 * The `/` search of the Accounts table (README › The console, Accounts) by tenant name, with kmsp's one search rule
 * (domain/search.ts): every word of the query, in any order, case- and accent-insensitive. A blank
 * query keeps every row.
 */
export function filterTenants<T extends { tenantName: string }>(rows: readonly T[], query: string): T[] {
  const words = queryWords(query);
  if (words.length === 0) return [...rows];
  return rows.filter((r) => matchesWords(searchKey(r.tenantName), words));
}

/**
 * The contract dropdown of a row (README › Billing rules, "Safety rules"): only that account's recurring contracts
 * (Autotask: Recurring Service) — the only ones usage can be posted to. Active ones that run on
 * `today` (YYYY-MM-DD; absent: not judged) first, then by name, then id; the others stay listed
 * so an existing choice can still be seen.
 */
export function contractsFor(accountId: string | null, contracts: readonly PsaContract[], today?: string): PsaContract[] {
  if (accountId === null) return [];
  const runs = (c: PsaContract) => c.active && (today === undefined || ((c.startDate === null || c.startDate.slice(0, 10) <= today) && (c.endDate === null || c.endDate.slice(0, 10) >= today)));
  return contracts
    .filter((c) => c.accountId === accountId && c.recurring)
    .sort((a, b) => Number(runs(b)) - Number(runs(a)) || collator.compare(a.name, b.name) || compareIds(a.id, b.id));
}

/**
 * The accounts whose billing readiness the Accounts tab reads (the PSA port's billingReadiness):
 * those of billed rows (billing on, account mapped), each once, in the order given, at most
 * `limit` of them — the PSA may answer one account per request. `total` counts them all.
 */
export function billedAccountIds(rows: readonly Pick<TenantMapping, 'accountId' | 'billing'>[], limit: number): { ids: string[]; total: number } {
  const seen = new Set<string>();
  const ids: string[] = [];
  for (const r of rows) {
    if (!r.billing || r.accountId === null || seen.has(r.accountId)) continue;
    seen.add(r.accountId);
    if (ids.length < limit) ids.push(r.accountId);
  }
  return { ids, total: seen.size };
}

/** The price level chooser's list: by name (locale-aware, numbers numerically), then id. */
export function sortPriceLevels(levels: readonly PriceLevel[]): PriceLevel[] {
  return [...levels].sort((a, b) => collator.compare(a.name, b.name) || compareIds(a.id, b.id));
}

/** Finds the draft row of a tenant; the console uses it to show the current choice. */
export function draftRow(state: AccountsState, tenantId: string): TenantMapping | undefined {
  return state.draft.find((r) => r.tenantId === tenantId);
}

/** One entry of a row's PSA account dropdown. */
export interface AccountChoice {
  account: PsaAccount;
  /** The tenant (in this draft or in another integration) holding it, or null when free. */
  mappedTo: { tenantId: string; tenantName: string; integrationName: string | null } | null;
}

/**
 * A row's searchable PSA account dropdown: every account matching the query (every word,
 * in any order, case- and accent-insensitive: domain/search.ts), annotated with the tenant holding it, so the list can show
 * "mapped to …" instead of hiding it (choosing it is then refused with that name). Active
 * accounts first, then by name.
 */
export function accountChoices(accounts: readonly PsaAccount[], state: AccountsState, query: string, ctx: AccountsContext = {}): AccountChoice[] {
  const words = queryWords(query);
  const holders = new Map<string, TenantMapping>();
  for (const r of state.draft) if (r.accountId !== null) holders.set(r.accountId, r);
  return accounts
    .filter((a) => matchesWords(searchKey(a.name), words))
    .map((account) => {
      const h = holders.get(account.id);
      const e = ctx.accountsElsewhere?.get(account.id);
      const mappedTo = h ? { tenantId: h.tenantId, tenantName: h.tenantName, integrationName: null } : e ? { ...e } : null;
      return { account, mappedTo };
    })
    .sort((a, b) => Number(b.account.active) - Number(a.account.active) || collator.compare(a.account.name, b.account.name) || compareIds(a.account.id, b.account.id));
}
