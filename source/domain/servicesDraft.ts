// The Services tab's rules, pure (README › The console, Services): rows from the platform's
// applications and the saved billing settings, which item slots a row bills
// (with billing by category, those of the categories the application installs
// on), markers for items no longer active in the PSA, and what blocks Save.
// One item for two applications is refused by the domain (validateBillingItems)
// when the session saves; one item for several categories of one application
// is fine (the plan adds their quantities).
import type { ApplicationItems, BillingSettings, PsaChoice } from './config.js';
import type { Application, BillingItem, DeviceCategory, LicenseUnit } from './types.js';

export type Slot = 'single' | 'workstation' | 'server' | 'nonWindows';
export const CATEGORY_SLOTS: readonly Slot[] = ['workstation', 'server', 'nonWindows'];
export const SLOT_TITLES: Record<Slot, string> = {
  single: 'Billing item',
  workstation: 'Windows workstations',
  server: 'Windows servers',
  nonWindows: 'Non-Windows devices',
};

/** The device category each category slot bills. */
export const SLOT_CATEGORY: Record<Exclude<Slot, 'single'>, DeviceCategory> = { workstation: 'windows-workstation', server: 'windows-server', nonWindows: 'non-windows' };

export interface ServiceRow {
  readonly appId: string;
  readonly name: string;
  /** null: the platform does not list it now (its unit is unknown). */
  readonly unit: LicenseUnit | null;
  /** The device categories it installs on, as the platform says; absent: any (or not listed now). */
  readonly categories?: readonly DeviceCategory[];
  readonly items: ApplicationItems;
}

export function emptyItems(appId: string, name: string): ApplicationItems {
  return { applicationId: appId, applicationName: name, single: null, workstation: null, server: null, nonWindows: null };
}

/** One row per application the platform lists, then those only the configuration still names. */
export function buildRows(apps: readonly Application[], billing: BillingSettings): ServiceRow[] {
  const stored = new Map(billing.applications.map((a) => [a.applicationId, a]));
  const live = [...apps].sort((a, b) => a.name.localeCompare(b.name));
  const seen = new Set(live.map((a) => a.id));
  const rows: ServiceRow[] = live.map((a) => ({ appId: a.id, name: a.name, unit: a.unit, ...(a.categories ? { categories: a.categories } : {}), items: stored.get(a.id) ?? emptyItems(a.id, a.name) }));
  for (const a of billing.applications) {
    if (!seen.has(a.applicationId)) rows.push({ appId: a.applicationId, name: a.applicationName || a.applicationId, unit: null, items: a });
  }
  return rows;
}

/** Per-user and per-mailbox applications keep one item whatever the toggle says. */
export function singleOnly(row: ServiceRow): boolean {
  return row.unit === 'user' || row.unit === 'mailbox';
}

/**
 * The category slots of a device application: those of the categories it installs on (a server
 * product: Windows servers only). An item in another slot is "not applicable" (notApplicable).
 */
export function categorySlots(row: ServiceRow): readonly Slot[] {
  const categories = row.categories;
  return categories ? CATEGORY_SLOTS.filter((s) => categories.includes(SLOT_CATEGORY[s as Exclude<Slot, 'single'>])) : CATEGORY_SLOTS;
}

/** The slots a row bills with the toggle as given. */
export function slotsFor(row: ServiceRow, byCategory: boolean): readonly Slot[] {
  return byCategory && !singleOnly(row) ? categorySlots(row) : ['single'];
}

/** Category slots of a device application it cannot be installed on: no item is needed there. */
export function notApplicable(row: ServiceRow, byCategory: boolean): readonly Slot[] {
  if (!byCategory || singleOnly(row)) return [];
  const own = categorySlots(row);
  return CATEGORY_SLOTS.filter((s) => !own.includes(s));
}

