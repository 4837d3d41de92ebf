// Autotask PSA as data (see profiles/types.ts). Protocol facts: connectors/autotask/README.md.
import type { PsaProfile } from './types.js';

const hostOf = (url: unknown): string | null => {
  if (typeof url !== 'string' || !url) return null;
  try {
    return new URL(url).host.toLowerCase();
  } catch {
    return null;
  }
};

export const autotaskProfile: PsaProfile<'autotask'> = {
  kind: 'autotask',
  words: {
    name: 'Autotask',
    short: 'Autotask',
    account: 'account',
    accounts: 'accounts',
    contract: 'contract',
    contracts: 'contracts',
    billableContract: 'Recurring Service contract',
    billableKind: 'Recurring Service',
    billingItem: 'service',
    billingItems: 'services',
    ticket: 'ticket',
    tickets: 'tickets',
    ticketContainer: 'queue',
    tabs: { accounts: 'Accounts', billingItems: 'Services', ticketing: 'Ticketing' },
    accountField: 'company UDF',
    accountFieldFix: (field) => `Create a company user-defined field named "${field}" (Admin › Features & Settings › User-Defined Fields › Company), or change the tenant-name field on the Connections tab.`,
    ticketClosedBy: 'Autotask',
  },
  connection: [
    {
      key: 'zoneDiscoveryUrl',
      label: 'Zone discovery URL',
      kind: 'url',
      help: 'Any Autotask zone answers which zone the API user lives in; the default works everywhere.',
      default: 'https://webservices.autotask.net/atservicesrest/',
    },
    {
      key: 'apiUrl',
      label: 'API URL override',
      kind: 'optional-url',
      help: 'Only to skip zone discovery: the zone URL, e.g. https://webservices5.autotask.net/atservicesrest/. Blank: discover.',
      emptyText: '(none: found by zone discovery)',
      default: null,
    },
    {
      key: 'username',
      label: 'API user name',
      kind: 'text',
      help: 'The API-only user (Admin › Resources, security level "API User"), e.g. api@yourcompany.com.',
    },
    {
      key: 'impersonationResourceId',
      label: 'Impersonation resource',
      kind: 'optional-id',
      help: 'Resource id tickets and notes are created as (needs "impersonate" permission). Blank: the API user.',
      emptyText: '(none: the API user)',
      default: null,
    },
    {
      key: 'tenantNameField',
      label: 'Tenant-name field',
      kind: 'text',
      help: 'Company user-defined field that receives the mapped tenant name (for unmapped-account reports in Autotask).',
      default: 'Kaspersky Tenant',
    },
    {
      key: 'caFile',
      label: 'CA/certificate file',
      kind: 'ca-file',
      help: 'PEM file with the CA of a TLS-inspecting proxy, if one sits in front of Autotask. Blank: the system CAs. kmsp never turns certificate checks off.',
      emptyText: '(none: system CAs)',
      default: null,
    },
  ],
  secrets: [
    { part: 'autotask.secret', label: 'Autotask API user secret (password)' },
    { part: 'autotask.integration-code', label: 'Autotask API tracking identifier (integration code)' },
  ],
  accountFieldKey: 'tenantNameField',
  ticketing: {
    lists: [
      { name: 'queues', plural: 'queues' },
      { name: 'priorities', plural: 'priorities' },
      { name: 'statuses', plural: 'statuses' },
      { name: 'sources', plural: 'sources' },
      { name: 'issueTypes', plural: 'issue types' },
      { name: 'workTypes', plural: 'work types' },
      { name: 'subIssueTypes', plural: 'issue subtypes' },
    ],
    general: [
      { id: 'source', label: 'Ticket source', short: 'Source', list: 'sources', defaultLabel: null },
      { id: 'newStatus', label: 'New ticket status', short: 'New status', list: 'statuses', required: true, defaultLabel: 'New', role: 'new-status' },
      { id: 'closedStatus', label: 'Closed ticket status', short: 'Closed status', list: 'statuses', required: true, defaultLabel: 'Complete', role: 'closed-status' },
    ],
    row: [
      { id: 'queue', label: 'Queue', short: 'Queue', list: 'queues', required: true, defaultLabel: 'Monitoring Alert', placement: 'column' },
      { id: 'priority', label: 'Priority', short: 'Priority', list: 'priorities', required: true, defaultByLevel: { critical: 'Critical', other: 'Medium' }, placement: 'column' },
      { id: 'workType', label: 'Work type', short: 'Work type', list: 'workTypes', placement: 'bulk' },
      { id: 'issueType', label: 'Issue type', short: 'Issue type', list: 'issueTypes', placement: 'bulk' },
      { id: 'subIssueType', label: 'Issue subtype', short: 'Subtype', list: 'subIssueTypes', scopedBy: 'issueType', placement: 'bulk' },
    ],
    hasDue: true,
  },
  posting: {
    mode: 'delta',
    periods: true,
    billableRule: 'a Recurring Service contract (contract type 7) that is active and runs today',
  },
  // externalID holds 50 characters, ticket titles 255 and descriptions 8000 (connectors/autotask/README.md);
  // 3 threads per endpoint.
  limits: { tagMax: 50, titleMax: 255, descriptionMax: 8000, concurrency: 3 },
  // The config cannot prove two connections reach one Autotask database (the API user's
  // company is not stored): same kind counts as same unless both pin different zone hosts.
  sameInstance: (a, b) => {
    const ha = hostOf(a.apiUrl);
    const hb = hostOf(b.apiUrl);
    return ha === null || hb === null || ha === hb;
  },
  describe: (c) => `${typeof c.apiUrl === 'string' && c.apiUrl ? c.apiUrl : String(c.zoneDiscoveryUrl)} as ${String(c.username)}`,
};
