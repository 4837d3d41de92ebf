// The KSC connector against the KSC simulator over real HTTPS on loopback, with the
// TEST-ONLY CA: every SecurityPlatform method on the ksc-basic scenario.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createKscPlatform, type KscPlatform } from '../../source/connectors/ksc/index.js';
import type { KscConnection } from '../../source/domain/config.js';
import type { Device, Tenant } from '../../source/domain/types.js';
import { startKscSimulator, type KscSimulator } from '../../source/simulators/ksc/index.js';
import { fixturesPath, testTls } from '../../source/simulators/server.js';

const PASSWORD = 's3cret-Test-pass!';
let sim: KscSimulator;
let ksc: KscPlatform;

function connection(url: string, extra: Partial<KscConnection> = {}): KscConnection {
  return { kind: 'ksc', url, username: 'kmsp-test', internalUser: true, domain: '', caFile: testTls().ca, ...extra };
}

beforeAll(async () => {
  sim = await startKscSimulator({ fixture: fixturesPath('ksc-basic', 'ksc.json') });
  ksc = createKscPlatform({ connection: connection(sim.url), password: PASSWORD });
});

afterAll(async () => {
  await ksc?.close();
  await sim?.close();
});

const alpha: Tenant = { id: 'vs-alpha-0001', name: 'Alpha Dental', enabled: true };
const bravo: Tenant = { id: 'vs-bravo-0002', name: 'Bravo Logistics', enabled: true };

function byName(devices: Device[], name: string): Device {
  const d = devices.find((x) => x.name === name);
  if (!d) throw new Error(`no device ${name}`);
  return d;
}