/**
 * The slot Enter chooses the item of, with the column cursor on `selected`: a not-applicable
 * slot only while it still holds an item (to clear it); a row billing one slot, that one;
 * else the selected slot if the row bills it. null: nothing to choose in this column.
 */
export function targetSlot(row: ServiceRow, byCategory: boolean, selected: Slot): Slot | null {
  if (notApplicable(row, byCategory).includes(selected)) return row.items[selected] !== null ? selected : slotsFor(row, byCategory).length === 1 ? slotsFor(row, byCategory)[0]! : null;
  const slots = slotsFor(row, byCategory);
  if (slots.length === 1) return slots[0]!;
  return slots.includes(selected) ? selected : null;
}

/** "Windows servers", "Windows workstations and Windows servers". */
export function slotWords(slots: readonly Slot[]): string {
  const words = slots.map((s) => SLOT_TITLES[s]);
  return words.length <= 1 ? (words[0] ?? '') : `${words.slice(0, -1).join(', ')} and ${words.at(-1)}`;
}

export function unitLabel(row: ServiceRow): string {
  return row.unit === null ? '—' : row.unit === 'device' ? 'per device' : row.unit === 'user' ? 'per user' : 'per mailbox';
}

/** How many of the row's category items are chosen, when by-category applies to the row and it is partly mapped. */
export function incomplete(row: ServiceRow, byCategory: boolean): { chosen: number; of: number } | null {
  if (!byCategory || singleOnly(row)) return null;
  const own = categorySlots(row);
  const chosen = own.filter((s) => row.items[s] !== null).length;
  return chosen > 0 && chosen < own.length ? { chosen, of: own.length } : null;
}

export type Staleness = 'inactive' | 'deleted';

/** A stored item that is no longer an active billing item of the PSA (unknown until the list is loaded). */
export function staleness(choice: PsaChoice | null, items: ReadonlyMap<string, BillingItem> | null): Staleness | null {
  if (!choice || !items) return null;
  const item = items.get(choice.value);
  if (!item) return 'deleted';
  return item.active ? null : 'inactive';
}

export function itemLabel(choice: PsaChoice | null, items: ReadonlyMap<string, BillingItem> | null): string {
  if (!choice) return '—';
  const live = items?.get(choice.value);
  const label = live?.name || choice.label || `(id ${choice.value})`;
  const stale = staleness(choice, items);
  return stale ? `! ${stale}: ${label}` : label;
}

export function setItem(billing: BillingSettings, row: ServiceRow, slot: Slot, choice: PsaChoice | null): BillingSettings {
  const current = billing.applications.find((a) => a.applicationId === row.appId);
  const next: ApplicationItems = { ...(current ?? emptyItems(row.appId, row.name)), [slot]: choice };
  const applications = current ? billing.applications.map((a) => (a === current ? next : a)) : [...billing.applications, next];
  return { ...billing, applications };
}

function isEmpty(a: ApplicationItems): boolean {
  return a.single === null && a.workstation === null && a.server === null && a.nonWindows === null;
}

/** What is saved: entries with no item at all are left out; names follow the platform. */
export function normalize(billing: BillingSettings, rows: readonly ServiceRow[] = []): BillingSettings {
  const names = new Map(rows.filter((r) => r.unit !== null).map((r) => [r.appId, r.name]));
  return {
    byCategory: billing.byCategory,
    applications: billing.applications.filter((a) => !isEmpty(a)).map((a) => ({ ...a, applicationName: names.get(a.applicationId) ?? a.applicationName })),
  };
}

function sameChoice(a: PsaChoice | null, b: PsaChoice | null): boolean {
  return a === b || (a !== null && b !== null && a.value === b.value);
}

