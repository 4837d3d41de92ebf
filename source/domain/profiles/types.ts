// What a vendor is, as data: the words it uses, how it is connected, what its tickets carry
// and how usage is posted to it. Screens, jobs, doctor and commands read a vendor only through
// these profiles (and connectors/registry.ts for its connector): outside a vendor's profile,
// connector and simulator nothing names a vendor, so adding a PSA or a platform is writing a
// profile, a connector, a simulator and fixtures — not editing screens.
//
// Pure data plus small pure functions; no I/O (domain rule).
import type { PlatformKind, PsaKind } from './kinds.js';

// ---------------------------------------------------------------- connection

/** How a connection field is edited and checked (ui/screens/connections parses by kind). */
export type ConnectionFieldKind =
  /** Required text. */
  | 'text'
  /** Optional text: blank is stored as null (or '' where `emptyAs` says so). */
  | 'optional-text'
  /** Required http(s) URL. */
  | 'url'
  /** Optional http(s) URL, null when blank. */
  | 'optional-url'
  /** A PEM file path, null when blank (system CAs). */
  | 'ca-file'
  /** Optional positive whole number kept as text (e.g. an Autotask resource id), null when blank. */
  | 'optional-id'
  | 'toggle';

export interface ConnectionFieldSpec {
  /** Property of the connection object in the config. */
  key: string;
  label: string;
  kind: ConnectionFieldKind;
  /** One line of help under the rows while the cursor is on the field. */
  help: string;
  /** Shown instead of an empty value. */
  emptyText?: string;
  /** Toggle: the words for on and off. */
  toggle?: { on: string; off: string };
  /** Shown only while another field of the same connection has a value (toggle: true/false). */
  showWhen?: { key: string; equals: unknown };
  /** Optional text: what blank is stored as (default null). */
  emptyAs?: '' | null;
  /** Value of a new connection; undefined: asked for when the integration is created. */
  default?: string | boolean | null;
  /** Asked for in the new-integration form (besides every required field without a default). */
  askOnCreate?: boolean;
  /** A typical value, shown as the placeholder of an empty field and in its problem messages. */
  example?: string;
}

export interface SecretFieldSpec {
  /** Secret name part after the integration name, e.g. "autotask.secret" → "main.autotask.secret". */
  part: string;
  /** What the admin is asked for. */
  label: string;
  /** Row label on the Connections tab, under the vendor's heading ("API secret", "Password"). */
  short: string;
  /**
   * The connector works without it (an authenticator key that lets kmsp make the one-time codes
   * itself): never reported missing, shown as `emptyText` when blank.
   */
  optional?: { emptyText: string; help: string };
}

// ---------------------------------------------------------------- tickets

/**
 * One ticket field a rule row or the General section sets (a queue, a board, a priority, a
 * type…). Its values come from the PSA's picklist `list`; `scopedBy` names the field whose
 * chosen value they belong to (ConnectWise: a status, type or item belongs to a board, a
 * subtype to a type; Autotask: an issue subtype to an issue type).
 */
export interface TicketFieldSpec {
  /** Key in the stored rule's `fields` (or in General), and in NewTicket.fields. */
  id: string;
  /** Column title and dialog label. */
  label: string;
  /** Column title on a narrow terminal. */
  short: string;
  /** Name of the picklist (TicketPicklists key) its values come from. */
  list: string;
  /** Required on an enabled row (rows) or always (General). */
  required?: boolean;
  /**
   * General only: required once any rule row is on, not before — a value the PSA offers no
   * default for (Tigerpaw's service order rep), so a new integration is valid until it creates
   * tickets.
   */
  requiredOnceInUse?: boolean;
  /** Id of the field whose value scopes this one's values; changing that field clears this one. */
  scopedBy?: string;
  /** Only values flagged `closed` (a board's closed statuses). */
  closedOnly?: boolean;
  /** Only values not flagged `closed` (a new ticket's status: a closed one would open it closed). */
  openOnly?: boolean;
  /**
   * A row left blank uses this General field's value instead (ConnectWise: a row without a board
   * uses the default board); "required" is then met by either.
   */
  fallback?: string;
  /** Default chosen by label (resolved against the live PSA list; a label the PSA lacks is blank). */
  defaultLabel?: string | null;
  /** Rows only: the default by the row's level ('critical' rows and the others), overriding defaultLabel. */
  defaultByLevel?: { critical: string; other: string };
  /** Rows only: a column of the rule table (and in bulk edit), or only in bulk edit. */
  placement?: 'column' | 'bulk';
  /** General only: what the ticket job uses it for (the rest are sent as ticket fields). */
  role?: 'new-status' | 'closed-status';
}

