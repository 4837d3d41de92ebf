// The demo dataset through the connector, as `kmsp demo` serves it: the demo
// credentials sign in, and every tenant's devices, licenses and events read cleanly.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKscPlatform, type KscPlatform } from '../../source/connectors/ksc/index.js';
import type { Device, TenantLicenseUsage } from '../../source/domain/types.js';
import { KSC_DEMO_USER } from '../../source/simulators/ksc/demoFixture.js';
import { startKscSimulator, type KscSimulator } from '../../source/simulators/ksc/index.js';
import { fixturesPath, testTls } from '../../source/simulators/server.js';

let sim: KscSimulator;
let ksc: KscPlatform;

beforeAll(async () => {
  sim = await startKscSimulator({ fixture: fixturesPath('demo', 'ksc.json') });
  ksc = createKscPlatform({
    connection: { kind: 'ksc', url: sim.url, username: KSC_DEMO_USER.username, internalUser: true, domain: '', caFile: testTls().ca },
    password: KSC_DEMO_USER.password,
  });
});

afterAll(async () => {
  await ksc?.close();
  await sim?.close();
});

describe('KSC demo dataset', () => {
  it('reads 25 virtual servers, ~590 devices of every category, consistent license assignments and recent events', async () => {
    expect((await ksc.verify()).description).toMatch(/25 virtual servers/);
    const tenants = await ksc.listTenants();
    expect(tenants).toHaveLength(25);
    const devices: Device[] = [];
    const usages: TenantLicenseUsage[] = [];
    const severities = new Set<string>();
    for (const tenant of tenants) {
      const list = await ksc.listDevices(tenant);
      devices.push(...list);
      const usage = await ksc.licenseUsage(tenant);
      usages.push(usage);
      // Every device of the tenant has an active key; every assignment names a device of the tenant.
      const ids = new Set(list.map((d) => d.id));
      const active = new Set(usage.assignments.filter((a) => a.current).map((a) => a.deviceId));
      expect([...ids].filter((id) => !active.has(id)), tenant.name).toEqual([]);
      expect(usage.assignments.every((a) => ids.has(a.deviceId)), tenant.name).toBe(true);
      for (const e of (await ksc.eventsSince(tenant, null, { initialWindowDays: 3 })).events) severities.add(e.severity);
    }
    expect(devices).toHaveLength(590);
    const categories = new Map<string, number>();
    for (const d of devices) categories.set(d.category, (categories.get(d.category) ?? 0) + 1);
    expect(categories.get('windows-workstation')).toBeGreaterThan(400);
    expect(categories.get('windows-server')).toBeGreaterThan(40);
    expect(categories.get('non-windows')).toBeGreaterThan(60);
    expect(devices.some((d) => d.mobile)).toBe(true);
    expect(devices.some((d) => d.health === 'critical')).toBe(true);
    expect(devices.some((d) => d.health === 'warning')).toBe(true);
    const descriptions = new Set(devices.flatMap((d) => d.statuses.map((s) => `${s.id}/${s.severity}`)));
    for (const expected of ['databases-outdated/critical', 'rtp-not-running/critical', 'restart-required/warning', 'vulnerabilities/warning']) expect(descriptions).toContain(expected);
    const types = new Set(usages.flatMap((u) => u.keys.map((k) => k.type)));
    expect([...types].sort()).toEqual(['beta', 'commercial', 'oem', 'subscription', 'test', 'trial']);
    const states = new Set(usages.flatMap((u) => u.keys.map((k) => k.subscriptionState).filter(Boolean)));
    expect(states).toEqual(new Set(['active', 'paused', 'soft-cancelled', 'hard-cancelled']));
    expect(usages.some((u) => u.keys.some((k) => k.type === 'commercial' && k.expiresAt && k.expiresAt.getTime() < Date.now()))).toBe(true);
    expect([...severities].sort()).toEqual(['critical', 'functional-failure', 'info', 'warning']);
    expect((await ksc.listApplications()).length).toBeGreaterThanOrEqual(7);
  });
});
