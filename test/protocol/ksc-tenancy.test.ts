// Which virtual server a tenant's session opens on, over real HTTPS: a tenant is its
// KLVSRV_UID, and the display name X-KSC-VServer carries is looked up by that uid,
// never taken from the tenant's stored name (a renamed server's old name may belong
// to another customer by now). Also: one failing virtual server in listApplications.
import { describe, expect, it } from 'vitest';
import type { KscPlatformOptions } from '../../source/connectors/ksc/index.js';
import type { Tenant } from '../../source/domain/types.js';
import type { NewVServer } from '../../source/simulators/ksc/index.js';
import { failure, useSimulatedKsc } from './ksc-simulated.js';

const alpha: Tenant = { id: 'vs-alpha-0001', name: 'Alpha Dental', enabled: true };

const ksc = useSimulatedKsc();
const { count } = ksc;
const platform = (options: Partial<KscPlatformOptions> = {}) => ksc.platform({}, options);

/** Another customer's virtual server, created under the name Alpha's server used to have. */
const IMPOSTOR: NewVServer = {
  uid: 'vs-impostor-0009',
  dn: 'Alpha Dental',
  devices: [{ hostname: 'f0000000-0000-4000-8000-000000000001', dn: 'OTHER-CUSTOMER-PC', osName: 'Microsoft Windows 11 Pro', ctype: 4097 }],
  keys: [{ serial: 'OTHER-KEY-0001', productName: 'Other Product', type: 'commercial', capacity: 1, expiry: 'now+100d', current: ['f0000000-0000-4000-8000-000000000001'] }],
  events: [{ severity: 'critical', type: 'GNRL_EV_VIRUS_FOUND', description: 'other customer', raisedAt: 'now-1h' }],
};

/** Server keys of the sessions the simulator has handed out. */
function sessionServers(): string[] {
  return [...ksc.sim.runtime.sessions.values()].map((s) => s.serverKey);
}

describe('tenant sessions open on the tenant’s own virtual server (M1)', () => {
  it('a fresh connector reads a renamed tenant, not the newer virtual server that took its old name', async () => {
    ksc.sim.renameVServer('vs-alpha-0001', 'Alpha Dental (2019)');
    ksc.sim.addVServer(IMPOSTOR);
    const p = platform();
    const devices = await p.listDevices(alpha);
    expect(devices).toHaveLength(8);
    expect(devices.map((d) => d.name)).not.toContain('OTHER-CUSTOMER-PC');
    const usage = await p.licenseUsage(alpha);
    expect(usage.keys.map((k) => k.id)).not.toContain('OTHER-KEY-0001');
    const events = await p.eventsSince(alpha, null);
    expect(events.events.map((e) => e.description)).not.toContain('other customer');
    expect(sessionServers()).not.toContain('vs-impostor-0009');
    // The name was looked up once for the connector, not before every call.
    expect(count('VServers.GetVServers')).toBe(1);
  });

  it('a session renewed after a rename and a newcomer with the old name still opens on the tenant', async () => {
    const p = platform();
    expect(await p.listDevices(alpha)).toHaveLength(8);
    // While the connector lives: renamed, the old name reused, and the session ends.
    ksc.sim.renameVServer('vs-alpha-0001', 'Alpha Dental (2019)');
    ksc.sim.addVServer(IMPOSTOR);
    ksc.sim.expireSessions();
    const devices = await p.listDevices(alpha);
    expect(devices).toHaveLength(8);
    expect(devices.map((d) => d.name)).not.toContain('OTHER-CUSTOMER-PC');
    // A session may have been opened on the newcomer to find out; none is left open there.
    expect([...ksc.sim.runtime.sessions.values()].filter((s) => s.serverKey === 'vs-impostor-0009' && !s.ended)).toEqual([]);
  });

  it('a session whose server cannot say who it is (GetStaticInfo refused) is used as named by uid', async () => {
    ksc.sim.injectFailure({ method: 'HostGroup.GetStaticInfo', mode: 'pxg', vserver: 'vs-alpha-0001', code: 1281, message: 'Access denied' });
    expect(await platform().listDevices(alpha)).toHaveLength(8);
    expect(count('HostGroup.GetStaticInfo')).toBe(1);
  });

  it('a removed tenant is not-found, naming it, even when a newcomer has its name', async () => {
    ksc.sim.removeVServer('vs-alpha-0001');
    ksc.sim.addVServer(IMPOSTOR);
    const error = await failure(platform().listDevices(alpha));
    expect(error.kind).toBe('not-found');
    expect(error.message).toContain('"Alpha Dental"');
    expect(error.why).toContain('vs-alpha-0001');
    expect(sessionServers()).not.toContain('vs-impostor-0009');
  });

  it('refuses a virtual server whose name is empty: X-KSC-VServer "" would open the main server', async () => {
    ksc.sim.state.server('vs-alpha-0001').dn = '';
    const p = platform();
    const error = await failure(p.listDevices(alpha));
    expect(error.kind).toBe('protocol');
    expect(error.message).toMatch(/no name/);
    expect(error.message).toContain('vs-alpha-0001');
    // Only the main-server session (for GetVServers) exists: none was opened for the tenant.
    expect(sessionServers()).toEqual(['']);
    expect(count('HostGroup.FindHosts')).toBe(0);
  });
});

describe('listApplications with a failing virtual server', () => {
  it('skips the failing one, reports which, and lists the others’ products', async () => {
    const warnings: string[] = [];
    const p = platform({ onWarning: (m) => warnings.push(m) });
    ksc.sim.injectFailure({ method: 'LicenseKeys.EnumKeys', mode: 'pxg', vserver: 'vs-bravo-0002', code: 1281, message: 'Access denied' });
    const apps = (await p.listApplications()).map((a) => a.name);
    expect(apps).toEqual([
      'Kaspersky Endpoint Detection and Response Optimum',
      'Kaspersky Endpoint Security for Business Select',
      'Kaspersky Security for Windows Server',
    ]);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('Bravo Logistics');
    expect(warnings[0]).toContain('Access denied');
    expect(p.skippedTenants.map((s) => s.tenant.id)).toEqual(['vs-bravo-0002']);
    expect(p.skippedTenants[0]!.error.kind).toBe('vendor');
    // The next call starts afresh.
    expect(await p.listApplications()).toHaveLength(7);
    expect(p.skippedTenants).toEqual([]);
  });

  it('still fails when every enabled virtual server fails', async () => {
    const p = platform();
    ksc.sim.injectFailure({ method: 'LicenseKeys.EnumKeys', mode: 'pxg', vserver: 'vs-alpha-0001', code: 1281, message: 'Access denied' });
    ksc.sim.injectFailure({ method: 'LicenseKeys.EnumKeys', mode: 'pxg', vserver: 'vs-bravo-0002', code: 1281, message: 'Access denied' });
    const error = await failure(p.listApplications());
    expect(error.kind).toBe('vendor');
    expect(error.message).toMatch(/Access denied/);
  });
});
