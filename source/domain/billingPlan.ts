// README › Billing rules, steps 2–4: usage → desired quantity per billing item → plan against the
// PSA. Pure: the billing job, `--dry-run` and the Billing preview all compute this same plan.
//
// Decisions:
// - Bill devices by category off: a device application uses its `single` item (all its
//   devices). On: `workstation`, `server`, `nonWindows` (its devices of that category); its
//   `single` item is then not part of the plan. Per-user and mailbox applications always
//   use `single` (users / mailboxes), whatever the toggle.
// - An item left unchosen (null) is not part of the plan: never touched.
// - A chosen item with no usage is wanted at 0, so the PSA is brought down to 0.
// - Several sources mapping to one billing item are summed into one DesiredQuantity
//   (validation refuses that config, but the engine must never post one item twice). The
//   same source (application + bucket) listed twice — a duplicated settings row — is
//   counted once.
// - The unit of an application comes from `applications`, then from the usage. An
//   application known to neither (mapped but gone from the platform) has zero usage; its
//   items are still brought to 0: with the toggle on, its category items when any is
//   chosen, else its single item; with the toggle off, its single item.
// - planAgainstPsa: before = the PSA's units for the item (0 when the PSA has none),
//   after = desired, delta = after − before; one line per desired item, zero deltas
//   included (the preview shows them); PSA items not desired never appear. Units held that are
//   not a whole number of at least 0 refuse the plan (KmspError naming the item and the figure):
//   never rounded, never a fractional delta. `current` must
//   hold the current period only: two entries for one item that disagree throw (refuse
//   rather than guess which period the PSA means).
import type { ApplicationItems, BillingSettings, PsaChoice } from './config.js';
import { KmspError } from './errors.js';
import type { Application, ItemQuantity, LicenseUnit } from './types.js';
import type { ApplicationUsage, TenantUsage, UsageBucket } from './usage.js';

export interface DesiredQuantity {
  billingItemId: string;
  billingItemName: string;
  quantity: number;
  sources: Array<{ applicationId: string; bucket: UsageBucket | 'all'; quantity: number }>;
}

export interface PlanLine {
  billingItemId: string;
  billingItemName: string;
  before: number;
  after: number;
  delta: number;
  /** The PSA period `before` belongs to (YYYY-MM-DD, inclusive); absent when the PSA holds nothing for the item. */
  period?: { start: string; end: string };
  /**
   * Where the PSA prices usage at the account's price level: the units are right but priced at
   * another level (`from`) — the account's level was changed — so the line is posted again at
   * the account's level. Absent: the price is right, unknown, or not kmsp's to set.
   */
  reprice?: { from: string };
}

type Source = DesiredQuantity['sources'][number];

function unitOf(row: ApplicationItems, apps: Map<string, Application>, usage: ApplicationUsage | undefined): LicenseUnit | 'unknown' {
  return apps.get(row.applicationId)?.unit ?? usage?.unit ?? 'unknown';
}

/** The (item, bucket) pairs a settings row contributes, with their quantities; the item is null where none is chosen. */
function rowSources(row: ApplicationItems, byCategory: boolean, unit: LicenseUnit | 'unknown', usage: ApplicationUsage | undefined): Array<[PsaChoice | null, Source]> {
  const out: Array<[PsaChoice | null, Source]> = [];
  const add = (choice: PsaChoice | null, bucket: Source['bucket'], quantity: number) => {
    out.push([choice, { applicationId: row.applicationId, bucket, quantity }]);
  };
  const categoryItems = row.workstation !== null || row.server !== null || row.nonWindows !== null;
  if (unit === 'user') add(row.single, 'users', usage?.users ?? 0);
  else if (unit === 'mailbox') add(row.single, 'mailboxes', usage?.mailboxes ?? 0);
  else if (byCategory && (unit === 'device' || categoryItems)) {
    add(row.workstation, 'windows-workstation', usage?.byCategory['windows-workstation'] ?? 0);
    add(row.server, 'windows-server', usage?.byCategory['windows-server'] ?? 0);
    add(row.nonWindows, 'non-windows', usage?.byCategory['non-windows'] ?? 0);
  } else add(row.single, 'all', usage?.devices ?? 0);
  return out;
}

/** What each mapped billing item should hold (see the decisions at the top of this file). */
export function desiredQuantities(usage: TenantUsage, billing: BillingSettings, applications: Application[]): DesiredQuantity[] {
  const apps = new Map<string, Application>();
  for (const app of applications) if (!apps.has(app.id)) apps.set(app.id, app);
  const usageOf = new Map<string, ApplicationUsage>();
  for (const u of usage.applications) if (!usageOf.has(u.applicationId)) usageOf.set(u.applicationId, u);

  const byItem = new Map<string, DesiredQuantity>();
  const seen = new Set<string>();
  for (const row of billing.applications) {
    const appUsage = usageOf.get(row.applicationId);
    const unit = unitOf(row, apps, appUsage);
    for (const [choice, source] of rowSources(row, billing.byCategory, unit, appUsage)) {
      if (!choice) continue;
      const key = JSON.stringify([choice.value, source.applicationId, source.bucket]);
      if (seen.has(key)) continue;
      seen.add(key);
      let item = byItem.get(choice.value);
      if (!item) byItem.set(choice.value, (item = { billingItemId: choice.value, billingItemName: choice.label, quantity: 0, sources: [] }));
      item.quantity += source.quantity;
      item.sources.push(source);
    }
  }
  return [...byItem.values()];
}

/** Usage no billing item is chosen for: shown by the preview and the reconciliation, never silently dropped. */
export interface UnbilledUsage {
  applicationId: string;
  applicationName: string;
  /** Devices of one category, or all devices, users or mailboxes. */
  bucket: UsageBucket | 'all';
  quantity: number;
}

