// KSC records → domain values: license keys, event severities and the event cursor.
import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, severityOf, toSecurityEvent } from '../../source/connectors/ksc/events.js';
import { keyTypeOf, toLicenseKey } from '../../source/connectors/ksc/licenses.js';
import { decodeParams } from '../../source/connectors/ksc/params.js';

describe('license keys', () => {
  it('maps KLLIC_KEY_TYPE, letting KLLIC_LICTYPE_IS_SUBSCRIPTION win and treating unknown types as test', () => {
    const table: Array<[number | null, boolean | null, string]> = [
      [1, null, 'commercial'],
      [2, false, 'beta'],
      [3, null, 'trial'],
      [4, null, 'test'],
      [5, null, 'oem'],
      [6, null, 'subscription'],
      [1, true, 'subscription'],
      [99, null, 'test'],
      [null, null, 'test'],
    ];
    for (const [code, sub, expected] of table) expect(keyTypeOf(code, sub), `${code}/${sub}`).toBe(expected);
  });

  it('reads expiry, subscription state and capacity from a wire record', () => {
    const key = toLicenseKey(
      decodeParams({
        KLLIC_SERIAL: 'S-1',
        KLLIC_PROD_NAME: 'KESB Advanced',
        KLLIC_KEY_TYPE: 6,
        KLLIC_LIMIT_DATE: { type: 'datetime', value: '1970-01-01T00:00:00Z' },
        KLLIC_SUBSCRINFO_ENDDATE: { type: 'datetime', value: '2027-01-31T00:00:00Z' },
        KLLIC_SUBSCRINFO_STATE: 2,
        KLLIC_LIC_COUNT: { type: 'long', value: 250 },
      }),
    );
    expect(key).toEqual({ id: 'S-1', applicationId: 'KESB Advanced', type: 'subscription', expiresAt: new Date('2027-01-31T00:00:00Z'), subscriptionState: 'soft-cancelled', capacity: 250 });
    // A subscription without a state is unknown, not active; a commercial key has no state.
    expect(toLicenseKey(decodeParams({ KLLIC_SERIAL: 'S-2', KLLIC_PROD_NAME: 'P', KLLIC_LICTYPE_IS_SUBSCRIPTION: true }))?.subscriptionState).toBeNull();
    expect(toLicenseKey(decodeParams({ KLLIC_SERIAL: 'S-3', KLLIC_PROD_NAME: 'P', KLLIC_KEY_TYPE: 1, KLLIC_SUBSCRINFO_STATE: 0 }))).toMatchObject({ subscriptionState: null, expiresAt: null, capacity: 0 });
    expect(toLicenseKey(decodeParams({ KLLIC_PROD_NAME: 'no serial' }))).toBeNull();
  });
});

describe('events', () => {
  it('maps GNRL_EA_SEVERITY', () => {
    expect([4, 3, 2, 1, 0, null, 7].map(severityOf)).toEqual(['critical', 'functional-failure', 'warning', 'info', 'info', 'info', 'info']);
  });

  it('keeps 64-bit event ids exact and falls back to registration_time', () => {
    const event = toSecurityEvent(
      't',
      decodeParams({ event_db_id: { type: 'long', value: '9007199254740993' }, registration_time: { type: 'datetime', value: '2026-01-02T03:04:05Z' }, GNRL_EA_SEVERITY: 4 }),
    );
    expect(event).toMatchObject({ id: '9007199254740993', raisedAt: new Date('2026-01-02T03:04:05Z'), severity: 'critical', type: '', deviceId: null });
    expect(toSecurityEvent('t', decodeParams({ event_db_id: { type: 'long', value: 5 } }))).toBeNull();
  });

  it('round-trips the cursor with packed ids, reads the previous format, and refuses foreign ones', () => {
    const ids = ['7', '5', '7', '9007199254740993', '1000000'];
    const cursor = encodeCursor({ anchor: Date.parse('2026-01-02T03:04:05Z'), floor: Date.parse('2026-01-01T00:00:00Z'), ids: new Set(ids) });
    expect(JSON.parse(cursor)).toEqual({ v: 2, t: '2026-01-02T03:04:05.000Z', f: '2026-01-01T00:00:00.000Z', ids: '5,2,f4239,1ffffffff0bdc1' });
    expect(decodeCursor(cursor)).toEqual({ anchor: Date.parse('2026-01-02T03:04:05Z'), floor: Date.parse('2026-01-01T00:00:00Z'), ids: new Set(['5', '7', '1000000', '9007199254740993']) });
    expect(decodeCursor(encodeCursor({ anchor: 0, floor: 0, ids: new Set() })).ids).toEqual(new Set());
    // The previous format: its time is both anchor and floor (nothing older comes again).
    expect(decodeCursor('{"v":1,"t":"2026-01-02T03:04:05Z","ids":["5","7"]}')).toEqual({
      anchor: Date.parse('2026-01-02T03:04:05Z'),
      floor: Date.parse('2026-01-02T03:04:05Z'),
      ids: new Set(['5', '7']),
    });
    for (const bad of [
      '',
      '{}',
      'null',
      '{"v":3,"t":"2026-01-01T00:00:00Z","f":"2026-01-01T00:00:00Z","ids":""}',
      '{"v":2,"t":"2026-01-01T00:00:00Z","ids":""}',
      '{"v":2,"t":"2026-01-01T00:00:00Z","f":"2026-01-01T00:00:00Z","ids":"5,-1"}',
      '{"v":2,"t":"2026-01-01T00:00:00Z","f":"2026-01-01T00:00:00Z","ids":"x"}',
      '{"v":2,"t":"2026-01-01T00:00:00Z","f":"2026-01-01T00:00:00Z","ids":[]}',
      '{"v":1,"t":"x","ids":[]}',
      '{"v":1,"t":"2026-01-01T00:00:00Z","ids":[1]}',
    ]) {
      expect(() => decodeCursor(bad), bad).toThrow(/event stream/);
    }
  });
});
