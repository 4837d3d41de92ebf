// License keys of one (virtual) server and the hosts using each key
// (README §3.4): LicenseKeys.EnumKeys / AcquireKeyHosts, both read
// through GroupSyncIterator.
import { isKmspError, KmspError } from '../../domain/errors.js';
import type { KeyAssignment, LicenseKey, LicenseKeyType, SubscriptionState } from '../../domain/types.js';
import { isKscError, KSC_SERVICE, missingOutParam } from './errors.js';
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
  'KLLIC_SUBSCRINFO_ENDDATETYPE',
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

/** KLLIC_SUBSCRINFO_ENDDATETYPE [K] sample: 0 not defined, 1 unlimited, 2 limited, 3 paused. */
export const END_DATE_TYPE = { UNDEFINED: 0, UNLIMITED: 1, LIMITED: 2, PAUSED: 3 } as const;

/** Key types that are never billed: a subscription flag does not make them billable. */
const NON_BILLABLE: ReadonlySet<LicenseKeyType> = new Set(['beta', 'trial', 'test']);

/**
 * The key type.
 * - Beta, Trial and Test keys keep their type even when KSC also flags them
 *   KLLIC_LICTYPE_IS_SUBSCRIPTION (a trial subscription is still a trial: never billed).
 * - Otherwise the flag wins over KLLIC_KEY_TYPE (a subscription may be reported with a
 *   commercial or OEM base type, or with none).
 * - [U] A type number kmsp does not know is 'test' — never billable, rather than billed
 *   on a guess or failing the tenant — with or without the flag.
 */
export function keyTypeOf(keyType: number | null, isSubscription: boolean | null): LicenseKeyType {
  const known = keyType !== null ? KEY_TYPES[keyType] : undefined;
  if (keyType !== null && !known) return 'test';
  if (known && NON_BILLABLE.has(known)) return known;
  if (isSubscription === true) return 'subscription';
  return known ?? 'test';
}

/** [U] KSC reports "no date" as an absent field or, in some versions, the epoch: both mean none. */
function meaningfulDate(date: Date | null): Date | null {
  return date && date.getTime() > 86_400_000 ? date : null;
}

/**
 * A key record → LicenseKey. A key is a subscription when KLLIC_LICTYPE_IS_SUBSCRIPTION
 * is true or KLLIC_KEY_TYPE is 6 (whatever type it is billed as, see keyTypeOf). For
 * subscriptions:
 * - expiry: none when KLLIC_SUBSCRINFO_ENDDATETYPE is 1 (unlimited); otherwise
 *   KLLIC_SUBSCRINFO_ENDDATE, then KLLIC_LIMIT_DATE — a renewed subscription keeps a
 *   stale LIMIT_DATE of its first term while ENDDATE moves on;
 * - state: KLLIC_SUBSCRINFO_STATE; without it, ENDDATETYPE 3 means paused; otherwise
 *   unknown (null), never assumed active ([U]).
 * Other keys expire at KLLIC_LIMIT_DATE and have no subscription state.
 */
export function toLicenseKey(record: KscParams): LicenseKey | null {
  const serial = read.string(record, 'KLLIC_SERIAL');
  if (!serial) return null;
  const keyType = read.number(record, 'KLLIC_KEY_TYPE');
  const flag = read.boolean(record, 'KLLIC_LICTYPE_IS_SUBSCRIPTION');
  const type = keyTypeOf(keyType, flag);
  const subscription = flag === true || keyType === 6;
  const limitDate = meaningfulDate(read.date(record, 'KLLIC_LIMIT_DATE'));
  let expiresAt = limitDate;
  let subscriptionState: SubscriptionState | null = null;
  if (subscription) {
    const endDateType = read.number(record, 'KLLIC_SUBSCRINFO_ENDDATETYPE');
    const stateCode = read.number(record, 'KLLIC_SUBSCRINFO_STATE');
    expiresAt = endDateType === END_DATE_TYPE.UNLIMITED ? null : (meaningfulDate(read.date(record, 'KLLIC_SUBSCRINFO_ENDDATE')) ?? limitDate);
    subscriptionState = stateCode !== null ? (SUBSCRIPTION_STATES[stateCode] ?? null) : endDateType === END_DATE_TYPE.PAUSED ? 'paused' : null;
  }
  return {
    id: serial,
    applicationId: read.string(record, 'KLLIC_PROD_NAME') || '(unnamed product)',
    type,
    expiresAt,
    subscriptionState,
    capacity: read.number(record, 'KLLIC_LIC_COUNT') ?? 0,
  };
}

/** Reads of one GroupSyncIterator result set, each on an iterator of its own, before a failure stands. */
export const ITERATOR_READS = 3;

/**
 * A GroupSyncIterator read, begun afresh on a new iterator when one fails mid-way: its pages
 * cannot be asked for again (GetNextItems advances, so the HTTP layer never repeats it), and one
 * reset or garbled page among a tenant's key reads failed its whole billing. What the server
 * refused in its own words (auth, permission, a PxgError) stands at once.
 */
async function readAfresh(call: KscCall, pageSize: number | null, open: () => Promise<{ iterator: string; count: number | null }>): Promise<KscParams[]> {
  for (let attempt = 1; ; attempt++) {
    const { iterator, count } = await open();
    try {
      return await readGroupSyncIterator(call, iterator, pageSize, count);
    } catch (error) {
      const passing = isKmspError(error) && !isKscError(error) && ['network', 'protocol', 'rate-limit', 'vendor'].includes(error.kind);
      if (!passing || attempt >= ITERATOR_READS) throw error;
    }
  }
}

export async function enumKeys(call: KscCall, pageSize: number | null, fields: readonly string[] = KEY_FIELDS): Promise<KscParams[]> {
  return readAfresh(call, pageSize, async () => {
    const reply = await call('LicenseKeys.EnumKeys', { pFields: [...fields], pFieldsToOrder: [], pOptions: {}, lTimeoutSec: ITERATOR_TIMEOUT_SEC });
    const iterator = read.string(reply, 'wstrIterator');
    if (!iterator) throw missingOutParam('LicenseKeys.EnumKeys', 'wstrIterator');
    return { iterator, count: read.number(reply, 'lKeyCount') };
  });
}

/**
 * The hosts using one key, as active or reserve key. Only hosts in `ownHosts` (the
 * tenant's own, from FindHosts) are kept: for a key shared across virtual servers,
 * AcquireKeyHosts may list other virtual servers' hosts too ([U]), and those belong to
 * other customers' bills.
 */
export async function keyAssignments(call: KscCall, serial: string, pageSize: number | null, ownHosts: ReadonlySet<string>): Promise<KeyAssignment[]> {
  const rows = await readAfresh(call, pageSize, async () => {
    const reply = await call('LicenseKeys.AcquireKeyHosts', {
      pInData: { KLLIC_SERIAL: serial },
      pFields: [...KEY_HOST_FIELDS],
      pFieldsToOrder: [],
      pOptions: {},
      lTimeoutSec: ITERATOR_TIMEOUT_SEC,
    });
    const iterator = read.string(reply, 'wstrIterator');
    if (!iterator) throw missingOutParam('LicenseKeys.AcquireKeyHosts', 'wstrIterator');
    return { iterator, count: read.number(reply, 'lKeyCount') };
  });
  const seen = new Map<string, KeyAssignment>();
  for (const row of rows) {
    const deviceId = read.string(row, 'KLLICSRV_HOSTNAME');
    if (!deviceId || !ownHosts.has(deviceId)) continue;
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
