// Every default of README › Defaults, encoded as data. PSA values are named by
// label because their ids differ per PSA tenant; `resolveChoice` turns a label into
// the live value, or null ("blank") when the PSA no longer has it.
import {
  CONFIG_SCHEMA_VERSION,
  type AgentSettings,
  type AutotaskConnection,
  type BillingSettings,
  type EventRule,
  type Integration,
  type KmspConfig,
  type KscConnection,
  type PsaChoice,
  type StatusRule,
  type TicketingSettings,
} from './config.js';
import { STATUS_DESCRIPTIONS } from './statusDescriptions.js';
import type { EventSeverity, PicklistValue, TicketPicklists } from './types.js';

export interface FieldDefaults {
  enabled: boolean;
  lifetimeDays: number | null;
  queue: string;
  priority: string;
  dueHours: number;
}

/** The severities that get an Events row (Info events never create tickets). */
export const EVENT_RULE_SEVERITIES: readonly EventSeverity[] = ['critical', 'functional-failure', 'warning'];

export const TICKETING_DEFAULTS = {
  general: {
    source: null as string | null,
    newStatus: 'New',
    closedStatus: 'Complete',
  },
  events: {
    critical: { enabled: false, lifetimeDays: 1, queue: 'Monitoring Alert', priority: 'Critical', dueHours: 12 },
    'functional-failure': { enabled: false, lifetimeDays: 1, queue: 'Monitoring Alert', priority: 'Medium', dueHours: 12 },
    warning: { enabled: false, lifetimeDays: 1, queue: 'Monitoring Alert', priority: 'Medium', dueHours: 12 },
  } satisfies Record<Exclude<EventSeverity, 'info'>, FieldDefaults>,
  /** KBH Office 365 event types: no lifetime, priority Critical. */
  office365Events: { enabled: false, lifetimeDays: null, queue: 'Monitoring Alert', priority: 'Critical', dueHours: 12 } satisfies FieldDefaults,
  warningStatus: { enabled: false, lifetimeDays: null, queue: 'Monitoring Alert', priority: 'Medium', dueHours: 24 } satisfies FieldDefaults,
  criticalStatus: { enabled: false, lifetimeDays: null, queue: 'Monitoring Alert', priority: 'Critical', dueHours: 12 } satisfies FieldDefaults,
} as const;

export const LIMITS = {
  lifetimeDays: { min: 1, max: 365 },
  dueHours: { min: 1, max: 8760 },
  ticketPollSeconds: { min: 10, max: 3600 },
  ticketsPerAccountPerHour: { min: 1, max: 10000 },
} as const;

export const AGENT_DEFAULTS: AgentSettings = {
  timeZone: 'UTC',
  billingSchedule: '0 4 * * *',
  ticketPollSeconds: 60,
  ticketsPerAccountPerHour: 20,
  paused: false,
};

export const AUTOTASK_DEFAULTS: Omit<AutotaskConnection, 'username'> = {
  kind: 'autotask',
  zoneDiscoveryUrl: 'https://webservices.autotask.net/atservicesrest/',
  apiUrl: null,
  impersonationResourceId: null,
  tenantNameField: 'Kaspersky Tenant',
  caFile: null,
};

export const KSC_DEFAULTS: Omit<KscConnection, 'url' | 'username'> = {
  kind: 'ksc',
  internalUser: true,
  domain: '',
  caFile: null,
};

/** The active value whose label matches (case-insensitive, trimmed), or null: "a default whose PSA value no longer exists is blank". */
export function resolveChoice(label: string | null, values: readonly PicklistValue[]): PsaChoice | null {
  if (!label) return null;
  const wanted = label.trim().toLowerCase();
  const hit = values.find((v) => v.active && v.label.trim().toLowerCase() === wanted);
  return hit ? { value: hit.value, label: hit.label } : null;
}

/** A not-yet-resolved choice: the label is known, the PSA value is not (no PSA reachable yet). */
function unresolved(label: string | null): PsaChoice | null {
  return label ? { value: '', label } : null;
}

function choose(label: string | null, values: readonly PicklistValue[] | undefined): PsaChoice | null {
  return values ? resolveChoice(label, values) : unresolved(label);
}

/**
 * Ticketing defaults for KSC. With picklists, labels are resolved against the live PSA
 * values (missing → null). Without them (no PSA reachable yet), choices carry the
 * label with an empty value and are resolved the first time the PSA answers.
 */
export function defaultTicketing(picklists?: TicketPicklists): TicketingSettings {
  const g = TICKETING_DEFAULTS.general;
  const blankExtras = { workType: null, issueType: null, subIssueType: null };
  const events: EventRule[] = EVENT_RULE_SEVERITIES.map((severity) => {
    const d = TICKETING_DEFAULTS.events[severity as Exclude<EventSeverity, 'info'>];
    return {
      severity,
      enabled: d.enabled,
      lifetimeDays: d.lifetimeDays,
      queue: choose(d.queue, picklists?.queues),
      priority: choose(d.priority, picklists?.priorities),
      dueHours: d.dueHours,
      ...blankExtras,
    };
  });
  const statusRules = (d: FieldDefaults): StatusRule[] =>
    STATUS_DESCRIPTIONS.map((desc) => ({
      descriptionId: desc.id,
      enabled: d.enabled,
      queue: choose(d.queue, picklists?.queues),
      priority: choose(d.priority, picklists?.priorities),
      dueHours: d.dueHours,
      ...blankExtras,
    }));
  return {
    general: {
      source: choose(g.source, picklists?.sources),
      newStatus: choose(g.newStatus, picklists?.statuses),
      closedStatus: choose(g.closedStatus, picklists?.statuses),
    },
    events,
    warningStatus: statusRules(TICKETING_DEFAULTS.warningStatus),
    criticalStatus: statusRules(TICKETING_DEFAULTS.criticalStatus),
  };
}

export function defaultBilling(): BillingSettings {
  return { byCategory: false, applications: [] };
}

export function newIntegration(name: string, platform: Integration['platform'], psa: Integration['psa']): Integration {
  return {
    name,
    platform,
    psa,
    tenants: [],
    billing: defaultBilling(),
    ticketing: defaultTicketing(),
    excludedAccounts: [],
  };
}

export function defaultConfig(): KmspConfig {
  return { schemaVersion: CONFIG_SCHEMA_VERSION, integrations: [], agent: { ...AGENT_DEFAULTS } };
}
