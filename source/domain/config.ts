// The configuration model: what the admin sets in the console and the agent obeys.
// Pure data and pure functions; the conf-backed store (store/config.ts) persists it.
import type { EventSeverity, PsaKind, PlatformKind } from './types.js';

/** Bump when the persisted shape changes, and add a migration in store/migrations.ts. */
export const CONFIG_SCHEMA_VERSION = 1;

/** Integration names end up in secret names, credential file names and env var names. */
export const INTEGRATION_NAME_PATTERN = /^[a-z0-9][a-z0-9-]{0,39}$/;

export interface KscConnection {
  kind: 'ksc';
  /** Base URL of the KSC Open API, e.g. https://ksc.example.local:13299 */
  url: string;
  username: string;
  /** KSC internal user (true) or Windows/AD account (false). */
  internalUser: boolean;
  /** Windows domain for AD accounts; empty for internal users. */
  domain: string;
  /** PEM file with the CA or the server's self-signed certificate (klserver.cer). */
  caFile: string | null;
}

export interface KbhConnection {
  kind: 'kbh';
  url: string;
  email: string;
  caFile: string | null;
}

export type PlatformConnection = KscConnection | KbhConnection;

export interface AutotaskConnection {
  kind: 'autotask';
  /** Where zone discovery is asked (any Autotask zone host works). */
  zoneDiscoveryUrl: string;
  /** Skip discovery and use this zone URL (ends with /atservicesrest/ or similar). */
  apiUrl: string | null;
  username: string;
  impersonationResourceId: string | null;
  /** Company UDF that receives the mapped tenant's name (README › The console, Accounts). */
  tenantNameField: string;
  caFile: string | null;
}

export type PsaConnection = AutotaskConnection;

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

export interface TicketFields {
  enabled: boolean;
  queue: PsaChoice | null;
  priority: PsaChoice | null;
  dueHours: number;
  workType: PsaChoice | null;
  issueType: PsaChoice | null;
  subIssueType: PsaChoice | null;
}

export interface EventRule extends TicketFields {
  severity: EventSeverity;
  lifetimeDays: number;
}

export interface StatusRule extends TicketFields {
  /** Id from domain/statusDescriptions.ts. */
  descriptionId: string;
}

export interface TicketingGeneral {
  source: PsaChoice | null;
  newStatus: PsaChoice | null;
  closedStatus: PsaChoice | null;
}

export interface TicketingSettings {
  general: TicketingGeneral;
  events: EventRule[];
  warningStatus: StatusRule[];
  criticalStatus: StatusRule[];
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
  return kind === 'ksc' ? 'Kaspersky Security Center' : 'Kaspersky Business Hub';
}

export function psaLabel(kind: PsaKind): string {
  return { autotask: 'Autotask', connectwise: 'ConnectWise Manage', tigerpaw: 'Tigerpaw' }[kind];
}

/** The platform's own word for a tenant (README › Words). */
export function tenantWord(kind: PlatformKind, plural = false): string {
  if (kind === 'ksc') return plural ? 'virtual servers' : 'virtual server';
  return plural ? 'companies' : 'company';
}
