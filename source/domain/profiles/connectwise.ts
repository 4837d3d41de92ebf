// ConnectWise Manage as data (see profiles/types.ts). Protocol facts: connectors/connectwise/README.md.
import type { PsaProfile } from './types.js';

const norm = (v: unknown): string => (typeof v === 'string' ? v.trim().toLowerCase() : '');

export const connectwiseProfile: PsaProfile<'connectwise'> = {
  kind: 'connectwise',
  words: {
    name: 'ConnectWise Manage',
    short: 'ConnectWise',
    account: 'company',
    accounts: 'companies',
    contract: 'agreement',
    contracts: 'agreements',
    billableContract: 'agreement',
    billableKind: null,
    billingItem: 'product',
    billingItems: 'products',
    ticket: 'ticket',
    tickets: 'tickets',
    ticketContainer: 'board',
    tabs: { accounts: 'Companies', billingItems: 'Products', ticketing: 'Ticketing' },
    accountField: 'company custom field',
    accountFieldFix: (field) => `Create a company custom field with the caption "${field}" (System › Setup Tables › Custom Fields, screen Company), or change the tenant-name field on the Connections tab.`,
    ticketClosedBy: 'ConnectWise Manage',
  },
  connection: [
    {
      key: 'siteUrl',
      label: 'Site',
      kind: 'url',
      help: 'Your ConnectWise API host, e.g. https://api-na.myconnectwise.net (cloud hosts need the api- prefix) or your on-premise server.',
      default: 'https://api-na.myconnectwise.net',
      example: 'https://api-eu.myconnectwise.net',
      // Asked when an integration is created: the default is one region's host of several.
      askOnCreate: true,
    },
    {
      key: 'companyId',
      label: 'Company ID',
      kind: 'text',
      help: 'The company id you sign in to ConnectWise Manage with.',
      example: 'yourcompany',
    },
    {
      key: 'publicKey',
      label: 'Public key',
      kind: 'text',
      help: 'Public key of the API member (System › Members › API Members › API Keys).',
    },
    {
      key: 'clientId',
      label: 'Client ID',
      kind: 'text',
      help: 'The clientId GUID your organisation registered at developer.connectwise.com/ClientID; sent with every request.',
    },
    {
      key: 'codebase',
      label: 'Codebase override',
      kind: 'optional-text',
      help: 'Only to skip codebase discovery, e.g. v4_6_release/. Blank: asked from the site for the company.',
      emptyText: '(none: discovered)',
      default: null,
      example: 'v4_6_release/',
    },
    {
      key: 'tenantNameField',
      label: 'Tenant-name field',
      kind: 'text',
      help: 'Company custom field (its caption) that receives the mapped tenant name, for reports in ConnectWise.',
      default: 'Kaspersky Tenant',
    },
    {
      key: 'caFile',
      label: 'CA/certificate file',
      kind: 'ca-file',
      help: 'PEM file with the CA of an on-premise server or a TLS-inspecting proxy. Blank: the system CAs. kmsp never turns certificate checks off.',
      emptyText: '(none: system CAs)',
      default: null,
    },
  ],
  secrets: [{ part: 'connectwise.private-key', label: 'ConnectWise API member private key', short: 'Private key' }],
  accountFieldKey: 'tenantNameField',
  ticketing: {
    lists: [
      { name: 'boards', plural: 'boards' },
      { name: 'priorities', plural: 'priorities' },
      { name: 'statuses', plural: 'statuses' },
      { name: 'sources', plural: 'sources' },
      { name: 'types', plural: 'types' },
      { name: 'subtypes', plural: 'subtypes' },
      { name: 'items', plural: 'items' },
    ],
    general: [
      { id: 'board', label: 'Default board', short: 'Board', list: 'boards', defaultLabel: 'Monitoring Alert' },
      { id: 'source', label: 'Ticket source', short: 'Source', list: 'sources', defaultLabel: null },
    ],
    // Statuses belong to a board: every board an enabled row uses needs its own New and Closed status.
    perScope: {
      field: 'board',
      fields: [
        { id: 'newStatus', label: 'New status', short: 'New', list: 'statuses', scopedBy: 'board', openOnly: true, required: true, defaultLabel: 'New', role: 'new-status' },
        { id: 'closedStatus', label: 'Closed status', short: 'Closed', list: 'statuses', scopedBy: 'board', closedOnly: true, required: true, defaultLabel: 'Closed', role: 'closed-status' },
      ],
    },
    row: [
      { id: 'board', label: 'Board', short: 'Board', list: 'boards', required: true, fallback: 'board', defaultLabel: 'Monitoring Alert', placement: 'column' },
      { id: 'priority', label: 'Priority', short: 'Priority', list: 'priorities', required: true, defaultByLevel: { critical: 'Critical', other: 'Medium' }, placement: 'column' },
      { id: 'type', label: 'Type', short: 'Type', list: 'types', scopedBy: 'board', placement: 'bulk' },
      { id: 'subType', label: 'Subtype', short: 'Subtype', list: 'subtypes', scopedBy: 'type', placement: 'bulk' },
      { id: 'item', label: 'Item', short: 'Item', list: 'items', scopedBy: 'board', placement: 'bulk' },
    ],
    hasDue: true,
  },
  posting: {
    mode: 'set',
    periods: false,
    billableRule: 'an agreement that is not cancelled and whose dates cover today',
  },
  // Ticket summary and externalXRef hold 100 characters each (ConnectWise OpenAPI). The note
  // text has no published limit: 8000 is an assumption (connectors/connectwise/README.md).
  limits: { tagMax: 100, titleMax: 100, descriptionMax: 8000, concurrency: 3 },
  // One ConnectWise company id is one database; the same id on two hosts is the same PSA.
  sameInstance: (a, b) => norm(a.companyId) === norm(b.companyId),
  describe: (c) => `${String(c.siteUrl)} company ${String(c.companyId)}`,
};
