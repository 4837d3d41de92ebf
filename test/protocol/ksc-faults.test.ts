// Every fault kind of the KSC simulator (the shared ones, an expired session and an expired
// result set) against the KSC connector the registry opens, one fault at a time
// (fault-harness.ts): every read succeeds or fails with a KmspError that says why and what to do,
// a session that ended is signed in again, and the same seed gives the same faults.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecurityPlatform } from '../../source/domain/ports.js';
import type { Tenant } from '../../source/domain/types.js';
import { attempt, describe as said, httpFor, platformFaultKindTests, startPlatform, type FaultOp, type PlatformUnderTest } from './fault-harness.js';

const VENDOR_KINDS = ['session-expired', 'iterator-expired'];
let env: PlatformUnderTest<'ksc'>;
let tenant: Tenant;

beforeAll(async () => {
  env = await startPlatform('ksc');
  const platform = await env.connect(httpFor('none'));
  // The tenant with the most devices: its reads take more than one page.
  const tenants = await platform.listTenants();
  const devices = new Map(env.sim.summary().vservers.map((v) => [v.uid, v.devices]));
  tenant = [...tenants].sort((a, b) => (devices.get(b.id) ?? 0) - (devices.get(a.id) ?? 0))[0]!;
});

afterAll(async () => {
  await env?.close();
});

const call = (method: string) => ({ pathIncludes: `/api/v1.0/${method}`, method: 'POST' });

function ops(platform: SecurityPlatform): FaultOp[] {
  return [
    { name: 'sign-in', nature: 'read', target: call('Session.StartSession'), run: () => platform.listTenants() },
    { name: 'listTenants', nature: 'read', target: call('VServers.GetVServers'), run: () => platform.listTenants() },
    { name: 'listDevices: find', nature: 'read', target: call('HostGroup.FindHosts'), run: () => platform.listDevices(tenant) },
    { name: 'listDevices: chunk', nature: 'read', target: call('ChunkAccessor.GetItemsChunk'), run: () => platform.listDevices(tenant) },
    { name: 'licenseUsage: keys', nature: 'read', target: call('LicenseKeys.EnumKeys'), run: () => platform.licenseUsage(tenant) },
    { name: 'licenseUsage: next items', nature: 'read-once', target: call('GroupSyncIterator.GetNextItems'), run: () => platform.licenseUsage(tenant) },
    { name: 'eventsSince: range', nature: 'read', target: call('EventProcessing.GetRecordRange'), run: () => platform.eventsSince(tenant, null, { initialWindowDays: 30 }) },
  ];
}

/** Where a vendor kind applies (elsewhere it is 'not-applicable' and no request gets it). */
const APPLIES: Record<string, string[]> = {
  'session-expired': ['listTenants', 'listDevices: find', 'listDevices: chunk', 'licenseUsage: keys', 'licenseUsage: next items', 'eventsSince: range'],
  'iterator-expired': ['listDevices: chunk', 'licenseUsage: next items', 'eventsSince: range'],
};

describe('KSC under every fault kind', () => {
  platformFaultKindTests({
    env: () => env,
    vendorKinds: VENDOR_KINDS,
    applies: APPLIES,
    ops,
    check: (kind, { outcome }, { op }) => {
      if (!outcome.ok && op.nature === 'read-once') {
        // A lost page of a read is no write of unknown outcome: nothing to check in KSC, the next run reads again.
        expect(outcome.error.outcomeUnknown).toBe(false);
        expect(outcome.error.remedy).not.toMatch(/may or may not have been made/);
      }
      if (kind === 'session-expired') {
        // KSC ended the session (idle timeout, restart): the connector signs in again and carries on.
        expect(outcome, said(outcome)).toMatchObject({ ok: true });
      }
    },
    sameSeed: async () => {
      const e = await startPlatform('ksc', { faults: { seed: 42, rate: 0.3, kinds: ['5xx', '429', 'slow', 'reset-before'], slowMs: 20, pathIncludes: 'VServers' } });
      const platform = await e.connect({ ...httpFor('none'), retries: 8 });
      return {
        sim: e.sim,
        run: async () => {
          for (let i = 0; i < 6; i++) await attempt(() => platform.listTenants());
        },
        close: () => e.close(),
      };
    },
  });

  it('neither KSC kind applies to a sign-in, nor an expired result set to a call that reads none', async () => {
    const platform = await env.connect(httpFor('none'));
    env.sim.clearRequests();
    env.sim.faults.set({ seed: 1, rate: 1, kinds: ['session-expired', 'iterator-expired'], pathIncludes: 'Session.StartSession' });
    try {
      await platform.listTenants();
      env.sim.faults.set({ seed: 1, rate: 1, kinds: ['iterator-expired'], pathIncludes: 'HostGroup.FindHosts' });
      await platform.listDevices(tenant);
    } finally {
      env.sim.faults.set(null);
    }
    expect(env.sim.requests.filter((r) => r.fault)).toEqual([]);
    expect(env.sim.requests.some((r) => r.path.endsWith('Session.StartSession'))).toBe(true);
    expect(env.sim.requests.some((r) => r.path.endsWith('HostGroup.FindHosts'))).toBe(true);
  });
});
