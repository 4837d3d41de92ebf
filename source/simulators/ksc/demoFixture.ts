// The demo dataset of the KSC simulator (fixtures/demo/ksc.json), generated from the
// demo MSP's customer story (fixtures/demo/customers.json): one virtual server per
// customer with a tenant, about its device count of every kind, keys of every type,
// events of every severity over the last three days (and a few older), and devices
// in Warning and Critical states.
//
// Deterministic: a seeded PRNG per tenant (seed + tenant name), and only relative
// times ("now-2h"), so the file is stable and the demo stays current. Regenerate with
//   npm run build && node dist/simulators/ksc/writeDemoFixture.js
// (test/unit/ksc-demo-fixture.test.ts fails when the committed file drifts).
import { Dice, hash, prng } from '../dice.js';
import type { FixtureDevice, FixtureEvent, FixtureGroup, FixtureKey, FixtureVServer, KscFixture } from './fixture.js';

export interface DemoCustomer {
  tenant: string | null;
  devices: number;
  /**
   * The customer's billing story (customers.json): 'new', signed up, nothing billed yet;
   * 'left', cancelled: its endpoint subscription is hard-cancelled (its devices are still listed,
   * nothing of theirs is billable any more). Absent: an ongoing customer.
   */
  billing?: 'new' | 'left';
}

/** The demo's simulator account: an internal KSC user (a simulator credential, not anyone's secret). */
export const KSC_DEMO_USER = { username: 'kmsp-demo', password: 'demo-ksc-password', internal: true } as const;

export const KSC_DEMO_SEED = 20261122;

const PRODUCTS = {
  select: 'Kaspersky Endpoint Security for Business Select',
  advanced: 'Kaspersky Endpoint Security for Business Advanced',
  server: 'Kaspersky Security for Windows Server',
  linux: 'Kaspersky Endpoint Security for Linux',
  mac: 'Kaspersky Endpoint Security for Mac',
  edr: 'Kaspersky Endpoint Detection and Response Optimum',
  beta: 'Kaspersky Endpoint Security for Windows 12.7 (beta)',
  mail: 'Kaspersky Security for Microsoft Exchange Servers',
} as const;

type Kind = 'workstation' | 'server' | 'linux' | 'mac' | 'android' | 'ios';

const OS: Record<Kind, readonly string[]> = {
  workstation: ['Microsoft Windows 11 Pro', 'Microsoft Windows 11 Enterprise', 'Microsoft Windows 10 Pro', 'Microsoft Windows 10 Enterprise'],
  server: ['Microsoft Windows Server 2022 Standard', 'Microsoft Windows Server 2019 Standard', 'Microsoft Windows Server 2016 Standard', 'Microsoft Windows Server 2022 Datacenter'],
  linux: ['Ubuntu 22.04 LTS', 'Red Hat Enterprise Linux 9', 'Debian 12'],
  mac: ['macOS 14 Sonoma', 'macOS 13 Ventura'],
  android: ['Android 14', 'Android 13'],
  ios: ['iOS 17.5', 'iPadOS 17.5'],
};

/** KLHST_WKS_CTYPE per kind: NT workstation, NT servers (plain, SQL, domain controller), Linux server; none for Apple and mobile. */
const CTYPES: Record<Kind, readonly number[]> = {
  workstation: [0x1001],
  server: [0x9007, 0x9007, 0x9006, 0x901b],
  linux: [0x200800],
  mac: [0x0],
  android: [0x0],
  ios: [0x0],
};

const PRODUCT_ON_HOST: Record<Kind, { name: string; version: string } | null> = {
  workstation: { name: 'KES', version: '12.5.0.0' },
  server: { name: 'WSEE', version: '12.0.0.0' },
  linux: { name: 'KESL', version: '12.1.0.0' },
  mac: { name: 'KESMAC', version: '12.1.0.0' },
  android: { name: 'KESM', version: '10.48.0.0' },
  ios: null,
};

const DN_PART: Record<Kind, string> = { workstation: 'WS', server: 'SRV', linux: 'LNX', mac: 'MAC', android: 'PHONE', ios: 'IPAD' };

