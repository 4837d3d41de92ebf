// The configuration model: what the admin sets in the console and the agent obeys.
// Pure data and pure functions; the conf-backed store (store/config.ts) persists it.
import type { PlatformConnection, PsaConnection } from './profiles/connection.js';
import { platformProfile, psaProfile } from './profiles/index.js';
import type { PsaKind, PlatformKind } from './types.js';
import type { HealthSettings } from './health.js';

/** Bump when the persisted shape changes, and add a migration in store/migrations.ts. */
export const CONFIG_SCHEMA_VERSION = 2;

/** Integration names end up in secret names, credential file names and env var names. */
export const INTEGRATION_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

// The connection settings of each vendor live beside its profile: the one place that names it.
export type { AutotaskConnection, ConnectWiseConnection, KbhConnection, KscConnection, PlatformConnection, PsaConnection, TigerpawConnection } from './profiles/connection.js';

/** A stored reference to a PSA picklist value: the value plus the label it had when chosen. */
export interface PsaChoice {
  value: string;
  label: string;
}

export interface TenantMapping {
  tenantId: string;
  /** Name when mapped; used to detect renames (drift). */
  tenantName: string;
  accountId: string | null;
  accountName: string | null;
  billing: boolean;
  contractId: string | null;
  contractName: string | null;
  /**
   * The price level usage of this account is priced at, where the PSA has them (profile
   * posting.priceLevel); absent or null elsewhere. Kept with its name, as the contract is.
   */
  priceLevelId?: string | null;
  priceLevelName?: string | null;
}

export interface ApplicationItems {
  applicationId: string;
  applicationName: string;
  /** Used when billing by category is off, and always for per-user and mailbox applications. */
  single: PsaChoice | null;
  workstation: PsaChoice | null;
  server: PsaChoice | null;
  nonWindows: PsaChoice | null;
}

export interface BillingSettings {
  byCategory: boolean;
  applications: ApplicationItems[];
}

/** Ticket field choices by the PSA profile's field ids (profiles/types.ts TicketFieldSpec.id). */
export type TicketChoices = Record<string, PsaChoice | null>;

/** One row of a Ticketing section: a severity, an event type or a status description. */
export interface TicketRule {
  /** The row's key in its section (profiles RuleRowSpec.key): severity, event type or status description id. */
  key: string;
  enabled: boolean;
  /** Days; null in sections without a lifetime. */
  lifetimeDays: number | null;
  /** Hours; null for PSAs whose tickets have no due time. */
  dueHours: number | null;
  fields: TicketChoices;
}

/** General fields kept per value of a scoping row field (ConnectWise: a board's New and Closed status). */
export interface ScopedGeneral {
  scope: PsaChoice;
  fields: TicketChoices;
}

/** A customer an override is for: the platform tenant id (matched), and its name when chosen (shown). */
export interface OverrideTenant {
  tenantId: string;
  tenantName: string;
}

/**
 * A per-customer routing override of one rule row (README › Routing overrides;
 * domain/ticketOverrides.ts): for these tenants the row is switched off, or sends its tickets
 * with other row fields (queue/board, priority…) and due time.
 */
export interface TicketOverride {
  tenants: OverrideTenant[];
  /** The rule row: its platform section id and its key there. */
  section: string;
  key: string;
  /** false: the row makes no tickets for these tenants. An override never switches a row on. */
  enabled: boolean;
  /** Row fields by the PSA profile's ids; absent or null keeps the rule's value. */
  fields: TicketChoices;
  /** Hours; null keeps the rule's. */
  dueHours: number | null;
}

export interface TicketingSettings {
  /** General fields by the PSA profile's ids (source, new and closed status; default board…). */
  general: TicketChoices;
  /** Per-scope General fields (PSA profile ticketing.perScope); empty where the PSA has none. */
  perScope: ScopedGeneral[];
  /** Rule rows by the platform profile's section ids (events, warningStatus, criticalStatus…). */
  sections: Record<string, TicketRule[]>;
  /** Per-customer overrides, in order: the first one of a row listing a tenant applies. Absent: none. */
  overrides?: TicketOverride[];
}

/**
 * What the billing job does with a change (README › Billing approvals): post every change
 * (kmsp's behaviour before approvals existed), hold the risky ones for a person, or hold every
 * change until a person approves it.
 */
export type ApprovalMode = 'post-all' | 'hold-risky' | 'hold-all';
export const APPROVAL_MODES: readonly ApprovalMode[] = ['post-all', 'hold-risky', 'hold-all'];

export interface ApprovalSettings {
  mode: ApprovalMode;
  /** A decrease of more than this share of the units held (percent, 0–100) is risky. */
  maxDecreasePercent: number;
  /** A decrease of more than this many units is risky; null: no limit by units. */
  maxDecreaseUnits: number | null;
}

export interface Integration {
  name: string;
  platform: PlatformConnection;
  psa: PsaConnection;
  tenants: TenantMapping[];
  billing: BillingSettings;
  ticketing: TicketingSettings;
  /** PSA account ids marked "does not use Kaspersky" in Reports › Unmapped accounts. */
  excludedAccounts: string[];
  /** Health notifications (domain/health.ts); absent: none (a health ticket off, no webhook). */
  health?: HealthSettings;
  /** Absent (a file written before approvals existed): every change is posted, as before. */
  approvals?: ApprovalSettings;
}

export interface AgentSettings {
  /** IANA time zone for schedules and for the effective date of postings. */
  timeZone: string;
  /** Cron expression for the billing job. */
  billingSchedule: string;
  ticketPollSeconds: number;
  /** Per-account ticket-rate breaker (README › Ticket rules, "Breaker"). */
  ticketsPerAccountPerHour: number;
  /** Global pause switch: no PSA writes while true. */
  paused: boolean;
}

export interface KmspConfig {
  schemaVersion: number;
  integrations: Integration[];
  agent: AgentSettings;
}

export function platformLabel(kind: PlatformKind): string {
  return platformProfile(kind).words.name;
}

export function psaLabel(kind: PsaKind): string {
  return psaProfile(kind).words.name;
}

/** The platform's own word for a tenant (README › Words). */
export function tenantWord(kind: PlatformKind, plural = false): string {
  const words = platformProfile(kind).words;
  return plural ? words.tenants : words.tenant;
}
