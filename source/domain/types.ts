// The vocabulary of README › Words, independent of any vendor's wire format.
// Connectors translate vendor records into these shapes; everything above the
// connectors (billing, ticketing, console, agent) speaks only this language.

export type { PlatformKind, PsaKind } from './profiles/kinds.js';

/** A platform's unit for one customer: a KSC virtual server, a KBH company/workspace. */
export interface Tenant {
  /** Stable identifier (KSC: KLVSRV_UID; KBH: company id). Survives renames. */
  id: string;
  /** Display name (KSC: KLVSRV_DN). */
  name: string;
  enabled: boolean;
}

export const DEVICE_CATEGORIES = ['windows-workstation', 'windows-server', 'non-windows'] as const;
export type DeviceCategory = (typeof DEVICE_CATEGORIES)[number];

export const DEVICE_CATEGORY_LABELS: Record<DeviceCategory, string> = {
  'windows-workstation': 'Windows workstations',
  'windows-server': 'Windows servers',
  'non-windows': 'Non-Windows devices',
};

export type DeviceHealth = 'ok' | 'warning' | 'critical';

/** One reason behind a device's Warning or Critical status (e.g. "Databases are out of date"). */
export interface ActiveStatusDescription {
  /** Stable id from the catalog in statusDescriptions.ts. */
  id: string;
  severity: 'warning' | 'critical';
}

export interface Device {
  /** Stable identifier (KSC: KLHST_WKS_HOSTNAME GUID). */
  id: string;
  tenantId: string;
  name: string;
  category: DeviceCategory;
  /** Free-text OS name as the platform reports it. */
  osName: string;
  /** True for phones and tablets (they count towards per-user licensing, not per-device). */
  mobile: boolean;
  health: DeviceHealth;
  statuses: ActiveStatusDescription[];
  lastSeen: Date | null;
}

export type LicenseKeyType = 'commercial' | 'beta' | 'trial' | 'test' | 'oem' | 'subscription';
export type SubscriptionState = 'active' | 'paused' | 'soft-cancelled' | 'hard-cancelled';
export type LicenseUnit = 'device' | 'user' | 'mailbox';

/** A licensed Kaspersky security application (a row of the Services tab). */
export interface Application {
  /** Stable id; the product name as licensed (KSC: KLLIC_PROD_NAME). */
  id: string;
  name: string;
  unit: LicenseUnit;
  /**
   * The device categories it can be installed on, where the platform knows (a server product:
   * Windows servers only); absent: any. With billing by category, only these need an item.
   */
  categories?: readonly DeviceCategory[];
}

export interface LicenseKey {
  /** KSC: KLLIC_SERIAL. */
  id: string;
  applicationId: string;
  type: LicenseKeyType;
  /** Expiry instant; null when the platform reports none (e.g. unlimited subscription). */
  expiresAt: Date | null;
  subscriptionState: SubscriptionState | null;
  capacity: number;
}

/** "Device X uses key K", as the active key (current) or the reserve key. */
export interface KeyAssignment {
  keyId: string;
  deviceId: string;
  current: boolean;
}

export interface TenantLicenseUsage {
  tenantId: string;
  keys: LicenseKey[];
  assignments: KeyAssignment[];
  /** Office 365 protected mailboxes, where the platform has them (KBH). */
  protectedMailboxes?: number;
}

export const EVENT_SEVERITIES = ['critical', 'functional-failure', 'warning', 'info'] as const;
export type EventSeverity = (typeof EVENT_SEVERITIES)[number];

export const EVENT_SEVERITY_LABELS: Record<EventSeverity, string> = {
  critical: 'Critical',
  'functional-failure': 'Functional failure',
  warning: 'Warning',
  info: 'Info',
};

export interface SecurityEvent {
  /** Stable, unique per platform (KSC: event_db_id). Part of a ticket's stable key. */
  id: string;
  tenantId: string;
  severity: EventSeverity;
  /** Machine type (KSC: event_type, e.g. GNRL_EV_VIRUS_FOUND). */
  type: string;
  /** Human name of the type (KSC: event_type_display_name). */
  typeName: string;
  description: string;
  deviceId: string | null;
  deviceName: string | null;
  product: string | null;
  raisedAt: Date;
  /**
   * The platform profile's rule section the event belongs to, where the platform has event
   * sections besides its severity one (KBH: Office 365 events, one row per event type, matched by
   * `type`). Absent: the section of rowKind 'severity', matched by `severity`.
   */
  section?: string;
}

/**
 * A condition of a tenant as a whole, active now, that has no device (KBH: "Mailboxes protection
 * is not provided" on the company's Office 365 workspace). Its ticket opens while it is active
 * (where its rule row is a `condition` row) and closes when the platform no longer reports it.
 */
export interface TenantCondition {
  tenantId: string;
  /** The platform profile's rule section of its row. */
  section: string;
  /** Its row's key in that section. */
  id: string;
  /** Since when the platform reports it; null when it does not say. */
  since: Date | null;
  /** The platform's own words on it, for the ticket; null when none. */
  detail: string | null;
}

/** Opaque position in a tenant's event stream; produced and understood only by the connector. */
export type EventCursor = string;

export interface EventPage {
  events: SecurityEvent[];
  /** Pass back on the next call to receive only newer events. */
  cursor: EventCursor;
}

// ---------------------------------------------------------------- PSA side

export interface PsaAccount {
  id: string;
  name: string;
  active: boolean;
  /** Account type label as the PSA shows it (Autotask companyType picklist label, e.g. "Customer"). */
  type: string;
  /** Values of account custom fields by name (Autotask company UDFs). */
  customFields: Record<string, string | null>;
}

