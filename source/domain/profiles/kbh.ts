// Kaspersky Business Hub as data (see profiles/types.ts). Its connector is not built yet: the
// registry (connectors/registry.ts) says so; the profile gives its words and ticket sections.
import { SEVERITY_ROWS, statusRows } from './ksc.js';
import type { PlatformProfile, RuleRowSpec } from './types.js';
import { normaliseUrl } from './urls.js';

/** Kaspersky Security for Microsoft Office 365 event types; every one defaults to priority Critical. */
const OFFICE365_ROWS: readonly RuleRowSpec[] = [
  { key: 'mailbox-protection-not-provided', label: 'Mailboxes protection is not provided', level: 'critical' },
  { key: 'license-issue', label: 'License-related issue occurred', level: 'critical' },
  { key: 'malware-detected', label: 'Malware detected', level: 'critical' },
  { key: 'phishing-detected', label: 'Phishing detected', level: 'critical' },
  { key: 'attachment-filtered', label: 'Attachment filtered', level: 'critical' },
];

export const kbhProfile: PlatformProfile<'kbh'> = {
  kind: 'kbh',
  words: {
    name: 'Kaspersky Business Hub',
    short: 'Business Hub',
    tenant: 'company',
    tenants: 'companies',
    addRemoveTenants: 'Add / remove companies',
  },
  connection: [
    { key: 'url', label: 'URL', kind: 'url', help: 'Address of Kaspersky Business Hub.', example: 'https://hub.kaspersky.com' },
    { key: 'email', label: 'E-mail', kind: 'text', help: 'The Business Hub account kmsp signs in with.', example: 'admin@yourcompany.com' },
    {
      key: 'caFile',
      label: 'CA/certificate file',
      kind: 'ca-file',
      help: 'PEM file with the CA of the server certificate. Blank: the system CAs. kmsp never turns certificate checks off.',
      emptyText: '(none: system CAs)',
      default: null,
    },
  ],
  secrets: [{ part: 'kbh.password', label: 'Kaspersky Business Hub password', short: 'Password' }],
  sections: [
    { id: 'events', group: 'KES Cloud', title: 'Events', rowKind: 'severity', lifetime: true, rows: SEVERITY_ROWS, dueHours: 12, lifetimeDays: 1 },
    { id: 'warningStatus', group: 'KES Cloud', title: 'Warning status', rowKind: 'status', lifetime: false, rows: statusRows('other'), dueHours: 24, severity: 'warning' },
    { id: 'criticalStatus', group: 'KES Cloud', title: 'Critical status', rowKind: 'status', lifetime: false, rows: statusRows('critical'), dueHours: 12, severity: 'critical' },
    { id: 'office365Events', group: 'Office 365', title: 'Events', rowKind: 'event-type', lifetime: false, rows: OFFICE365_ROWS, dueHours: 12 },
  ],
  sameInstance: (a, b) => normaliseUrl(a.url) === normaliseUrl(b.url),
  describe: (c) => `${String(c.url)} as ${String(c.email)}`,
};
