// Checks a tenant's billing mapping against what the PSA holds now, before money is written
// into it. A hand-edited or stale config can name another customer's contract, a contract that
// does not take usage postings, one that ended, or a billing item that was deleted or retired:
// each would post to the wrong place or fail half-way. Pure: the caller reads the PSA's
// contracts and billing items and passes them in. The billing run, the preview, `kmsp doctor`,
// `kmsp config validate --online` and the console's Accounts tab use these same rules.
import type { BillingSettings, PsaChoice, TenantMapping } from './config.js';
import type { PostingPolicy, PriceLevelWords, PsaWords } from './profiles/types.js';
import type { AccountBillingReadiness, BillingItem, PriceLevel, PsaAccount, PsaContract } from './types.js';

/** The PSA's words the messages use (its profile's), and which contracts take usage. */
export interface BillingWords {
  words: Pick<PsaWords, 'account' | 'contract' | 'billableContract' | 'billingItem' | 'tabs'>;
  billableRule: PostingPolicy['billableRule'];
}

/** Words of no PSA in particular, for callers that have no profile at hand. */
export const NEUTRAL_BILLING_WORDS: BillingWords = {
  words: { account: 'account', contract: 'contract', billableContract: 'recurring service contract', billingItem: 'billing item', tabs: { accounts: 'Accounts', billingItems: 'Services', ticketing: 'Ticketing' } },
  billableRule: 'a recurring service contract',
};

const cap = (word: string): string => word.charAt(0).toUpperCase() + word.slice(1);
const article = (word: string): string => `${/^[aeiou]/iu.test(word) ? 'an' : 'a'} ${word}`;

/** Why a mapping cannot be billed: what, why, what to do. */
export interface MappingProblem {
  message: string;
  cause: string;
  remedy: string;
  /** The mapping field it concerns, where not the contract (config validate places it there). */
  field?: 'priceLevelId';
}

/** Why a mapped tenant is not billed at all, before any check against the PSA (null: it is billed), in the PSA's words. */
export function skipReason(m: TenantMapping, { words }: Pick<BillingWords, 'words'> = NEUTRAL_BILLING_WORDS): string | null {
  if (!m.accountId) return `not mapped to ${article(words.account)}`;
  if (!m.billing) return 'billing is off';
  if (!m.contractId) return `no ${words.contract} chosen`;
  return null;
}

const quoted = (name: string | null | undefined, id: string): string => (name ? `“${name}” (${id})` : id);

/**
 * The first reason the mapped contract cannot take this tenant's usage on `today`
 * (YYYY-MM-DD), or null when it can. `accountName` names the contract's real owner when it
 * is not the mapped account (undefined when unknown).
 */
export function contractProblem(
  mapping: TenantMapping,
  contract: PsaContract | undefined,
  today: string,
  accountName: (accountId: string) => string | undefined = () => undefined,
  { words, billableRule }: BillingWords = NEUTRAL_BILLING_WORDS,
): MappingProblem | null {
  if (!mapping.contractId || !mapping.accountId) return null;
  const account = quoted(mapping.accountName, mapping.accountId);
  const tenant = `“${mapping.tenantName}”`;
  const Contract = cap(words.contract);
  const choose = `On the ${words.tabs.accounts} tab, choose ${article(words.contract)} of ${account} for ${tenant} again (or turn its billing off).`;
  if (!contract) {
    return {
      message: `${Contract} ${quoted(mapping.contractName, mapping.contractId)} of ${tenant} does not exist in the PSA; billing skips this tenant`,
      cause: `the ${words.contract} was deleted, or the ${words.contract} id in the configuration is wrong`,
      remedy: choose,
    };
  }
  const name = quoted(contract.name, contract.id);
  if (contract.accountId !== mapping.accountId) {
    const owner = quoted(accountName(contract.accountId), contract.accountId);
    return {
      message: `${Contract} ${name} belongs to ${owner}, not to ${account} mapped to ${tenant}; billing skips this tenant`,
      cause: `posting ${tenant}'s usage there would bill another customer`,
      remedy: choose,
    };
  }
  if (!contract.recurring) {
    return {
      message: `${Contract} ${name} of ${account} is ${article(contract.typeLabel || 'non-recurring')} ${words.contract}, which takes no usage postings; billing skips ${tenant}`,
      cause: `license usage is posted only to ${billableRule}`,
      remedy: `Choose ${article(words.billableContract)} of ${account} on the ${words.tabs.accounts} tab, or create one in the PSA.`,
    };
  }
  if (!contract.active) {
    return {
      message: `${Contract} ${name} of ${account} is not active; billing skips ${tenant}`,
      cause: `the ${words.contract} is inactive in the PSA`,
      remedy: `Activate the ${words.contract} in the PSA, or choose an active ${words.contract} of ${account} on the ${words.tabs.accounts} tab.`,
    };
  }
  const starts = contract.startDate;
  const ends = contract.endDate;
  if ((starts && starts > today) || (ends && ends < today)) {
    return {
      message: `${Contract} ${name} of ${account} runs ${starts ?? '…'} to ${ends ?? '…'}, which does not include ${today}; billing skips ${tenant}`,
      cause: starts && starts > today ? `the ${words.contract} has not started yet` : `the ${words.contract} has ended`,
      remedy: `Renew or extend the ${words.contract} in the PSA, or choose the ${words.contract} of ${account} that runs today on the ${words.tabs.accounts} tab.`,
    };
  }
  return null;
}