export interface PsaContract {
  id: string;
  accountId: string;
  name: string;
  /** True when usage can be posted against it (Autotask: contractType 7 Recurring Service). */
  recurring: boolean;
  typeLabel: string;
  active: boolean;
  startDate: string | null;
  endDate: string | null;
}

export interface BillingItem {
  id: string;
  name: string;
  active: boolean;
}

/** A price level usage can be priced at, where the PSA has them (profile posting.priceLevel). */
export interface PriceLevel {
  id: string;
  name: string;
}

/**
 * Whether the PSA lets usage be posted for an account, where it sets conditions of its own
 * (Tigerpaw: the account is cross-referenced to the integration's External Product).
 */
export interface AccountBillingReadiness {
  accountId: string;
  ready: boolean;
  /** Why not, in the PSA's words; null when ready. */
  problem: string | null;
  /** What the admin does about it; null when ready. */
  remedy: string | null;
}

export interface PicklistValue {
  /** The PSA's value, always a string (Autotask picklist values are strings on the wire). */
  value: string;
  label: string;
  active: boolean;
  /**
   * The value of the list this one belongs to (a sub-issue type's issue type, a ConnectWise
   * status's board), or null. See `parentValues` for values that belong to several.
   */
  parentValue: string | null;
  /** Every parent value, where a value belongs to several (a ConnectWise subtype serves several types). */
  parentValues?: readonly string[];
  /** A status that closes the ticket (ConnectWise closedStatus). */
  closed?: boolean;
  isDefault: boolean;
}

/**
 * The dropdown sources of the Ticketing tab, read live from the PSA, by list name: the `list`
 * of the PSA profile's ticket fields (profiles/types.ts TicketFieldSpec), e.g. queues,
 * priorities, statuses (Autotask) or boards, statuses, types (ConnectWise). A scoped list holds
 * the values of every scope, each with its parentValue.
 */
export type TicketPicklists = Record<string, PicklistValue[]>;

/** Units the PSA holds for one billing item of one contract on a date (in the period containing it, where the PSA has periods). */
export interface ItemQuantity {
  billingItemId: string;
  units: number;
  /** The PSA's service period the units belong to; null for PSAs without periods (ConnectWise). */
  periodStart: string | null;
  periodEnd: string | null;
  /** The price level the units are priced at, where the PSA has price levels; absent elsewhere. */
  priceLevel?: string | null;
  /**
   * What the connector needs to write this item without reading it again (its record and what
   * that holds), where it can tell from this read; opaque outside the connector, and passed back
   * in UsagePosting.writeRef. Absent: a posting reads the item first.
   */
  writeRef?: string;
}

/** How a usage posting is written: see PostingPolicy in profiles/types.ts. */
export type PostingMode = 'delta' | 'set';

export interface UsagePosting {
  contractId: string;
  billingItemId: string;
  /** Units the PSA held when they were read right before this posting. */
  before: number;
  /** Units it must hold after it. Equal to before only when the posting re-prices the units at `priceLevel`. */
  after: number;
  /** delta: a record of (after − before) units is added; set: the item's quantity is set to after. */
  mode: PostingMode;
  /** Calendar date (YYYY-MM-DD) in the configured time zone. */
  effectiveDate: string;
  /** The account's price level (its id) where the PSA prices usage by one (profile posting.priceLevel); absent elsewhere. */
  priceLevel?: string | null;
  /** The item's ItemQuantity.writeRef from the units read this posting is made against; absent: the connector reads the item. */
  writeRef?: string;
}

export interface NewTicket {
  accountId: string;
  title: string;
  description: string;
  /** The status a new ticket gets (General "new status", for the ticket's board where statuses belong to one). */
  status: string;
  /** Null for PSAs without a due time on tickets. */
  dueAt: Date | null;
  /** The rule's and General's other fields by the PSA profile's field ids (queue, priority, board, type…); null: not set. */
  fields: Record<string, string | null>;
  /** Stable key written to the PSA ticket (Autotask externalID, ConnectWise externalXRef, Tigerpaw Reference) for crash reconciliation. */
  tag: string;
}

export interface PsaTicket {
  id: string;
  number: string;
  accountId: string;
  title: string;
  status: string;
  tag: string | null;
  createdAt: Date | null;
  completedAt: Date | null;
  /**
   * The value of the field statuses belong to (ConnectWise: the ticket's board id), so that it
   * is closed with a status of its own board; null where statuses are global (Autotask).
   */
  scope: string | null;
}

/** closeTicket's answer: closed, or not now for a reason that a later pass may not have (a ticket open in the PSA's GUI). */
export type CloseOutcome = { closed: true } | { closed: false; deferred: string };

export interface PsaBudget {
  /** Requests allowed per timeframe (Autotask: externalRequestThreshold). */
  limit: number;
  used: number;
  timeframeMinutes: number;
}

export type FieldWriteResult = 'written' | 'field-missing';

/** One area of the PSA kmsp reads, and whether its API user may (for doctor and Test connection). */
export interface AccessCheck {
  /** What was read, in words ("agreement additions"). */
  what: string;
  allowed: boolean;
  /** The permission the PSA's user needs for it, in the PSA's words. */
  permission: string;
  /** The PSA's own words when it refused. */
  detail: string | null;
  /**
   * For a check that is not "may the user read X" (a record the integration needs exists): what
   * doctor says when it holds and when not, and the remedy, replacing the read wording.
   */
  statement?: { ok: string; fail: string; remedy: string };
}
