// KSC license key records → LicenseKey (S3): key type with the subscription flag,
// subscription end date and end-date type, and the subscription state. Table-driven.
import { describe, expect, it } from 'vitest';
import { keyTypeOf, toLicenseKey } from '../../source/connectors/ksc/licenses.js';
import { decodeParams } from '../../source/connectors/ksc/params.js';
import type { LicenseKey } from '../../source/domain/types.js';

const dt = (iso: string) => ({ type: 'datetime', value: iso });
const EPOCH = dt('1970-01-01T00:00:00Z');
const LIMIT = '2026-03-01T00:00:00Z';
const END = '2027-03-01T00:00:00Z';

describe('keyTypeOf', () => {
  const table: Array<[number | null, boolean | null, LicenseKey['type']]> = [
    [1, null, 'commercial'],
    [1, false, 'commercial'],
    [1, true, 'subscription'],
    [5, null, 'oem'],
    [5, true, 'subscription'],
    [6, null, 'subscription'],
    [6, false, 'subscription'],
    [null, true, 'subscription'],
    // A subscription flag never turns a non-billable key into a billable one.
    [2, true, 'beta'],
    [3, true, 'trial'],
    [4, true, 'test'],
    [2, null, 'beta'],
    [3, false, 'trial'],
    [4, null, 'test'],
    // Unknown or missing types are never billed, flag or not.
    [99, null, 'test'],
    [99, true, 'test'],
    [0, true, 'test'],
    [null, null, 'test'],
    [null, false, 'test'],
  ];
  it.each(table)('KLLIC_KEY_TYPE %s, IS_SUBSCRIPTION %s → %s', (code, flag, expected) => {
    expect(keyTypeOf(code, flag)).toBe(expected);
  });
});

