// README › Billing rules, steps 1–2: what a tenant uses, per application. Pure: no I/O, no clock
// (the caller passes the instant of the run, and the MSP's time zone for the words).
//
// Decisions (a wrong quantity ends up on an MSP's invoice, so every rule is explicit):
// - Key types: only 'commercial' and 'subscription' can be billable. 'trial', 'beta' and
//   'test' never are. 'oem' is not billable: an OEM key is bundled with hardware or a
//   third-party product, the customer has already paid for it and the MSP does not resell it.
// - Expiry: a key whose expiry instant has passed at the time of the run no longer counts.
//   A key that expired a minute before the run is not billed for that day: the customer
//   is no longer protected by it. (An earlier rule kept it "through its expiry day", which
//   billed a day of protection the customer did not have.)
// - Commercial keys: billable when not expired. A commercial key with no expiry date (the
//   platform reports none) is treated as unlimited, hence billable. A commercial key that
//   carries a subscription state other than 'active' is not billable (a platform never
//   reports one today; if it does, a paused/cancelled state is not "active").
// - Subscriptions: billable only with state 'active' and not expired; expiresAt null with
//   state 'active' is an unlimited subscription: billable. A null state (unknown) is never
//   assumed active: not billable (the KSC connector makes the same choice, licenses.ts).
//   Paused, soft-cancelled and hard-cancelled: never billable.
// - Devices: only the tenant's own devices (device.tenantId === tenantId and present in
//   `devices`) count; assignments to other hosts are ignored. Only assignments with
//   current: true count: a reserve key is not in use (it takes over when the active key
//   expires, and then shows as current). A device counts once per application, whatever
//   the number of its current billable keys of that application. A device whose only
//   current keys of an application are not billable is not counted for it, even if it has
//   a billable reserve key. A device with no key is not counted.
// - Categories come from device.category as the connector classified it.
// - Per-user applications: users = max(non-mobile devices, ⌈mobile devices / 2⌉) over the
//   devices counted for that application (KES Cloud: computers + file servers vs phones
//   and tablets at two per user).
// - Mailbox applications: mailboxes = usage.protectedMailboxes (0 when absent) only when
//   the tenant holds at least one billable key of that application (mailbox keys are not
//   assigned to devices, so "in use" cannot be checked per device); otherwise 0. With
//   several mailbox applications each one with a billable key gets the tenant's figure.
// - Keys of an application not in `applications` are not counted (reported in excludedKeys).
// - Bad input refuses rather than guesses: usage of another tenant, an invalid `now`
//   or a protectedMailboxes that is not a non-negative integer throw.
import { calendarDate } from './dates.js';
import { DEVICE_CATEGORIES, type Application, type Device, type DeviceCategory, type LicenseKey, type LicenseUnit, type TenantLicenseUsage } from './types.js';

export type UsageBucket = DeviceCategory | 'users' | 'mailboxes';

export interface ApplicationUsage {
  applicationId: string;
  unit: LicenseUnit;
  /** Devices of the tenant with a current billable key of this application (each once). */
  devices: number;
  byCategory: Record<DeviceCategory, number>;
  /** Per-user applications only (null otherwise). */
  users: number | null;
  /** Mailbox applications only (null otherwise). */
  mailboxes: number | null;
}

export interface TenantUsage {
  tenantId: string;
  /** One per application given to countUsage, in that order (zero usage included). */
  applications: ApplicationUsage[];
  /** Why keys were not counted, for preview/audit. */
  excludedKeys: Array<{ keyId: string; applicationId: string; reason: string }>;
}

function assertInstant(now: Date): void {
  if (!(now instanceof Date) || Number.isNaN(now.getTime())) throw new RangeError(`"now" must be a valid instant, got ${String(now)}`);
}