/**
 * The account's own word on whom it belongs to: kmsp writes the tenant's name into the
 * account's tenant-name field when a mapping is saved. A field that names another tenant means
 * the configuration or the field was edited by hand — a config that points a tenant at another
 * customer's account and contract would pass every contract check. Null when the field is empty
 * or absent (never written, or the PSA has no such field: nothing to compare).
 */
export function accountProblem(mapping: TenantMapping, account: PsaAccount | undefined, field: string, { words }: BillingWords = NEUTRAL_BILLING_WORDS): MappingProblem | null {
  if (!mapping.accountId) return null;
  const tenant = `“${mapping.tenantName}”`;
  if (!account) {
    return {
      message: `${cap(words.account)} ${quoted(mapping.accountName, mapping.accountId)} mapped to ${tenant} does not exist in the PSA; billing skips this tenant`,
      cause: `the ${words.account} was deleted or merged, or the ${words.account} id in the configuration is wrong`,
      remedy: `On the ${words.tabs.accounts} tab, map ${tenant} to its ${words.account} again (or turn its billing off).`,
    };
  }
  const written = account.customFields[field]?.trim();
  if (!written || sameTenantName(written, mapping.tenantName)) return null;
  return {
    message: `${cap(words.account)} ${quoted(account.name, account.id)} says in its “${field}” field that it belongs to “${written}”, not to ${tenant} mapped to it; billing skips ${tenant}`,
    cause: `the mapping and the tenant name kmsp wrote on the ${words.account} disagree: one of them was edited by hand, and billing ${tenant} there could bill another customer`,
    remedy: `If ${tenant} really is this customer, map it again on the ${words.tabs.accounts} tab and save (the field is rewritten); otherwise choose ${tenant}'s own ${words.account}.`,
  };
}

/**
 * Where the PSA prices usage at a price level chosen per account (`levelWords`, the profile's
 * posting.priceLevel): none chosen, or one the PSA no longer has (`levels`, its live list; null
 * when not read). Null when the PSA has no price levels or the chosen one exists.
 */
export function priceLevelProblem(
  mapping: TenantMapping,
  levels: ReadonlyMap<string, PriceLevel> | null,
  levelWords: PriceLevelWords | undefined,
  { words }: Pick<BillingWords, 'words'> = NEUTRAL_BILLING_WORDS,
): MappingProblem | null {
  if (!levelWords) return null;
  const tenant = `“${mapping.tenantName}”`;
  const word = levelWords.word;
  if (!mapping.priceLevelId) {
    return {
      field: 'priceLevelId',
      message: `${tenant} has billing on but no ${word} is chosen; billing skips this tenant`,
      cause: `the ${words.account}'s usage is priced at the ${word} chosen for it, and none is`,
      remedy: `On the ${words.tabs.accounts} tab, choose a ${word} for ${tenant} (or turn its billing off).`,
    };
  }
  if (levels && !levels.has(mapping.priceLevelId)) {
    return {
      field: 'priceLevelId',
      message: `${cap(word)} ${quoted(mapping.priceLevelName, mapping.priceLevelId)} chosen for ${tenant} does not exist in the PSA; billing skips this tenant`,
      cause: `the ${word} was deleted or renumbered in the PSA`,
      remedy: `On the ${words.tabs.accounts} tab, choose one of the PSA's ${levelWords.words} for ${tenant}.`,
    };
  }
  return null;
}

