// Generates fixtures/demo/connectwise.json from fixtures/demo/customers.json, the demo MSP's
// cross-vendor story (../demoStory.ts): the same accounts, agreements and billed quantities
// as the Autotask demo, in ConnectWise Manage's terms. Deterministic: the same customers give
// the same file, and every date is relative ("startOfYear", "now-1d") so the demo stays
// current without regenerating.
//
// Regenerate after changing customers.json, the story, this file or the KSC generator:
//   npm run fixtures:demo
// (test/unit/connectwise-fixture.test.ts fails while the committed file is stale.)
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { agreementPlans, billedSoFar, readDemoCustomers, SERVICE_CODES, SERVICES, YEAR, type DemoCustomer, type PlanKind } from '../demoStory.js';
import { fixturesPath } from '../server.js';
import type { ConnectWiseFixture, CwRecord } from './fixture.js';

export const DEMO_CREDENTIALS = {
  companyId: 'demomsp',
  publicKey: 'DemoPublicKey0001',
  privateKey: 'demo-cw-private-key-0001',
  clientId: '5f0c9f8e-1d2b-4c3a-9e7f-6b5a4d3c2b1a',
} as const;

const MEMBERS = {
  api: { id: 150, identifier: 'kmsp-api', name: 'kmsp API' },
  dana: { id: 151, identifier: 'dwhitfield', name: 'Dana Whitfield' },
  sam: { id: 152, identifier: 'sortega', name: 'Sam Ortega' },
};

const COMPANY_STATUS = { active: 1, inactive: 2, notApproved: 3, creditHold: 4 };
const COMPANY_TYPE: Record<string, number> = { Customer: 1, Prospect: 2, Lead: 3, Vendor: 4, Partner: 5 };
const CUSTOM_FIELD = { tenant: 7, tier: 8 };
const AGREEMENT_TYPE: Record<PlanKind, number> & { project: number; legacy: number } = { recurring: 1, blockHours: 2, timeAndMaterials: 3, project: 4, legacy: 5 };

/** Products the MSP sells besides Kaspersky: on the same agreements, never kmsp's to touch. */
const OTHER_PRODUCTS: CwRecord[] = [
  { identifier: 'BACKUP-DEV', description: 'Backup per device', price: 6, cost: 2.5, recurringFlag: true, productClass: 'NonInventory' },
  { identifier: 'RMM-AGENT', description: 'RMM agent per device', price: 3, cost: 1.1, recurringFlag: true, productClass: 'NonInventory' },
  { identifier: 'M365-BP', description: 'Microsoft 365 Business Premium per user', price: 22, cost: 18.7, recurringFlag: true, productClass: 'NonInventory' },
  { identifier: 'HW-LAPTOP-14', description: 'Laptop 14" (hardware)', price: 1150, cost: 890, productClass: 'Inventory' },
  { identifier: 'BUNDLE-SECURE', description: 'Secure Workplace bundle', price: 15, cost: 7, recurringFlag: true, productClass: 'Bundle' },
];

const CATALOG_BASE = 601;
const productId = (identifier: string): number => {
  const all = [...SERVICES.map((s) => SERVICE_CODES[s.name]!), ...OTHER_PRODUCTS.map((p) => p.identifier as string)];
  const index = all.indexOf(identifier);
  if (index < 0) throw new Error(`no demo product ${identifier}`);
  return CATALOG_BASE + index;
};
const serviceProduct = (name: string): number => {
  const identifier = SERVICE_CODES[name];
  if (!identifier) throw new Error(`no catalog identifier for the demo service ${name}`);
  return productId(identifier);
};

const BOARD = { serviceDesk: 1, monitoring: 2, security: 3, projects: 4, legacy: 5 };

/** A board's statuses: New (default), In Progress, Waiting Customer, Completed and Closed (closed ones). */
function boardStatuses(board: number, firstId: number): CwRecord[] {
  const names: Array<[string, { closedStatus?: boolean; defaultFlag?: boolean }]> = [
    ['New', { defaultFlag: true }],
    ['In Progress', {}],
    ['Waiting Customer', {}],
    ['Completed', { closedStatus: true }],
    ['Closed', { closedStatus: true }],
  ];
  return names.map(([name, flags], i) => ({ id: firstId + i, name, board: { id: board }, sortOrder: i, ...flags }));
}

