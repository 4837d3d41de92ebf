// The demo MSP's story as every PSA demo fixture tells it, whatever the vendor: the
// customers of fixtures/demo/customers.json, the services (products) an MSP bills for
// Kaspersky per device category, and what each customer was billed at its last posting,
// computed from the KSC demo dataset (./ksc/demoFixture.ts). The Autotask and ConnectWise
// demo generators build their vendor's records from it.
import { readFileSync } from 'node:fs';
import { fixturesPath } from './server.js';
import type { FixtureKey, FixtureVServer } from './ksc/fixture.js';
import { generateKscDemoFixture, type DemoCustomer as KscDemoCustomer } from './ksc/demoFixture.js';

export interface DemoCustomer extends KscDemoCustomer {
  tenant: string | null;
  account: string | null;
  accountType: string | null;
  accountActive: boolean | null;
  devices: number;
}

/** Services named like Kaspersky products per device category (README › Billing rules, "Categories"), plus one inactive. */
export const SERVICES: Array<{ name: string; unitPrice: number; unitCost: number; isActive?: boolean }> = [
  { name: 'KES Advanced – Workstation', unitPrice: 4.5, unitCost: 2.1 },
  { name: 'KES Advanced – Server', unitPrice: 9, unitCost: 4.3 },
  { name: 'KES Advanced – Non-Windows', unitPrice: 4.5, unitCost: 2.1 },
  { name: 'KESB Select – Workstation', unitPrice: 3.2, unitCost: 1.5 },
  { name: 'KESB Select – Server', unitPrice: 7, unitCost: 3.2 },
  { name: 'KESB Select – Non-Windows', unitPrice: 3.2, unitCost: 1.5 },
  { name: 'Kaspersky Security for Windows Server', unitPrice: 8.5, unitCost: 4 },
  { name: 'KES Cloud Plus per user', unitPrice: 5.5, unitCost: 2.6 },
  { name: 'KES Cloud Pro per user', unitPrice: 7.5, unitCost: 3.6 },
  { name: 'Kaspersky Security for Microsoft Office 365 per mailbox', unitPrice: 1.8, unitCost: 0.8 },
  { name: 'Kaspersky Anti-Virus for Workstations (legacy)', unitPrice: 2.5, unitCost: 1.2, isActive: false },
];

/**
 * The part number each service is known by in a PSA's catalog or price book (ConnectWise product
 * identifiers, Tigerpaw ItemIds): one code per service, so every PSA's demo bills the same codes.
 */
export const SERVICE_CODES: Readonly<Record<string, string>> = {
  'KES Advanced – Workstation': 'KES-ADV-WS',
  'KES Advanced – Server': 'KES-ADV-SRV',
  'KES Advanced – Non-Windows': 'KES-ADV-NW',
  'KESB Select – Workstation': 'KESB-SEL-WS',
  'KESB Select – Server': 'KESB-SEL-SRV',
  'KESB Select – Non-Windows': 'KESB-SEL-NW',
  'Kaspersky Security for Windows Server': 'KSWS',
  'KES Cloud Plus per user': 'KESC-PLUS-USR',
  'KES Cloud Pro per user': 'KESC-PRO-USR',
  'Kaspersky Security for Microsoft Office 365 per mailbox': 'KSMO365-MBX',
  'Kaspersky Anti-Virus for Workstations (legacy)': 'KAV-WS-LEGACY',
};
export const YEAR = { startDate: 'startOfYear', endDate: 'startOfYear+1y-1d' };
export const LAST_YEAR = { startDate: 'startOfYear-1y', endDate: 'startOfYear-1d' };

/** Kinds of agreement (Autotask: contract) in the story; each PSA has its own type for each. */
export type PlanKind = 'recurring' | 'blockHours' | 'timeAndMaterials';

export interface AgreementPlan {
  name: string;
  kind: PlanKind;
  active?: boolean;
  dates?: { startDate: string; endDate: string };
  /**
   * Units per service name held in every period, for services the demo's KSC does not report
   * (mailboxes). The endpoint services of an account's first active recurring agreement come
   * from its KSC usage (billedSoFar).
   */
  units?: Record<string, number>;
}

/**
 * Who has which agreements. Accounts not listed get a recurring one for the current year
 * when they are active customers with a tenant, and nothing otherwise.
 */
const AGREEMENT_PLANS: Record<string, AgreementPlan[]> = {
  'Acme and Sons Ltd': [
    { name: 'Managed Security', kind: 'recurring' },
    { name: 'Block Hours 20h', kind: 'blockHours' },
  ],
  'Delta Legal LLP': [{ name: 'Managed Security', kind: 'recurring' }, { name: 'Project Work', kind: 'timeAndMaterials' }],
  // Billed on the first; the second one is there to choose from in the console.
  'Evergreen Schools': [
    { name: 'Managed Security – District Office', kind: 'recurring' },
    { name: 'Managed Security – Campuses', kind: 'recurring' },
  ],
  'Granite Builders Ltd': [{ name: 'Managed Security', kind: 'recurring' }, { name: 'Block Hours 10h', kind: 'blockHours' }],
  'Ironwood Accounting, Inc.': [{ name: 'Managed Security', kind: 'recurring', units: { 'Kaspersky Security for Microsoft Office 365 per mailbox': 9 } }],
  'Juniper Hotels': [{ name: 'Managed Security (ended)', kind: 'recurring', active: false, dates: LAST_YEAR }],
  'Orchard Foods': [{ name: 'Block Hours 40h', kind: 'blockHours' }],
  'Riverside Community Church': [{ name: 'Time & Materials', kind: 'timeAndMaterials' }],
  'Union Street Bakery': [{ name: 'Time & Materials', kind: 'timeAndMaterials' }],
  'Zephyr Consulting': [{ name: 'Managed Security', kind: 'recurring' }],
  'Parkway Dental': [{ name: 'Managed Security', kind: 'recurring' }, { name: 'Block Hours 10h', kind: 'blockHours' }],
  'Lumen Solar': [{ name: 'Time & Materials', kind: 'timeAndMaterials' }],
};