interface EventType {
  type: string;
  name: string;
  describe: (host: string) => string;
  task?: string;
}

/** Per GNRL_EA_SEVERITY: 4 critical, 3 error (functional failure), 2 warning, 1 info. */
const EVENT_TYPES: Record<1 | 2 | 3 | 4, readonly EventType[]> = {
  4: [
    { type: 'GNRL_EV_VIRUS_FOUND', name: 'Malicious object detected', describe: (h) => `Trojan.Win32.Agent.gen detected on ${h} in C:\\Users\\Public\\Downloads\\invoice_2291.exe` },
    { type: 'GNRL_EV_ATTACK_DETECTED', name: 'Network attack detected', describe: (h) => `Network attack Scan.Generic.PortScan.TCP blocked on ${h}` },
    { type: 'GNRL_EV_OBJECT_NOTCURED', name: 'Object not disinfected', describe: (h) => `HEUR:Trojan-Ransom.Win32.Generic could not be disinfected on ${h}` },
  ],
  3: [
    { type: 'KLPRCI_TaskState', name: 'Task failed', describe: (h) => `Update task failed on ${h}: the update source is unavailable`, task: 'Update' },
    { type: 'GNRL_EV_APP_INSTALL_FAILED', name: 'Application installation failed', describe: (h) => `Kaspersky Endpoint Security could not be installed on ${h}: restart required` },
    { type: 'KLPRCI_TaskState', name: 'Task failed', describe: (h) => `Virus scan task failed on ${h}: the scan was interrupted`, task: 'Virus scan' },
  ],
  2: [
    { type: 'GNRL_EV_ANTIVIRAL_BASES_EXPIRED', name: 'Databases are outdated', describe: (h) => `Anti-malware databases on ${h} are 8 days old` },
    { type: 'GNRL_EV_SUSPICIOUS_OBJECT_FOUND', name: 'Probably infected object detected', describe: (h) => `HEUR:Exploit.MSOffice.Generic found on ${h}` },
    { type: 'GNRL_EV_LICENSE_EXPIRATION', name: 'License expires soon', describe: (h) => `The license on ${h} expires in 14 days` },
  ],
  1: [
    { type: 'GNRL_EV_OBJECT_CURED', name: 'Object disinfected', describe: (h) => `EICAR-Test-File disinfected on ${h}` },
    { type: 'KLPRCI_TaskState', name: 'Task completed', describe: (h) => `Update task completed on ${h}`, task: 'Update' },
    { type: 'GNRL_EV_OBJECT_DELETED', name: 'Object deleted', describe: (h) => `not-a-virus:HEUR:AdWare.Win32.Generic deleted on ${h}` },
  ],
};

function prefixOf(name: string): string {
  const word = name.split(/\s+/)[0] ?? name;
  return word.replace(/[^A-Za-z0-9]/g, '').toUpperCase().slice(0, 8) || 'HOST';
}

/** How many of each kind: mostly Windows workstations, then servers, Linux, Macs and a few phones. */
function mix(total: number, index: number): Record<Kind, number> {
  const servers = total >= 8 ? Math.max(1, Math.round(total * 0.1)) : total >= 4 ? 1 : 0;
  const linux = total >= 15 ? Math.max(1, Math.round(total * 0.05)) : 0;
  const mac = total >= 10 ? Math.max(1, Math.round(total * 0.06)) : 0;
  const mobile = total >= 20 ? Math.max(2, Math.round(total * 0.05)) : total >= 10 ? 1 : 0;
  // Alternate which platform gets the odd phone, so both appear.
  const android = index % 2 === 0 ? Math.ceil(mobile / 2) : Math.floor(mobile / 2);
  const ios = mobile - android;
  return { server: servers, linux, mac, android, ios, workstation: Math.max(0, total - servers - linux - mac - android - ios) };
}

function roundUp(n: number, step: number): number {
  return Math.max(step, Math.ceil(n / step) * step);
}

