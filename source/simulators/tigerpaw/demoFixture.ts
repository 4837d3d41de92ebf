// Generates fixtures/demo/tigerpaw.json from fixtures/demo/customers.json, the demo MSP's
// cross-vendor story (../demoStory.ts): the same accounts, agreements and billed quantities as the
// Autotask and ConnectWise demos, in Tigerpaw's terms — recurring agreements whose additional
// charges are priced from the price book at a price level, accounts cross-referenced to the
// integration's External Product (all billed ones but one), dispatch boards and service-order
// master tables. Deterministic: the same customers give the same file, and every date is relative
// ("startOfYear", "now-1d") so the demo stays current without regenerating.
//
// Regenerate after changing customers.json, the story, this file or the KSC generator:
//   npm run fixtures:demo
// (test/unit/tigerpaw-fixture.test.ts fails while the committed file is stale.)
import { writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import { agreementPlans, billedSoFar, LAST_YEAR, readDemoCustomers, SERVICE_CODES, SERVICES, YEAR, type DemoCustomer, type PlanKind } from '../demoStory.js';
import { fixturesPath } from '../server.js';
import type { TigerpawFixture, TpRecord } from './fixture.js';

/** The API rep's REST keys and the External Product of its integration. */
export const DEMO_CREDENTIALS = {
  repNumber: 15,
  publicKey: '7d1c52a4-3e0b-4f6a-9b28-5c4e1f0a9d31',
  privateKey: 'c94e0f3b-82d7-4a15-b6e9-0f2a7c1d5e48',
  externalProduct: 'Kaspersky Security',
} as const;

const REPS: TpRecord[] = [
  { RepNumber: 11, FirstName: 'Dana', LastName: 'Whitfield', DisplayName: 'Dana Whitfield', EmailAddress: 'dana.whitfield@demomsp.example', Title: 'Service Manager', Inactive: false },
  { RepNumber: 12, FirstName: 'Sam', LastName: 'Ortega', DisplayName: 'Sam Ortega', EmailAddress: 'sam.ortega@demomsp.example', Title: 'Technician', Inactive: false },
  { RepNumber: 13, FirstName: 'Priya', LastName: 'Nair', DisplayName: 'Priya Nair', EmailAddress: 'priya.nair@demomsp.example', Title: 'Security Analyst', Inactive: false },
  { RepNumber: 14, FirstName: 'Lee', LastName: 'Carter', DisplayName: 'Lee Carter (left)', EmailAddress: 'lee.carter@demomsp.example', Title: 'Technician', Inactive: true },
  { RepNumber: DEMO_CREDENTIALS.repNumber, FirstName: 'kmsp', LastName: 'API', DisplayName: 'kmsp API', EmailAddress: 'kmsp-api@demomsp.example', Title: 'Integration', Inactive: false },
];

const PRICE_LEVEL = { standard: 1, preferred: 2, partner: 3, repair: 4 };
const PRICE_LEVELS: TpRecord[] = [
  { PriceLevelId: PRICE_LEVEL.standard, PriceLevelCategoryId: 1, PriceLevelCategory: 'Sales', Description: 'Standard', MarkUp: 0, MarkDown: 0, Margin: 0, PriceBasis: 1, CostToUse: 1, IsRepairLevel: false, ApplyQuantityDiscounts: true },
  { PriceLevelId: PRICE_LEVEL.preferred, PriceLevelCategoryId: 1, PriceLevelCategory: 'Sales', Description: 'Preferred', MarkUp: 0, MarkDown: 10, Margin: 0, PriceBasis: 1, CostToUse: 1, IsRepairLevel: false, ApplyQuantityDiscounts: true },
  { PriceLevelId: PRICE_LEVEL.partner, PriceLevelCategoryId: 1, PriceLevelCategory: 'Sales', Description: 'Partner', MarkUp: 0, MarkDown: 20, Margin: 0, PriceBasis: 1, CostToUse: 1, IsRepairLevel: false, ApplyQuantityDiscounts: false },
  { PriceLevelId: PRICE_LEVEL.repair, PriceLevelCategoryId: 2, PriceLevelCategory: 'Service', Description: 'Repair', MarkUp: 25, MarkDown: 0, Margin: 0, PriceBasis: 2, CostToUse: 1, IsRepairLevel: true, ApplyQuantityDiscounts: false },
];
/** Selling price per price level, as a share of the list price (Repair: none: items sold as services are not repair parts). */
const LEVEL_FACTORS: Array<[number, number]> = [
  [PRICE_LEVEL.standard, 1],
  [PRICE_LEVEL.preferred, 0.9],
  [PRICE_LEVEL.partner, 0.8],
];

/** Items the MSP sells besides Kaspersky: on the same agreements, never kmsp's to touch. */
const OTHER_ITEMS: Array<{ id: string; description: string; price: number; cost: number; type: string; category: string }> = [
  { id: 'BACKUP-DEV', description: 'Backup per device', price: 6, cost: 2.5, type: 'Service', category: 'Managed Services' },
  { id: 'RMM-AGENT', description: 'RMM agent per device', price: 3, cost: 1.1, type: 'Service', category: 'Managed Services' },
  { id: 'M365-BP', description: 'Microsoft 365 Business Premium per user', price: 22, cost: 18.7, type: 'Service', category: 'Cloud' },
  { id: 'HW-LAPTOP-14', description: 'Laptop 14" (hardware)', price: 1150, cost: 890, type: 'Inventory', category: 'Hardware' },
];

const ITEM_BASE = 301;

/** Agreement types per plan kind. */
const AGREEMENT_TYPE: Record<PlanKind, string> = { recurring: 'Managed Services', blockHours: 'Block Hours', timeAndMaterials: 'Time & Materials' };

const BOARD = { serviceDesk: 1, monitoring: 2, security: 3, projects: 4 };

/**
 * Accounts beyond the story's: prospects, leads and vendors from the MSP's marketing lists. They
 * have no tenant and no agreement; they make the account list longer than one page of 50.
 */
const MARKETING_ACCOUNTS: Array<[string, string]> = [
  ['Aurora Dental Lab', 'Prospect'],
  ['Bramble & Finch Books', 'Lead'],
  ['Copperline Electric', 'Prospect'],
  ['Driftwood Marina', 'Lead'],
  ['Eastgate Storage', 'Prospect'],
  ['Fernhill Academy', 'Lead'],
  ['Goldleaf Catering', 'Prospect'],
  ['Hawthorne Legal', 'Lead'],
  ['Ironbridge Metals', 'Prospect'],
  ['Jasper Office Supply', 'Vendor'],
  ['Kingfisher Travel', 'Lead'],
  ['Larkspur Wellness', 'Prospect'],
  ['Mosaic Print Works', 'Vendor'],
  ['Northgate Pharmacy', 'Lead'],
];

/** The billed customer whose account is not cross-referenced to the External Product: the Accounts tab warns about it. */
export const NOT_CROSS_REFERENCED = 'Tidewater Freight Ltd.';

/** Up to 10 upper-case letters and digits of a name: the account's user-visible AccountId. */
export function accountId(name: string, taken: Set<string>): string {
  const base = name.toUpperCase().replace(/[^A-Z0-9]/g, '').slice(0, 10) || 'ACCOUNT';
  let id = base;
  for (let n = 2; taken.has(id); n++) id = `${base.slice(0, 10 - String(n).length)}${n}`;
  taken.add(id);
  return id;
}

const round2 = (n: number) => Math.round(n * 100) / 100;

export function buildDemoFixture(customers: readonly DemoCustomer[]): TigerpawFixture {
  const story = customers.filter((c): c is DemoCustomer & { account: string } => c.account !== null);
  const taken = new Set<string>();
  const accountNumber = (name: string) => {
    const index = story.findIndex((a) => a.account === name);
    if (index < 0) throw new Error(`no demo account ${name}`);
    return 10001 + index;
  };
  const priceLevelOf = (c: DemoCustomer) => (c.accountType === 'Partner' ? PRICE_LEVEL.partner : c.devices >= 40 ? PRICE_LEVEL.preferred : PRICE_LEVEL.standard);

  const accounts: TpRecord[] = [
    ...story.map((c, i) => ({
      AccountNumber: 10001 + i,
      Account: {
        Name: c.account,
        AccountId: accountId(c.account, taken),
        AccountType: c.accountType ?? 'Customer',
        Status: c.accountActive === false ? 'Inactive' : 'Active',
        City: ['Springfield', 'Riverton', 'Lakeside', 'Fairview'][i % 4],
        State: 'OH',
        RepNumber: i % 2 === 0 ? 11 : 12,
        IsVendor: c.accountType === 'Vendor',
        IsSubcontractor: false,
        InitialContact: `now-${400 - i * 7}d`,
      },
      PhoneNumber: `+1 555 03${String(i).padStart(2, '0')}`,
      CustomFields: { 'Customer Tier': c.devices >= 40 ? 'Gold' : c.devices >= 15 ? 'Silver' : c.devices > 0 ? 'Bronze' : null },
    })),
    ...MARKETING_ACCOUNTS.map(([name, type], k) => ({
      AccountNumber: 10001 + story.length + k,
      Account: { Name: name, AccountId: accountId(name, taken), AccountType: type, Status: 'Active', City: 'Springfield', State: 'OH', RepNumber: 12, IsVendor: type === 'Vendor', IsSubcontractor: false },
      PhoneNumber: `+1 555 04${String(k).padStart(2, '0')}`,
    })),
  ];

  const agreements: TpRecord[] = [];
  const charges: TpRecord[] = [];
  const crossRefs: TpRecord[] = [];
  const billed = billedSoFar(customers);
  let agreementNumber = 2001;
  const charge = (agreement: number, itemId: string, quantity: number, level: number, extra: TpRecord = {}) => {
    charges.push({ AgreementNumber: agreement, SpecialItemId: itemId, Quantity: quantity, PriceLevel: level, DateAdded: 'startOfYear', PrintWhenQuantityZero: true, ...extra });
  };
  story.forEach((c) => {
    let billedOn: number | null = null;
    for (const plan of agreementPlans(c)) {
      const number = agreementNumber++;
      const ended = plan.active === false;
      const security = plan.kind === 'recurring';
      const dates = plan.dates ?? YEAR;
      agreements.push({
        AgreementNumber: number,
        InternalComments: plan.name,
        Agreement: {
          AccountNumber: accountNumber(c.account),
          ExternalProduct: security ? DEMO_CREDENTIALS.externalProduct : null,
          Type: AGREEMENT_TYPE[plan.kind],
          StartDate: dates.startDate,
          EndDate: dates.endDate,
          ContractNumber: null,
          BillingPeriod: 1,
          BillingPeriodDescription: 'Monthly',
          DayToBill: 1,
          AutomatedBilling: security,
          LastBilledDate: ended ? dates.endDate : 'startOfMonth',
          DateCreated: dates.startDate,
        },
      });
      for (const [name, units] of Object.entries(plan.units ?? {})) charge(number, SERVICE_CODES[name]!, units, priceLevelOf(c));
      if (billedOn === null && security && !ended && c.accountActive) {
        billedOn = number;
        for (const [name, units] of billed.get(c.account) ?? []) charge(number, SERVICE_CODES[name]!, units, priceLevelOf(c));
        // The MSP's other services on the same agreement, never kmsp's to change.
        if (c.devices > 0) charge(number, 'BACKUP-DEV', c.devices, priceLevelOf(c));
        if (c.devices >= 20) charge(number, 'RMM-AGENT', c.devices + 2, priceLevelOf(c));
      }
    }
    // Billed accounts are cross-referenced to the integration's External Product, all but one.
    if (billedOn !== null && c.account !== NOT_CROSS_REFERENCED) {
      crossRefs.push({ AccountNumber: accountNumber(c.account), ExternalProduct: DEMO_CREDENTIALS.externalProduct, ExternalId: c.tenant ?? c.account, Comment: 'Set up for the kmsp integration' });
    }
    // Another integration's cross-reference (the RMM) on every account with devices.
    if (c.devices > 0) crossRefs.push({ AccountNumber: accountNumber(c.account), ExternalProduct: 'RMM Agent', ExternalId: `rmm-site-${accountNumber(c.account)}` });
  });

  // Distractors: an agreement that ended last year (with its charge), and the MSP's internal
  // agreement holding a Kaspersky product at no charge.
  const lastYear = agreementNumber++;
  agreements.push({
    AgreementNumber: lastYear,
    InternalComments: 'Managed Security (last year)',
    Agreement: {
      AccountNumber: accountNumber('Keystone Insurance Group'),
      ExternalProduct: DEMO_CREDENTIALS.externalProduct,
      Type: AGREEMENT_TYPE.recurring,
      StartDate: LAST_YEAR.startDate,
      EndDate: LAST_YEAR.endDate,
      BillingPeriod: 1,
      BillingPeriodDescription: 'Monthly',
      DayToBill: 1,
      AutomatedBilling: true,
      LastBilledDate: LAST_YEAR.endDate,
      DateCreated: LAST_YEAR.startDate,
    },
  });
  charge(lastYear, 'KES-ADV-WS', 27, PRICE_LEVEL.standard, { DateAdded: 'startOfYear-1y' });
  const internal = agreementNumber++;
  agreements.push({
    AgreementNumber: internal,
    InternalComments: 'Staff Laptops',
    Agreement: {
      AccountNumber: accountNumber('Meridian MSP (internal)'),
      ExternalProduct: null,
      Type: AGREEMENT_TYPE.recurring,
      ...YEAR,
      BillingPeriod: 1,
      BillingPeriodDescription: 'Monthly',
      DayToBill: 1,
      AutomatedBilling: false,
      DateCreated: YEAR.startDate,
    },
  });
  charge(internal, 'KES-ADV-WS', 14, PRICE_LEVEL.partner, { Price: 0, UseFlatPrice: true });

  const pricing = (list: number, cost: number) =>
    LEVEL_FACTORS.map(([level, factor]) => ({ PriceLevel: level, SellingPrice: round2(list * factor), Markup: 0, Markdown: round2((1 - factor) * 100), Margin: round2(((list * factor - cost) / (list * factor)) * 100), CostToUse: 'Base Cost' }));
  const priceBookItems: TpRecord[] = [
    ...SERVICES.map((s) => ({
      ItemId: SERVICE_CODES[s.name]!,
      Item: {
        PartNumber: SERVICE_CODES[s.name]!,
        ItemDescription: s.name,
        Type: 'Service',
        Status: s.isActive === false ? 'Discontinued' : 'Active',
        Inactive: s.isActive === false,
        ItemCategory: 'Security',
        ItemSubCategory: 'Endpoint Protection',
        ManufacturerName: 'Kaspersky',
        UnitOfMeasure: 'Each',
        BaseCost: s.unitCost,
        AverageCost: s.unitCost,
        ManufacturerListPrice: s.unitPrice,
        Taxable: false,
      },
      Pricing: pricing(s.unitPrice, s.unitCost),
    })),
    ...OTHER_ITEMS.map((o) => ({
      ItemId: o.id,
      Item: { PartNumber: o.id, ItemDescription: o.description, Type: o.type, Status: 'Active', Inactive: false, ItemCategory: o.category, UnitOfMeasure: 'Each', BaseCost: o.cost, AverageCost: o.cost, ManufacturerListPrice: o.price, Taxable: o.type === 'Inventory' },
      Pricing: pricing(o.price, o.cost),
    })),
  ].map((item, i) => ({ PriceBookItemNumber: ITEM_BASE + i, ...item }));

  return {
    description:
      'Demo Tigerpaw database of the demo MSP, generated from customers.json by source/simulators/tigerpaw/demoFixture.ts (do not edit by hand; see FIXTURE.md).',
    apiRep: {
      ...DEMO_CREDENTIALS,
      rights: { accounts: 'write', customFields: 'write', agreements: 'write', priceBook: 'read', masterTables: 'read', serviceOrders: 'write' },
    },
    product: { DatabaseVersion: '18.2.1', IsTigerpawOne: false, HasValidLicense: true },
    reps: REPS,
    accountTypes: ['Customer', 'Prospect', 'Lead', 'Vendor', 'Partner'],
    accountStatuses: ['Active', 'Inactive'],
    customFields: [
      { CustomFieldId: 1, Category: 'Integrations', Label: 'Kaspersky Tenant', Description: 'Kaspersky tenant mapped to this account (written by kmsp)' },
      { CustomFieldId: 2, Category: 'General', Label: 'Customer Tier', Description: 'Service tier' },
    ],
    accounts,
    externalProducts: [
      { ExternalProductId: 1, Product: DEMO_CREDENTIALS.externalProduct, ProductType: 1, SystemEntry: false, Active: true },
      { ExternalProductId: 2, Product: 'RMM Agent', ProductType: 1, SystemEntry: false, Active: true },
      { ExternalProductId: 3, Product: 'Backup Portal', ProductType: 1, SystemEntry: false, Active: true },
      { ExternalProductId: 4, Product: 'Legacy Antivirus', ProductType: 1, SystemEntry: false, Active: false },
    ],
    accountExternalProducts: crossRefs.map((x, i) => ({ AccountExternalProductId: 501 + i, ...x })),
    priceLevels: PRICE_LEVELS,
    priceBookItems,
    agreements,
    additionalCharges: charges.map((c, i) => ({ DetailId: 7001 + i, ...c })),
    // TicketChange "Close" closes an order; "Open" and "None" leave it open (FIXTURE.md › Assumptions).
    statuses: [
      { Status: 'New', TicketChange: 'Open', SystemEntry: true, SystemDefault: true, Rank: 1, Color: 16777215 },
      { Status: 'Open', TicketChange: 'Open', SystemEntry: false, SystemDefault: false, Rank: 2, Color: 65280 },
      { Status: 'In Progress', TicketChange: 'None', SystemEntry: false, SystemDefault: false, Rank: 3, Color: 65535 },
      { Status: 'Waiting on Customer', TicketChange: 'None', SystemEntry: false, SystemDefault: false, Rank: 4, Color: 42495 },
      { Status: 'Completed', TicketChange: 'Close', SystemEntry: false, SystemDefault: false, Rank: 5, Color: 8421504 },
      { Status: 'Closed', TicketChange: 'Close', SystemEntry: true, SystemDefault: false, Rank: 6, Color: 8421504 },
    ],
    priorities: [
      { Priority: 'Critical', ResponseTime: 60, Rank: 1, WarningThreshold: 30, Color: 255, SystemDefault: false, AroundTheClockResponse: true },
      { Priority: 'High', ResponseTime: 240, Rank: 2, WarningThreshold: 60, Color: 33023, SystemDefault: false, AroundTheClockResponse: false },
      { Priority: 'Medium', ResponseTime: 480, Rank: 3, WarningThreshold: 120, Color: 65535, SystemDefault: true, AroundTheClockResponse: false },
      { Priority: 'Low', ResponseTime: 1440, Rank: 4, WarningThreshold: 240, Color: 65280, SystemDefault: false, AroundTheClockResponse: false },
    ],
    types: [
      { Type: 'Hardware', AutoPrint: false, SystemEntry: false, SystemDefault: true, Priority: 'Medium' },
      { Type: 'Software', AutoPrint: false, SystemEntry: false, SystemDefault: false, Priority: 'Medium' },
      { Type: 'Network', AutoPrint: false, SystemEntry: false, SystemDefault: false, Priority: 'High' },
      { Type: 'Security Incident', AutoPrint: false, SystemEntry: false, SystemDefault: false, Priority: 'Critical' },
      { Type: 'Malware', AutoPrint: false, SystemEntry: false, SystemDefault: false, Priority: 'Critical' },
      { Type: 'Maintenance', AutoPrint: false, SystemEntry: false, SystemDefault: false, Priority: 'Low' },
    ],
    dispatchBoards: [
      { DispatchBoardId: BOARD.serviceDesk, Description: 'Service Desk' },
      { DispatchBoardId: BOARD.monitoring, Description: 'Monitoring Alert' },
      { DispatchBoardId: BOARD.security, Description: 'Security Operations' },
      { DispatchBoardId: BOARD.projects, Description: 'Projects Intake' },
    ],
    serviceOrders: [
      {
        ServiceOrderNumber: 25101,
        ServiceOrder: {
          AccountNumber: accountNumber('Acme and Sons Ltd'),
          BriefDescription: 'Printer on the second floor is offline',
          WorkRequested: 'The office manager reports the shared printer is offline since this morning.',
          Status: 'In Progress',
          Priority: 'Medium',
          ServiceOrderType: 'Hardware',
          DispatchBoardNumber: BOARD.serviceDesk,
          TechnicianAssigned: 11,
          TakenBy: 11,
          DateTimeOpened: 'now-1d',
          DateTimeReceived: 'now-1d',
        },
        // Dana has it open in the Tigerpaw GUI: API edits are refused until she closes it.
        ServiceOrderLock: { LockingRepNumber: 11 },
      },
      {
        ServiceOrderNumber: 25102,
        ServiceOrder: {
          AccountNumber: accountNumber('Carter Logistics Inc.'),
          BriefDescription: 'New starter laptop setup',
          Status: 'Waiting on Customer',
          Priority: 'Low',
          ServiceOrderType: 'Hardware',
          DispatchBoardNumber: BOARD.serviceDesk,
          TechnicianAssigned: 12,
          TakenBy: 12,
          DateTimeOpened: 'now-3d',
        },
      },
      {
        ServiceOrderNumber: 25103,
        ServiceOrder: {
          AccountNumber: accountNumber('Keystone Insurance Group'),
          BriefDescription: 'VPN drops every few minutes',
          Status: 'Completed',
          Priority: 'High',
          ServiceOrderType: 'Network',
          DispatchBoardNumber: BOARD.serviceDesk,
          TechnicianAssigned: 11,
          TakenBy: 11,
          DateTimeOpened: 'now-6d',
          DateTimeClosed: 'now-5d',
        },
      },
      {
        // Another integration's order (the RMM), with its own Reference.
        ServiceOrderNumber: 25104,
        ServiceOrder: {
          AccountNumber: accountNumber('Northwind Traders GmbH'),
          BriefDescription: 'Disk space low on FS01',
          Status: 'New',
          Priority: 'Medium',
          ServiceOrderType: 'Maintenance',
          DispatchBoardNumber: BOARD.monitoring,
          Reference: 'rmm:alert:88231',
          TakenBy: DEMO_CREDENTIALS.repNumber,
          DateTimeOpened: 'now-2h',
        },
      },
    ],
    notes: [
      { ServiceOrderNumber: 25101, Note: 'Reported by phone by the office manager.', RepNumber: 11, DateCreated: 'now-1d' },
      { ServiceOrderNumber: 25101, Note: 'Spooler restarted; waiting for the printer to come back online.', RepNumber: 11, DateCreated: 'now-20h' },
      { ServiceOrderNumber: 25103, Note: 'Resolved after a firmware update on the edge router.', RepNumber: 11, DateCreated: 'now-5d' },
    ],
  };
}

export function demoFixtureText(): string {
  return `${JSON.stringify(buildDemoFixture(readDemoCustomers()), null, 1)}\n`;
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const target = fixturesPath('demo', 'tigerpaw.json');
  writeFileSync(target, demoFixtureText());
  process.stdout.write(`wrote ${target}\n`);
}