const STATUS = {
  serviceDesk: { new: 101, inProgress: 102, waiting: 103, completed: 104, closed: 105 },
  monitoring: { new: 201, inProgress: 202, waiting: 203, completed: 204, closed: 205 },
};

const STATUSES: CwRecord[] = [
  ...boardStatuses(BOARD.serviceDesk, 101),
  { id: 106, name: 'Escalated (old)', board: { id: BOARD.serviceDesk }, sortOrder: 9, inactive: true },
  ...boardStatuses(BOARD.monitoring, 201),
  ...boardStatuses(BOARD.security, 301),
  // No closed status: a ticket here can never be closed through the API.
  { id: 401, name: 'New', board: { id: BOARD.projects }, sortOrder: 0, defaultFlag: true },
  { id: 402, name: 'Reviewing', board: { id: BOARD.projects }, sortOrder: 1 },
  { id: 403, name: 'Approved', board: { id: BOARD.projects }, sortOrder: 2 },
  ...boardStatuses(BOARD.legacy, 501),
];

const TYPE = {
  hardware: 11, software: 12, network: 13,
  monitoringIncident: 21, monitoringMalware: 22, monitoringMaintenance: 23,
  securityIncident: 31, securityMalware: 32, vulnerability: 33,
  onboarding: 41,
};

const TYPES: CwRecord[] = [
  { id: TYPE.hardware, name: 'Hardware', board: { id: BOARD.serviceDesk }, defaultFlag: true },
  { id: TYPE.software, name: 'Software', board: { id: BOARD.serviceDesk } },
  { id: TYPE.network, name: 'Network', board: { id: BOARD.serviceDesk } },
  // The same names on two boards are different records: a type belongs to its board.
  { id: TYPE.monitoringIncident, name: 'Security Incident', board: { id: BOARD.monitoring } },
  { id: TYPE.monitoringMalware, name: 'Malware', board: { id: BOARD.monitoring } },
  { id: TYPE.monitoringMaintenance, name: 'Maintenance', board: { id: BOARD.monitoring }, category: 'Proactive' },
  { id: 24, name: 'Spyware (legacy)', board: { id: BOARD.monitoring }, inactiveFlag: true },
  { id: TYPE.securityIncident, name: 'Security Incident', board: { id: BOARD.security } },
  { id: TYPE.securityMalware, name: 'Malware', board: { id: BOARD.security } },
  { id: TYPE.vulnerability, name: 'Vulnerability', board: { id: BOARD.security }, category: 'Proactive' },
  { id: TYPE.onboarding, name: 'Onboarding', board: { id: BOARD.projects }, category: 'Proactive' },
];

const SUBTYPES: CwRecord[] = [
  { id: 111, name: 'Workstation', board: { id: BOARD.serviceDesk }, typeAssociationIds: [TYPE.hardware] },
  { id: 112, name: 'Server', board: { id: BOARD.serviceDesk }, typeAssociationIds: [TYPE.hardware] },
  { id: 113, name: 'Application Error', board: { id: BOARD.serviceDesk }, typeAssociationIds: [TYPE.software] },
  { id: 114, name: 'Connectivity', board: { id: BOARD.serviceDesk }, typeAssociationIds: [TYPE.network] },
  { id: 211, name: 'Endpoint Protection', board: { id: BOARD.monitoring }, typeAssociationIds: [TYPE.monitoringIncident, TYPE.monitoringMalware] },
  { id: 212, name: 'Firewall', board: { id: BOARD.monitoring }, typeAssociationIds: [TYPE.monitoringIncident] },
  { id: 213, name: 'Outdated Protection', board: { id: BOARD.monitoring }, typeAssociationIds: [TYPE.monitoringMaintenance] },
  { id: 214, name: 'Licensing', board: { id: BOARD.monitoring }, typeAssociationIds: [TYPE.monitoringMaintenance, TYPE.monitoringIncident] },
  { id: 215, name: 'Quarantine (old)', board: { id: BOARD.monitoring }, typeAssociationIds: [TYPE.monitoringMalware], inactiveFlag: true },
  { id: 311, name: 'Ransomware', board: { id: BOARD.security }, typeAssociationIds: [TYPE.securityMalware] },
  { id: 312, name: 'Phishing', board: { id: BOARD.security }, typeAssociationIds: [TYPE.securityIncident] },
  { id: 313, name: 'Patch Missing', board: { id: BOARD.security }, typeAssociationIds: [TYPE.vulnerability] },
];

