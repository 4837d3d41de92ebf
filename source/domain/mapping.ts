// Mapping help (README › Words; The console, Accounts): name normalisation, mapping suggestions the admin confirms,
// and drift detection between the saved mappings and what the platform and the PSA say now.
//
// Pure: no I/O. Everything here is data in, data out, so the console can call it on every
// render and the tests can pin every rule.
import { contractProblem } from './billingChecks.js';
import type { TenantMapping } from './config.js';
import { billingWords, platformProfile, psaProfile } from './profiles/index.js';
import type { PriceLevel, PsaAccount, PsaContract, Tenant } from './types.js';

// ------------------------------------------------------------------ vocabulary
// From the vendor profiles (README › Words); without a kind, words of no vendor in particular.

/** The PSA's own word for an account, with the PSA's name: "Autotask account", "ConnectWise company". */
export function psaAccountWord(kind?: string): string {
  if (!kind) return 'PSA account';
  const words = psaProfile(kind).words;
  return `${words.short} ${words.account}`;
}

/** The PSA's word for a contract: Autotask "contract", ConnectWise "agreement". */
export function psaContractWord(kind?: string): string {
  return kind ? psaProfile(kind).words.contract : 'contract';
}

/** The kind of contract usage can be posted to, as the PSA calls it. */
export function recurringContractWord(kind?: string): string {
  return kind ? psaProfile(kind).words.billableContract : 'recurring service contract';
}

function tenantWordOf(kind?: string): string {
  return kind ? platformProfile(kind).words.tenant : 'tenant';
}

function platformNameOf(kind?: string): string {
  return kind ? platformProfile(kind).words.name : 'the platform';
}

/** "an Autotask account", "a ConnectWise company", "an agreement": the article English wants. */
export function withArticle(word: string): string {
  return `${/^[aeiou]/iu.test(word) ? 'an' : 'a'} ${word}`;
}

/** A name in typographic quotes, as every console message shows names; an empty name stays visible. */
export function quoteName(name: string | null | undefined, fallbackId?: string): string {
  const shown = name?.trim() ? name : fallbackId ? `(unnamed, id ${fallbackId})` : '(unnamed)';
  return `“${shown}”`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}

// ------------------------------------------------------------------ normalisation

/**
 * Letters that Unicode decomposition does not reduce to a base letter plus marks,
 * folded the way people type them on an English keyboard ("Ørsted" → "orsted").
 */
const SPECIAL_LETTERS: Record<string, string> = {
  ß: 'ss',
  ẞ: 'ss',
  æ: 'ae',
  Æ: 'ae',
  œ: 'oe',
  Œ: 'oe',
  ø: 'o',
  Ø: 'o',
  đ: 'd',
  Đ: 'd',
  ð: 'd',
  Ð: 'd',
  ł: 'l',
  Ł: 'l',
  þ: 'th',
  Þ: 'th',
  ı: 'i',
  ς: 'σ',
};
const SPECIAL_LETTER_RE = new RegExp(`[${Object.keys(SPECIAL_LETTERS).join('')}]`, 'gu');

/**
 * Trailing legal-form words dropped by {@link normaliseName}, as normalised word sequences
 * (dots are already gone, so "L.L.C." is "llc" and "Pty. Ltd." is "pty ltd").
 *
 * Deliberately NOT here: "Group", "Holdings", "Services", "Labs" and other descriptive words.
 * "Bluebird Dental" and "Bluebird Dental Group" are probably, not certainly, the same customer
 * (a group may own several practices), so they meet as a `partial` suggestion instead of an
 * equal normalised name. Also not here: ambiguous short words that are often part of a real
 * name ("PC" as in a computer shop, "SE" as in south-east).
 */
