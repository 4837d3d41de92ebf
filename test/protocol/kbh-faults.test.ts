// Every fault kind of the Business Hub simulator (the shared ones and an expired access token)
// against the Business Hub connector the registry opens, one fault at a time (fault-harness.ts):
// every read succeeds or fails with a KmspError that says why and what to do, an expired token is
// renewed, and the same seed gives the same faults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecurityPlatform } from '../../source/domain/ports.js';
import type { Tenant } from '../../source/domain/types.js';
import { attempt, describe as said, httpFor, platformFaultKindTests, startPlatform, type FaultOp, type PlatformUnderTest } from './fault-harness.js';

const VENDOR_KINDS = ['token-expired'];
let env: PlatformUnderTest<'kbh'>;
let tenant: Tenant;

beforeAll(async () => {
  env = await startPlatform('kbh');
  const platform = await env.connect(httpFor('none'));
  tenant = (await platform.listTenants())[0]!;
});

afterAll(async () => {
  await env?.close();
});

function ops(platform: SecurityPlatform): FaultOp[] {
  return [
    { name: 'sign-in', nature: 'read', target: { pathIncludes: '/api/v1/auth/token', method: 'POST' }, run: () => platform.listTenants() },
    { name: 'listTenants', nature: 'read', target: { pathIncludes: '/api/v1/companies', method: 'GET' }, run: () => platform.listTenants() },
    { name: 'listDevices', nature: 'read', target: { pathIncludes: '/devices', method: 'GET' }, run: () => platform.listDevices(tenant) },
    { name: 'licenseUsage', nature: 'read', target: { pathIncludes: '/licenses', method: 'GET' }, run: () => platform.licenseUsage(tenant) },
    { name: 'eventsSince', nature: 'read', target: { pathIncludes: '/events', method: 'GET' }, run: () => platform.eventsSince(tenant, null, { initialWindowDays: 30 }) },
  ];
}

/** Where a vendor kind applies (elsewhere it is 'not-applicable' and no request gets it). */
const APPLIES: Record<string, string[]> = { 'token-expired': ['listTenants', 'listDevices', 'licenseUsage', 'eventsSince'] };

describe('Business Hub under every fault kind', () => {
  platformFaultKindTests({
    env: () => env,
    vendorKinds: VENDOR_KINDS,
    applies: APPLIES,
    ops,
    check: (kind, { outcome, requests }) => {
      if (kind !== 'token-expired') return;
      // The token ran out mid-run: renewed with the refresh token, the request asked again.
      expect(outcome, said(outcome)).toMatchObject({ ok: true });
      expect(requests.filter((r) => r.path.endsWith('/auth/token'))).toHaveLength(2);
    },
    sameSeed: async () => {
      const e = await startPlatform('kbh', { faults: { seed: 42, rate: 0.3, kinds: ['5xx', '429', 'slow', 'reset-before'], slowMs: 20, method: 'GET' } });
      const platform = await e.connect({ ...httpFor('none'), retries: 8 });
      return {
        sim: e.sim,
        run: async () => {
          const tenants = await platform.listTenants();
          for (const t of tenants.slice(0, 3)) await attempt(() => platform.listDevices(t));
        },
        close: () => e.close(),
      };
    },
  });

  it('a token-expired fault does not apply to the token endpoint', async () => {
    env.sim.clearRequests();
    env.sim.faults.set({ seed: 1, rate: 1, kinds: ['token-expired'], pathIncludes: '/auth/token' });
    try {
      await (await env.connect(httpFor('none'))).listTenants();
    } finally {
      env.sim.faults.set(null);
    }
    expect(env.sim.requests.filter((r) => r.fault)).toEqual([]);
  });
});
