// Kaspersky Security Center as data (see profiles/types.ts). Protocol facts: connectors/ksc/README.md.
import { STATUS_DESCRIPTIONS } from '../statusDescriptions.js';
import type { PlatformProfile, RuleRowSpec } from './types.js';
import { normaliseUrl } from './urls.js';


/** One row per device status description (statusDescriptions.ts), at a level; KES Cloud maps onto the same catalog. */
export const statusRows = (level: RuleRowSpec['level']): RuleRowSpec[] => STATUS_DESCRIPTIONS.map((d) => ({ key: d.id, label: d.label, level }));

/** The severity rows of an Events section (Info events never make tickets). */
export const SEVERITY_ROWS: readonly RuleRowSpec[] = [
  { key: 'critical', label: 'Critical', level: 'critical' },
  { key: 'functional-failure', label: 'Functional failure', level: 'other' },
  { key: 'warning', label: 'Warning', level: 'other' },
];

export const kscProfile: PlatformProfile<'ksc'> = {
  kind: 'ksc',
  words: {
    name: 'Kaspersky Security Center',
    short: 'KSC',
    tenant: 'virtual server',
    tenants: 'virtual servers',
    addRemoveTenants: 'Add / remove virtual servers',
    license: 'license key',
    licenses: 'license keys',
  },
  connection: [
    {
      key: 'url',
      label: 'URL',
      kind: 'url',
      help: 'Address of the KSC Open API on the Administration Server, usually port 13299.',
      example: 'https://ksc.example.local:13299',
    },
    {
      key: 'username',
      label: 'User name',
      kind: 'text',
      help: 'The KSC account kmsp signs in with (read access to virtual servers, devices, licenses, events).',
    },
    {
      key: 'internalUser',
      label: 'User type',
      kind: 'toggle',
      help: 'Enter or Space switches between a KSC internal user and a Windows/Active Directory account.',
      toggle: { on: 'KSC internal user', off: 'Windows/Active Directory account' },
      default: true,
    },
    {
      key: 'domain',
      label: 'Domain',
      kind: 'optional-text',
      help: 'Windows domain of the account (e.g. CORP). Blank when the user name already says it.',
      example: 'CORP',
      emptyText: '(none)',
      emptyAs: '',
      showWhen: { key: 'internalUser', equals: false },
      default: '',
    },
    {
      key: 'caFile',
      label: 'CA/certificate file',
      kind: 'ca-file',
      help: "PEM file with the Administration Server's certificate (klserver.cer) or its CA. Blank: the system CAs. kmsp never turns certificate checks off.",
      emptyText: '(none: system CAs)',
      default: null,
      askOnCreate: true,
    },
  ],
  secrets: [{ part: 'ksc.password', label: 'KSC password', short: 'Password' }],
  sections: [
    { id: 'events', title: 'Events', rowKind: 'severity', lifetime: true, rows: SEVERITY_ROWS, dueHours: 12, lifetimeDays: 1 },
    { id: 'warningStatus', title: 'Warning status', rowKind: 'status', lifetime: false, rows: statusRows('other'), dueHours: 24, severity: 'warning' },
    { id: 'criticalStatus', title: 'Critical status', rowKind: 'status', lifetime: false, rows: statusRows('critical'), dueHours: 12, severity: 'critical' },
  ],
  sameInstance: (a, b) => normaliseUrl(a.url) === normaliseUrl(b.url),
  describe: (c) => `${String(c.url)} as ${String(c.username)}`,
};
