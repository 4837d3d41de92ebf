// Reports › Unmapped accounts (README › The console, Reports): PSA accounts no tenant is mapped to, so the MSP can
// spot customers it protects but does not bill (or who should be excluded because they do not
// use Kaspersky). Pure: rows, filters, the persistent exclude mark, and the CSV/JSON exports of
// `kmsp report unmapped --format csv|json`. Table rendering lives in the console.
import { compareIds, samePsa } from './accountsDraft.js';
import type { Integration, PsaConnection } from './config.js';
import { matchesWords, queryWords, searchKey } from './search.js';
import type { PsaAccount } from './types.js';

/** One report row. The field names are the export format: do not rename them. */
export interface UnmappedRow {
  accountId: string;
  name: string;
  type: string;
  active: boolean;
  /** Marked "does not use Kaspersky". */
  excluded: boolean;
}

/** Export columns, in order: CSV header and JSON keys. */
export const UNMAPPED_FIELDS = ['accountId', 'name', 'type', 'active', 'excluded'] as const satisfies readonly (keyof UnmappedRow)[];

export interface UnmappedOptions {
  /** Account type label to keep (e.g. "Customer"), compared case-insensitively; blank = all types. */
  type?: string;
  /** Words of the account name, in any order (case- and accent-insensitive: domain/search.ts); blank = all names. */
  nameQuery?: string;
  /** Also list accounts marked excluded (with `excluded: true`). Default: hidden. */
  includeExcluded?: boolean;
  /** Only active accounts. Default: all, so an inactive account still mapped nowhere can be seen. */
  activeOnly?: boolean;
  /**
   * The PSA the accounts come from: only integrations writing to the same PSA count (their
   * mappings and exclude marks). Without it, every integration given counts.
   */
  psa?: PsaConnection;
  /** Exclude marks to use instead of the integrations' own (e.g. while the report is being edited). */
  excludedIds?: readonly string[];
  /** Collation locale for the name order; the system locale by default. */
  locale?: string;
}

function inScope(integrations: readonly Integration[], psa: PsaConnection | undefined): readonly Integration[] {
  return psa ? integrations.filter((i) => samePsa(i.psa, psa)) : integrations;
}

/** Every account id marked excluded in any of the integrations (the mark is per PSA account, not per integration). */
export function excludedAccountIds(integrations: readonly Integration[], psa?: PsaConnection): string[] {
  return [...new Set(inScope(integrations, psa).flatMap((i) => i.excludedAccounts))];
}

/** Account ids mapped to a tenant in any of the integrations: mapped anywhere is mapped. */
export function mappedAccountIds(integrations: readonly Integration[], psa?: PsaConnection): Set<string> {
  const out = new Set<string>();
  for (const i of inScope(integrations, psa)) for (const m of i.tenants) if (m.accountId !== null) out.add(m.accountId);
  return out;
}

/**
 * The Unmapped accounts report: accounts not mapped in any integration on the same PSA (an account
 * mapped by another integration is mapped, not "unmapped here"), filtered by type, name and the
 * exclude mark, sorted by name (locale-aware, case-insensitive, numbers in numeric order) then id.
 * Duplicate account ids are listed once; duplicate names are kept (they are different accounts).
 */
export function unmappedAccounts(accounts: readonly PsaAccount[], integrations: readonly Integration[], options: UnmappedOptions = {}): UnmappedRow[] {
  const mapped = mappedAccountIds(integrations, options.psa);
  const excluded = new Set(options.excludedIds ?? excludedAccountIds(integrations, options.psa));
  const type = options.type?.trim() ? searchKey(options.type) : null;
  const words = queryWords(options.nameQuery ?? '');
  const seen = new Set<string>();
  const rows: UnmappedRow[] = [];
  for (const a of accounts) {
    if (seen.has(a.id)) continue;
    seen.add(a.id);
    if (mapped.has(a.id)) continue;
    const isExcluded = excluded.has(a.id);
    if (isExcluded && !options.includeExcluded) continue;
    if (options.activeOnly && !a.active) continue;
    if (type !== null && searchKey(a.type) !== type) continue;
    if (!matchesWords(searchKey(a.name), words)) continue;
    rows.push({ accountId: a.id, name: a.name, type: a.type, active: a.active, excluded: isExcluded });
  }
  const collator = new Intl.Collator(options.locale, { sensitivity: 'accent', numeric: true });
  return rows.sort((x, y) => collator.compare(x.name, y.name) || compareIds(x.accountId, y.accountId));
}

