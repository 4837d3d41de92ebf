// The demo dataset of the Business Hub simulator (fixtures/demo/kbh.json), generated from the
// demo MSP's customer story (fixtures/demo/customers.json): one active company per customer
// with a tenant, named exactly as the tenant (the demo's mapping suggestions depend on it), each
// with a KES Cloud workspace of about its device count and, for most, an Office 365 workspace
// with protected mailboxes; licenses of every type and subscription state; devices in Warning
// and Critical; events of every severity and every Office 365 type over the last three days; two
// companies with an Office 365 issue active now. One extra company is marked for deletion.
//
// Deterministic: a seeded PRNG per company (seed + name) and only relative times ("now-2h"), so
// the file is stable and the demo stays current. Regenerate with
//   npm run fixtures:demo        (or: npm run build && node dist/simulators/kbh/demoFixture.js)
// (test/unit/kbh-demo-fixture.test.ts fails when the committed file drifts).
import { readFileSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { Dice, hash, prng } from '../dice.js';
import { fixturesPath } from '../server.js';
import type {
  DeviceKind,
  DeviceOs,
  EventSeverity,
  KbhCompanyFixture,
  KbhDeviceFixture,
  KbhEventFixture,
  KbhFixture,
  KbhIssueFixture,
  KbhLicenseFixture,
  KbhReasonFixture,
  KbhUser,
  KbhWorkspaceFixture,
} from './fixture.js';

export interface DemoCustomer {
  tenant: string | null;
  devices: number;
  /** 'new': signed up, nothing billed yet (its licenses are as anyone's); 'left': its endpoint subscription is hard-cancelled. */
  billing?: 'new' | 'left';
}

/** The demo's simulator account (a simulator credential, not anyone's secret): no 2-step verification. */
export const KBH_DEMO_USER = { email: 'kmsp-demo@demo-msp.example', password: 'demo-kbh-password', displayName: 'kmsp demo' } as const satisfies KbhUser;

/** A second simulator account with 2-step verification by authenticator app, for tests. */
export const KBH_TWO_STEP_USER = {
  email: 'kmsp-2sv@demo-msp.example',
  password: 'demo-kbh-2sv-password',
  displayName: 'kmsp demo (2-step verification)',
  authenticatorKey: 'KMSPDEMOKBH2STEPVERIFICATIONKEY7',
} as const satisfies KbhUser;

export const KBH_DEMO_MSP = 'Meridian MSP';
export const KBH_DEMO_SEED = 20261207;

type Shape = 'ws' | 'server' | 'linuxServer' | 'mac' | 'linuxWs' | 'android' | 'ios';

const SHAPES: Record<Shape, { kind: DeviceKind; os: DeviceOs; part: string; osNames: readonly string[] }> = {
  ws: { kind: 'workstation', os: 'windows', part: 'WS', osNames: ['Windows 11 Pro', 'Windows 11 Business', 'Windows 10 Pro'] },
  server: { kind: 'server', os: 'windows', part: 'SRV', osNames: ['Windows Server 2022 Standard', 'Windows Server 2019 Standard'] },
  linuxServer: { kind: 'server', os: 'linux', part: 'LSRV', osNames: ['Ubuntu 22.04 LTS', 'Red Hat Enterprise Linux 9'] },
  mac: { kind: 'workstation', os: 'macos', part: 'MAC', osNames: ['macOS 14 Sonoma', 'macOS 15 Sequoia'] },
  linuxWs: { kind: 'workstation', os: 'linux', part: 'LNX', osNames: ['Ubuntu 24.04 LTS', 'Debian 12'] },
  android: { kind: 'mobile', os: 'android', part: 'PHONE', osNames: ['Android 14', 'Android 15'] },
  ios: { kind: 'mobile', os: 'ios', part: 'IPHONE', osNames: ['iOS 17.5', 'iPadOS 17.5'] },
};
const SHAPE_ORDER: readonly Shape[] = ['ws', 'server', 'linuxServer', 'mac', 'linuxWs', 'android', 'ios'];

/**
 * A customer whose staff work from phones (field guides): its mobiles outnumber twice its
 * computers, so its per-user license counts ⌈mobiles / 2⌉ users, not its computers.
 */
const MOBILE_FIRST = 'Yellowstone Outfitters';

/** How many of each: mostly Windows workstations, then phones (KES Cloud customers are small offices), servers, Macs, Linux. */
function mix(total: number, index: number, mobileFirst = false): Record<Shape, number> {
  if (mobileFirst) {
    const mobile = Math.round(total * 0.75);
    return { ws: total - mobile, server: 0, linuxServer: 0, mac: 0, linuxWs: 0, android: Math.ceil(mobile / 2), ios: Math.floor(mobile / 2) };
  }
  const servers = total >= 8 ? Math.max(1, Math.round(total * 0.08)) : total >= 4 ? 1 : 0;
  const linuxServer = servers >= 3 ? 1 : 0;
  const mac = total >= 10 ? Math.max(1, Math.round(total * 0.06)) : 0;
  const linuxWs = total >= 20 ? Math.max(1, Math.round(total * 0.03)) : 0;
  const mobile = total >= 6 ? Math.max(1, Math.round(total * 0.15)) : 0;
  // Alternate which platform gets the odd phone, so both appear.
  const android = index % 2 === 0 ? Math.ceil(mobile / 2) : Math.floor(mobile / 2);
  const ios = mobile - android;
  const counted = servers + mac + linuxWs + mobile;
  return { ws: Math.max(0, total - counted), server: servers - linuxServer, linuxServer, mac, linuxWs, android, ios };
}

/** One condition forced onto a company's second workstation, so every reason code is in the demo. */
const FORCED_REASONS: readonly KbhReasonFixture[] = [
  { code: 'ApplicationNotInstalled', severity: 'Critical' },
  { code: 'ApplicationNotRunning', severity: 'Critical' },
  { code: 'RealTimeProtectionDisabled', severity: 'Critical' },
  { code: 'DatabasesOutdated', severity: 'Warning' },
  { code: 'NotConnectedForLongTime', severity: 'Warning' },
  { code: 'EncryptionInvalid', severity: 'Warning' },
  { code: 'StatusDefinedByApplication', severity: 'Warning' },
];

interface EventKind {
  type: string;
  title: string;
  describe: (device: string) => string;
}

const KES_EVENTS: Record<EventSeverity, readonly EventKind[]> = {
  Critical: [
    { type: 'ThreatDetected', title: 'Malware detected', describe: (d) => `Trojan.Win32.Agent.gen detected on ${d} in C:\\Users\\Public\\Downloads\\invoice_2291.exe` },
    { type: 'ThreatNotDisinfected', title: 'Object not disinfected', describe: (d) => `HEUR:Trojan-Ransom.Win32.Generic could not be disinfected on ${d}` },
    { type: 'NetworkAttackBlocked', title: 'Network attack blocked', describe: (d) => `Scan.Generic.PortScan.TCP blocked on ${d}` },
  ],
  FunctionalFailure: [
    { type: 'UpdateTaskFailed', title: 'Update task failed', describe: (d) => `Database update failed on ${d}: the update source is unavailable` },
    { type: 'ApplicationInstallFailed', title: 'Application installation failed', describe: (d) => `Kaspersky Endpoint Security could not be installed on ${d}: a restart is required` },
    { type: 'ScanTaskFailed', title: 'Scan task failed', describe: (d) => `The malware scan was interrupted on ${d}` },
  ],
  Warning: [
    { type: 'DatabasesOutdated', title: 'Databases are out of date', describe: (d) => `Anti-malware databases on ${d} are 8 days old` },
    { type: 'SuspiciousObjectDetected', title: 'Probably infected object detected', describe: (d) => `HEUR:Exploit.MSOffice.Generic found on ${d}` },
    { type: 'LicenseExpiresSoon', title: 'License expires soon', describe: (d) => `The license on ${d} expires in 14 days` },
  ],
  Info: [
    { type: 'ObjectDisinfected', title: 'Object disinfected', describe: (d) => `EICAR-Test-File disinfected on ${d}` },
    { type: 'UpdateCompleted', title: 'Databases updated', describe: (d) => `Database update completed on ${d}` },
    { type: 'ObjectDeleted', title: 'Object deleted', describe: (d) => `not-a-virus:HEUR:AdWare.Win32.Generic deleted on ${d}` },
  ],
};

type O365Detection = 'MalwareDetected' | 'PhishingDetected' | 'AttachmentFiltered' | 'OneDriveConnectionFailed';

const O365_EVENTS: Record<O365Detection, { severity: EventSeverity; title: string }> = {
  MalwareDetected: { severity: 'Critical', title: 'Malware detected' },
  PhishingDetected: { severity: 'Critical', title: 'Phishing detected' },
  AttachmentFiltered: { severity: 'Warning', title: 'Attachment filtered' },
  OneDriveConnectionFailed: { severity: 'FunctionalFailure', title: 'Failed to connect to OneDrive' },
};
const O365_TYPES = Object.keys(O365_EVENTS) as O365Detection[];

const SUBJECTS = ['Invoice 2291 overdue', 'Your parcel could not be delivered', 'Password expires today', 'Updated price list', 'Shared document: Q3 figures', 'Voicemail received'];
const SENDERS = ['billing@invoices-secure.example', 'no-reply@parcel-track.example', 'it-support@account-verify.example', 'sales@supplier.example', 'noreply@share-docs.example'];
const PEOPLE = ['anna', 'ben', 'chris', 'dana', 'eli', 'fran', 'gus', 'hana', 'office', 'accounts'];

function prefixOf(name: string): string {
  const word = name.split(/\s+/)[0] ?? name;
  return word.replace(/[^A-Za-z0-9]/g, '').toUpperCase().slice(0, 8) || 'HOST';
}

function domainOf(name: string): string {
  return `${name.toLowerCase().replace(/&/g, 'and').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')}.example`;
}

function roundUp(n: number, step: number): number {
  return Math.max(step, Math.ceil(n / step) * step);
}

/** Users a per-user license counts: one per computer, two mobiles per user. */
function usersOf(devices: readonly KbhDeviceFixture[]): number {
  const computers = devices.filter((d) => d.kind !== 'mobile').length;
  return Math.max(computers, Math.ceil((devices.length - computers) / 2));
}

const MAIN_PRODUCTS = ['kes-cloud-plus', 'kes-cloud', 'kes-cloud-pro'] as const;

/** The company's endpoint license: its type and state by the story (FIXTURE.md › The demo dataset). */
function mainLicenseTerms(index: number, left: boolean, dice: Dice): Pick<KbhLicenseFixture, 'type' | 'expiresAt' | 'subscriptionState' | 'graceEndsAt'> {
  if (left) return { type: 'subscription', subscriptionState: 'hardCancelled', expiresAt: 'now-5d', graceEndsAt: null };
  if (index % 11 === 7) return { type: 'subscription', subscriptionState: 'paused', expiresAt: null, graceEndsAt: null };
  if (index === 4) return { type: 'subscription', subscriptionState: 'softCancelled', expiresAt: 'now+20d', graceEndsAt: null };
  // Not renewed yet: past its end, inside the grace period.
  if (index === 10) return { type: 'subscription', subscriptionState: 'active', expiresAt: 'now-3d', graceEndsAt: 'now+27d' };
  if (index % 3 === 1) return { type: 'subscription', subscriptionState: 'active', expiresAt: `now+${dice.int(1, 30)}d`, graceEndsAt: null };
  return { type: 'commercial', expiresAt: `now+${dice.int(45, 520)}d` };
}

function companyFixture(name: string, total: number, index: number, seed: number, left: boolean): KbhCompanyFixture {
  const dice = new Dice(prng(seed ^ hash(name)));
  const prefix = prefixOf(name);
  const counts = mix(total, index, name === MOBILE_FIRST);
  const devices: KbhDeviceFixture[] = [];
  const byShape: Record<Shape, KbhDeviceFixture[]> = { ws: [], server: [], linuxServer: [], mac: [], linuxWs: [], android: [], ios: [] };

  for (const shape of SHAPE_ORDER) {
    const s = SHAPES[shape];
    for (let n = 1; n <= counts[shape]; n++) {
      const reasons: KbhReasonFixture[] = [];
      let minutesAgo = dice.int(1, s.kind === 'mobile' ? 2000 : 480);
      if (s.kind !== 'mobile') {
        if (dice.chance(0.04)) reasons.push({ code: 'DatabasesOutdated', severity: dice.chance(0.3) ? 'Critical' : 'Warning' });
        if (dice.chance(0.02)) reasons.push({ code: 'RealTimeProtectionDisabled', severity: 'Critical' });
        if (dice.chance(0.01)) reasons.push({ code: 'ApplicationNotRunning', severity: 'Critical' });
        if (s.kind === 'workstation' && dice.chance(0.015)) reasons.push({ code: 'EncryptionInvalid', severity: 'Warning' });
      }
      if (dice.chance(0.01)) reasons.push({ code: 'StatusDefinedByApplication', severity: 'Warning' });
      if (dice.chance(0.02)) {
        reasons.push({ code: 'NotConnectedForLongTime', severity: 'Warning' });
        minutesAgo = dice.int(8, 30) * 1440;
      }
      const device: KbhDeviceFixture = {
        id: dice.guid(),
        name: `${prefix}-${s.part}-${String(n).padStart(shape === 'ws' ? 3 : 2, '0')}`,
        kind: s.kind,
        os: s.os,
        osName: dice.pick(s.osNames),
        lastSeen: `now-${minutesAgo}m`,
      };
      if (reasons.length > 0) device.statusReasons = reasons;
      byShape[shape].push(device);
      devices.push(device);
    }
  }
  const forced = FORCED_REASONS[index];
  const target = byShape.ws[1];
  if (forced && target && !(target.statusReasons ?? []).some((r) => r.code === forced.code)) target.statusReasons = [...(target.statusReasons ?? []), forced];

  // ------------------------------------------------ KES Cloud licenses
  const licenses: KbhLicenseFixture[] = [];
  const mainProduct = MAIN_PRODUCTS[index % 3]!;
  // Devices where the application is not installed hold no license; neither does a newly found one.
  const unlicensed = new Set(devices.filter((d) => (d.statusReasons ?? []).some((r) => r.code === 'ApplicationNotInstalled')).map((d) => d.id));
  if (index % 4 === 2 && byShape.ws.length > 2) unlicensed.add(byShape.ws[byShape.ws.length - 1]!.id);
  let rest = devices.filter((d) => !unlicensed.has(d.id));

  if (index % 8 === 4 && byShape.ws.length >= 4) {
    const trial = { id: dice.guid(), productId: 'kes-cloud-pro', type: 'trial' as const, capacity: 5, expiresAt: 'now+14d' };
    licenses.push(trial);
    for (const d of byShape.ws.slice(0, 3)) d.licenseId = trial.id;
    rest = rest.filter((d) => !d.licenseId);
  }
  if (index % 5 === 3 && rest.length > 5) {
    // An expired license still on a few computers that never switched: the hub flags them.
    const stale = rest.filter((d) => d.kind !== 'mobile').slice(-Math.min(3, rest.length - 3));
    const expired = { id: dice.guid(), productId: mainProduct, type: 'commercial' as const, capacity: roundUp(stale.length + 5, 5), expiresAt: `now-${dice.int(5, 40)}d` };
    licenses.push(expired);
    for (const d of stale) {
      d.licenseId = expired.id;
      d.statusReasons = [...(d.statusReasons ?? []), { code: 'LicenseExpired', severity: 'Critical' }];
    }
    rest = rest.filter((d) => !d.licenseId);
  }
  const terms = mainLicenseTerms(index, left, dice);
  const used = mainProduct === 'kes-cloud' ? rest.length : usersOf(rest);
  const main: KbhLicenseFixture = { id: dice.guid(), productId: mainProduct, ...terms, capacity: roundUp(used + dice.int(2, 8), 5) };
  licenses.unshift(main);
  for (const d of rest) d.licenseId = main.id;
  for (const d of devices) if (d.licenseId === undefined) d.licenseId = null;

  // ------------------------------------------------ KES Cloud events
  const events: KbhEventFixture[] = [];
  const eventCount = Math.round(total * 0.8) + 3;
  for (let e = 0; e < eventCount + 2; e++) {
    const roll = dice.float();
    const severity: EventSeverity = roll < 0.15 ? 'Critical' : roll < 0.3 ? 'FunctionalFailure' : roll < 0.55 ? 'Warning' : 'Info';
    const kind = dice.pick(KES_EVENTS[severity]);
    const device = dice.pick(devices);
    // The last two are older than the usual one-day window.
    const raisedAt = e < eventCount ? `now-${dice.int(1, 3 * 1440)}m` : `now-${dice.int(5, 12)}d`;
    events.push({ raisedAt, severity, type: kind.type, title: kind.title, description: kind.describe(device.name), deviceId: device.id });
  }
  events.sort((a, b) => minutes(b.raisedAt) - minutes(a.raisedAt));

  const workspaces: KbhWorkspaceFixture[] = [{ id: dice.guid(), product: 'KESCloud', licenses, devices, events }];

  // ------------------------------------------------ Office 365
  if (!left && index % 7 !== 6) workspaces.push(office365Workspace(name, total, index, dice));

  return { id: dice.guid(), name, createdAt: `now-${dice.int(120, 1400)}d`, state: 'active', workspaces };
}

function office365Workspace(name: string, total: number, index: number, dice: Dice): KbhWorkspaceFixture {
  const domain = domainOf(name);
  const mailboxes = Math.max(3, Math.round(total * (0.7 + dice.float() * 0.5)));
  const issues: KbhIssueFixture[] = [];
  const events: KbhEventFixture[] = [];
  let license: KbhLicenseFixture;
  const id = dice.guid();
  if (index === 1) {
    issues.push({ type: 'MailboxesProtectionNotProvided', since: 'now-5h' });
  }
  if (index === 5) {
    // Mailboxes were added past what the license covers.
    issues.push({ type: 'LicenseIssue', since: 'now-1d' });
    license = { id, productId: 'ksmo365', type: 'commercial', capacity: Math.max(1, roundUp(mailboxes, 5) - 5), expiresAt: `now+${dice.int(60, 400)}d` };
  } else if (index === 12) {
    license = { id, productId: 'ksmo365', type: 'trial', capacity: roundUp(mailboxes, 10), expiresAt: 'now+10d' };
  } else if (index === 16) {
    license = { id, productId: 'ksmo365', type: 'subscription', subscriptionState: 'paused', capacity: roundUp(mailboxes, 10), expiresAt: null, graceEndsAt: null };
  } else if (index % 4 === 1) {
    license = { id, productId: 'ksmo365', type: 'subscription', subscriptionState: 'active', capacity: roundUp(mailboxes + dice.int(0, 10), 10), expiresAt: `now+${dice.int(1, 30)}d`, graceEndsAt: null };
  } else {
    license = { id, productId: 'ksmo365', type: 'commercial', capacity: roundUp(mailboxes + dice.int(0, 10), 10), expiresAt: `now+${dice.int(60, 400)}d` };
  }
  for (const issue of issues) {
    const title = issue.type === 'LicenseIssue' ? 'License-related issue occurred' : 'Mailboxes protection is not provided';
    events.push({ raisedAt: issue.since!, severity: 'Critical', type: issue.type, title });
  }
  // A condition that came and went: its event stays in the log.
  if (index === 3) events.push({ raisedAt: 'now-2d', severity: 'Critical', type: 'MailboxesProtectionNotProvided', title: 'Mailboxes protection is not provided', description: 'The connection to Microsoft 365 was lost for 20 minutes' });
  if (index === 9) events.push({ raisedAt: 'now-30h', severity: 'Critical', type: 'LicenseIssue', title: 'License-related issue occurred', description: 'The license did not cover every protected mailbox' });

  const count = Math.round(mailboxes * 0.15) + 2;
  for (let e = 0; e < count; e++) {
    // The first company shows every type; the rest draw them.
    const type = index === 0 && e < O365_TYPES.length ? O365_TYPES[e]! : dice.pick(O365_TYPES);
    const spec = O365_EVENTS[type];
    const recipient = `${dice.pick(PEOPLE)}@${domain}`;
    const raisedAt = `now-${dice.int(1, 3 * 1440)}m`;
    if (type === 'OneDriveConnectionFailed') {
      events.push({ raisedAt, severity: spec.severity, type, title: spec.title, description: `OneDrive of ${recipient} could not be scanned: access was denied`, details: { mailbox: recipient } });
      continue;
    }
    const subject = dice.pick(SUBJECTS);
    const sender = dice.pick(SENDERS);
    const what = type === 'MalwareDetected' ? 'Trojan-Downloader.MSOffice.Agent.gen in an attachment' : type === 'PhishingDetected' ? 'a phishing link' : 'an executable attachment (.exe)';
    events.push({ raisedAt, severity: spec.severity, type, title: spec.title, description: `${what} in "${subject}" from ${sender} to ${recipient}`, details: { sender, recipient, subject, mailbox: recipient } });
  }
  events.sort((a, b) => minutes(b.raisedAt) - minutes(a.raisedAt));
  const ws: KbhWorkspaceFixture = { id: dice.guid(), product: 'KSMO365', licenses: [license], protectedMailboxes: mailboxes, events };
  if (issues.length > 0) ws.issues = issues;
  return ws;
}

/** Minutes before now of a relative time written by this generator ("now-90m", "now-5h", "now-2d"). */
function minutes(relative: string): number {
  const m = /^now-(\d+)([mhd])$/.exec(relative);
  if (!m) return 0;
  return Number(m[1]) * (m[2] === 'd' ? 1440 : m[2] === 'h' ? 60 : 1);
}

/** A company the MSP closed: marked for deletion, its subscription hard-cancelled. Not a tenant kmsp lists. */
function closedCompany(seed: number): KbhCompanyFixture {
  const dice = new Dice(prng(seed ^ hash('closed company')));
  const license = { id: dice.guid(), productId: 'kes-cloud', type: 'subscription' as const, subscriptionState: 'hardCancelled' as const, capacity: 5, expiresAt: 'now-40d', graceEndsAt: null };
  const devices: KbhDeviceFixture[] = [1, 2].map((n) => ({
    id: dice.guid(),
    name: `COPPER-WS-00${n}`,
    kind: 'workstation',
    os: 'windows',
    osName: 'Windows 10 Pro',
    lastSeen: `now-${40 + n}d`,
    statusReasons: [{ code: 'NotConnectedForLongTime', severity: 'Warning' }],
    licenseId: license.id,
  }));
  return {
    id: dice.guid(),
    name: 'Copperfield Books',
    description: 'Closed in the spring; kept until the deletion completes',
    createdAt: 'now-900d',
    state: 'markedForDeletion',
    workspaces: [{ id: dice.guid(), product: 'KESCloud', state: 'markedForDeletion', licenses: [license], devices, events: [] }],
  };
}

export function generateKbhDemoFixture(customers: readonly DemoCustomer[], seed = KBH_DEMO_SEED): KbhFixture {
  const tenants = customers.filter((c): c is DemoCustomer & { tenant: string } => typeof c.tenant === 'string' && c.tenant.trim() !== '');
  return {
    description:
      'Business Hub simulator demo dataset, generated by source/simulators/kbh/demoFixture.ts from fixtures/demo/customers.json (do not edit by hand; see FIXTURE.md). Times are relative to simulator start.',
    msp: { name: KBH_DEMO_MSP },
    users: [{ ...KBH_DEMO_USER }, { ...KBH_TWO_STEP_USER }],
    companies: [...tenants.map((c, i) => companyFixture(c.tenant, c.devices, i, seed, c.billing === 'left')), closedCompany(seed)],
  };
}

/** Counts for documentation and the fixture's test. */
export function summarizeKbhDemoFixture(fixture: KbhFixture) {
  const count = (o: Record<string, number>, k: string) => (o[k] = (o[k] ?? 0) + 1);
  const devices: Record<string, number> = {};
  const reasons: Record<string, number> = {};
  const licenses: Record<string, number> = {};
  const events: Record<string, number> = {};
  const office365Events: Record<string, number> = {};
  const issues: Record<string, number> = {};
  let mailboxes = 0;
  for (const c of fixture.companies) {
    for (const w of c.workspaces ?? []) {
      mailboxes += w.protectedMailboxes ?? 0;
      for (const d of w.devices ?? []) {
        count(devices, `${d.kind}-${d.os}`);
        if (d.licenseId === null || d.licenseId === undefined) count(devices, 'unlicensed');
        for (const r of d.statusReasons ?? []) count(reasons, `${r.code}/${r.severity}`);
      }
      for (const l of w.licenses ?? []) {
        count(licenses, `${l.productId}`);
        count(licenses, l.type === 'subscription' ? `subscription-${l.subscriptionState ?? 'active'}` : l.type);
        if (l.graceEndsAt) count(licenses, 'in-grace-period');
        if (l.expiresAt?.startsWith('now-')) count(licenses, 'expired');
      }
      for (const e of w.events ?? []) {
        if (w.product === 'KSMO365') count(office365Events, e.type);
        else count(events, e.severity);
      }
      for (const i of w.issues ?? []) count(issues, i.type);
    }
  }
  return { companies: fixture.companies.length, devices, reasons, licenses, events, office365Events, issues, mailboxes };
}

export function readDemoCustomers(): DemoCustomer[] {
  return (JSON.parse(readFileSync(fixturesPath('demo', 'customers.json'), 'utf8')) as { customers: DemoCustomer[] }).customers;
}

export function kbhDemoFixtureText(customers = readDemoCustomers()): string {
  return `${JSON.stringify(generateKbhDemoFixture(customers), null, 1)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const target = fixturesPath('demo', 'kbh.json');
  const text = kbhDemoFixtureText();
  writeFileSync(target, text);
  process.stdout.write(`wrote ${target}\n${JSON.stringify(summarizeKbhDemoFixture(JSON.parse(text) as KbhFixture), null, 2)}\n`);
}