/** "2024-01-15 23:30" in the MSP's time zone: how a preview names an expiry. */
function localMinute(instant: Date, timeZone: string): string {
  const time = new Intl.DateTimeFormat('en-GB', { timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(instant);
  return `${calendarDate(instant, timeZone)} ${time}`;
}

/**
 * Whether a key counts for billing at the instant `now`; `timeZone` (the MSP's zone) only
 * words the reason, which says why, fit for a preview.
 */
export function isBillableKey(key: LicenseKey, now: Date, timeZone: string): { billable: boolean; reason: string } {
  assertInstant(now);
  const no = (reason: string) => ({ billable: false, reason });
  switch (key.type) {
    case 'trial':
    case 'beta':
    case 'test':
      return no(`${key.type} key`);
    case 'oem':
      return no('OEM key (bundled, not resold)');
    case 'commercial':
      if (key.subscriptionState !== null && key.subscriptionState !== 'active') return no(`commercial key is ${key.subscriptionState}`);
      break;
    case 'subscription':
      if (key.subscriptionState === null) return no('subscription state unknown (never assumed active)');
      if (key.subscriptionState !== 'active') return no(`subscription is ${key.subscriptionState}`);
      break;
    default: {
      const unknown: never = key.type;
      return no(`unknown key type "${String(unknown)}"`);
    }
  }
  const kind = key.type === 'subscription' ? 'active subscription' : 'commercial key';
  if (key.expiresAt === null) return { billable: true, reason: `${kind} without expiry` };
  if (Number.isNaN(key.expiresAt.getTime())) return no('expiry date is invalid');
  const expiry = localMinute(key.expiresAt, timeZone);
  if (key.expiresAt.getTime() <= now.getTime()) return no(`expired ${expiry}`);
  return { billable: true, reason: `${kind} valid until ${expiry}` };
}

function zeroCategories(): Record<DeviceCategory, number> {
  return Object.fromEntries(DEVICE_CATEGORIES.map((c) => [c, 0])) as Record<DeviceCategory, number>;
}

/** Per-user count: max(computers + file servers, ⌈mobile devices / 2⌉). */
export function perUserCount(nonMobile: number, mobile: number): number {
  return Math.max(nonMobile, Math.ceil(mobile / 2));
}

/** README › Billing rules, steps 1–2, for one tenant (see the decisions at the top of this file). */
export function countUsage(input: { tenantId: string; devices: Device[]; usage: TenantLicenseUsage; applications: Application[]; now: Date; timeZone: string }): TenantUsage {
  const { tenantId, devices, usage, applications, now, timeZone } = input;
  assertInstant(now);
  if (usage.tenantId !== tenantId) throw new Error(`license usage of tenant "${usage.tenantId}" given for tenant "${tenantId}"`);
  const mailboxFigure = usage.protectedMailboxes ?? 0;
  if (!Number.isSafeInteger(mailboxFigure) || mailboxFigure < 0) throw new RangeError(`protectedMailboxes must be a non-negative integer, got ${String(usage.protectedMailboxes)}`);

  const apps = new Map<string, Application>();
  for (const app of applications) if (!apps.has(app.id)) apps.set(app.id, app);
  const ownDevices = new Map<string, Device>();
  for (const device of devices) if (device.tenantId === tenantId) ownDevices.set(device.id, device);

  const excludedKeys: TenantUsage['excludedKeys'] = [];
  const billableKeys = new Map<string, LicenseKey>();
  const seenKeys = new Set<string>();
  for (const key of usage.keys) {
    if (seenKeys.has(key.id)) continue; // the same key listed twice is one key
    seenKeys.add(key.id);
    if (!apps.has(key.applicationId)) {
      excludedKeys.push({ keyId: key.id, applicationId: key.applicationId, reason: 'application not known to the platform list' });
      continue;
    }
    const verdict = isBillableKey(key, now, timeZone);
    if (verdict.billable) billableKeys.set(key.id, key);
    else excludedKeys.push({ keyId: key.id, applicationId: key.applicationId, reason: verdict.reason });
  }

  // applicationId → device ids using a current billable key of it
  const usedBy = new Map<string, Set<string>>();
  const keysInUse = new Set<string>();
  for (const assignment of usage.assignments) {
    if (!assignment.current) continue;
    const key = billableKeys.get(assignment.keyId);
    if (!key || !ownDevices.has(assignment.deviceId)) continue;
    keysInUse.add(key.id);
    let set = usedBy.get(key.applicationId);
    if (!set) usedBy.set(key.applicationId, (set = new Set()));
    set.add(assignment.deviceId);
  }
  const appsWithBillableKey = new Set<string>();
  for (const key of billableKeys.values()) {
    appsWithBillableKey.add(key.applicationId);
    const unit = apps.get(key.applicationId)?.unit;
    if (!keysInUse.has(key.id) && unit !== 'mailbox') {
      excludedKeys.push({ keyId: key.id, applicationId: key.applicationId, reason: 'not in use: no device of the tenant has it as its current key' });
    }
  }

  const result: ApplicationUsage[] = [];
  for (const app of apps.values()) {
    const byCategory = zeroCategories();
    let mobile = 0;
    const ids = usedBy.get(app.id) ?? new Set<string>();
    for (const id of ids) {
      const device = ownDevices.get(id)!;
      byCategory[device.category] += 1;
      if (device.mobile) mobile += 1;
    }
    result.push({
      applicationId: app.id,
      unit: app.unit,
      devices: ids.size,
      byCategory,
      users: app.unit === 'user' ? perUserCount(ids.size - mobile, mobile) : null,
      mailboxes: app.unit === 'mailbox' ? (appsWithBillableKey.has(app.id) ? mailboxFigure : 0) : null,
    });
  }
  return { tenantId, applications: result, excludedKeys };
}