export const LEGAL_SUFFIXES: readonly string[] = [
  // English-speaking countries
  'ltd',
  'limited',
  'inc',
  'incorporated',
  'llc',
  'pllc',
  'llp',
  'lp',
  'plc',
  'co',
  'company',
  'corp',
  'corporation',
  'pty',
  'pte',
  'pvt',
  'private limited',
  'proprietary limited',
  'limited liability company',
  'limited liability partnership',
  'limited partnership',
  'and co',
  'and company',
  // German-speaking countries
  'gmbh',
  'ag',
  'kg',
  'ohg',
  'ug',
  'ev',
  // Romance languages, Benelux, Nordics, Central Europe
  'sa',
  'sas',
  'sarl',
  'srl',
  'spa',
  'sl',
  'lda',
  'bv',
  'nv',
  'ab',
  'as',
  'a s',
  'asa',
  'aps',
  'oy',
  'oyj',
  'sro',
  'sp z oo',
];

const SUFFIX_WORDS: readonly (readonly string[])[] = LEGAL_SUFFIXES.map((s) => s.split(' ')).sort((a, b) => b.length - a.length);

/** Removes every trailing legal suffix ("GmbH & Co. KG" is three), never the last remaining word. */
function dropLegalSuffixes(words: string[]): string[] {
  const out = [...words];
  for (;;) {
    const hit = SUFFIX_WORDS.find((suffix) => suffix.length < out.length && suffix.every((w, i) => out[out.length - suffix.length + i] === w));
    if (!hit) return out;
    out.length -= hit.length;
  }
}

/**
 * Folds diacritics and compatibility forms: "Zürich" → "Zurich", fullwidth "ＡＢＣ" → "ABC",
 * "İstanbul" → "Istanbul". Trademark signs are removed rather than spelled out ("™" would become "TM").
 */
export function foldDiacritics(text: string): string {
  return text
    .replace(/[™®©℠℗]/gu, '')
    .normalize('NFKD')
    .replace(/\p{M}+/gu, '')
    .replace(SPECIAL_LETTER_RE, (c) => SPECIAL_LETTERS[c] ?? c);
}

/**
 * The "same name apart from letter case and spacing" key: the `exact` confidence level.
 * "Fairview Clinic" and "FAIRVIEW  CLINIC" share it; "Maple & Oak" and "Maple and Oak" do not.
 */
export function exactKey(name: string): string {
  return name.normalize('NFC').toLowerCase().replace(/\s+/gu, ' ').trim();
}

/**
 * A company name reduced to what identifies the company, so that the spellings a PSA and a
 * security platform drift into compare equal (mapping help, README › The console, Accounts):
 * - case-folded, diacritics and compatibility forms folded ("Müller" = "Muller");
 * - "&" and "+" read as "and" ("Acme & Sons" = "Acme and Sons");
 * - apostrophes and dots join ("O'Brien" = "OBrien", "A.B.C." = "ABC", "Inc." = "Inc"),
 *   any other punctuation or symbol separates words, spaces collapse;
 * - a leading "The" is dropped ("The Acme Group" = "Acme Group");
 * - trailing legal suffixes of {@link LEGAL_SUFFIXES} are dropped, repeatedly
 *   ("Acme Pty. Ltd." = "Acme"), but never the only word ("Company Ltd" → "company").
 * The result is lower-case words separated by single spaces; "" for a name with no letters or digits.
 */