/** Applications whose items differ between the two settings. */
export function changedApps(saved: BillingSettings, draft: BillingSettings): Set<string> {
  const out = new Set<string>();
  const before = new Map(saved.applications.map((a) => [a.applicationId, a]));
  const after = new Map(draft.applications.map((a) => [a.applicationId, a]));
  for (const id of new Set([...before.keys(), ...after.keys()])) {
    const a = before.get(id) ?? emptyItems(id, id);
    const b = after.get(id) ?? emptyItems(id, id);
    if ((['single', ...CATEGORY_SLOTS] as Slot[]).some((s) => !sameChoice(a[s], b[s]))) out.add(id);
  }
  return out;
}

export interface Blocker {
  readonly appId: string;
  readonly message: string;
}

/**
 * What stops Save before the domain rules are asked: a partly mapped three-item row, and an
 * item the PSA no longer has as active (it must be changed or cleared).
 */
export function saveBlockers(
  rows: readonly ServiceRow[],
  byCategory: boolean,
  items: ReadonlyMap<string, BillingItem> | null,
  options: { allowIncomplete?: boolean } = {},
): Blocker[] {
  const out: Blocker[] = [];
  for (const row of rows) {
    // `kmsp services map` sets one category at a time, so it saves a partly chosen row (and warns).
    const partial = options.allowIncomplete ? null : incomplete(row, byCategory);
    if (partial) {
      const missing = categorySlots(row).filter((s) => row.items[s] === null);
      out.push({ appId: row.appId, message: `“${row.name}” is incomplete: ${partial.chosen} of ${partial.of} billing items chosen; choose ${slotWords(missing)}, or clear ${partial.of === 2 ? 'both' : 'all three'}.` });
    }
    const misplaced = notApplicable(row, byCategory).filter((s) => row.items[s] !== null);
    if (misplaced.length > 0) {
      out.push({
        appId: row.appId,
        message: `“${row.name}” is installed on ${slotWords(categorySlots(row))} only, yet has a billing item for ${slotWords(misplaced)}: clear it with (none) (Enter on that cell).`,
      });
    }
    for (const slot of slotsFor(row, byCategory)) {
      const stale = staleness(row.items[slot], items);
      if (stale) {
        const where = slot === 'single' ? '' : ` (${SLOT_TITLES[slot]})`;
        out.push({ appId: row.appId, message: `“${row.name}”${where}: billing item “${row.items[slot]!.label}” is ${stale === 'inactive' ? 'inactive' : 'deleted'} in the PSA; choose another or (none).` });
      }
    }
  }
  return out;
}

/**
 * The whole words every application name starts with ("Kaspersky "), when there are two or more
 * rows and each keeps something after it: the table shows names without it, so that what tells
 * the rows apart fits at 80 columns. '' when there is none.
 */
export function commonNamePrefix(names: readonly string[]): string {
  if (names.length < 2) return '';
  let prefix = names[0]!;
  for (const name of names) {
    let i = 0;
    while (i < prefix.length && i < name.length && prefix[i] === name[i]) i++;
    prefix = prefix.slice(0, i);
  }
  // Whole words only, and every name keeps a word after it.
  const end = prefix.lastIndexOf(' ');
  prefix = end < 0 ? '' : prefix.slice(0, end + 1);
  return prefix.trim() !== '' && names.every((n) => n.slice(prefix.length).trim() !== '') ? prefix : '';
}

/** The name as the table shows it: without the common prefix. */
export function shortName(name: string, prefix: string): string {
  return prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

/** The Status column's text of a row ('' when all is well: a column empty for every row is left out). */
export function rowStatus(row: ServiceRow, byCategory: boolean, items: ReadonlyMap<string, BillingItem> | null): string {
  const parts: string[] = [];
  const partial = incomplete(row, byCategory);
  if (partial) parts.push(`incomplete (${partial.chosen} of ${partial.of})`);
  if (slotsFor(row, byCategory).some((s) => staleness(row.items[s], items))) parts.push('! change item');
  if (notApplicable(row, byCategory).some((s) => row.items[s] !== null)) parts.push('! n/a item');
  if (row.unit === null) parts.push('not licensed now');
  return parts.join(' · ');
}
