// Generates fixtures/demo/autotask.json from fixtures/demo/customers.json, the
// demo MSP's cross-vendor story. Deterministic: the same customers give the same
// file, and every date is relative ("startOfYear", "now-1d") so the demo stays
// current without regenerating.
//
// The contracts' endpoint units come from the KSC demo dataset through the shared story
// (../demoStory.ts): what each customer was billed at its last posting (billedSoFar).
//
// Regenerate after changing customers.json, this file or the KSC generator:
//   npm run fixtures:demo
// (test/unit/autotask-fixture.test.ts fails while the committed file is stale.)
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { fixturesPath } from '../server.js';
import { agreementPlans, billedSoFar, readDemoCustomers, SERVICES, YEAR, type DemoCustomer, type PlanKind } from '../demoStory.js';
import type { AutotaskFixture, FixtureContractService, FixturePicklistValue, FixtureRecord } from './fixture.js';

export type { DemoCustomer } from '../demoStory.js';

export const DEMO_CREDENTIALS = {
  username: 'kmsp-demo@demo-msp.example',
  secret: 'demo-autotask-secret',
  integrationCode: 'DEMOTRACKINGCODE0001',
} as const;

const pick = (value: number, label: string, extra: Partial<FixturePicklistValue> = {}): FixturePicklistValue => ({ value: String(value), label, isActive: true, ...extra });

/** Autotask's account types (companyType picklist). */
const COMPANY_TYPES: FixturePicklistValue[] = [
  pick(1, 'Customer', { isDefaultValue: true }),
  pick(2, 'Lead'),
  pick(3, 'Prospect'),
  pick(4, 'Dead'),
  pick(6, 'Cancellation'),
  pick(7, 'Vendor'),
  pick(8, 'Partner'),
];

const CONTRACT_TYPES: FixturePicklistValue[] = [
  pick(1, 'Time & Materials'),
  pick(3, 'Fixed Price'),
  pick(4, 'Block Hours'),
  pick(6, 'Retainer'),
  pick(7, 'Recurring Service'),
  pick(8, 'Per Ticket'),
];

const QUEUE = { clientPortal: 29682833, postSale: 29682969, level1: 29683354, level2: 29683355, monitoring: 29683360, security: 29683361, legacy: 29683362 };
const PRIORITY = { critical: 4, high: 1, medium: 2, low: 3 };
const STATUS = { new: 1, complete: 5, waitingCustomer: 7, inProgress: 8 };
const ISSUE = { security: 10, hardware: 11, software: 12, network: 13 };
const SOURCE = { phone: 2, email: 4, portal: 6, monitoring: 8 };

const TICKET_PICKLISTS: Record<string, FixturePicklistValue[]> = {
  queueID: [
    pick(QUEUE.clientPortal, 'Client Portal'),
    pick(QUEUE.postSale, 'Post Sale'),
    pick(QUEUE.level1, 'Level I Support', { isDefaultValue: true }),
    pick(QUEUE.level2, 'Level II Support'),
    pick(QUEUE.monitoring, 'Monitoring Alert'),
    pick(QUEUE.security, 'Security Operations'),
    pick(QUEUE.legacy, 'Legacy Helpdesk', { isActive: false }),
  ],
  priority: [
    pick(PRIORITY.critical, 'Critical', { sortOrder: 1 }),
    pick(PRIORITY.high, 'High', { sortOrder: 2 }),
    pick(PRIORITY.medium, 'Medium', { sortOrder: 3, isDefaultValue: true }),
    pick(PRIORITY.low, 'Low', { sortOrder: 4 }),
  ],
  status: [
    pick(STATUS.new, 'New', { isDefaultValue: true, isSystem: true, sortOrder: 1 }),
    pick(STATUS.inProgress, 'In Progress', { sortOrder: 2 }),
    pick(STATUS.waitingCustomer, 'Waiting Customer', { sortOrder: 3 }),
    pick(STATUS.complete, 'Complete', { isSystem: true, sortOrder: 4 }),
  ],
  source: [
    pick(SOURCE.phone, 'Phone'),
    pick(SOURCE.email, 'E-mail'),
    pick(SOURCE.portal, 'Client Portal'),
    pick(SOURCE.monitoring, 'Monitoring Alert'),
    pick(11, 'Fax', { isActive: false }),
  ],
  issueType: [pick(ISSUE.security, 'Security'), pick(ISSUE.hardware, 'Hardware'), pick(ISSUE.software, 'Software'), pick(ISSUE.network, 'Network')],
  subIssueType: [
    pick(136, 'Firewall', { parentValue: String(ISSUE.security) }),
    pick(137, 'Malware / Virus', { parentValue: String(ISSUE.security) }),
    pick(138, 'Outdated Protection', { parentValue: String(ISSUE.security) }),
    pick(139, 'Licensing', { parentValue: String(ISSUE.security) }),
    pick(145, 'Spyware (legacy)', { parentValue: String(ISSUE.security), isActive: false }),
    pick(140, 'Workstation', { parentValue: String(ISSUE.hardware) }),
    pick(141, 'Server', { parentValue: String(ISSUE.hardware) }),
    pick(142, 'Application Error', { parentValue: String(ISSUE.software) }),
    pick(143, 'Update Failure', { parentValue: String(ISSUE.software) }),
    pick(144, 'Connectivity', { parentValue: String(ISSUE.network) }),
  ],
  ticketType: [pick(1, 'Service Request'), pick(2, 'Incident', { isDefaultValue: true }), pick(3, 'Problem'), pick(4, 'Change Request'), pick(5, 'Alert')],
};