/** A PSA picklist the ticket fields read their values from (TicketFieldSpec.list). */
export interface TicketListSpec {
  /** TicketPicklists key. */
  name: string;
  /** What its values are called, plural and lower case ("queues", "issue types"): choosers and counts say it. */
  plural: string;
  /**
   * The PSA takes a value of this list by its name (Tigerpaw's statuses, priorities and types):
   * a default named by label is a value before the PSA has answered.
   */
  valuesAreNames?: boolean;
}

export interface TicketSchema {
  /**
   * Every list the fields name, in the order the Ticketing tab counts the active values of the
   * unscoped ones ("6 queues · 4 priorities · …"; a scoped list only means something per scope).
   */
  lists: readonly TicketListSpec[];
  /** General fields that apply to every ticket (Autotask: source, new and closed status). */
  general: readonly TicketFieldSpec[];
  /**
   * General fields kept per value of a row field (ConnectWise: a New and a Closed status for
   * every board an enabled row uses, since statuses belong to a board). Absent: none.
   */
  perScope?: { field: string; fields: readonly TicketFieldSpec[] };
  /** Fields of a rule row, in column order; bulk-only ones last. */
  row: readonly TicketFieldSpec[];
  /** Rows have a Due (hours) column. */
  hasDue: boolean;
}

// ---------------------------------------------------------------- the PSA profile

export interface PsaWords {
  /** "Autotask", "ConnectWise Manage". */
  name: string;
  /** Short name for narrow columns: "Autotask", "ConnectWise". */
  short: string;
  account: string;
  accounts: string;
  contract: string;
  contracts: string;
  /** The kind of contract usage can be posted to ("Recurring Service contract"). */
  billableContract: string;
  /** The name of that kind where the PSA has several kinds of contract ("Recurring Service"); null: any contract. */
  billableKind: string | null;
  billingItem: string;
  billingItems: string;
  ticket: string;
  tickets: string;
  /** What a ticket rule sends tickets to ("queue", "board"). */
  ticketContainer: string;
  /** Tab titles. */
  tabs: { accounts: string; billingItems: string; ticketing: string };
  /** The account custom field that receives the tenant name, as the PSA calls it ("company UDF"). */
  accountField: string;
  /** How to create that field in the PSA when it is missing (the remedy of the warning). */
  accountFieldFix: (fieldName: string) => string;
  /** Where a person closes tickets (for "closed in …" notes). */
  ticketClosedBy: string;
}

export interface PostingPolicy {
  /**
   * delta: post the signed difference as a new record (Autotask adjustment);
   * set: set the quantity of the one record per contract and item (ConnectWise addition).
   */
  mode: 'delta' | 'set';
  /** The PSA keeps units per service period (a date with no period is an error, never 0). */
  periods: boolean;
  /** Which contracts take usage, in words for the contract check's remedy. */
  billableRule: string;
  /**
   * The PSA prices usage at a price level chosen per account (Tigerpaw): the Accounts tab has a
   * column and a chooser for it, billing on needs one, and every posting carries it. Absent: the
   * PSA prices usage itself.
   */
  priceLevel?: PriceLevelWords;
}

export interface PriceLevelWords {
  /** Column title and chooser title ("Price level"). */
  label: string;
  /** Lower case, singular and plural ("price level", "price levels"). */
  word: string;
  words: string;
}