const ITEMS: CwRecord[] = [
  { id: 121, name: 'Printer', board: { id: BOARD.serviceDesk } },
  { id: 122, name: 'Laptop', board: { id: BOARD.serviceDesk } },
  { id: 221, name: 'Workstation', board: { id: BOARD.monitoring } },
  { id: 222, name: 'Server', board: { id: BOARD.monitoring } },
  { id: 223, name: 'Mobile Device', board: { id: BOARD.monitoring } },
  { id: 321, name: 'Endpoint', board: { id: BOARD.security } },
  { id: 322, name: 'Email', board: { id: BOARD.security } },
];

const PRIORITY = { p1: 1, p2: 2, p3: 3, p4: 4, critical: 5, medium: 6 };
const SOURCE = { email: 1, phone: 2, portal: 3, monitoring: 4 };

/** Up to 25 letters and digits of a company name: ConnectWise's company identifier. */
export function companyIdentifier(name: string, taken: Set<string>): string {
  const base = name.replace(/[^A-Za-z0-9]/g, '').slice(0, 25) || 'Company';
  let id = base;
  for (let n = 2; taken.has(id.toLowerCase()); n++) id = `${base.slice(0, 25 - String(n).length)}${n}`;
  taken.add(id.toLowerCase());
  return id;
}

