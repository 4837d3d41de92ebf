// The interfaces every connector implements. Domain logic, the console and the
// agent depend on these, never on a connector's wire format.
import type {
  AccountBillingReadiness,
  Application,
  AccessCheck,
  BillingItem,
  CloseOutcome,
  Device,
  EventCursor,
  EventPage,
  FieldWriteResult,
  ItemQuantity,
  NewTicket,
  PsaAccount,
  PsaBudget,
  PsaContract,
  PsaKind,
  PsaTicket,
  PlatformKind,
  PriceLevel,
  Tenant,
  TenantCondition,
  TenantLicenseUsage,
  TicketPicklists,
  UsagePosting,
} from './types.js';

export interface PlatformIdentity {
  kind: PlatformKind;
  /** What was reached, for doctor/Test connection (e.g. "KSC 15.1 at https://ksc:13299"). */
  description: string;
}

export interface SecurityPlatform {
  readonly kind: PlatformKind;
  /** Authenticates and returns what was reached. Throws KmspError with cause and remedy. */
  verify(): Promise<PlatformIdentity>;
  listTenants(): Promise<Tenant[]>;
  listApplications(): Promise<Application[]>;
  /**
   * Tenants whose data the latest listApplications could not read completely (their license
   * keys unread, so their products are missing from the list), with why. Billing holds every
   * change of such a tenant rather than count what it could not see (README › Billing
   * approvals). Absent: the platform's reads are whole or fail.
   */
  incompleteTenants?(): ReadonlyArray<{ tenantId: string; reason: string }>;
  listDevices(tenant: Tenant): Promise<Device[]>;
  licenseUsage(tenant: Tenant): Promise<TenantLicenseUsage>;
  /**
   * Events of one tenant raised after the cursor (or, without a cursor, within the
   * last `initialWindowDays`). The returned cursor is passed back on the next call.
   */
  eventsSince(tenant: Tenant, cursor: EventCursor | null, options?: { initialWindowDays?: number }): Promise<EventPage>;
  /**
   * The tenant's active conditions that have no device, complete (one absent is cleared), where
   * the profile has `condition` rows. Absent: the platform has none.
   */
  conditions?(tenant: Tenant): Promise<TenantCondition[]>;
  /**
   * Reads one record of each area kmsp needs, and states what the platform's sign-in means for
   * the agent, for doctor and Test connection. Absent: verify and the reads doctor makes say it all.
   */
  checkAccess?(): Promise<AccessCheck[]>;
  close(): Promise<void>;
}

export interface PsaIdentity {
  kind: PsaKind;
  description: string;
}

export interface AccountListOptions {
  /** Account ids whose custom fields are needed; the empty list: none. */
  customFieldsOf?: readonly string[];
}

export interface Psa {
  readonly kind: PsaKind;
  /**
   * How long after a write (a posting, a ticket create) is sent the PSA may still apply it:
   * the connector's longest write plus a margin for a backend that carries on after the client
   * gave up. Until then, a write that left no trace may still land and must not be redone.
   */
  readonly writeLandsWithinMs: number;
  verify(): Promise<PsaIdentity>;
  /**
   * Every account. `customFieldsOf` limits the custom fields to those accounts where the PSA
   * reads them one account at a time (a request each): the other accounts come with
   * `customFields` empty, which says nothing of what they hold. Without it every account's are read.
   */
  listAccounts(options?: AccountListOptions): Promise<PsaAccount[]>;
  /** Account type labels as the PSA defines them (for filters). */
  listAccountTypes(): Promise<string[]>;
  listContracts(accountId?: string): Promise<PsaContract[]>;
  listBillingItems(): Promise<BillingItem[]>;
  ticketPicklists(): Promise<TicketPicklists>;
  /**
   * Units held per billing item for the contract on `date` (YYYY-MM-DD): in the period containing
   * it where the PSA keeps periods. Such a PSA throws a KmspError (kind 'config', code
   * 'no-service-period') when no period contains the date, so that "no period" is never read
   * as "0 units" and billed in full.
   */
  currentQuantities(contractId: string, date: string): Promise<ItemQuantity[]>;
  /**
   * currentQuantities of many contracts in as few requests as the PSA allows (a query on a list
   * of contracts): per contract id asked, its quantities or the error currentQuantities would
   * have thrown for it. A failure of the whole read (network, auth) rejects. Absent: the PSA
   * reads one contract per request, and callers use currentQuantities.
   */
  currentQuantitiesMany?(contractIds: readonly string[], date: string): Promise<Map<string, ItemQuantity[] | Error>>;
  /**
   * Writes one posting as its mode says (a delta record, or the item's quantity set). Never
   * repeated by the connector: a failure whose outcome is unknown has `outcomeUnknown` set.
   */
  postUsage(posting: UsagePosting): Promise<{ id: string | null }>;
  createTicket(ticket: NewTicket): Promise<PsaTicket>;
  getTicket(id: string): Promise<PsaTicket | null>;
  findTicketsByTag(tag: string): Promise<PsaTicket[]>;
  /**
   * findTicketsByTag for many tags in as few requests as the PSA allows (its OR / in filter):
   * every ticket whose tag is exactly one of them. Absent: one lookup per tag.
   */
  findTicketsByTags?(tags: readonly string[]): Promise<PsaTicket[]>;
  /**
   * Sets the closed status. "Deferred" (the PSA cannot close it now, e.g. a ticket locked by a
   * person) is an answer, not an error: the ticket job keeps it open and tries again next pass.
   */
  closeTicket(id: string, status: string): Promise<CloseOutcome>;
  addTicketNote(id: string, note: { title: string; description: string }): Promise<void>;
  /**
   * The ticket's notes as addTicketNote wrote them (title and description, where the PSA keeps one
   * text: split at the blank line addTicketNote joined them with), oldest first. Read to learn
   * whether a note whose answer never came was written after all.
   */
  ticketNotes(id: string): Promise<Array<{ title: string; description: string }>>;
  /** Writes (or with null clears) an account custom field; a missing field is reported, not thrown. */
  setAccountField(accountId: string, field: string, value: string | null): Promise<FieldWriteResult>;
  budget(): Promise<PsaBudget | null>;
  /** The price levels usage can be priced at; present exactly where the profile has posting.priceLevel. */
  listPriceLevels?(): Promise<PriceLevel[]>;
  /**
   * Per account, whether the PSA lets usage be posted for it, where the PSA sets conditions of
   * its own (Tigerpaw: cross-referenced to the integration's External Product). The Accounts tab
   * warns on a billed account that is not ready; billing skips it with the remedy. Absent: always ready.
   */
  billingReadiness?(accountIds: readonly string[]): Promise<AccountBillingReadiness[]>;
  /**
   * Reads one record of each area kmsp needs and says which the API user may not read, where the
   * PSA refuses per area (a security role). Absent: the PSA answers for everything at sign-in.
   */
  checkAccess?(): Promise<AccessCheck[]>;
  close(): Promise<void>;
}