const RESOURCES = { api: 29682885, dana: 29682886, sam: 29682887 };
const BILLING_CODE = { remote: 29682801, onsite: 29682802, incident: 29682803, triage: 29682804, afterHours: 29682805, legacy: 29682806, recurring: 29682810, hardware: 29682820 };

const SERVICE_BASE = 29684601;
const serviceId = (name: string): number => {
  const index = SERVICES.findIndex((s) => s.name === name);
  if (index < 0) throw new Error(`no demo service ${name}`);
  return SERVICE_BASE + index;
};

/** Autotask's contract type per kind of agreement in the story (README §4.2: 7 = Recurring Service). */
const CONTRACT_TYPE: Record<PlanKind, 1 | 4 | 7> = { recurring: 7, blockHours: 4, timeAndMaterials: 1 };

export function buildDemoFixture(customers: readonly DemoCustomer[]): AutotaskFixture {
  const typeValue = (label: string) => {
    const hit = COMPANY_TYPES.find((t) => t.label === label);
    if (!hit) throw new Error(`customers.json: account type "${label}" has no companyType value`);
    return Number(hit.value);
  };
  const accounts = customers.filter((c): c is DemoCustomer & { account: string } => c.account !== null);
  const companies: FixtureRecord[] = accounts.map((c, i) => ({
    id: 29683501 + i,
    companyName: c.account,
    companyType: typeValue(c.accountType ?? 'Customer'),
    isActive: c.accountActive !== false,
    phone: `+1 555 01${String(i).padStart(2, '0')}`,
    ownerResourceID: i % 2 === 0 ? RESOURCES.dana : RESOURCES.sam,
    createDate: `now-${400 - i * 7}d`,
    userDefinedFields: { 'Customer Tier': c.devices >= 40 ? 'Gold' : c.devices >= 15 ? 'Silver' : c.devices > 0 ? 'Bronze' : null },
  }));

  const contracts: FixtureRecord[] = [];
  const contractServices: FixtureContractService[] = [];
  const billed = billedSoFar(customers);
  let contractId = 29684101;
  accounts.forEach((c, i) => {
    let billedOn: number | null = null;
    for (const plan of agreementPlans(c)) {
      const id = contractId++;
      contracts.push({
        id,
        companyID: 29683501 + i,
        contractName: `${c.account} – ${plan.name}`,
        contractType: CONTRACT_TYPE[plan.kind],
        status: plan.active === false ? 0 : 1,
        ...(plan.dates ?? YEAR),
        timeReportingRequiresStartAndStopTimes: 0,
      });
      for (const [name, units] of Object.entries(plan.units ?? {})) contractServices.push({ contractID: id, serviceID: serviceId(name), units });
      if (billedOn === null && plan.kind === 'recurring' && plan.active !== false && c.accountActive) {
        billedOn = id;
        for (const [name, units] of billed.get(c.account) ?? []) contractServices.push({ contractID: id, serviceID: serviceId(name), units });
      }
    }
  });

  const company = (name: string) => {
    const index = accounts.findIndex((a) => a.account === name);
    if (index < 0) throw new Error(`no demo account ${name}`);
    return 29683501 + index;
  };

  return {
    description:
      'Demo Autotask database of the demo MSP, generated from customers.json by source/simulators/autotask/demoFixture.ts (do not edit by hand; see FIXTURE.md).',
    apiUser: { ...DEMO_CREDENTIALS, resourceId: RESOURCES.api, canImpersonate: [RESOURCES.dana] },
    zone: { zoneName: 'America East 3 (simulated)', ci: 3 },
    threshold: { limit: 10_000, timeframeMinutes: 60, used: 850 },
    picklists: {
      Companies: { companyType: COMPANY_TYPES },
      Contracts: { contractType: CONTRACT_TYPES, status: [pick(0, 'Inactive'), pick(1, 'Active', { isDefaultValue: true })] },
      Services: { periodType: [pick(1, 'Monthly', { isDefaultValue: true }), pick(2, 'Quarterly'), pick(3, 'Semi-Annual'), pick(4, 'Yearly')] },
      Tickets: TICKET_PICKLISTS,
      TicketNotes: {
        noteType: [pick(1, 'Task Detail', { isDefaultValue: true }), pick(2, 'Task Notes'), pick(3, 'Task Summary')],
        publish: [pick(1, 'All Autotask Users', { isDefaultValue: true }), pick(2, 'Internal Users')],
      },
      BillingCodes: {
        useType: [pick(1, 'Work Type'), pick(2, 'Material Cost Code'), pick(4, 'Recurring Contract Service')],
        billingCodeType: [pick(0, 'Normal'), pick(1, 'System'), pick(2, 'Non-Billable')],
      },
    },
    userDefinedFields: {
      Companies: [
        { name: 'Kaspersky Tenant', label: 'Kaspersky Tenant', type: 'string', length: 100 },
        { name: 'Customer Tier', label: 'Customer Tier', type: 'string', length: 20 },
      ],
    },
    resources: [
      { id: RESOURCES.api, firstName: 'kmsp', lastName: 'API User', userName: 'kmsp-demo', email: DEMO_CREDENTIALS.username, isActive: true, resourceType: 'API' },
      { id: RESOURCES.dana, firstName: 'Dana', lastName: 'Whitfield', userName: 'dwhitfield', email: 'dana@demo-msp.example', isActive: true, resourceType: 'Employee' },
      { id: RESOURCES.sam, firstName: 'Sam', lastName: 'Ortega', userName: 'sortega', email: 'sam@demo-msp.example', isActive: true, resourceType: 'Employee' },
    ],
    companies,
    contracts,
    services: SERVICES.map((s, i) => ({
      id: SERVICE_BASE + i,
      name: s.name,
      unitPrice: s.unitPrice,
      unitCost: s.unitCost,
      periodType: 1,
      billingCodeID: BILLING_CODE.recurring,
      isActive: s.isActive ?? true,
      invoiceDescription: s.name,
    })),
    contractServices,
    billingCodes: [
      { id: BILLING_CODE.remote, name: 'Remote Support', useType: 1, billingCodeType: 0, isActive: true, unitPrice: 120 },
      { id: BILLING_CODE.onsite, name: 'Onsite Support', useType: 1, billingCodeType: 0, isActive: true, unitPrice: 150 },
      { id: BILLING_CODE.incident, name: 'Security Incident Response', useType: 1, billingCodeType: 0, isActive: true, unitPrice: 180 },
      { id: BILLING_CODE.triage, name: 'Monitoring Alert Triage', useType: 1, billingCodeType: 2, isActive: true, unitPrice: 0 },
      { id: BILLING_CODE.afterHours, name: 'After Hours Support', useType: 1, billingCodeType: 0, isActive: true, unitPrice: 190 },
      { id: BILLING_CODE.legacy, name: 'Bench Work (retired)', useType: 1, billingCodeType: 0, isActive: false, unitPrice: 90 },
      { id: BILLING_CODE.recurring, name: 'Recurring Security Services', useType: 4, billingCodeType: 0, isActive: true },
      { id: BILLING_CODE.hardware, name: 'Hardware', useType: 2, billingCodeType: 0, isActive: true },
    ],
    tickets: [
      {
        id: 7101,
        companyID: company('Acme and Sons Ltd'),
        title: 'Printer on the second floor is offline',
        description: 'Reported by phone by the office manager.',
        status: STATUS.inProgress,
        priority: PRIORITY.medium,
        queueID: QUEUE.level1,
        source: SOURCE.phone,
        issueType: ISSUE.hardware,
        subIssueType: 140,
        createDate: 'now-1d',
        dueDateTime: 'now+1d',
        assignedResourceID: RESOURCES.dana,
      },
      {
        id: 7102,
        companyID: company('Carter Logistics Inc.'),
        title: 'New starter laptop setup',
        description: 'Two laptops for new warehouse staff.',
        status: STATUS.waitingCustomer,
        priority: PRIORITY.low,
        queueID: QUEUE.postSale,
        source: SOURCE.email,
        createDate: 'now-3d',
        dueDateTime: 'now+4d',
      },
      {
        id: 7103,
        companyID: company('Keystone Insurance Group'),
        title: 'VPN drops every few minutes',
        description: 'Resolved after a firmware update on the edge router.',
        status: STATUS.complete,
        priority: PRIORITY.high,
        queueID: QUEUE.level2,
        source: SOURCE.portal,
        issueType: ISSUE.network,
        subIssueType: 144,
        createDate: 'now-6d',
        dueDateTime: 'now-5d',
        completedDate: 'now-5d',
      },
    ],
    ticketNotes: [
      {
        ticketID: 7101,
        title: 'Checked the print queue',
        description: 'Spooler restarted; waiting for the printer to come back online.',
        noteType: 1,
        publish: 1,
        createDateTime: 'now-20h',
        creatorResourceID: RESOURCES.dana,
      },
    ],
  };
}

export function demoFixtureText(): string {
  return `${JSON.stringify(buildDemoFixture(readDemoCustomers()), null, 1)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const target = fixturesPath('demo', 'autotask.json');
  writeFileSync(target, demoFixtureText());
  process.stdout.write(`wrote ${target}\n`);
}