export function buildDemoFixture(customers: readonly DemoCustomer[]): ConnectWiseFixture {
  const accounts = customers.filter((c): c is DemoCustomer & { account: string } => c.account !== null);
  const taken = new Set<string>();
  const companyId = (name: string) => {
    const index = accounts.findIndex((a) => a.account === name);
    if (index < 0) throw new Error(`no demo account ${name}`);
    return 19301 + index;
  };
  const companies: CwRecord[] = accounts.map((c, i) => {
    const type = COMPANY_TYPE[c.accountType ?? 'Customer'];
    if (type === undefined) throw new Error(`customers.json: account type "${c.accountType}" has no ConnectWise company type`);
    return {
      id: 19301 + i,
      identifier: companyIdentifier(c.account, taken),
      name: c.account,
      status: { id: c.accountActive === false ? COMPANY_STATUS.inactive : COMPANY_STATUS.active },
      types: [{ id: type }],
      phoneNumber: `+1 555 02${String(i).padStart(2, '0')}`,
      city: ['Springfield', 'Riverton', 'Lakeside', 'Fairview'][i % 4],
      isVendorFlag: c.accountType === 'Vendor',
      customFields: { 'Customer Tier': c.devices >= 40 ? 'Gold' : c.devices >= 15 ? 'Silver' : c.devices > 0 ? 'Bronze' : null },
      _info: { dateEntered: `now-${400 - i * 7}d`, lastUpdated: `now-${30 + (i % 9)}d`, enteredBy: i % 2 === 0 ? MEMBERS.dana.identifier : MEMBERS.sam.identifier },
    };
  });
  // Deleted companies sit in the recycle bin, near-namesakes of live ones: a client must filter them out.
  const deleted: CwRecord[] = [
    { name: 'Bluebird Dental', types: [{ id: COMPANY_TYPE.Customer }], deletedFlag: true, dateDeleted: 'now-45d', deletedBy: MEMBERS.sam.identifier },
    { name: 'Harbor Marine Svcs (duplicate)', types: [{ id: COMPANY_TYPE.Customer }], deletedFlag: true, dateDeleted: 'now-12d', deletedBy: MEMBERS.dana.identifier },
  ].map((d, k) => ({ id: 19301 + accounts.length + k, identifier: companyIdentifier(String(d.name), taken), status: { id: COMPANY_STATUS.inactive }, ...d }));

  const agreements: CwRecord[] = [];
  const additions: CwRecord[] = [];
  const billed = billedSoFar(customers);
  let agreementId = 4101;
  const addition = (agreement: number, identifier: string, quantity: number, extra: CwRecord = {}) => {
    additions.push({ agreementId: agreement, product: { id: productId(identifier) }, quantity, billCustomer: 'Billable', effectiveDate: 'startOfYear', ...extra });
  };
  accounts.forEach((c) => {
    let billedOn: number | null = null;
    for (const plan of agreementPlans(c)) {
      const id = agreementId++;
      const ended = plan.active === false;
      agreements.push({
        id,
        name: `${c.account} – ${plan.name}`,
        type: { id: AGREEMENT_TYPE[plan.kind] },
        company: { id: companyId(c.account) },
        ...(plan.dates ?? YEAR),
        noEndingDateFlag: false,
        billingCycle: { id: 1, name: 'Monthly' },
        prorateFlag: plan.kind === 'recurring',
      });
      for (const [name, units] of Object.entries(plan.units ?? {})) addition(id, SERVICE_CODES[name]!, units);
      if (billedOn === null && plan.kind === 'recurring' && !ended && c.accountActive) {
        billedOn = id;
        const services = [...(billed.get(c.account) ?? [])];
        for (const [name, units] of services) addition(id, SERVICE_CODES[name]!, units);
        // The MSP's other services on the same agreement, never kmsp's to change.
        if (c.devices > 0) addition(id, 'BACKUP-DEV', c.devices);
        if (c.devices >= 20) addition(id, 'RMM-AGENT', c.devices + 2);
      }
    }
  });

  const agreementOf = (account: string, name: string) => {
    const hit = agreements.find((a) => a.name === `${account} – ${name}`);
    if (!hit) throw new Error(`no demo agreement ${account} – ${name}`);
    return hit.id as number;
  };
  // History on Acme's agreement: its first Kaspersky product was recounted today the "cancel and re-add" way,
  // so a cancelled addition of a kmsp product sits next to the current one.
  const acme = agreementOf('Acme and Sons Ltd', 'Managed Security');
  const kasperskyIds = new Set(SERVICES.map((svc) => serviceProduct(svc.name)));
  const acmeWs = additions.find((a) => a.agreementId === acme && kasperskyIds.has((a.product as { id: number }).id));
  if (acmeWs) {
    additions.push({ ...acmeWs, quantity: Number(acmeWs.quantity) + 3, cancelledDate: 'today' });
    acmeWs.effectiveDate = 'today';
  }
  // Distractors: a cancelled agreement still inside its dates, an expired one from last year, and an
  // agreement of another company (the MSP's own) holding Kaspersky products kmsp must leave alone.
  agreements.push(
    {
      id: agreementId++,
      name: 'Acme and Sons Ltd – Managed Security (pilot)',
      type: { id: AGREEMENT_TYPE.recurring },
      company: { id: companyId('Acme and Sons Ltd') },
      startDate: 'startOfYear-1y',
      endDate: 'startOfYear+1y-1d',
      cancelledFlag: true,
      dateCancelled: 'startOfYear-2mo',
      reasonCancelled: 'Replaced by the Managed Security agreement',
      billingCycle: { id: 1, name: 'Monthly' },
    },
    {
      id: agreementId++,
      name: 'Keystone Insurance Group – Managed Security (last year)',
      type: { id: AGREEMENT_TYPE.recurring },
      company: { id: companyId('Keystone Insurance Group') },
      startDate: 'startOfYear-1y',
      endDate: 'startOfYear-1d',
      billingCycle: { id: 1, name: 'Monthly' },
    },
  );
  const internal = agreementId++;
  agreements.push({
    id: internal,
    name: 'Meridian MSP (internal) – Staff Laptops',
    type: { id: AGREEMENT_TYPE.recurring },
    company: { id: companyId('Meridian MSP (internal)') },
    ...YEAR,
    billingCycle: { id: 1, name: 'Monthly' },
  });
  addition(internal, 'KES-ADV-WS', 14, { billCustomer: 'NoCharge' });
  addition(agreementOf('Keystone Insurance Group', 'Managed Security (last year)'), 'KES-ADV-WS', 27, { effectiveDate: 'startOfYear-1y' });
  addition(agreementOf('Acme and Sons Ltd', 'Managed Security (pilot)'), 'KESB-SEL-WS', 10, { effectiveDate: 'startOfYear-1y', cancelledDate: 'startOfYear-2mo' });

  const catalog: CwRecord[] = [
    ...SERVICES.map((s) => ({
      identifier: SERVICE_CODES[s.name]!,
      description: s.name,
      customerDescription: s.name,
      price: s.unitPrice,
      cost: s.unitCost,
      inactiveFlag: s.isActive === false,
      recurringFlag: true,
      productClass: 'NonInventory',
      category: { id: 3, name: 'Security' },
      subcategory: { id: 31, name: 'Endpoint Protection' },
      type: { id: 2, name: 'Recurring Service' },
      unitOfMeasure: { id: 1, name: 'Each' },
    })),
    ...OTHER_PRODUCTS.map((p) => ({ ...p, customerDescription: p.description, category: { id: 1, name: 'Services' }, unitOfMeasure: { id: 1, name: 'Each' } })),
  ].map((p, i) => ({ id: CATALOG_BASE + i, ...p }));

  return {
    description:
      'Demo ConnectWise Manage database of the demo MSP, generated from customers.json by source/simulators/connectwise/demoFixture.ts (do not edit by hand; see FIXTURE.md).',
    apiMember: {
      ...DEMO_CREDENTIALS,
      memberId: MEMBERS.api.id,
      memberIdentifier: MEMBERS.api.identifier,
      memberName: MEMBERS.api.name,
      permissions: { companies: 'write', agreements: 'read', additions: 'write', catalog: 'read', boards: 'read', tickets: 'write' },
    },
    site: { companyName: 'Demo MSP (simulated)', codebase: 'v4_6_release/', isCloud: true, serverTimeZone: 'Eastern Standard Time' },
    members: Object.values(MEMBERS),
    companyStatuses: [
      { id: COMPANY_STATUS.active, name: 'Active', defaultFlag: true },
      { id: COMPANY_STATUS.inactive, name: 'Inactive', inactiveFlag: true, disallowSavingFlag: true, notificationMessage: 'This company is inactive: no new tickets or agreements.' },
      { id: COMPANY_STATUS.notApproved, name: 'Not-Approved' },
      { id: COMPANY_STATUS.creditHold, name: 'Credit Hold', notifyFlag: true, notificationMessage: 'Credit hold: check with accounts before new work.' },
    ],
    companyTypes: Object.entries(COMPANY_TYPE).map(([name, id]) => ({ id, name, defaultFlag: name === 'Customer', vendorFlag: name === 'Vendor' })),
    customFieldDefinitions: [
      { id: CUSTOM_FIELD.tenant, caption: 'Kaspersky Tenant', type: 'Text', entryMethod: 'EntryField' },
      { id: CUSTOM_FIELD.tier, caption: 'Customer Tier', type: 'Text', entryMethod: 'List' },
    ],
    companies: [...companies, ...deleted],
    agreementTypes: [
      { id: AGREEMENT_TYPE.recurring, name: 'Managed Services', defaultFlag: true, prorateFlag: true },
      { id: AGREEMENT_TYPE.blockHours, name: 'Block Hours' },
      { id: AGREEMENT_TYPE.timeAndMaterials, name: 'Time & Materials' },
      { id: AGREEMENT_TYPE.project, name: 'Project' },
      { id: AGREEMENT_TYPE.legacy, name: 'Legacy Support', inactiveFlag: true },
    ],
    agreements,
    catalog,
    additions,
    boards: [
      { id: BOARD.serviceDesk, name: 'Service Desk', location: { id: 1, name: 'Main' }, department: { id: 1, name: 'Support' } },
      { id: BOARD.monitoring, name: 'Monitoring Alert', location: { id: 1, name: 'Main' }, department: { id: 1, name: 'Support' } },
      { id: BOARD.security, name: 'Security Operations', location: { id: 1, name: 'Main' }, department: { id: 2, name: 'Security' } },
      { id: BOARD.projects, name: 'Projects Intake', location: { id: 1, name: 'Main' }, department: { id: 3, name: 'Projects' } },
      { id: BOARD.legacy, name: 'Legacy Helpdesk', inactiveFlag: true, location: { id: 1, name: 'Main' }, department: { id: 1, name: 'Support' } },
    ],
    statuses: STATUSES,
    types: TYPES,
    subtypes: SUBTYPES,
    items: ITEMS,
    priorities: [
      { id: PRIORITY.p1, name: 'Priority 1 - Critical', level: 'Critical', sortOrder: 1, color: 'Red' },
      { id: PRIORITY.p2, name: 'Priority 2 - High', level: 'High', sortOrder: 2, color: 'Orange' },
      { id: PRIORITY.p3, name: 'Priority 3 - Medium', level: 'Medium', sortOrder: 3, color: 'Yellow', defaultFlag: true },
      { id: PRIORITY.p4, name: 'Priority 4 - Low', level: 'Low', sortOrder: 4, color: 'Green' },
      // Plain names as well, so kmsp's default priorities ("Critical", "Medium") resolve on the demo.
      { id: PRIORITY.critical, name: 'Critical', level: 'Critical', sortOrder: 5, color: 'Red' },
      { id: PRIORITY.medium, name: 'Medium', level: 'Medium', sortOrder: 6, color: 'Yellow' },
    ],
    sources: [
      { id: SOURCE.email, name: 'Email', defaultFlag: true },
      { id: SOURCE.phone, name: 'Phone' },
      { id: SOURCE.portal, name: 'Portal' },
      { id: SOURCE.monitoring, name: 'Monitoring' },
    ],
    tickets: [
      {
        id: 250101,
        summary: 'Printer on the second floor is offline',
        company: { id: companyId('Acme and Sons Ltd') },
        board: { id: BOARD.serviceDesk },
        status: { id: STATUS.serviceDesk.inProgress },
        type: { id: TYPE.hardware },
        subType: { id: 111 },
        item: { id: 121 },
        priority: { id: PRIORITY.p3 },
        source: { id: SOURCE.phone },
        requiredDate: 'now+1d',
        owner: { id: MEMBERS.dana.id, identifier: MEMBERS.dana.identifier, name: MEMBERS.dana.name },
        _info: { dateEntered: 'now-1d', lastUpdated: 'now-20h', enteredBy: MEMBERS.dana.identifier },
      },
      {
        id: 250102,
        summary: 'New starter laptop setup',
        company: { id: companyId('Carter Logistics Inc.') },
        board: { id: BOARD.serviceDesk },
        status: { id: STATUS.serviceDesk.waiting },
        priority: { id: PRIORITY.p4 },
        source: { id: SOURCE.email },
        requiredDate: 'now+4d',
        _info: { dateEntered: 'now-3d', lastUpdated: 'now-2d', enteredBy: MEMBERS.sam.identifier },
      },
      {
        id: 250103,
        summary: 'VPN drops every few minutes',
        company: { id: companyId('Keystone Insurance Group') },
        board: { id: BOARD.serviceDesk },
        status: { id: STATUS.serviceDesk.completed },
        type: { id: TYPE.network },
        subType: { id: 114 },
        priority: { id: PRIORITY.p2 },
        source: { id: SOURCE.portal },
        requiredDate: 'now-5d',
        closedDate: 'now-5d',
        closedBy: MEMBERS.dana.identifier,
        _info: { dateEntered: 'now-6d', lastUpdated: 'now-5d', enteredBy: MEMBERS.dana.identifier },
      },
      {
        // Another integration's ticket (an RMM), with its own externalXRef.
        id: 250104,
        summary: 'Disk space low on FS01',
        company: { id: companyId('Northwind Traders GmbH') },
        board: { id: BOARD.monitoring },
        status: { id: STATUS.monitoring.new },
        type: { id: TYPE.monitoringMaintenance },
        priority: { id: PRIORITY.p3 },
        source: { id: SOURCE.monitoring },
        externalXRef: 'rmm:alert:88231',
        _info: { dateEntered: 'now-2h', lastUpdated: 'now-2h', enteredBy: 'RMM' },
      },
    ],
    notes: [
      { ticketId: 250101, text: 'Reported by phone by the office manager.', detailDescriptionFlag: true, _info: { dateEntered: 'now-1d', enteredBy: MEMBERS.dana.identifier } },
      { ticketId: 250101, text: 'Spooler restarted; waiting for the printer to come back online.', internalAnalysisFlag: true, _info: { dateEntered: 'now-20h', enteredBy: MEMBERS.dana.identifier } },
      { ticketId: 250103, text: 'Resolved after a firmware update on the edge router.', resolutionFlag: true, _info: { dateEntered: 'now-5d', enteredBy: MEMBERS.dana.identifier } },
    ],
  };
}

export function demoFixtureText(): string {
  return `${JSON.stringify(buildDemoFixture(readDemoCustomers()), null, 1)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const target = fixturesPath('demo', 'connectwise.json');
  writeFileSync(target, demoFixtureText());
  process.stdout.write(`wrote ${target}\n`);
}
