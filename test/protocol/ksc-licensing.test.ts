// License usage over real HTTPS: a key shared across virtual servers (AcquireKeyHosts
// answering with other customers' hosts [U]), and the subscription fields KSC reports
// for trial subscriptions, renewed subscriptions, paused and unlimited ones.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKscPlatform, type KscPlatform } from '../../source/connectors/ksc/index.js';
import type { LicenseKey, Tenant } from '../../source/domain/types.js';
import type { KscFixture } from '../../source/simulators/ksc/fixture.js';
import { startKscSimulator, type KscSimulator } from '../../source/simulators/ksc/index.js';
import { testTls } from '../../source/simulators/server.js';

const PASSWORD = 'licensing-password-1';
const host = (prefix: string, n: number) => `${prefix}0000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const ws = (prefix: string, n: number) => ({ hostname: host(prefix, n), dn: `${prefix.toUpperCase()}-WS-${n}`, osName: 'Microsoft Windows 11 Pro', ctype: 4097 });

const fixture: KscFixture = {
  users: [{ username: 'lic', password: PASSWORD }],
  vservers: [
    {
      uid: 'vs-a',
      dn: 'Customer A',
      devices: [ws('a', 1), ws('a', 2)],
      keys: [
        // The MSP's one key, used by both customers.
        { serial: 'SHARED-0001', productName: 'KESB Select', type: 'commercial', capacity: 100, expiry: 'now+300d', current: [host('a', 1), host('a', 2)] },
        // A trial that KSC also reports as a subscription: still a trial (never billed).
        { serial: 'TRIAL-SUB-01', productName: 'EDR Optimum', type: 'trial', capacity: 5, expiry: 'now+20d', subscription: { state: 'active', endDate: 'now+20d', endDateType: 'limited' } },
        // Renewed subscription: LIMIT_DATE still the old term, ENDDATE the new one.
        { serial: 'RENEWED-001', productName: 'KESB Advanced', type: 'subscription', capacity: 10, expiry: 'now-10d', subscription: { state: 'active', endDate: 'now+355d', endDateType: 'limited' } },
        // Paused, reported only through ENDDATETYPE (no STATE).
        { serial: 'PAUSED-001', productName: 'KESB Advanced', type: 'subscription', capacity: 10, expiry: 'now+30d', subscription: { endDateType: 'paused' } },
        // Unlimited: no expiry, whatever LIMIT_DATE says.
        { serial: 'UNLIMITED-01', productName: 'KESB Advanced', type: 'subscription', capacity: 10, expiry: 'now+30d', subscription: { state: 'active', endDate: 'now+30d', endDateType: 'unlimited' } },
      ],
    },
    {
      uid: 'vs-b',
      dn: 'Customer B',
      devices: [ws('b', 1), ws('b', 2), ws('b', 3)],
      keys: [{ serial: 'SHARED-0001', productName: 'KESB Select', type: 'commercial', capacity: 100, expiry: 'now+300d', current: [host('b', 1), host('b', 2)], reserve: [host('b', 3)] }],
    },
  ],
  options: { keyHostsAcrossVServers: true },
};

let sim: KscSimulator;
let ksc: KscPlatform;
const customerA: Tenant = { id: 'vs-a', name: 'Customer A', enabled: true };
const customerB: Tenant = { id: 'vs-b', name: 'Customer B', enabled: true };

beforeAll(async () => {
  sim = await startKscSimulator({ fixture });
  ksc = createKscPlatform({ connection: { kind: 'ksc', url: sim.url, username: 'lic', internalUser: true, domain: '', caFile: testTls().ca }, password: PASSWORD });
});

afterAll(async () => {
  await ksc?.close();
  await sim?.close();
});

describe('a key shared across virtual servers (S2)', () => {
  it('assignments are limited to the tenant’s own hosts', async () => {
    const a = await ksc.licenseUsage(customerA);
    expect(a.assignments.filter((x) => x.keyId === 'SHARED-0001').map((x) => x.deviceId).sort()).toEqual([host('a', 1), host('a', 2)]);
    const b = await ksc.licenseUsage(customerB);
    expect(b.assignments.filter((x) => x.keyId === 'SHARED-0001')).toEqual([
      { keyId: 'SHARED-0001', deviceId: host('b', 1), current: true },
      { keyId: 'SHARED-0001', deviceId: host('b', 2), current: true },
      { keyId: 'SHARED-0001', deviceId: host('b', 3), current: false },
    ]);
  });
});

describe('subscription fields (S3)', () => {
  let keys: Record<string, LicenseKey>;
  beforeAll(async () => {
    keys = Object.fromEntries((await ksc.licenseUsage(customerA)).keys.map((k) => [k.id, k]));
  });

  it('a trial reported as a subscription stays a trial', () => {
    expect(keys['TRIAL-SUB-01']!.type).toBe('trial');
  });

  it('a renewed subscription expires at KLLIC_SUBSCRINFO_ENDDATE, not the stale KLLIC_LIMIT_DATE', () => {
    expect(keys['RENEWED-001']).toMatchObject({ type: 'subscription', subscriptionState: 'active' });
    expect(keys['RENEWED-001']!.expiresAt!.getTime()).toBeGreaterThan(Date.now() + 300 * 86_400_000);
  });

  it('ENDDATETYPE 3 (paused) makes a state-less subscription paused; 1 (unlimited) means no expiry', () => {
    expect(keys['PAUSED-001']).toMatchObject({ type: 'subscription', subscriptionState: 'paused' });
    expect(keys['UNLIMITED-01']).toMatchObject({ type: 'subscription', subscriptionState: 'active', expiresAt: null });
  });
});