function tenantFixture(name: string, total: number, index: number, seed: number, left = false): FixtureVServer {
  const dice = new Dice(prng(seed ^ hash(name)));
  const prefix = prefixOf(name);
  const counts = mix(total, index);
  const hosts: Record<Kind, FixtureDevice[]> = { workstation: [], server: [], linux: [], mac: [], android: [], ios: [] };
  const groups: FixtureGroup[] = [];
  // Larger customers keep servers in a subgroup whose Critical set is stricter.
  const serverGroup = counts.server >= 2 ? 'Servers' : undefined;
  if (serverGroup) groups.push({ name: serverGroup, statusMasks: { critical: [1, 2, 3, 5, 7, 8, 9, 10, 13], warning: [0, 4, 6, 11, 12, 14, 15, 19] } });

  for (const kind of ['workstation', 'server', 'linux', 'mac', 'android', 'ios'] as const) {
    for (let n = 1; n <= counts[kind]; n++) {
      const mobile = kind === 'android' || kind === 'ios';
      const conditions: number[] = [];
      let minutesAgo = dice.int(1, mobile ? 2000 : 480);
      let virusCount: number | undefined;
      if (!mobile) {
        if (dice.chance(0.045)) conditions.push(7); // databases out of date
        if (dice.chance(0.02)) conditions.push(1); // real-time protection not running
        if (dice.chance(0.012)) {
          conditions.push(3); // many viruses
          virusCount = dice.int(12, 60);
        }
        if (dice.chance(0.03)) conditions.push(11); // restart required
        if (dice.chance(0.03)) conditions.push(13); // vulnerabilities
        if (dice.chance(0.01)) conditions.push(2); // application not running
      }
      if (dice.chance(0.02)) {
        conditions.push(8); // not connected in a long time
        minutesAgo = dice.int(8, 30) * 1440;
      }
      if (mobile && dice.chance(0.1)) conditions.push(16); // mobile settings non-compliant
      const device: FixtureDevice = {
        hostname: dice.guid(),
        dn: `${prefix}-${DN_PART[kind]}-${String(n).padStart(kind === 'workstation' ? 3 : 2, '0')}`,
        osName: dice.pick(OS[kind]),
        ctype: kind === 'server' && n === 1 && counts.server >= 3 ? 0x901b : dice.pick(CTYPES[kind]),
        lastVisible: `now-${minutesAgo}m`,
      };
      if (kind === 'server' && serverGroup) device.group = serverGroup;
      if (conditions.length > 0) device.statusMask = [...new Set(conditions)].sort((a, b) => a - b);
      if (virusCount !== undefined) device.virusCount = virusCount;
      if (!mobile) {
        device.agentVersion = '15.1.0.20748';
        device.avBasesTime = conditions.includes(7) ? `now-${dice.int(8, 20)}d` : `now-${dice.int(1, 12)}h`;
      }
      const product = PRODUCT_ON_HOST[kind];
      if (product) device.product = product;
      hosts[kind].push(device);
    }
  }

  const ids = (list: FixtureDevice[]) => list.map((d) => d.hostname);
  const keys: FixtureKey[] = [];
  const covered = new Set<string>();
  const add = (key: FixtureKey) => {
    for (const h of key.current ?? []) covered.add(h);
    keys.push(key);
  };

  // Dedicated keys first; the endpoint key covers whatever is left.
  if (counts.server >= 2 && index % 3 === 0) {
    add({ serial: dice.serial(), productName: PRODUCTS.server, type: 'commercial', capacity: roundUp(counts.server, 5), expiry: `now+${dice.int(90, 500)}d`, current: ids(hosts.server) });
  }
  if (counts.linux >= 2) {
    add({ serial: dice.serial(), productName: PRODUCTS.linux, type: 'commercial', capacity: roundUp(counts.linux, 5), expiry: `now+${dice.int(90, 500)}d`, current: ids(hosts.linux) });
  }
  if (counts.mac >= 1 && index % 4 === 1) {
    add({ serial: dice.serial(), productName: PRODUCTS.mac, type: 'commercial', capacity: roundUp(counts.mac, 5), expiry: `now+${dice.int(90, 500)}d`, current: ids(hosts.mac) });
  }

  const everyone = (['workstation', 'server', 'linux', 'mac', 'android', 'ios'] as const).flatMap((k) => ids(hosts[k]));
  let endpointHosts = everyone.filter((h) => !covered.has(h));
  const endpointProduct = index % 2 === 0 ? PRODUCTS.select : PRODUCTS.advanced;

  // An expired commercial key still active on a few devices that never switched.
  if (index % 5 === 3 && endpointHosts.length > 4) {
    const stale = endpointHosts.slice(-Math.min(3, endpointHosts.length - 1));
    const byHostname = new Map(Object.values(hosts).flat().map((d) => [d.hostname, d]));
    for (const h of stale) {
      // Their license expired: KSC raises condition 9 on them.
      const device = byHostname.get(h)!;
      device.statusMask = [...new Set([...(Array.isArray(device.statusMask) ? device.statusMask : []), 9])].sort((a, b) => a - b);
    }
    add({ serial: dice.serial(), productName: endpointProduct, type: 'commercial', capacity: roundUp(stale.length + 10, 5), expiry: `now-${dice.int(5, 40)}d`, current: stale });
    endpointHosts = endpointHosts.filter((h) => !stale.includes(h));
  }

  const capacity = roundUp(endpointHosts.length + dice.int(2, 8), 5);
  if (index % 11 === 7) {
    add({ serial: dice.serial(), productName: endpointProduct, type: 'subscription', capacity, expiry: null, subscription: { state: 'paused', endDate: null }, current: endpointHosts });
  } else if (index % 6 === 2 || left) {
    // A customer who left cancelled its subscription: the devices still run the key, unbilled.
    const serial = dice.serial();
    if (!(index % 6 === 2)) dice.int(45, 520); // the draw of the commercial key it replaces: the rest of the tenant stays as it was
    const subscription = left ? { state: 'hard-cancelled' as const, endDate: 'now-5d' } : { state: 'active' as const, endDate: 'now+30d' };
    add({ serial, productName: endpointProduct, type: 'subscription', capacity, expiry: subscription.endDate, subscription, current: endpointHosts });
  } else {
    add({ serial: dice.serial(), productName: endpointProduct, type: 'commercial', capacity, expiry: `now+${dice.int(45, 520)}d`, current: endpointHosts });
  }
  // A renewal key already on the devices as their reserve key.
  if (index % 7 === 0 && endpointHosts.length > 0) {
    add({ serial: dice.serial(), productName: endpointProduct, type: 'commercial', capacity, expiry: `now+${dice.int(400, 760)}d`, reserve: endpointHosts });
  }
  const windows = ids(hosts.workstation);
  if (index % 8 === 4 && windows.length >= 3) {
    add({ serial: dice.serial(), productName: PRODUCTS.edr, type: 'trial', capacity: 5, expiry: 'now+14d', current: windows.slice(0, 3) });
  }
  if (index === 2 && windows.length >= 2) add({ serial: dice.serial(), productName: PRODUCTS.beta, type: 'beta', capacity: 5, expiry: 'now+60d', current: windows.slice(0, 2) });
  if (index === 5 && windows.length >= 1) add({ serial: dice.serial(), productName: PRODUCTS.advanced, type: 'test', capacity: 3, expiry: 'now+10d', current: windows.slice(-1) });
  if (index === 9 && windows.length >= 2) add({ serial: dice.serial(), productName: PRODUCTS.select, type: 'oem', capacity: 5, expiry: 'now+200d', current: windows.slice(0, 2) });
  if (index === 13) add({ serial: dice.serial(), productName: PRODUCTS.mail, type: 'subscription', capacity: 50, expiry: null, subscription: { state: 'soft-cancelled', endDate: 'now+20d' } });
  if (index === 17) add({ serial: dice.serial(), productName: PRODUCTS.mail, type: 'subscription', capacity: 25, expiry: null, subscription: { state: 'hard-cancelled', endDate: 'now-2d' } });

  const events: FixtureEvent[] = [];
  const all = Object.values(hosts).flat();
  const eventCount = Math.round(total * 0.8) + 3;
  for (let e = 0; e < eventCount + 2; e++) {
    const roll = dice.float();
    const severity = (roll < 0.15 ? 4 : roll < 0.3 ? 3 : roll < 0.55 ? 2 : 1) as 1 | 2 | 3 | 4;
    const kind = dice.pick(EVENT_TYPES[severity]);
    const host = all.length > 0 && !(severity === 4 && dice.chance(0.05)) ? dice.pick(all) : undefined;
    // The last two are older than the usual one-day window.
    const raisedAt = e < eventCount ? `now-${dice.int(1, 3 * 1440)}m` : `now-${dice.int(5, 12)}d`;
    const event: FixtureEvent = {
      severity: (['info', 'warning', 'functional-failure', 'critical'] as const)[severity - 1]!,
      type: kind.type,
      typeName: kind.name,
      description: kind.describe(host?.dn ?? `${prefix} network`),
      raisedAt,
      product: host?.product?.name ?? 'KES',
      productVersion: host?.product?.version ?? '12.5.0.0',
    };
    if (host) event.host = host.hostname;
    if (kind.task) event.task = kind.task;
    events.push(event);
  }
  // Oldest first, as a server's event log reads.
  events.sort((a, b) => minutes(b.raisedAt) - minutes(a.raisedAt));

  const vserver: FixtureVServer = {
    uid: `${dice.hex(8)}-${dice.hex(4)}-${dice.hex(4)}-${dice.hex(4)}-${dice.hex(12)}`,
    dn: name,
    created: `now-${dice.int(200, 1500)}d`,
    devices: Object.values(hosts).flat(),
    keys,
    events,
  };
  if (groups.length > 0) vserver.groups = groups;
  return vserver;
}