export interface PsaLimits {
  /** Longest stable key the PSA ticket's tag field holds. */
  tagMax: number;
  titleMax: number;
  descriptionMax: number;
  /** Requests a billing run sends at once. */
  concurrency: number;
}

export interface PsaProfile<K extends PsaKind = PsaKind> {
  kind: K;
  words: PsaWords;
  /** Fields of the connection object (kind excluded), in form order. */
  connection: readonly ConnectionFieldSpec[];
  secrets: readonly SecretFieldSpec[];
  /** Property of the connection holding the account custom field's name. */
  accountFieldKey: string;
  ticketing: TicketSchema;
  posting: PostingPolicy;
  limits: PsaLimits;
  /**
   * Two connections reach the same PSA database. When the config cannot prove they differ it
   * answers true: refusing a double mapping is safer than two tenants billing one account.
   */
  sameInstance(a: Record<string, unknown>, b: Record<string, unknown>): boolean;
  /** One line naming the connection, for lists and logs ("https://ws.autotask.net as api@x"). */
  describe(connection: Record<string, unknown>): string;
}

// ---------------------------------------------------------------- the platform profile

/** A rule section of the Ticketing tab: the rows and what they are keyed by. */
export interface RuleSectionSpec {
  /** Key of TicketingSettings.sections. */
  id: string;
  /** Group heading in the section list (KBH: "KES Cloud", "Office 365"); absent: top level. */
  group?: string;
  title: string;
  /** What a row stands for: an event severity, an event type, or a device status description. */
  rowKind: 'severity' | 'event-type' | 'status';
  /** Rows have a Lifetime (days) column. */
  lifetime: boolean;
  /** The rows: key, label and default level (priority and due defaults follow the level). */
  rows: readonly RuleRowSpec[];
  /** Default due hours of the section's rows. */
  dueHours: number;
  /** Default lifetime (days) where the section has one. */
  lifetimeDays?: number;
  /** Status sections: the severity a row's description is active at. */
  severity?: 'warning' | 'critical';
}

export interface RuleRowSpec {
  key: string;
  label: string;
  level: 'critical' | 'other';
  /**
   * The row stands for a condition of the tenant the platform reports while it is active
   * (SecurityPlatform.conditions): its ticket opens when it becomes active and closes when it
   * clears, one per occurrence; events of its type make no ticket of their own.
   */
  condition?: boolean;
}

export interface PlatformWords {
  name: string;
  short: string;
  tenant: string;
  tenants: string;
  /** "Add / remove virtual servers". */
  addRemoveTenants: string;
  /** What a tenant the platform lists but no longer serves is ("disabled", "marked for deletion"). */
  tenantDisabled: string;
  /** What the platform calls a license it reports ("license key", "license"). */
  license: string;
  licenses: string;
}

/**
 * A one-time code the platform may demand at sign-in (2-step verification). It is never stored
 * nor looked up in the secret store: the console asks for it when the platform demands it and
 * hands it in (createPlatform's `handedIn`) for that one connector, which reads it as the secret
 * `part` (see the registry's SecretOf).
 */
export interface OneTimeCodeSpec {
  part: string;
  label: string;
  /** Shown beside the prompt: where the code comes from. */
  help: string;
  /** The KmspError code the connector throws when the platform demands a code it was not given. */
  demandedCode: string;
  /** How many digits a code has. */
  digits: number;
}

export interface PlatformProfile<K extends PlatformKind = PlatformKind> {
  kind: K;
  words: PlatformWords;
  connection: readonly ConnectionFieldSpec[];
  secrets: readonly SecretFieldSpec[];
  oneTimeCode?: OneTimeCodeSpec;
  /** Ticketing sections after General, in order. */
  sections: readonly RuleSectionSpec[];
  /** Two connections reach the same platform (a tenant belongs to one integration per platform). */
  sameInstance(a: Record<string, unknown>, b: Record<string, unknown>): boolean;
  describe(connection: Record<string, unknown>): string;
}
