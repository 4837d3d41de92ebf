// License keys of one (virtual) server and the hosts using each key
// (protocols/kaspersky.md §3.4): LicenseKeys.EnumKeys / AcquireKeyHosts, both read
// through GroupSyncIterator.
import { KmspError } from '../../domain/errors.js';
import type { KeyAssignment, LicenseKey, LicenseKeyType, SubscriptionState } from '../../domain/types.js';
import { KSC_SERVICE, missingOutParam } from './errors.js';
import { readGroupSyncIterator } from './iterators.js';
import { read, type KscParams } from './params.js';
import type { KscCall } from './session.js';

export const KEY_FIELDS = [
  'KLLIC_SERIAL',
  'KLLIC_PROD_NAME',
  'KLLIC_KEY_TYPE',
  'KLLIC_LIMIT_DATE',
  'KLLIC_LIC_COUNT',
  'KLLIC_LICTYPE_IS_SUBSCRIPTION',
  'KLLIC_SUBSCRINFO_STATE',
  'KLLIC_SUBSCRINFO_ENDDATE',
  'KLLIC_NHOSTS_ASCURRENT',
  'KLLIC_NHOSTS_ASNEXT',
] as const;

export const KEY_HOST_FIELDS = ['KLLICSRV_HOSTNAME', 'KLLICSRV_HOSTDN', 'KLLICSRV_HOST_CURRENT'] as const;

/** lTimeoutSec of the iterators (0 would mean 15 min, §3.4); ours are read at once. */
const ITERATOR_TIMEOUT_SEC = 600;

/** KLLIC_KEY_TYPE [D] KSC/13/KSCAPI/a00115.html. */
const KEY_TYPES: Record<number, LicenseKeyType> = { 1: 'commercial', 2: 'beta', 3: 'trial', 4: 'test', 5: 'oem', 6: 'subscription' };

/** KLLIC_SUBSCRINFO_STATE [K] sample. */
const SUBSCRIPTION_STATES: Record<number, SubscriptionState> = { 0: 'active', 1: 'paused', 2: 'soft-cancelled', 3: 'hard-cancelled' };

/**
 * The key type. KLLIC_LICTYPE_IS_SUBSCRIPTION wins over KLLIC_KEY_TYPE (a subscription
 * may be reported with another base type). [U] A type number kmsp does not know is
 * treated as 'test': never billable, rather than billed on a guess or failing the tenant.
 */
export function keyTypeOf(keyType: number | null, isSubscription: boolean | null): LicenseKeyType {
  if (isSubscription === true) return 'subscription';
  return (keyType !== null ? KEY_TYPES[keyType] : undefined) ?? 'test';
}

/** [U] KSC reports "no date" as an absent field or, in some versions, the epoch: both mean none. */
function meaningfulDate(date: Date | null): Date | null {
  return date && date.getTime() > 86_400_000 ? date : null;
}

export function toLicenseKey(record: KscParams): LicenseKey | null {
  const serial = read.string(record, 'KLLIC_SERIAL');
  if (!serial) return null;
  const type = keyTypeOf(read.number(record, 'KLLIC_KEY_TYPE'), read.boolean(record, 'KLLIC_LICTYPE_IS_SUBSCRIPTION'));
  const stateCode = read.number(record, 'KLLIC_SUBSCRINFO_STATE');
  const expiresAt =
    meaningfulDate(read.date(record, 'KLLIC_LIMIT_DATE')) ?? (type === 'subscription' ? meaningfulDate(read.date(record, 'KLLIC_SUBSCRINFO_ENDDATE')) : null);
  return {
    id: serial,
    applicationId: read.string(record, 'KLLIC_PROD_NAME') ?? '(unnamed product)',
    type,
    expiresAt,
    // [U] A subscription without KLLIC_SUBSCRINFO_STATE is reported as unknown (null), not assumed active.
    subscriptionState: type === 'subscription' && stateCode !== null ? (SUBSCRIPTION_STATES[stateCode] ?? null) : null,
    capacity: read.number(record, 'KLLIC_LIC_COUNT') ?? 0,
  };
}

export async function enumKeys(call: KscCall, pageSize: number, fields: readonly string[] = KEY_FIELDS): Promise<KscParams[]> {
  const reply = await call('LicenseKeys.EnumKeys', { pFields: [...fields], pFieldsToOrder: [], pOptions: {}, lTimeoutSec: ITERATOR_TIMEOUT_SEC });
  const iterator = read.string(reply, 'wstrIterator');
  if (!iterator) throw missingOutParam('LicenseKeys.EnumKeys', 'wstrIterator');
  return readGroupSyncIterator(call, iterator, pageSize);
}

export async function keyAssignments(call: KscCall, serial: string, pageSize: number): Promise<KeyAssignment[]> {
  const reply = await call('LicenseKeys.AcquireKeyHosts', {
    pInData: { KLLIC_SERIAL: serial },
    pFields: [...KEY_HOST_FIELDS],
    pFieldsToOrder: [],
    pOptions: {},
    lTimeoutSec: ITERATOR_TIMEOUT_SEC,
  });
  const iterator = read.string(reply, 'wstrIterator');
  if (!iterator) throw missingOutParam('LicenseKeys.AcquireKeyHosts', 'wstrIterator');
  const rows = await readGroupSyncIterator(call, iterator, pageSize);
  const seen = new Map<string, KeyAssignment>();
  for (const row of rows) {
    const deviceId = read.string(row, 'KLLICSRV_HOSTNAME');
    if (!deviceId) continue;
    const current = read.boolean(row, 'KLLICSRV_HOST_CURRENT');
    if (current === null) {
      // Active vs reserve decides what is billed: never guess it.
      throw new KmspError(`${KSC_SERVICE} did not say whether key ${serial} is active or reserve on a device`, {
        kind: 'protocol',
        cause: 'LicenseKeys.AcquireKeyHosts returned a host without KLLICSRV_HOST_CURRENT',
        remedy: 'Billing for this tenant is skipped rather than guessed. Report it with the KSC version.',
      });
    }
    // A host listed twice (active and reserve) counts as active.
    const previous = seen.get(deviceId);
    seen.set(deviceId, { keyId: serial, deviceId, current: current || (previous?.current ?? false) });
  }
  return [...seen.values()];
}