/** The PSA's own refusal to take usage for the account (readiness from the PSA; undefined: not asked, or ready). */
export function readinessProblem(mapping: TenantMapping, readiness: AccountBillingReadiness | undefined, { words }: Pick<BillingWords, 'words'> = NEUTRAL_BILLING_WORDS): MappingProblem | null {
  if (!readiness || readiness.ready) return null;
  return {
    message: `${cap(words.account)} ${quoted(mapping.accountName, mapping.accountId ?? '')} of “${mapping.tenantName}” cannot take usage postings yet; billing skips this tenant`,
    cause: readiness.problem ?? `the PSA does not accept usage for this ${words.account}`,
    remedy: readiness.remedy ?? `Check the ${words.account} in the PSA.`,
  };
}

/** The field may hold the name cut to the PSA's field length, and differ in case or spacing. */
function sameTenantName(written: string, tenantName: string): boolean {
  const a = written.toLowerCase().replace(/\s+/g, ' ');
  const b = tenantName.trim().toLowerCase().replace(/\s+/g, ' ');
  return a === b || (a.length >= 20 && b.startsWith(a));
}

/** A billing item chosen in the settings, with the application row that chose it. */
export interface ChosenItem {
  choice: PsaChoice;
  applicationName: string;
}

/**
 * Every billing item the settings bill with (each once, with the first application that chose
 * it), as the plan uses them (billingPlan.ts rowSources): without categories, a row's single
 * item; with categories, its category items, or its single item when it has none (a per-user or
 * mailbox application). An item left in a slot the plan does not use is not judged.
 */
export function chosenItems(billing: BillingSettings): ChosenItem[] {
  const out = new Map<string, ChosenItem>();
  for (const row of billing.applications) {
    const categories = [row.workstation, row.server, row.nonWindows].filter((c) => c !== null);
    const used = billing.byCategory && categories.length > 0 ? categories : [row.single];
    for (const choice of used) {
      if (choice && !out.has(choice.value)) out.set(choice.value, { choice, applicationName: row.applicationName });
    }
  }
  return [...out.values()];
}

/** Chosen billing items the PSA does not have, or has as inactive, by item id. */
export function itemProblems(billing: BillingSettings, items: readonly BillingItem[], { words }: BillingWords = NEUTRAL_BILLING_WORDS): Map<string, MappingProblem> {
  const byId = new Map(items.map((i) => [i.id, i]));
  const problems = new Map<string, MappingProblem>();
  const Item = cap(words.billingItem);
  for (const { choice, applicationName } of chosenItems(billing)) {
    const live = byId.get(choice.value);
    const remedy = `On the ${words.tabs.billingItems} tab, choose an active ${words.billingItem} for “${applicationName}”.`;
    if (!live) {
      problems.set(choice.value, {
        message: `${Item} ${quoted(choice.label, choice.value)} chosen for “${applicationName}” does not exist in the PSA`,
        cause: 'it was deleted, or the id in the configuration is wrong',
        remedy,
      });
    } else if (!live.active) {
      problems.set(choice.value, {
        message: `${Item} ${quoted(live.name, live.id)} chosen for “${applicationName}” is inactive in the PSA`,
        cause: 'an inactive item cannot be billed',
        remedy: `${remedy} Or make the item active again in the PSA.`,
      });
    }
  }
  return problems;
}

/**
 * The item problem that stops a contract's billing: the first line that would post to, or
 * holds units on, a missing or inactive item. A line at 0 → 0 on such an item touches nothing
 * and does not stop the others.
 */
export function blockingItemProblem(
  lines: ReadonlyArray<{ billingItemId: string; before: number; after: number }>,
  problems: ReadonlyMap<string, MappingProblem>,
  tenantName: string,
): MappingProblem | null {
  for (const line of lines) {
    const problem = problems.get(line.billingItemId);
    if (problem && (line.before !== 0 || line.after !== 0)) {
      return { ...problem, message: `${problem.message}; billing skips “${tenantName}”, which would use it (${line.before} → ${line.after})` };
    }
  }
  return null;
}