describe('toLicenseKey', () => {
  type Row = [name: string, record: Record<string, unknown>, expected: Partial<LicenseKey>];
  const base = { KLLIC_SERIAL: 'K-1', KLLIC_PROD_NAME: 'KESB', KLLIC_LIC_COUNT: { type: 'long', value: 10 } };
  const table: Row[] = [
    ['commercial: LIMIT_DATE, no state', { KLLIC_KEY_TYPE: 1, KLLIC_LIMIT_DATE: dt(LIMIT) }, { type: 'commercial', expiresAt: new Date(LIMIT), subscriptionState: null }],
    [
      'commercial: subscription fields of a non-subscription are ignored',
      { KLLIC_KEY_TYPE: 1, KLLIC_LIMIT_DATE: dt(LIMIT), KLLIC_SUBSCRINFO_ENDDATE: dt(END), KLLIC_SUBSCRINFO_STATE: 0, KLLIC_SUBSCRINFO_ENDDATETYPE: 1 },
      { type: 'commercial', expiresAt: new Date(LIMIT), subscriptionState: null },
    ],
    ['commercial: epoch LIMIT_DATE means none', { KLLIC_KEY_TYPE: 1, KLLIC_LIMIT_DATE: EPOCH }, { expiresAt: null }],
    [
      'subscription renewed: ENDDATE wins over a stale LIMIT_DATE',
      { KLLIC_KEY_TYPE: 6, KLLIC_LIMIT_DATE: dt(LIMIT), KLLIC_SUBSCRINFO_ENDDATE: dt(END), KLLIC_SUBSCRINFO_ENDDATETYPE: 2, KLLIC_SUBSCRINFO_STATE: 0 },
      { type: 'subscription', expiresAt: new Date(END), subscriptionState: 'active' },
    ],
    [
      'subscription flag on a commercial key: ENDDATE wins too',
      { KLLIC_KEY_TYPE: 1, KLLIC_LICTYPE_IS_SUBSCRIPTION: true, KLLIC_LIMIT_DATE: dt(LIMIT), KLLIC_SUBSCRINFO_ENDDATE: dt(END) },
      { type: 'subscription', expiresAt: new Date(END), subscriptionState: null },
    ],
    ['subscription without ENDDATE: LIMIT_DATE', { KLLIC_KEY_TYPE: 6, KLLIC_LIMIT_DATE: dt(LIMIT) }, { type: 'subscription', expiresAt: new Date(LIMIT) }],
    ['subscription without LIMIT_DATE: ENDDATE', { KLLIC_KEY_TYPE: 6, KLLIC_LIMIT_DATE: EPOCH, KLLIC_SUBSCRINFO_ENDDATE: dt(END) }, { expiresAt: new Date(END) }],
    [
      'ENDDATETYPE 1 (unlimited): no expiry whatever the dates',
      { KLLIC_KEY_TYPE: 6, KLLIC_LIMIT_DATE: dt(LIMIT), KLLIC_SUBSCRINFO_ENDDATE: dt(END), KLLIC_SUBSCRINFO_ENDDATETYPE: 1, KLLIC_SUBSCRINFO_STATE: 0 },
      { type: 'subscription', expiresAt: null, subscriptionState: 'active' },
    ],
    [
      'ENDDATETYPE 3 (paused) without STATE: paused',
      { KLLIC_KEY_TYPE: 6, KLLIC_SUBSCRINFO_ENDDATETYPE: 3, KLLIC_SUBSCRINFO_ENDDATE: dt(END) },
      { type: 'subscription', subscriptionState: 'paused', expiresAt: new Date(END) },
    ],
    [
      'ENDDATETYPE 3 but STATE says soft-cancelled: STATE wins',
      { KLLIC_KEY_TYPE: 6, KLLIC_SUBSCRINFO_ENDDATETYPE: 3, KLLIC_SUBSCRINFO_STATE: 2 },
      { subscriptionState: 'soft-cancelled' },
    ],
    ['ENDDATETYPE 2 without STATE: unknown, not active', { KLLIC_KEY_TYPE: 6, KLLIC_SUBSCRINFO_ENDDATETYPE: 2 }, { subscriptionState: null }],
    ['ENDDATETYPE 0 (not defined): like absent', { KLLIC_KEY_TYPE: 6, KLLIC_SUBSCRINFO_ENDDATETYPE: 0, KLLIC_LIMIT_DATE: dt(LIMIT) }, { subscriptionState: null, expiresAt: new Date(LIMIT) }],
    ['STATE 3: hard-cancelled', { KLLIC_LICTYPE_IS_SUBSCRIPTION: true, KLLIC_SUBSCRINFO_STATE: 3 }, { type: 'subscription', subscriptionState: 'hard-cancelled' }],
    ['unknown STATE: unknown', { KLLIC_KEY_TYPE: 6, KLLIC_SUBSCRINFO_STATE: 9 }, { subscriptionState: null }],
    [
      'trial subscription: stays a trial, reads the subscription dates and state',
      { KLLIC_KEY_TYPE: 3, KLLIC_LICTYPE_IS_SUBSCRIPTION: true, KLLIC_LIMIT_DATE: dt(LIMIT), KLLIC_SUBSCRINFO_ENDDATE: dt(END), KLLIC_SUBSCRINFO_STATE: 0 },
      { type: 'trial', expiresAt: new Date(END), subscriptionState: 'active' },
    ],
    ['beta subscription: stays beta', { KLLIC_KEY_TYPE: 2, KLLIC_LICTYPE_IS_SUBSCRIPTION: true }, { type: 'beta' }],
    ['test subscription, paused: stays test', { KLLIC_KEY_TYPE: 4, KLLIC_LICTYPE_IS_SUBSCRIPTION: true, KLLIC_SUBSCRINFO_ENDDATETYPE: 3 }, { type: 'test', subscriptionState: 'paused' }],
  ];
  it.each(table)('%s', (_name, record, expected) => {
    const key = toLicenseKey(decodeParams({ ...base, ...record }));
    expect(key).toMatchObject({ id: 'K-1', applicationId: 'KESB', capacity: 10, ...expected });
  });

  it('a record without a serial is no key', () => {
    expect(toLicenseKey(decodeParams({ KLLIC_PROD_NAME: 'no serial', KLLIC_KEY_TYPE: 1 }))).toBeNull();
  });
});