/** What the tenant uses that the settings bill nowhere (the buckets desiredQuantities leaves out), non-zero only. */
export function unbilledUsage(usage: TenantUsage, billing: BillingSettings, applications: Application[]): UnbilledUsage[] {
  const names = new Map(applications.map((a) => [a.id, a.name]));
  const rows = new Map<string, ApplicationItems>();
  for (const row of billing.applications) if (!rows.has(row.applicationId)) rows.set(row.applicationId, row);
  const out: UnbilledUsage[] = [];
  for (const appUsage of usage.applications) {
    const row = rows.get(appUsage.applicationId) ?? {
      applicationId: appUsage.applicationId,
      applicationName: names.get(appUsage.applicationId) ?? appUsage.applicationId,
      single: null,
      workstation: null,
      server: null,
      nonWindows: null,
    };
    for (const [choice, source] of rowSources(row, billing.byCategory, appUsage.unit, appUsage)) {
      if (choice || source.quantity === 0) continue;
      out.push({ applicationId: row.applicationId, applicationName: names.get(row.applicationId) ?? row.applicationName, bucket: source.bucket, quantity: source.quantity });
    }
  }
  return out;
}

/** "5 Windows servers on Kaspersky Security for Windows Server: no billing item chosen". */
export function unbilledLine(u: UnbilledUsage): string {
  const what: Record<UnbilledUsage['bucket'], [string, string]> = {
    all: ['device', 'devices'],
    'windows-workstation': ['Windows workstation', 'Windows workstations'],
    'windows-server': ['Windows server', 'Windows servers'],
    'non-windows': ['non-Windows device', 'non-Windows devices'],
    users: ['user', 'users'],
    mailboxes: ['mailbox', 'mailboxes'],
  };
  const [one, many] = what[u.bucket];
  return `${u.quantity} ${u.quantity === 1 ? one : many} on ${u.applicationName}: no billing item chosen`;
}

function assertQuantity(what: string, n: number): void {
  if (!Number.isSafeInteger(n) || n < 0) throw new RangeError(`${what} must be a whole number of at least 0, got ${n}`);
}

/**
 * Units the PSA holds are whole licences at least 0. A fractional or negative count was put there
 * by hand or by another tool: a delta from it would post a fraction (money for a part of a
 * licence) or undo a credit, so the contract is refused with the figure rather than rounded.
 */
function assertHeldUnits(q: ItemQuantity, name: string | undefined): void {
  if (typeof q.units === 'number' && Number.isSafeInteger(q.units) && q.units >= 0) return;
  const item = name ? `“${name}” (${q.billingItemId})` : q.billingItemId;
  throw new KmspError(`The PSA holds ${String(q.units)} units of billing item ${item}`, {
    kind: 'vendor',
    cause: `kmsp bills whole licences and reads the units held as the count billed so far; ${String(q.units)} is ${typeof q.units !== 'number' || !Number.isFinite(q.units) ? 'not a number' : q.units < 0 ? 'below 0' : 'not a whole number'}`,
    remedy: 'Nothing was posted for this contract. Correct the units held for the item in the PSA (a whole number, 0 or more); the next run bills it.',
  });
}

/** Desired quantities against what the PSA holds for the current period. */
/**
 * `priceLevel`: the account's price level where the PSA prices usage by one (else null or
 * absent); a held line priced at another level is marked `reprice`.
 */
export function planAgainstPsa(desired: DesiredQuantity[], current: ItemQuantity[], priceLevel: string | null = null): PlanLine[] {
  const held = new Map<string, ItemQuantity>();
  const names = new Map(desired.map((d) => [d.billingItemId, d.billingItemName]));
  for (const q of current) {
    // Only items kmsp bills: an agreement also holds labour or another vendor's products (hours
    // in fractions among them), which must not stop the billing of this contract.
    if (!names.has(q.billingItemId)) continue;
    assertHeldUnits(q, names.get(q.billingItemId));
    const other = held.get(q.billingItemId);
    if (other && (other.units !== q.units || other.periodStart !== q.periodStart || other.periodEnd !== q.periodEnd)) {
      throw new Error(`the PSA quantities hold item ${q.billingItemId} twice (${other.periodStart}..${other.periodEnd}: ${other.units}; ${q.periodStart}..${q.periodEnd}: ${q.units}); pass the current period only`);
    }
    held.set(q.billingItemId, q);
  }
  const wanted = new Map<string, { name: string; quantity: number }>();
  for (const d of desired) {
    assertQuantity(`desired quantity of item ${d.billingItemId}`, d.quantity);
    const w = wanted.get(d.billingItemId);
    if (w) w.quantity += d.quantity;
    else wanted.set(d.billingItemId, { name: d.billingItemName, quantity: d.quantity });
  }
  return [...wanted].map(([billingItemId, w]) => {
    const h = held.get(billingItemId);
    const before = h?.units ?? 0;
    const line: PlanLine = { billingItemId, billingItemName: w.name, before, after: w.quantity, delta: w.quantity - before };
    if (h && h.periodStart !== null && h.periodEnd !== null) line.period = { start: h.periodStart, end: h.periodEnd };
    // Only a known other level: a charge the PSA reports without one (flat-priced, or several
    // levels at once) could answer "none" after every write, and would be written daily.
    if (priceLevel !== null && typeof h?.priceLevel === 'string' && h.priceLevel !== priceLevel && w.quantity > 0) line.reprice = { from: h.priceLevel };
    return line;
  });
}

/** The lines that become postings: those with a change of units or of price level. */
export function postingsOf<L extends PlanLine>(lines: readonly L[]): L[] {
  return lines.filter((line) => line.delta !== 0 || line.reprice !== undefined);
}
