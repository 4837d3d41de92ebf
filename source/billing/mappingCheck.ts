// Reads what the billing checks need from the live PSA (its contracts, billing items and
// accounts) and applies the rules of domain/billingChecks.ts to an integration's mappings. Used by the planner before it
// reads any usage, by `kmsp doctor` and by `kmsp config validate --online` / `config import`.
import { accountProblem, contractProblem, itemProblems, priceLevelProblem, readinessProblem, skipReason, type MappingProblem } from '../domain/billingChecks.js';
import type { Integration, TenantMapping } from '../domain/config.js';
import type { Psa } from '../domain/ports.js';
import { accountFieldName, billingWords, psaProfile } from '../domain/profiles/index.js';
import type { AccountBillingReadiness, BillingItem, PriceLevel, PsaAccount, PsaContract } from '../domain/types.js';

export interface PsaBillingFacts {
  contracts: Map<string, PsaContract>;
  items: Map<string, BillingItem>;
  /** Accounts by id (read once): the tenant name kmsp wrote on each, and each contract owner's name. */
  accounts(): Promise<Map<string, PsaAccount>>;
  /** The PSA's price levels by id, where it prices usage by one (read once); null: it has none. */
  priceLevels(): Promise<Map<string, PriceLevel> | null>;
  /** Whether the PSA takes usage for each account, where it sets conditions of its own; an empty map: it sets none. */
  readiness(accountIds: readonly string[]): Promise<Map<string, AccountBillingReadiness>>;
}

/** The PSA facts the checks of `integration` need, read once. */
export async function readBillingFacts(psa: Psa, integration: Integration): Promise<PsaBillingFacts> {
  const [contracts, items] = await Promise.all([psa.listContracts(), psa.listBillingItems()]);
  // The check reads the tenant-name field of billed accounts only (checkMappings).
  const billed = [...new Set(integration.tenants.filter((m) => skipReason(m) === null).map((m) => m.accountId!))];
  return billingFacts(contracts, items, () => psa.listAccounts({ customFieldsOf: billed }), psa);
}

/** Facts from lists already read (doctor reads them for its own counts); price levels and readiness are asked of `psa` when needed. */
export function billingFacts(
  contracts: readonly PsaContract[],
  items: readonly BillingItem[],
  accounts: () => Promise<readonly PsaAccount[]>,
  psa?: Pick<Psa, 'listPriceLevels' | 'billingReadiness'>,
): PsaBillingFacts {
  let byId: Promise<Map<string, PsaAccount>> | null = null;
  let levels: Promise<Map<string, PriceLevel> | null> | null = null;
  return {
    contracts: new Map(contracts.map((c) => [c.id, c])),
    items: new Map(items.map((i) => [i.id, i])),
    accounts: () => (byId ??= accounts().then((list) => new Map(list.map((a) => [a.id, a])))),
    priceLevels: () => (levels ??= psa?.listPriceLevels ? psa.listPriceLevels().then((list) => new Map(list.map((l) => [l.id, l]))) : Promise.resolve(null)),
    readiness: async (accountIds) => {
      if (!psa?.billingReadiness || accountIds.length === 0) return new Map();
      return new Map((await psa.billingReadiness(accountIds)).map((r) => [r.accountId, r]));
    },
  };
}

/** Every problem of a check as one list: items first (they concern every tenant), then tenants. */
export function mappingProblems(result: MappingCheckResult): MappingProblem[] {
  return [...result.items.values(), ...result.tenants.map((t) => t.problem)];
}

export interface MappingCheckResult {
  /** Billed tenants (billing on, with a contract) whose contract cannot take their usage. */
  tenants: Array<{ mapping: TenantMapping; problem: MappingProblem }>;
  /** Chosen billing items that are missing or inactive, by item id. */
  items: Map<string, MappingProblem>;
}

/** The checks of every billed tenant of `integration` on `date` (YYYY-MM-DD). */
export async function checkMappings(integration: Integration, facts: PsaBillingFacts, date: string): Promise<MappingCheckResult> {
  const billed = integration.tenants.filter((m) => skipReason(m) === null);
  const accounts = billed.length > 0 ? await facts.accounts() : new Map<string, PsaAccount>();
  const field = accountFieldName(integration.psa);
  const words = billingWords(integration.psa.kind);
  const levelWords = psaProfile(integration.psa.kind).posting.priceLevel;
  const levels = levelWords && billed.length > 0 ? await facts.priceLevels() : null;
  const readiness = await facts.readiness([...new Set(billed.map((m) => m.accountId!))]);
  const tenants: MappingCheckResult['tenants'] = [];
  for (const mapping of billed) {
    const problem =
      contractProblem(mapping, facts.contracts.get(mapping.contractId!), date, (id) => accounts.get(id)?.name, words) ??
      accountProblem(mapping, accounts.get(mapping.accountId!), field, words) ??
      priceLevelProblem(mapping, levels, levelWords, words) ??
      readinessProblem(mapping, readiness.get(mapping.accountId!), words);
    if (problem) tenants.push({ mapping, problem });
  }
  return { tenants, items: itemProblems(integration.billing, [...facts.items.values()], words) };
}

/** A problem of the check placed on the config path it concerns, as `kmsp config validate` lists problems. */
export interface PlacedProblem {
  path: string;
  message: string;
}

const words = (p: MappingProblem): string => `${p.message}. Cause: ${p.cause}. Remedy: ${p.remedy}`;

/** The check's problems with the config path of the mapping or settings row each concerns (`index`: the integration's place in the config). */
export function placeProblems(integration: Integration, index: number, result: MappingCheckResult): PlacedProblem[] {
  const at = `integrations[${index}]`;
  const out: PlacedProblem[] = [];
  for (const [itemId, problem] of result.items) {
    let where = `${at}.billing`;
    integration.billing.applications.some((row, k) =>
      (['single', 'workstation', 'server', 'nonWindows'] as const).some((field) => {
        if (row[field]?.value !== itemId) return false;
        where = `${at}.billing.applications[${k}].${field}`;
        return true;
      }),
    );
    out.push({ path: where, message: words(problem) });
  }
  for (const { mapping, problem } of result.tenants) {
    out.push({ path: `${at}.tenants[${integration.tenants.indexOf(mapping)}].${problem.field ?? 'contractId'}`, message: words(problem) });
  }
  return out;
}