describe('KSC connector over HTTPS', () => {
  it('verify() signs in to the main server and says what it reached', async () => {
    const identity = await ksc.verify();
    expect(identity.kind).toBe('ksc');
    expect(identity.description).toBe(`Kaspersky Security Center 15.1.0.20748 at ${sim.url} (server KSC-TEST), 3 virtual servers`);
  });

  it('listTenants() returns the virtual servers by KLVSRV_UID', async () => {
    expect(await ksc.listTenants()).toEqual([
      { id: 'vs-alpha-0001', name: 'Alpha Dental', enabled: true },
      { id: 'vs-bravo-0002', name: 'Bravo Logistics', enabled: true },
      { id: 'vs-charlie-0003', name: 'Charlie Dormant', enabled: false },
    ]);
  });

  it('listApplications() lists the distinct licensed products of every virtual server, with the categories each installs on', async () => {
    const any = undefined;
    expect(await ksc.listApplications()).toEqual(
      (
        [
          ['Kaspersky Endpoint Detection and Response Optimum', any],
          ['Kaspersky Endpoint Security for Business Advanced', any],
          ['Kaspersky Endpoint Security for Business Select', any],
          ['Kaspersky Endpoint Security for Linux', ['non-windows']],
          ['Kaspersky Endpoint Security for Windows (beta)', ['windows-workstation', 'windows-server']],
          ['Kaspersky Security for Mobile', ['non-windows']],
          ['Kaspersky Security for Windows Server', ['windows-server']],
        ] as const
      ).map(([name, categories]) => ({ id: name, name, unit: 'device', ...(categories ? { categories } : {}) })),
    );
  });

  it('listDevices() classifies every device and labels status reasons from the group masks', async () => {
    const devices = await ksc.listDevices(alpha);
    expect(devices).toHaveLength(8);
    expect(devices.every((d) => d.tenantId === alpha.id)).toBe(true);
    expect(byName(devices, 'ALPHA-WS-01')).toMatchObject({ id: 'a0000000-0000-4000-8000-000000000001', category: 'windows-workstation', mobile: false, health: 'ok', statuses: [] });
    // Managed devices group: bit 7 is in CRITICAL (and WARNING), bit 13 only in WARNING.
    expect(byName(devices, 'ALPHA-WS-02')).toMatchObject({
      health: 'critical',
      statuses: [
        { id: 'databases-outdated', severity: 'critical' },
        { id: 'vulnerabilities', severity: 'warning' },
      ],
    });
    expect(byName(devices, 'ALPHA-WS-03')).toMatchObject({ health: 'warning', statuses: [{ id: 'restart-required', severity: 'warning' }] });
    // The Servers subgroup has its own masks: vulnerabilities are critical there.
    expect(byName(devices, 'ALPHA-SRV-01')).toMatchObject({
      category: 'windows-server',
      osName: 'Microsoft Windows Server 2019 Standard',
      health: 'critical',
      statuses: [
        { id: 'restart-required', severity: 'warning' },
        { id: 'vulnerabilities', severity: 'critical' },
      ],
    });
    expect(byName(devices, 'ALPHA-MAC-01')).toMatchObject({ category: 'non-windows', mobile: false });
    expect(byName(devices, 'ALPHA-LNX-01')).toMatchObject({ category: 'non-windows', mobile: false });
    expect(byName(devices, 'ALPHA-PHONE-01')).toMatchObject({ category: 'non-windows', mobile: true, lastSeen: new Date('2024-02-29T12:00:00Z') });
    // Unassigned devices have no status, whatever their conditions.
    expect(byName(devices, 'ALPHA-PRINTER')).toMatchObject({ category: 'non-windows', health: 'ok', statuses: [], lastSeen: null });
    const ws1 = byName(devices, 'ALPHA-WS-01');
    expect(ws1.lastSeen).toBeInstanceOf(Date);
    expect(Math.abs(Date.now() - 10 * 60_000 - ws1.lastSeen!.getTime())).toBeLessThan(60_000);
  });

  it('listDevices() is scoped to the tenant’s virtual server', async () => {
    const devices = await ksc.listDevices(bravo);
    expect(devices.map((d) => d.name).sort()).toEqual(['BRAVO-DC-01', 'BRAVO-IPAD-01', 'BRAVO-NAS-01', 'BRAVO-WS-01', 'BRAVO-WS-02']);
    expect(byName(devices, 'BRAVO-DC-01').category).toBe('windows-server');
    expect(byName(devices, 'BRAVO-IPAD-01')).toMatchObject({ category: 'non-windows', mobile: true });
    expect(byName(devices, 'BRAVO-WS-01')).toMatchObject({ health: 'critical', statuses: [{ id: 'rtp-not-running', severity: 'critical' }] });
    expect(await ksc.listDevices({ id: 'vs-charlie-0003', name: 'Charlie Dormant', enabled: false })).toEqual([]);
  });

  it('licenseUsage() reads key types, expiry, subscription state and active/reserve assignments', async () => {
    const usage = await ksc.licenseUsage(alpha);
    expect(usage.tenantId).toBe(alpha.id);
    const keys = Object.fromEntries(usage.keys.map((k) => [k.id, k]));
    expect(Object.keys(keys).sort()).toEqual(['AAAA-COMM-0001', 'AAAA-KSWS-0001', 'AAAA-OLD-0001', 'AAAA-RENEW-001', 'AAAA-TRIAL-001']);
    expect(keys['AAAA-KSWS-0001']).toEqual({
      id: 'AAAA-KSWS-0001',
      applicationId: 'Kaspersky Security for Windows Server',
      type: 'commercial',
      expiresAt: new Date('2031-06-30T00:00:00Z'),
      subscriptionState: null,
      capacity: 2,
    });
    expect(keys['AAAA-TRIAL-001']?.type).toBe('trial');
    expect(keys['AAAA-OLD-0001']!.expiresAt!.getTime()).toBeLessThan(Date.now());
    const assigned = (serial: string, current: boolean) =>
      usage.assignments
        .filter((a) => a.keyId === serial && a.current === current)
        .map((a) => a.deviceId)
        .sort();
    expect(assigned('AAAA-COMM-0001', true)).toHaveLength(6);
    expect(assigned('AAAA-RENEW-001', true)).toEqual([]);
    expect(assigned('AAAA-RENEW-001', false)).toEqual(['a0000000-0000-4000-8000-000000000001', 'a0000000-0000-4000-8000-000000000002', 'a0000000-0000-4000-8000-000000000003']);
    expect(assigned('AAAA-KSWS-0001', true)).toEqual(['a0000000-0000-4000-8000-000000000004']);
    expect(usage.assignments.filter((a) => a.keyId === 'AAAA-OLD-0001')).toEqual([]);
  });

  it('licenseUsage() reads subscriptions, beta, test and OEM keys', async () => {
    const usage = await ksc.licenseUsage(bravo);
    const keys = Object.fromEntries(usage.keys.map((k) => [k.id, k]));
    expect(keys['BBBB-SUB-0001']).toMatchObject({ type: 'subscription', subscriptionState: 'active', capacity: 10 });
    expect(keys['BBBB-SUB-0001']!.expiresAt).toBeInstanceOf(Date);
    expect(keys['BBBB-SUB-PAUSE']).toMatchObject({ type: 'subscription', subscriptionState: 'paused', expiresAt: null });
    expect(keys['BBBB-BETA-0001']?.type).toBe('beta');
    expect(keys['BBBB-TEST-0001']?.type).toBe('test');
    expect(keys['BBBB-OEM-0001']?.type).toBe('oem');
    expect(usage.assignments.filter((a) => a.keyId === 'BBBB-SUB-0001' && a.current)).toHaveLength(3);
  });

  it('eventsSince() without a cursor reads the initial window, oldest first, every severity', async () => {
    const page = await ksc.eventsSince(alpha, null);
    expect(page.events.map((e) => [e.severity, e.type])).toEqual([
      ['warning', 'GNRL_EV_ANTIVIRAL_BASES_EXPIRED'],
      ['functional-failure', 'KLPRCI_TaskState'],
      ['critical', 'GNRL_EV_VIRUS_FOUND'],
      ['info', 'GNRL_EV_OBJECT_CURED'],
    ]);
    const virus = page.events[2]!;
    expect(virus).toMatchObject({
      tenantId: alpha.id,
      typeName: 'Malicious object detected',
      description: 'Trojan.Win32.Agent found in C:\\Users\\ann\\Downloads\\invoice.exe',
      deviceId: 'a0000000-0000-4000-8000-000000000002',
      deviceName: 'ALPHA-WS-02',
      product: 'KES',
    });
    expect(virus.id).toMatch(/^\d+$/);
    // A wider window reaches the three-day-old outbreak.
    const wide = await ksc.eventsSince(alpha, null, { initialWindowDays: 4 });
    expect(wide.events.map((e) => e.type)[0]).toBe('GNRL_EV_VIRUS_OUTBREAK');
    // Nothing new since the cursor.
    const again = await ksc.eventsSince(alpha, page.cursor);
    expect(again.events).toEqual([]);
    // A new event arrives after the cursor.
    const added = sim.addEvent(alpha.id, { severity: 'critical', type: 'GNRL_EV_VIRUS_FOUND', typeName: 'Malicious object detected', host: 'a0000000-0000-4000-8000-000000000003' });
    const next = await ksc.eventsSince(alpha, again.cursor);
    expect(next.events.map((e) => e.id)).toEqual([String(added.id)]);
    expect(next.events[0]).toMatchObject({ severity: 'critical', deviceName: 'ALPHA-WS-03' });
  });
});