function minutes(relative: string): number {
  const m = /^now-(\d+)([md])$/.exec(relative);
  if (!m) return 0;
  return Number(m[1]) * (m[2] === 'd' ? 1440 : 1);
}

export function generateKscDemoFixture(customers: readonly DemoCustomer[], seed = KSC_DEMO_SEED): KscFixture {
  const tenants = customers.filter((c): c is DemoCustomer & { tenant: string } => typeof c.tenant === 'string' && c.tenant.trim() !== '');
  return {
    description:
      'KSC simulator demo dataset, generated by source/simulators/ksc/demoFixture.ts from fixtures/demo/customers.json (do not edit by hand; see FIXTURE.md). Times are relative to simulator start.',
    server: { productName: 'Kaspersky Security Center', version: '15.1.0.20748', hostname: 'KSC-MSP-01' },
    users: [{ ...KSC_DEMO_USER }],
    vservers: tenants.map((c, i) => tenantFixture(c.tenant, c.devices, i, seed, c.billing === 'left')),
  };
}

/** Counts for documentation and the demo's own checks. */
export function summarizeDemoFixture(fixture: KscFixture): {
  vservers: number;
  devices: Record<string, number>;
  keys: Record<string, number>;
  events: Record<string, number>;
} {
  const devices: Record<string, number> = {};
  const keys: Record<string, number> = {};
  const events: Record<string, number> = {};
  const bump = (o: Record<string, number>, k: string) => (o[k] = (o[k] ?? 0) + 1);
  for (const v of fixture.vservers) {
    for (const d of v.devices ?? []) {
      const kind =
        d.ctype & 0x8000
          ? 'windows-server'
          : d.ctype & 0x1000
            ? 'windows-workstation'
            : /android/i.test(d.osName)
              ? 'android'
              : /ios/i.test(d.osName)
                ? 'ios'
                : /mac/i.test(d.osName)
                  ? 'macos'
                  : 'linux';
      bump(devices, kind);
      const mask = Array.isArray(d.statusMask) ? d.statusMask : [];
      if (mask.length > 0) bump(devices, 'with-conditions');
    }
    for (const k of v.keys ?? []) {
      bump(keys, k.type);
      if (k.subscription) bump(keys, `subscription-${k.subscription.state}`);
      if (k.expiry && k.expiry.startsWith('now-')) bump(keys, 'expired');
    }
    for (const e of v.events ?? []) bump(events, String(e.severity));
  }
  return { vservers: fixture.vservers.length, devices, keys, events };
}
