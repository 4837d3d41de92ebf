// Tigerpaw as data (see profiles/types.ts). Protocol facts and the assumptions kmsp makes where
// Tigerpaw publishes nothing: connectors/tigerpaw/README.md.
import type { PsaProfile } from './types.js';
import { normaliseUrl } from './urls.js';

export const tigerpawProfile: PsaProfile<'tigerpaw'> = {
  kind: 'tigerpaw',
  words: {
    name: 'Tigerpaw',
    short: 'Tigerpaw',
    account: 'account',
    accounts: 'accounts',
    contract: 'agreement',
    contracts: 'agreements',
    billableContract: 'recurring agreement',
    billableKind: null,
    billingItem: 'price book item',
    billingItems: 'price book items',
    ticket: 'service order',
    tickets: 'service orders',
    ticketContainer: 'board',
    tabs: { accounts: 'Accounts', billingItems: 'Price book items', ticketing: 'Service orders' },
    accountField: 'account custom field',
    accountFieldFix: (field) => `Create an account custom field named "${field}" (Tigerpaw: Edit › Custom Fields, Accounts), or change the tenant-name field on the Connections tab.`,
    ticketClosedBy: 'Tigerpaw',
  },
  connection: [
    {
      key: 'apiUrl',
      label: 'REST API URL',
      kind: 'url',
      help: 'Your Tigerpaw REST API host, e.g. https://api.yourmsp.com (the site that serves /api/… and /docs/index).',
      example: 'https://api.yourmsp.com',
    },
    {
      key: 'publicKey',
      label: 'Public key',
      kind: 'text',
      help: 'REST public key of the API rep (Edit › Master Tables › Rep › Admin › REST API Security). Requests run with that rep\'s rights.',
    },
    {
      key: 'externalProduct',
      label: 'External Product',
      kind: 'text',
      help: 'The External Product billed accounts are cross-referenced to (Edit › Master Tables › Account › External Products).',
      default: 'Kaspersky Security',
      askOnCreate: true,
    },
    {
      key: 'tenantNameField',
      label: 'Tenant-name field',
      kind: 'text',
      help: 'Account custom field that receives the mapped tenant name, for Accounts Matrix views in Tigerpaw.',
      default: 'Kaspersky Tenant',
    },
    {
      key: 'caFile',
      label: 'CA/certificate file',
      kind: 'ca-file',
      help: 'PEM file with the CA of your Tigerpaw server\'s certificate when it is not publicly trusted. Blank: the system CAs. kmsp never turns certificate checks off.',
      emptyText: '(none: system CAs)',
      default: null,
    },
  ],
  secrets: [{ part: 'tigerpaw.private-key', label: 'Tigerpaw REST private key of the API rep', short: 'Private key' }],
  accountFieldKey: 'tenantNameField',
  ticketing: {
    lists: [
      { name: 'boards', plural: 'boards' },
      // Service orders carry their priority, type and status by name (boards and reps by number).
      { name: 'priorities', plural: 'priorities', valuesAreNames: true },
      { name: 'types', plural: 'types', valuesAreNames: true },
      { name: 'statuses', plural: 'statuses', valuesAreNames: true },
      { name: 'reps', plural: 'reps' },
    ],
    general: [
      { id: 'rep', label: 'Service order rep', short: 'Rep', list: 'reps', required: true, requiredOnceInUse: true, defaultLabel: null },
      { id: 'newStatus', label: 'New service order status', short: 'New status', list: 'statuses', openOnly: true, required: true, defaultLabel: 'New', role: 'new-status' },
      { id: 'closedStatus', label: 'Closed service order status', short: 'Closed status', list: 'statuses', closedOnly: true, required: true, defaultLabel: 'Closed', role: 'closed-status' },
    ],
    row: [
      { id: 'board', label: 'Board', short: 'Board', list: 'boards', required: true, defaultLabel: 'Monitoring Alert', placement: 'column' },
      { id: 'priority', label: 'Priority', short: 'Priority', list: 'priorities', required: true, defaultByLevel: { critical: 'Critical', other: 'Medium' }, placement: 'column' },
      { id: 'type', label: 'Type', short: 'Type', list: 'types', placement: 'column' },
    ],
    // Service orders have no due time kmsp sets (a priority's response time is Tigerpaw's own).
    hasDue: false,
  },
  posting: {
    mode: 'set',
    periods: false,
    billableRule: 'a recurring agreement of the account whose dates cover today',
    priceLevel: { label: 'Price level', word: 'price level', words: 'price levels' },
  },
  // Reference, BriefDescription and WorkRequested have no published lengths: 50, 100 and 8000
  // are assumptions (connectors/tigerpaw/assumptions.ts). Self-hosted IIS: two at a time.
  limits: { tagMax: 50, titleMax: 100, descriptionMax: 8000, concurrency: 2 },
  // One REST host is one Tigerpaw database (self-hosted per MSP).
  sameInstance: (a, b) => normaliseUrl(a.apiUrl) === normaliseUrl(b.apiUrl),
  describe: (c) => `${String(c.apiUrl)} (External Product ${String(c.externalProduct)})`,
};