/** The distinct account types, for the type filter's dropdown, sorted; blank types are left out. */
export function accountTypes(accounts: readonly PsaAccount[], locale?: string): string[] {
  const byKey = new Map<string, string>();
  for (const a of accounts) {
    const t = a.type.trim();
    if (t && !byKey.has(searchKey(t))) byKey.set(searchKey(t), t);
  }
  const collator = new Intl.Collator(locale, { sensitivity: 'accent' });
  return [...byKey.values()].sort((a, b) => collator.compare(a, b));
}

/** Flips the exclude mark of one account in a list of marks; a new list, order kept, no duplicates. */
export function toggleExcluded(excludedIds: readonly string[], accountId: string): string[] {
  const unique = [...new Set(excludedIds)];
  return unique.includes(accountId) ? unique.filter((id) => id !== accountId) : [...unique, accountId];
}

/**
 * Sets the exclude mark in the configuration. Marking adds the id to `target`'s list; unmarking
 * removes it from every integration on the same PSA, since {@link excludedAccountIds} reads the
 * union and a mark left elsewhere would keep the account hidden. Returns new integrations;
 * unchanged ones are the same objects.
 */
export function setExcluded(integrations: readonly Integration[], target: string, accountId: string, excluded: boolean): Integration[] {
  const owner = integrations.find((i) => i.name === target);
  if (!owner) return [...integrations];
  return integrations.map((i) => {
    if (excluded) {
      if (i !== owner || i.excludedAccounts.includes(accountId)) return i;
      return { ...i, excludedAccounts: [...i.excludedAccounts, accountId] };
    }
    if (!samePsa(i.psa, owner.psa) || !i.excludedAccounts.includes(accountId)) return i;
    return { ...i, excludedAccounts: i.excludedAccounts.filter((id) => id !== accountId) };
  });
}

// ------------------------------------------------------------------ exports

export interface CsvOptions {
  /**
   * Prefix text cells starting with = + - @ or a tab/CR with an apostrophe, so a spreadsheet
   * opening the file does not run a name as a formula (CSV injection). Default: true.
   */
  protectFormulas?: boolean;
  /** Start with a UTF-8 byte order mark, which Excel needs to read non-ASCII names correctly. Default: false. */
  bom?: boolean;
}

/** One CSV field (RFC 4180): quoted when it holds a comma, quote, CR or LF; quotes doubled. */
export function csvField(value: string | number | boolean, protectFormulas = true): string {
  let text = String(value);
  if (protectFormulas && typeof value === 'string' && /^[=+\-@\t\r]/u.test(text)) text = `'${text}`;
  return /[",\r\n]/u.test(text) ? `"${text.replace(/"/gu, '""')}"` : text;
}

/**
 * The report as CSV (RFC 4180): a header row of {@link UNMAPPED_FIELDS}, one record per row,
 * CRLF line ends (also after the last record), booleans as true/false.
 */
export function unmappedToCsv(rows: readonly UnmappedRow[], options: CsvOptions = {}): string {
  const protect = options.protectFormulas ?? true;
  const lines = [UNMAPPED_FIELDS.join(','), ...rows.map((r) => UNMAPPED_FIELDS.map((f) => csvField(r[f], protect)).join(','))];
  return `${options.bom ? '\uFEFF' : ''}${lines.join('\r\n')}\r\n`;
}

/** The report as JSON: an array of objects with exactly the {@link UNMAPPED_FIELDS}, in that order, pretty-printed, newline-terminated. */
export function unmappedToJson(rows: readonly UnmappedRow[]): string {
  const plain = rows.map((r) => Object.fromEntries(UNMAPPED_FIELDS.map((f) => [f, r[f]])));
  return `${JSON.stringify(plain, null, 2)}\n`;
}