/** An account's agreements in the story. */
export function agreementPlans(c: DemoCustomer & { account: string }): AgreementPlan[] {
  const defaultPlan: AgreementPlan[] = c.tenant !== null && c.accountType === 'Customer' && c.accountActive ? [{ name: 'Managed Security', kind: 'recurring' }] : [];
  return AGREEMENT_PLANS[c.account] ?? defaultPlan;
}

/** The demo KSC's endpoint products and the service billed per device category (the Services settings the demo's story assumes). */
export const PRODUCT_SERVICES: Record<string, Partial<Record<'workstation' | 'server' | 'nonWindows', string>>> = {
  'Kaspersky Endpoint Security for Business Advanced': { workstation: 'KES Advanced – Workstation', server: 'KES Advanced – Server', nonWindows: 'KES Advanced – Non-Windows' },
  'Kaspersky Endpoint Security for Business Select': { workstation: 'KESB Select – Workstation', server: 'KESB Select – Server', nonWindows: 'KESB Select – Non-Windows' },
  'Kaspersky Security for Windows Server': { server: 'Kaspersky Security for Windows Server' },
};

/** As kmsp bills (domain/usage.ts): commercial keys and active subscriptions, unexpired; trial, beta, test and OEM keys never. */
function billableKey(key: FixtureKey): boolean {
  const state = key.subscription?.state ?? 'active';
  const typeOk = key.type === 'commercial' || key.type === 'subscription' ? state === 'active' : false;
  // The demo's dates are all relative to the simulator's start: "now-…" has passed.
  return typeOk && !(typeof key.expiry === 'string' && key.expiry.startsWith('now-'));
}

/** Devices per service a virtual server's billable keys cover now, each device once per service. */
function billedDevices(vs: FixtureVServer): Map<string, number> {
  const byHost = new Map((vs.devices ?? []).map((d) => [d.hostname, d]));
  const hosts = new Map<string, Set<string>>();
  for (const key of vs.keys ?? []) {
    const services = PRODUCT_SERVICES[key.productName];
    if (!services || !billableKey(key)) continue;
    for (const host of key.current ?? []) {
      const ctype = byHost.get(host)?.ctype ?? 0;
      const service = services[ctype & 0x8000 ? 'server' : ctype & 0x1000 ? 'workstation' : 'nonWindows'];
      if (service) hosts.set(service, (hosts.get(service) ?? new Set()).add(host));
    }
  }
  return new Map([...hosts].map(([service, set]) => [service, set.size]));
}

/**
 * The changes the demo's first billing preview shows on an ongoing customer's contract: mostly
 * small (devices added or retired since the last posting), some none. Used in turn.
 */
const SINCE_LAST_POSTING = [1, 0, -2, 0, 1, -1, 0, 2, 0, -2, 1, 0];

/**
 * What each account's Recurring Service contract holds of the endpoint services: what it was
 * billed at the last posting. An ongoing customer: its KSC usage now, give or take a device or two
 * (SINCE_LAST_POSTING); a new one ('new'): nothing yet, its first posting adds everything; one who
 * left ('left'): what it used before it cancelled, which the preview takes back.
 */
export function billedSoFar(customers: readonly DemoCustomer[]): Map<string, Map<string, number>> {
  const now = new Map(generateKscDemoFixture(customers).vservers.map((v) => [v.dn, v]));
  // The same dataset as it was before anyone left.
  const before = new Map(generateKscDemoFixture(customers.map((c) => (c.billing === 'left' ? { ...c, billing: undefined } : c))).vservers.map((v) => [v.dn, v]));
  const out = new Map<string, Map<string, number>>();
  let turn = 0;
  for (const c of customers) {
    if (c.account === null || c.tenant === null || c.billing === 'new') continue;
    const vs = (c.billing === 'left' ? before : now).get(c.tenant);
    if (!vs) continue;
    const units = new Map<string, number>();
    for (const [service, devices] of billedDevices(vs)) {
      const change = c.billing === 'left' ? 0 : SINCE_LAST_POSTING[turn++ % SINCE_LAST_POSTING.length]!;
      units.set(service, devices - change >= 1 ? devices - change : devices);
    }
    out.set(c.account, units);
  }
  return out;
}

export function readDemoCustomers(): DemoCustomer[] {
  const raw = JSON.parse(readFileSync(fixturesPath('demo', 'customers.json'), 'utf8')) as { customers: DemoCustomer[] };
  return raw.customers;
}