export function normaliseName(name: string): string {
  const text = foldDiacritics(name)
    .toLowerCase()
    .replace(/[&+]/gu, ' and ')
    .replace(/['’‘`´ʼ.]/gu, '')
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  if (!text) return '';
  let words = text.split(' ');
  if (words[0] === 'the' && words.length > 1) words = words.slice(1);
  return dropLegalSuffixes(words).join(' ');
}

// ------------------------------------------------------------------ suggestions

/** How sure a suggestion is, strongest first. The console shows it; the admin decides. */
export type Confidence = 'exact' | 'normalised' | 'partial';

export const CONFIDENCE_ORDER: readonly Confidence[] = ['exact', 'normalised', 'partial'];

export const CONFIDENCE_LABELS: Record<Confidence, string> = {
  exact: 'Exact',
  normalised: 'Normalised',
  partial: 'Partial',
};

/** A proposed tenant → PSA account link. Never applied until the admin accepts it (accountsDraft.ts). */
export interface MappingSuggestion {
  tenantId: string;
  tenantName: string;
  accountId: string;
  accountName: string;
  confidence: Confidence;
  /** Why this account, in the admin's terms. */
  reason: string;
}

/**
 * Why an unmapped tenant got no suggestion:
 * - `no-match`: no account name is close enough;
 * - `unnamed`: the tenant's name has no letters or digits to compare;
 * - `ambiguous`: several accounts match it equally well;
 * - `contested`: its best account matches another tenant equally well;
 * - `outranked`: its best accounts match other tenants better;
 * - `already-mapped`: its only matches are mapped to other tenants already;
 * - `inactive`: its only matches are inactive accounts (never suggested).
 */
export type NoSuggestionReason = 'no-match' | 'unnamed' | 'ambiguous' | 'contested' | 'outranked' | 'already-mapped' | 'inactive';

export interface AccountRef {
  accountId: string;
  accountName: string;
}

export interface NoSuggestion {
  tenantId: string;
  tenantName: string;
  reason: NoSuggestionReason;
  /** Display text, naming the accounts or tenants involved. */
  message: string;
  /** The accounts it was torn between or lost (empty for no-match and unnamed). */
  candidates: AccountRef[];
}

export interface SuggestionResult {
  /** At most one per unmapped tenant, in the order of the tenants given. */
  suggestions: MappingSuggestion[];
  /** Every other unmapped tenant, with the reason, in the order of the tenants given. */
  unmatched: NoSuggestion[];
}

export interface SuggestOptions {
  /** Wording of messages: the PSA's kind (absent: words of no PSA in particular). */
  psa?: string;
}

/**
 * Partial matches need a distinctive shorter name: two words, or one word of at least
 * this many characters. "Acme" may be "Acme Plumbing"; "ABC" is too short to guess from.
 */
export const PARTIAL_MIN_SINGLE_WORD = 4;

interface Named {
  exact: string;
  words: string[];
  normal: string;
}

// Names are normalised once each: the console computes suggestions again after every
// mapping edit, with the same 10,000 tenant and account names. Named values are never
// mutated. The cache is dropped whole when it grows past a few lists' worth.
const NAMED_CACHE_LIMIT = 100_000;
const namedCache = new Map<string, Named>();

function named(name: string): Named {
  let hit = namedCache.get(name);
  if (hit === undefined) {
    const normal = normaliseName(name);
    hit = { exact: exactKey(name), normal, words: normal ? normal.split(' ') : [] };
    if (namedCache.size >= NAMED_CACHE_LIMIT) namedCache.clear();
    namedCache.set(name, hit);
  }
  return hit;
}

/** True when the shorter name's words are the leading words of the longer name ("bluebird dental" / "bluebird dental group"). */
function isWordPrefix(a: readonly string[], b: readonly string[]): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  if (short.length === 0 || short.length === long.length) return false;
  if (short.length === 1 && (short[0] ?? '').length < PARTIAL_MIN_SINGLE_WORD) return false;
  return short.every((w, i) => long[i] === w);
}

function matchLevel(t: Named, a: Named): Confidence | null {
  if (!t.normal || !a.normal) return null;
  if (t.exact === a.exact) return 'exact';
  if (t.normal === a.normal) return 'normalised';
  if (isWordPrefix(t.words, a.words)) return 'partial';
  return null;
}

interface Edge {
  account: PsaAccount;
  level: Confidence;
}

function ref(a: PsaAccount): AccountRef {
  return { accountId: a.id, accountName: a.name };
}

/** Names of accounts for a message; ids are added when two accounts share a name. */
function accountList(accounts: readonly PsaAccount[]): string {
  const counts = new Map<string, number>();
  for (const a of accounts) counts.set(a.name, (counts.get(a.name) ?? 0) + 1);
  return accounts.map((a) => ((counts.get(a.name) ?? 0) > 1 ? `${quoteName(a.name)} (id ${a.id})` : quoteName(a.name, a.id))).join(', ');
}

function suggestionReason(level: Confidence, tenant: Tenant, account: PsaAccount): string {
  return level === 'exact'
      ? 'Same name apart from letter case and spacing.'
      : level === 'normalised'
        ? 'Same name once case, “&”/“and”, punctuation, accents and legal suffixes (Ltd, Inc, GmbH…) are ignored.'
        : (() => {
            const t = named(tenant.name).words.length;
            const a = named(account.name).words.length;
            return t < a
              ? `${quoteName(tenant.name)} is the start of ${quoteName(account.name)}; check it is the same customer.`
              : `${quoteName(account.name)} is the start of ${quoteName(tenant.name)}; check it is the same customer.`;
          })();
}

interface AccountIndex {
  /** What the index was built from, to check it still holds (the list may be the same array, changed). */
  readonly objects: readonly PsaAccount[];
  readonly ids: readonly string[];
  readonly names: readonly string[];
  /** Accounts with a name to compare, first of each id, in list order. */
  readonly indexed: readonly { account: PsaAccount; name: Named }[];
  readonly byExact: ReadonlyMap<string, readonly number[]>;
  readonly byNormal: ReadonlyMap<string, readonly number[]>;
  /** Proper leading word runs of each account's name ("a b c" → "a", "a b"): the tenant is the shorter name. */
  readonly byLeadingWords: ReadonlyMap<string, readonly number[]>;
}

let lastAccountIndex: AccountIndex | null = null;

/**
 * A tenant is compared with the accounts that share its first normalised word (every
 * match does). Comparing it with all of them is slow when many names share a first
 * word ("Acme …" × 1,000), so accounts are indexed by exact key, normalised name and
 * each leading run of words: a tenant looks up only the accounts that can match it,
 * and they are visited in the same order as before (the order of `accounts`).
 * The console computes suggestions again after every mapping edit with the same list:
 * the index of the last list is reused while every entry is the same object with the
 * same id and name.
 */
function accountIndex(accounts: readonly PsaAccount[]): AccountIndex {
  const last = lastAccountIndex;
  if (last && last.objects.length === accounts.length && accounts.every((a, i) => a === last.objects[i] && a.id === last.ids[i] && a.name === last.names[i])) return last;
  const seenAccounts = new Set<string>();
  const indexed: { account: PsaAccount; name: Named }[] = [];
  const byExact = new Map<string, number[]>();
  const byNormal = new Map<string, number[]>();
  const byLeadingWords = new Map<string, number[]>();
  const add = (index: Map<string, number[]>, key: string, i: number) => {
    const list = index.get(key);
    if (list) list.push(i);
    else index.set(key, [i]);
  };
  for (const account of accounts) {
    if (seenAccounts.has(account.id)) continue;
    seenAccounts.add(account.id);
    const n = named(account.name);
    if (n.words[0] === undefined) continue;
    const i = indexed.length;
    indexed.push({ account, name: n });
    add(byExact, n.exact, i);
    add(byNormal, n.normal, i);
    let lead = '';
    for (let k = 0; k < n.words.length - 1; k++) {
      lead = k === 0 ? n.words[0]! : `${lead} ${n.words[k]!}`;
      add(byLeadingWords, lead, i);
    }
  }
  lastAccountIndex = { objects: [...accounts], ids: accounts.map((a) => a.id), names: accounts.map((a) => a.name), indexed, byExact, byNormal, byLeadingWords };
  return lastAccountIndex;
}

/**
 * Suggests a PSA account for each unmapped tenant (README › Words: suggestions the admin confirms,
 * never automatic).
 *
 * `current` must hold every mapping that makes an account unavailable: the draft rows of this
 * integration and the mappings of other integrations connected to the same PSA. A tenant is
 * unmapped when no mapping in `current` gives it an account.
 *
 * Rules, chosen so a suggestion is never a coin toss:
 * 1. A pair's confidence is the strongest of `exact` (same name apart from case and spacing),
 *    `normalised` (equal {@link normaliseName}) and `partial` (one normalised name's words are
 *    the leading words of the other's; see {@link PARTIAL_MIN_SINGLE_WORD}).
 * 2. Inactive accounts are never suggested, nor do they compete: the agent neither bills nor
 *    tickets them, so mapping one is the admin's own choice (the account list offers them,
 *    labelled). A tenant whose only matches are inactive is told so (`inactive`).
 * 3. Levels are settled strongest first. At a level, a tenant's candidates are its matches of
 *    that level.
 * 4. Several candidates left → `ambiguous`, no suggestion. A candidate that another tenant also
 *    claims at the same level → `contested`, no suggestion for either.
 * 5. Every account claimed at a level (suggested or contested) is out of reach at weaker levels,
 *    and a tenant settled at a level (suggested, ambiguous, contested) is not offered a weaker
 *    match: a weaker guess is not better than an honest "ambiguous".
 */
export function suggestMappings(
  tenants: readonly Tenant[],
  accounts: readonly PsaAccount[],
  current: readonly TenantMapping[],
  options: SuggestOptions = {},
): SuggestionResult {
  const word = psaAccountWord(options.psa);
  const mappedTenants = new Set(current.filter((m) => m.accountId !== null).map((m) => m.tenantId));
  const mappedAccounts = new Map<string, string>();
  for (const m of current) if (m.accountId !== null) mappedAccounts.set(m.accountId, m.tenantName);

  const { indexed, byExact, byNormal, byLeadingWords } = accountIndex(accounts);
  /** Indexes (in account order) of the accounts sharing the tenant's first word that can match it at any level. */
  const candidates = (t: Named): number[] => {
    const found = new Set<number>();
    const take = (list: readonly number[] | undefined) => {
      if (list) for (const i of list) found.add(i);
    };
    take(byExact.get(t.exact));
    take(byNormal.get(t.normal));
    take(byLeadingWords.get(t.normal)); // the tenant's words lead the account's
    let lead = '';
    for (let k = 0; k < t.words.length - 1; k++) {
      lead = k === 0 ? t.words[0]! : `${lead} ${t.words[k]!}`;
      take(byNormal.get(lead)); // the account's words lead the tenant's
    }
    const first = t.words[0];
    return [...found].filter((i) => indexed[i]!.name.words[0] === first).sort((a, b) => a - b);
  };

  const open: { tenant: Tenant; edges: Edge[]; blocked: PsaAccount[]; inactive: PsaAccount[] }[] = [];
  const unmatched = new Map<string, NoSuggestion>();
  const seenTenants = new Set<string>();
  for (const tenant of tenants) {
    if (mappedTenants.has(tenant.id) || seenTenants.has(tenant.id)) continue;
    seenTenants.add(tenant.id);
    const t = named(tenant.name);
    if (!t.normal) {
      unmatched.set(tenant.id, {
        tenantId: tenant.id,
        tenantName: tenant.name,
        reason: 'unnamed',
        message: `${quoteName(tenant.name, tenant.id)} has no name to compare.`,
        candidates: [],
      });
      continue;
    }
    const edges: Edge[] = [];
    const blocked: PsaAccount[] = [];
    const inactive: PsaAccount[] = [];
    for (const i of candidates(t)) {
      const { account, name } = indexed[i]!;
      const level = matchLevel(t, name);
      if (!level) continue;
      if (mappedAccounts.has(account.id)) blocked.push(account);
      else if (!account.active) inactive.push(account);
      else edges.push({ account, level });
    }
    open.push({ tenant, edges, blocked, inactive });
  }

  const suggestions = new Map<string, MappingSuggestion>();
  const settled = new Set<string>();
  /** Account id → names of tenants that claimed it at a stronger level. */
  const claimedBy = new Map<string, string[]>();

  for (const level of CONFIDENCE_ORDER) {
    const pools = new Map<string, Edge[]>();
    for (const { tenant, edges } of open) {
      if (settled.has(tenant.id)) continue;
      const atLevel = edges.filter((e) => e.level === level && !claimedBy.has(e.account.id));
      if (atLevel.length > 0) pools.set(tenant.id, atLevel);
    }
    const claimants = new Map<string, Tenant[]>();
    for (const { tenant } of open) {
      for (const e of pools.get(tenant.id) ?? []) {
        const list = claimants.get(e.account.id) ?? [];
        list.push(tenant);
        claimants.set(e.account.id, list);
      }
    }
    for (const { tenant } of open) {
      const pool = pools.get(tenant.id);
      if (!pool) continue;
      settled.add(tenant.id);
      const accountsInPool = pool.map((e) => e.account);
      if (pool.length > 1) {
        unmatched.set(tenant.id, {
          tenantId: tenant.id,
          tenantName: tenant.name,
          reason: 'ambiguous',
          message: `${pool.length} ${word}s match ${quoteName(tenant.name)} equally well (${CONFIDENCE_LABELS[level].toLowerCase()}): ${accountList(accountsInPool)}. Choose one yourself.`,
          candidates: accountsInPool.map(ref),
        });
        continue;
      }
      const only = pool[0] as Edge;
      const rivals = (claimants.get(only.account.id) ?? []).filter((t) => t.id !== tenant.id);
      if (rivals.length > 0) {
        unmatched.set(tenant.id, {
          tenantId: tenant.id,
          tenantName: tenant.name,
          reason: 'contested',
          message: `${quoteName(only.account.name, only.account.id)} matches ${quoteName(tenant.name)} and ${rivals
            .map((t) => quoteName(t.name, t.id))
            .join(', ')} equally well. Choose yourself.`,
          candidates: [ref(only.account)],
        });
        continue;
      }
      suggestions.set(tenant.id, {
        tenantId: tenant.id,
        tenantName: tenant.name,
        accountId: only.account.id,
        accountName: only.account.name,
        confidence: level,
        reason: suggestionReason(level, tenant, only.account),
      });
    }
    for (const [accountId, list] of claimants) claimedBy.set(accountId, list.map((t) => t.name));
  }

  // Tenants never settled: their matches were all taken, by mappings or by better claims.
  for (const { tenant, edges, blocked, inactive } of open) {
    if (settled.has(tenant.id)) continue;
    if (edges.length > 0) {
      const lost = edges.map((e) => e.account);
      const winners = [...new Set(lost.flatMap((a) => claimedBy.get(a.id) ?? []))];
      unmatched.set(tenant.id, {
        tenantId: tenant.id,
        tenantName: tenant.name,
        reason: 'outranked',
        message:
          lost.length === 1
            ? `The closest ${word}, ${accountList(lost)}, is a better match for ${winners.map((n) => quoteName(n)).join(', ')}.`
            : `The closest ${word}s, ${accountList(lost)}, are better matches for ${winners.map((n) => quoteName(n)).join(', ')}.`,
        candidates: lost.map(ref),
      });
    } else if (blocked.length > 0) {
      unmatched.set(tenant.id, {
        tenantId: tenant.id,
        tenantName: tenant.name,
        reason: 'already-mapped',
        message: blocked.map((a) => `${quoteName(a.name, a.id)} is already mapped to ${quoteName(mappedAccounts.get(a.id))}.`).join(' '),
        candidates: blocked.map(ref),
      });
    } else if (inactive.length > 0) {
      unmatched.set(tenant.id, {
        tenantId: tenant.id,
        tenantName: tenant.name,
        reason: 'inactive',
        message:
          inactive.length === 1
            ? `The only close ${word}, ${accountList(inactive)}, is inactive; inactive accounts are not suggested. Choose it yourself if it is the right one.`
            : `The only close ${word}s, ${accountList(inactive)}, are inactive; inactive accounts are not suggested. Choose one yourself if it is the right one.`,
        candidates: inactive.map(ref),
      });
    } else {
      unmatched.set(tenant.id, {
        tenantId: tenant.id,
        tenantName: tenant.name,
        reason: 'no-match',
        message: `No ${word} has a name close to ${quoteName(tenant.name)}.`,
        candidates: [],
      });
    }
  }

  const order = [...seenTenants];
  return {
    suggestions: order.flatMap((id) => suggestions.get(id) ?? []),
    unmatched: order.flatMap((id) => unmatched.get(id) ?? []),
  };
}

// ------------------------------------------------------------------ drift

/**
 * What changed since a mapping was saved. Severity says what it does to the agent:
 * - `error`: the mapping cannot work (tenant, account or contract gone; contract unusable) and
 *   the agent skips it;
 * - `warning`: it works partly (inactive account: no tickets; inactive contract);
 * - `info`: cosmetic (a rename), fixed by refreshing the names and saving (the PSA custom field
 *   then gets the new tenant name).
 */
export type DriftKind =
  | 'tenant-missing'
  | 'tenant-renamed'
  | 'account-missing'
  | 'account-renamed'
  | 'account-inactive'
  | 'contract-missing'
  | 'contract-inactive'
  | 'contract-unusable'
  | 'contract-out-of-period'
  | 'price-level-missing'
  | 'price-level-renamed';

export type DriftSeverity = 'error' | 'warning' | 'info';

export const DRIFT_SEVERITY: Record<DriftKind, DriftSeverity> = {
  'tenant-missing': 'error',
  'tenant-renamed': 'info',
  'account-missing': 'error',
  'account-renamed': 'info',
  'account-inactive': 'warning',
  'contract-missing': 'error',
  // Billing skips the tenant (billingChecks.ts).
  'contract-inactive': 'error',
  'contract-unusable': 'error',
  // Billing skips the tenant (billingChecks.ts), as for an unusable contract.
  'contract-out-of-period': 'error',
  // Every posting of the account carries its price level: one the PSA no longer has cannot be posted at.
  'price-level-missing': 'error',
  'price-level-renamed': 'info',
};

export interface Drift {
  tenantId: string;
  /** The tenant's name as saved in the mapping. */
  tenantName: string;
  kind: DriftKind;
  severity: DriftSeverity;
  /** Name as saved (tenant, account, contract or price level, depending on kind). */
  oldName: string | null;
  /** Name now, for renames; null otherwise. */
  newName: string | null;
  message: string;
}

export interface DriftOptions {
  /**
   * Every contract of the mapped accounts, or null/absent when not loaded: no claims about
   * contracts are made then. A partial list would produce false "contract missing" claims.
   */
  contracts?: readonly PsaContract[] | null;
  /**
   * The PSA's price levels, where it prices usage by one per account (profile posting.priceLevel);
   * null/absent when not loaded or not such a PSA: no claims about price levels are made then.
   */
  priceLevels?: readonly PriceLevel[] | null;
  /** Wording: the platform's and the PSA's kinds (absent: words of no vendor in particular). */
  platform?: string;
  psa?: string;
  /** Today (YYYY-MM-DD, the agent's time zone): a billed tenant's contract must run on it. Absent: not checked. */
  today?: string;
}

/**
 * Compares saved mappings with the live tenant, account and contract lists (README › The console, Accounts: drift
 * detection). A `null` list means that side is not loaded yet (or could not be reached), and
 * nothing is claimed about it: "missing" must mean "the platform/PSA answered and it is not
 * there", never "we did not ask". Results are in mapping order, kinds in {@link DriftKind} order.
 */
export function detectDrift(
  mappings: readonly TenantMapping[],
  tenants: readonly Tenant[] | null,
  accounts: readonly PsaAccount[] | null,
  options: DriftOptions = {},
): Drift[] {
  const { platform, psa } = options;
  const tWord = capitalise(tenantWordOf(platform));
  const aWord = psaAccountWord(psa);
  const cWord = capitalise(psaContractWord(psa));
  const tenantById = tenants ? new Map(tenants.map((t) => [t.id, t])) : null;
  const accountById = accounts ? new Map(accounts.map((a) => [a.id, a])) : null;
  const contractById = options.contracts ? new Map(options.contracts.map((c) => [c.id, c])) : null;
  const levelById = options.priceLevels ? new Map(options.priceLevels.map((l) => [l.id, l])) : null;
  const levelWord = (psa ? psaProfile(psa).posting.priceLevel?.word : undefined) ?? 'price level';

  const out: Drift[] = [];
  for (const m of mappings) {
    const push = (kind: DriftKind, oldName: string | null, newName: string | null, message: string) =>
      out.push({ tenantId: m.tenantId, tenantName: m.tenantName, kind, severity: DRIFT_SEVERITY[kind], oldName, newName, message });
    const shownTenant = quoteName(m.tenantName, m.tenantId);

    if (tenantById) {
      const t = tenantById.get(m.tenantId);
      if (!t) push('tenant-missing', m.tenantName, null, `${tWord} ${shownTenant} no longer exists in ${platformNameOf(platform)}.`);
      else if (t.name !== m.tenantName) push('tenant-renamed', m.tenantName, t.name, `${tWord} ${shownTenant} is now called ${quoteName(t.name, t.id)}.`);
    }

    let accountGone = false;
    if (m.accountId !== null && accountById) {
      const shownAccount = quoteName(m.accountName, m.accountId);
      const a = accountById.get(m.accountId);
      if (!a) {
        accountGone = true;
        push('account-missing', m.accountName, null, `${aWord} ${shownAccount} (mapped to ${shownTenant}) no longer exists.`);
      } else {
        if (m.accountName !== null && a.name !== m.accountName) {
          push('account-renamed', m.accountName, a.name, `${aWord} ${shownAccount} is now called ${quoteName(a.name, a.id)}.`);
        }
        if (!a.active) push('account-inactive', a.name, null, `${aWord} ${quoteName(a.name, a.id)} is inactive: no tickets are created for it.`);
      }
    }

    if (m.contractId !== null && m.accountId !== null && contractById && !accountGone) {
      const shownContract = quoteName(m.contractName, m.contractId);
      const c = contractById.get(m.contractId);
      if (!c) push('contract-missing', m.contractName, null, `${cWord} ${shownContract} of ${shownTenant} no longer exists.`);
      else if (c.accountId !== m.accountId) {
        push('contract-unusable', m.contractName, null, `${cWord} ${shownContract} no longer belongs to ${quoteName(m.accountName, m.accountId)}.`);
      } else if (!c.recurring) {
        push('contract-unusable', m.contractName, null, `${cWord} ${shownContract} is no longer ${withArticle(recurringContractWord(psa))}; usage cannot be posted to it.`);
      } else if (!c.active) push('contract-inactive', m.contractName, null, `${cWord} ${shownContract} of ${shownTenant} is inactive${m.billing ? '; billing skips it' : ''}.`);
      else if (m.billing && options.today) {
        // The billing run's own rule: what is left to fail here is the contract's period.
        const problem = contractProblem(m, c, options.today, undefined, psa ? billingWords(psa) : undefined);
        if (problem) push('contract-out-of-period', m.contractName, null, problem.message);
      }
    }

    const levelId = m.priceLevelId ?? null;
    if (levelId !== null && m.accountId !== null && levelById) {
      const shownLevel = quoteName(m.priceLevelName, levelId);
      const l = levelById.get(levelId);
      if (!l) push('price-level-missing', m.priceLevelName ?? null, null, `${capitalise(levelWord)} ${shownLevel} of ${shownTenant} no longer exists${m.billing ? '; choose another for billing' : ''}.`);
      else if ((m.priceLevelName ?? null) !== null && l.name !== m.priceLevelName) {
        push('price-level-renamed', m.priceLevelName ?? null, l.name, `${capitalise(levelWord)} ${shownLevel} is now called ${quoteName(l.name, l.id)}.`);
      }
    }
  }
  return out;
}

/** Drift grouped by tenant id, for row markers. */
export function driftByTenant(drifts: readonly Drift[]): Map<string, Drift[]> {
  const out = new Map<string, Drift[]>();
  for (const d of drifts) {
    const list = out.get(d.tenantId) ?? [];
    list.push(d);
    out.set(d.tenantId, list);
  }
  return out;
}
