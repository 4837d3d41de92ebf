// The Business Hub connector against the Business Hub simulator over loopback HTTPS: every method
// of the SecurityPlatform port, what it makes of the hub's records (connectors/kbh/README.md §4),
// paging, the events cursor across passes and a new workspace, conditions that clear, and
// checkAccess. Sign-in, tokens and failures: kbh-session.test.ts.
import { describe, expect, it } from 'vitest';
import { OFFICE365_SECTION } from '../../source/domain/profiles/kbh.js';
import { countUsage } from '../../source/domain/usage.js';
import { FIXTURE, START, USERS, failure, tenant, useSimulatedKbh } from './kbh-simulated.js';

const kbh = useSimulatedKbh();
const ACME = tenant('c-acme');
const CEDAR = tenant('c-cedar');
const HOUR = 3_600_000;

describe('reads', () => {
  it('verify signs in and says what it reached, as whom', async () => {
    const identity = await kbh.platform().verify();
    expect(identity).toEqual({ kind: 'kbh', description: `Kaspersky Business Hub at ${kbh.sim.url.replace(/\/$/, '')} as ${USERS.plain.email} (MSP Northwind MSP)` });
    expect(kbh.grants('password')).toBe(1);
  });

  it('listTenants: every company, one marked for deletion disabled; pages of any size', async () => {
    const tenants = await kbh.platform({ pageSize: 2 }).listTenants();
    expect(tenants.map((t) => t.id)).toEqual(FIXTURE.companies.map((c) => c.id));
    expect(tenants.find((t) => t.id === 'c-bolt')).toEqual({ id: 'c-bolt', name: 'Bolt Logistics', enabled: false });
    expect(tenants.filter((t) => t.enabled)).toHaveLength(FIXTURE.companies.length - 1);
    expect(kbh.gets(/^companies$/)).toBe(Math.ceil(FIXTURE.companies.length / 2));
    expect(kbh.sim.requests.filter((r) => r.path === '/api/v1/companies').every((r) => r.query.includes('pageSize=2'))).toBe(true);
  });

  it('listApplications: the licensed products with their units', async () => {
    expect(await kbh.platform().listApplications()).toEqual([
      { id: 'kes-cloud', name: 'Kaspersky Endpoint Security Cloud', unit: 'device' },
      { id: 'kes-cloud-plus', name: 'Kaspersky Endpoint Security Cloud Plus', unit: 'user' },
      { id: 'kes-cloud-pro', name: 'Kaspersky Endpoint Security Cloud Pro', unit: 'user' },
      { id: 'ksmo365', name: 'Kaspersky Security for Microsoft Office 365', unit: 'mailbox' },
    ]);
  });

  it('listDevices: categories, mobile, health and status descriptions; the KSC Cloud Console workspace is told, not read', async () => {
    const warnings: string[] = [];
    const platform = kbh.platform({ onWarning: (m) => warnings.push(m) });
    const devices = await platform.listDevices(ACME);
    const byId = Object.fromEntries(devices.map((d) => [d.id, d]));
    expect(Object.keys(byId).sort()).toEqual(['d-front', 'd-mac', 'd-phone', 'd-srv']);
    expect(byId['d-front']).toMatchObject({ tenantId: 'c-acme', name: 'FRONT-DESK', category: 'windows-workstation', mobile: false, health: 'warning', statuses: [{ id: 'databases-outdated', severity: 'warning' }] });
    expect(byId['d-srv']).toMatchObject({ category: 'windows-server', health: 'critical' });
    expect(byId['d-srv']!.statuses).toEqual([
      { id: 'rtp-not-running', severity: 'critical' },
      { id: 'not-connected', severity: 'warning' },
    ]);
    expect(byId['d-phone']).toMatchObject({ category: 'non-windows', mobile: true, health: 'ok', statuses: [], osName: 'Android 14' });
    expect(byId['d-mac']).toMatchObject({ category: 'non-windows', mobile: false, lastSeen: null });
    expect(byId['d-front']!.lastSeen).toEqual(new Date(START));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('company "Acme Dental" has a KSC Cloud Console workspace (ws-acme-ksc)');
    // Told once per connector.
    await platform.listDevices(ACME);
    expect(warnings).toHaveLength(1);
    expect(kbh.gets(/^workspaces\/ws-acme-ksc\//)).toBe(0);
  });

  it('a status reason kmsp does not know is left out, counted and told once', async () => {
    kbh.sim.setDeviceReasons('d-front', [
      { code: 'QuantumFlux', severity: 'Critical', text: 'Something new' },
      { code: 'EncryptionInvalid', severity: 'Critical' },
    ]);
    const warnings: string[] = [];
    const platform = kbh.platform({ onWarning: (m) => warnings.push(m) });
    const front = (await platform.listDevices(ACME)).find((d) => d.id === 'd-front')!;
    expect(front).toMatchObject({ health: 'critical', statuses: [{ id: 'encryption-invalid', severity: 'critical' }] });
    await platform.listDevices(ACME);
    expect(platform.skippedStatusReasons.get('QuantumFlux')).toBe(2);
    expect(warnings.filter((w) => w.includes('"QuantumFlux"'))).toHaveLength(1);
  });

  it('licenseUsage: keys of every workspace, the license each device uses, protected mailboxes', async () => {
    const usage = await kbh.platform().licenseUsage(ACME);
    expect(usage.tenantId).toBe('c-acme');
    expect(usage.keys.map((k) => k.id).sort()).toEqual(['lic-acme-o365', 'lic-acme-plus', 'lic-acme-trial']);
    expect(usage.keys.find((k) => k.id === 'lic-acme-plus')).toEqual({
      id: 'lic-acme-plus',
      applicationId: 'kes-cloud-plus',
      type: 'subscription',
      expiresAt: new Date(START + 300 * 24 * HOUR),
      subscriptionState: 'active',
      capacity: 10,
    });
    expect(usage.keys.find((k) => k.id === 'lic-acme-trial')).toMatchObject({ type: 'trial', subscriptionState: null });
    expect(usage.assignments.sort((a, b) => a.deviceId.localeCompare(b.deviceId))).toEqual([
      { keyId: 'lic-acme-plus', deviceId: 'd-front', current: true },
      { keyId: 'lic-acme-plus', deviceId: 'd-phone', current: true },
      { keyId: 'lic-acme-plus', deviceId: 'd-srv', current: true },
    ]);
    expect(usage.protectedMailboxes).toBe(42);
    // No Office 365 workspace: no mailbox figure at all.
    const cedar = await kbh.platform().licenseUsage(CEDAR);
    expect('protectedMailboxes' in cedar).toBe(false);
    expect(cedar.keys).toEqual([{ id: 'lic-cedar', applicationId: 'kes-cloud', type: 'commercial', expiresAt: new Date(START + 30 * 24 * HOUR), subscriptionState: null, capacity: 3 }]);
  });

  it('subscription states in kmsp words; a subscription in its grace period expires at expiresAt', async () => {
    kbh.sim.pauseLicense('lic-acme-plus');
    kbh.sim.cancelLicense('lic-acme-o365', 'hard');
    let keys = (await kbh.platform().licenseUsage(ACME)).keys;
    expect(keys.find((k) => k.id === 'lic-acme-plus')!.subscriptionState).toBe('paused');
    expect(keys.find((k) => k.id === 'lic-acme-o365')!.subscriptionState).toBe('hard-cancelled');
    kbh.sim.resumeLicense('lic-acme-plus');
    kbh.sim.setLicenseExpiry('lic-acme-plus', 'now-1d', 'now+13d');
    keys = (await kbh.platform().licenseUsage(ACME)).keys;
    expect(keys.find((k) => k.id === 'lic-acme-plus')).toMatchObject({ subscriptionState: 'active', expiresAt: new Date(START - 24 * HOUR) });
  });

  it('an Office 365 workspace marked for deletion bills nothing: its active license does not make the new workspace’s mailboxes (on a trial) billable', async () => {
    // The company replaced its Office 365 workspace: the old one, on its way out, still holds its subscription.
    kbh.sim.state.workspaces.push({ id: 'ws-acme-o365-old', companyId: 'c-acme', product: 'KSMO365', state: 'markedForDeletion', protectedMailboxes: 40, issues: [], lastSequence: 0 });
    kbh.sim.state.licenses.push({ id: 'lic-acme-o365-old', workspaceId: 'ws-acme-o365-old', productId: 'ksmo365', type: 'subscription', unit: 'mailbox', capacity: 50, fixedUsed: null, expiresAt: START + 100 * 24 * HOUR, subscriptionState: 'active', graceEndsAt: null });
    kbh.sim.state.licenses.find((l) => l.id === 'lic-acme-o365')!.type = 'trial';
    kbh.sim.state.licenses.find((l) => l.id === 'lic-acme-o365')!.subscriptionState = null;
    const platform = kbh.platform();
    const [devices, usage, applications] = await Promise.all([platform.listDevices(ACME), platform.licenseUsage(ACME), platform.listApplications()]);
    const counted = countUsage({ tenantId: ACME.id, devices, usage, applications, now: new Date(START), timeZone: 'UTC' });
    expect(counted.applications.find((a) => a.applicationId === 'ksmo365')!.mailboxes).toBe(0);
  });

  it('a company the hub no longer shows is named by the tenant', async () => {
    const error = await failure(kbh.platform({ user: USERS.limited }).listDevices(CEDAR));
    expect(error).toMatchObject({ kind: 'not-found', message: 'Company "Cedar Law" no longer exists in Kaspersky Business Hub' });
    expect(error.remedy).toContain('Accounts tab');
  });
});

describe('events', () => {
  it('the first pass reads the initial window of both workspace kinds, oldest first; Office 365 ones in their section', async () => {
    const page = await kbh.platform().eventsSince(ACME, null, { initialWindowDays: 1 });
    expect(page.events.map((e) => [e.type, e.section ?? null, e.severity])).toEqual([
      ['MalwareDetected', null, 'critical'],
      ['phishing-detected', OFFICE365_SECTION, 'critical'],
      ['DatabasesOutdated', null, 'warning'],
      ['OneDriveConnectionFailed', OFFICE365_SECTION, 'warning'],
      ['ScanCompleted', null, 'info'],
    ]);
    const phishing = page.events[1]!;
    expect(phishing).toMatchObject({ tenantId: 'c-acme', typeName: 'Phishing detected', product: 'Kaspersky Security for Microsoft Office 365', deviceId: null });
    expect(phishing.description).toBe('A phishing message was quarantined\nMailbox: reception@acme-dental.example\nSender: billing@evil.example\nSubject: Invoice');
    const malware = page.events[0]!;
    expect(malware).toMatchObject({ deviceId: 'd-front', deviceName: 'FRONT-DESK', product: 'Kaspersky Endpoint Security Cloud', description: 'Trojan.Win32.Agent in C:\\Temp\\x.exe' });
    expect(new Set(page.events.map((e) => e.id)).size).toBe(page.events.length);
    // A longer window reaches the older event too.
    const wider = await kbh.platform().eventsSince(ACME, null, { initialWindowDays: 7 });
    expect(wider.events).toHaveLength(6);
  });

  it('later passes deliver only what is new, page by page, and a new workspace from the initial window', async () => {
    const platform = kbh.platform({ pageSize: 2 });
    const first = await platform.eventsSince(ACME, null, { initialWindowDays: 1 });
    expect(first.events).toHaveLength(5);
    const again = await platform.eventsSince(ACME, first.cursor, { initialWindowDays: 1 });
    expect(again.events).toEqual([]);
    kbh.advance(HOUR);
    for (let i = 0; i < 5; i++) kbh.sim.addEvent('ws-acme-kes', { severity: 'Critical', type: 'MalwareDetected', title: `Malware ${i}`, deviceId: 'd-srv', raisedAt: `now-${5 - i}m` });
    kbh.sim.addEvent('ws-acme-o365', { severity: 'Critical', type: 'MalwareDetected', title: 'Malware in mail' });
    // A workspace the company did not have at the last pass, with one event from yesterday and one too old.
    kbh.sim.state.workspaces.push({ id: 'ws-acme-kes2', companyId: 'c-acme', product: 'KESCloud', state: 'active', protectedMailboxes: 0, issues: [], lastSequence: 0 });
    kbh.sim.addEvent('ws-acme-kes2', { severity: 'Warning', type: 'X', title: 'Yesterday', raisedAt: 'now-20h' });
    kbh.sim.addEvent('ws-acme-kes2', { severity: 'Warning', type: 'X', title: 'Too old', raisedAt: 'now-3d' });
    kbh.sim.clearRequests();
    const second = await platform.eventsSince(ACME, again.cursor, { initialWindowDays: 1 });
    expect(second.events.map((e) => e.typeName)).toEqual(['Yesterday', 'Malware 0', 'Malware 1', 'Malware 2', 'Malware 3', 'Malware 4', 'Malware in mail']);
    expect(second.events.find((e) => e.typeName === 'Malware in mail')).toMatchObject({ type: 'malware-detected', section: OFFICE365_SECTION });
    // Five new events of one workspace at two a page: three pages.
    expect(kbh.gets(/^workspaces\/ws-acme-kes\/events$/)).toBe(3);
    expect(kbh.sim.requests.filter((r) => r.path.endsWith('/ws-acme-kes/events')).every((r) => r.query.includes('afterSequence='))).toBe(true);
    const third = await platform.eventsSince(ACME, second.cursor, { initialWindowDays: 1 });
    expect(third.events).toEqual([]);
    const ids = [...first.events, ...second.events].map((e) => e.id);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('a workspace with no event yet keeps its starting point, so one raised later in that window still comes', async () => {
    const platform = kbh.platform();
    const first = await platform.eventsSince(CEDAR, null, { initialWindowDays: 1 });
    expect(first.events).toEqual([]);
    kbh.advance(2 * 24 * HOUR);
    // Raised within the first window, registered only now.
    kbh.sim.addEvent('ws-cedar-kes', { severity: 'Critical', type: 'MalwareDetected', title: 'Late', raisedAt: new Date(START - HOUR).toISOString() });
    const second = await platform.eventsSince(CEDAR, first.cursor, { initialWindowDays: 1 });
    expect(second.events.map((e) => e.typeName)).toEqual(['Late']);
  });

  it('a cursor it did not write is refused with the remedy', async () => {
    const error = await failure(kbh.platform().eventsSince(ACME, '{"v":9}'));
    expect(error.remedy).toContain('Reset');
  });
});

describe('conditions', () => {
  it('the active Office 365 issues, complete: one that clears is gone, one that appears is there', async () => {
    const platform = kbh.platform();
    expect(await platform.conditions!(ACME)).toEqual([
      {
        tenantId: 'c-acme',
        section: OFFICE365_SECTION,
        id: 'mailbox-protection-not-provided',
        since: new Date(START - 90 * 60_000),
        detail: 'Mailboxes protection is not provided: the connection to Microsoft 365 was lost',
      },
    ]);
    kbh.sim.clearOffice365Issue('ws-acme-o365', 'MailboxesProtectionNotProvided');
    expect(await platform.conditions!(ACME)).toEqual([]);
    kbh.advance(HOUR);
    kbh.sim.raiseOffice365Issue('ws-acme-o365', 'LicenseIssue', 'The license covers 50 mailboxes; 64 are protected');
    expect(await platform.conditions!(ACME)).toEqual([{ tenantId: 'c-acme', section: OFFICE365_SECTION, id: 'license-issue', since: new Date(START + HOUR), detail: 'The license covers 50 mailboxes; 64 are protected' }]);
    // No Office 365 workspace: none, and nothing is read for it.
    kbh.sim.clearRequests();
    expect(await platform.conditions!(CEDAR)).toEqual([]);
    expect(kbh.gets(/protection$/)).toBe(0);
  });
});

describe('checkAccess', () => {
  it('the plain account: companies, a KES Cloud workspace, an Office 365 workspace, and unattended sign-in', async () => {
    const checks = await kbh.platform().checkAccess!();
    expect(checks.map((c) => [c.what, c.allowed])).toEqual([
      ['companies', true],
      ['Kaspersky Endpoint Security Cloud devices (a workspace)', true],
      ['Kaspersky Endpoint Security Cloud licenses (a workspace)', true],
      ['Kaspersky Security for Microsoft Office 365 protection (a workspace)', true],
      ['sign-in without a person (one-time code)', true],
    ]);
    expect(checks.at(-1)!.statement!.ok).toBe(`${USERS.plain.email} signs in without a one-time code: the agent signs in unattended`);
    // One item of each list, not all of it.
    expect(kbh.sim.requests.filter((r) => /\/(devices|licenses)$/.test(r.path)).every((r) => r.query.includes('pageSize=1'))).toBe(true);
  });

  it('a refused area is a row, not a failure', async () => {
    kbh.sim.inject({ endpoint: 'workspaces/*/office365/protection', kind: 'error', status: 403, message: 'The role Company viewer may not read Office 365 protection.' });
    const checks = await kbh.platform().checkAccess!();
    const protection = checks.find((c) => c.what.includes('protection'))!;
    expect(protection).toMatchObject({ allowed: false, permission: expect.stringContaining('Office 365 workspace') });
    expect(protection.detail).toContain('The role Company viewer may not read Office 365 protection.');
    expect(checks.filter((c) => !c.allowed)).toHaveLength(1);
  });
});
