// Kaspersky Business Hub as data (see profiles/types.ts). Protocol facts and assumptions:
// connectors/kbh/README.md.
import { statusDescription } from '../statusDescriptions.js';
import { SEVERITY_ROWS } from './ksc.js';
import type { PlatformProfile, RuleRowSpec } from './types.js';
import { normaliseUrl } from './urls.js';

/**
 * The conditions behind a KES Cloud device's Warning or Critical status (its console's list), as
 * ids of the shared catalog (statusDescriptions.ts): one Ticketing row each.
 */
export const KES_CLOUD_STATUS_IDS = [
  'app-not-installed',
  'app-not-running',
  'rtp-not-running',
  'databases-outdated',
  'not-connected',
  'encryption-invalid',
  'license-expired',
  'status-by-application',
] as const;

const kesCloudStatusRows = (level: RuleRowSpec['level']): RuleRowSpec[] =>
  KES_CLOUD_STATUS_IDS.map((id) => ({ key: id, label: statusDescription(id)!.label, level }));

/** The Office 365 section's id: the connector routes Office 365 events and conditions to it. */
export const OFFICE365_SECTION = 'office365Events';

/**
 * Kaspersky Security for Microsoft Office 365 event types; every one defaults to priority
 * Critical. The first two are conditions of the company's Office 365 workspace: their tickets
 * close when the condition clears; the detections stay for people to close.
 */
const OFFICE365_ROWS: readonly RuleRowSpec[] = [
  { key: 'mailbox-protection-not-provided', label: 'Mailboxes protection is not provided', level: 'critical', condition: true },
  { key: 'license-issue', label: 'License-related issue occurred', level: 'critical', condition: true },
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
    license: 'license',
    licenses: 'licenses',
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
  secrets: [
    { part: 'kbh.password', label: 'Kaspersky Business Hub password', short: 'Password' },
    {
      part: 'kbh.authenticator-key',
      label: 'Kaspersky Business Hub authenticator key',
      short: 'Authenticator key',
      optional: {
        emptyText: '(none: the account signs in without a one-time code)',
        help: 'Only for an account with 2-step verification by an authenticator app: the setup key shown when the app was added (base32). kmsp then makes the one-time codes itself, so the agent signs in with no one at the keyboard.',
      },
    },
  ],
  oneTimeCode: {
    part: 'kbh.one-time-code',
    label: 'One-time code',
    help: 'The 6-digit code your authenticator app shows for the Business Hub account. It is used for this sign-in only and never stored.',
    demandedCode: 'one-time-code-required',
    digits: 6,
  },
  sections: [
    { id: 'events', group: 'KES Cloud', title: 'Events', rowKind: 'severity', lifetime: true, rows: SEVERITY_ROWS, dueHours: 12, lifetimeDays: 1 },
    { id: 'warningStatus', group: 'KES Cloud', title: 'Warning status', rowKind: 'status', lifetime: false, rows: kesCloudStatusRows('other'), dueHours: 24, severity: 'warning' },
    { id: 'criticalStatus', group: 'KES Cloud', title: 'Critical status', rowKind: 'status', lifetime: false, rows: kesCloudStatusRows('critical'), dueHours: 12, severity: 'critical' },
    { id: OFFICE365_SECTION, group: 'Office 365', title: 'Events', rowKind: 'event-type', lifetime: false, rows: OFFICE365_ROWS, dueHours: 12 },
  ],
  sameInstance: (a, b) => normaliseUrl(a.url) === normaliseUrl(b.url),
  describe: (c) => `${String(c.url)} as ${String(c.email)}`,
};
