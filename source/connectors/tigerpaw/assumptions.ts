// Every Tigerpaw fact the connector relies on that Tigerpaw does not publish (README.md in this
// folder, §7, lists them all), or that kmsp had to choose itself, lives here: one constant or
// function each, with the README section it belongs to. When a real Tigerpaw proves one wrong,
// this is the only file to change — apart from the additional-charge write, which is a module of
// its own (additionalChargeWrite.ts) so that it can be swapped for the SOAP call whole.

// ---------------------------------------------------------------- authentication

/**
 * README §1.2: how far the X-TSI-Date may be from the server's clock before the server answers
 * 401. Tigerpaw does not say; ±5 minutes is assumed. kmsp does not check it itself; the number
 * is named in the remedy of a 401, because a wrong clock looks exactly like wrong keys.
 */
export const CLOCK_SKEW_MINUTES = 5;

/**
 * README §1.1: the REST host must be https; plain http only on loopback (localhost, 127.0.0.0/8,
 * ::1), where the simulator runs. The private key itself never travels, but a signature covers
 * the method, path and time only — not the body nor the query — so on a network anyone who sees
 * one request could send another body under it for minutes, and every answer (customers,
 * agreements, prices) would cross the network in clear. A choice kmsp made, as for the other PSAs.
 */
export const PLAIN_HTTP_ONLY_ON_LOOPBACK = true;

// ---------------------------------------------------------------- answers

/**
 * README §2.2: the body of a 4xx answer is ASP.NET's {"Message":"…"} (Tigerpaw documents no
 * error body). kmsp reads Message, or message, when there is one, and shows the raw text
 * otherwise.
 */
export function errorMessageOf(body: unknown): string | null {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const r = body as Record<string, unknown>;
  const m = r.Message ?? r.message;
  return typeof m === 'string' && m.trim() !== '' ? m.trim() : null;
}

/**
 * README §2.4: datetimes in JSON without a zone offset are read as UTC (a self-hosted server
 * may mean its own local time; Tigerpaw does not say). Only ticket times shown to the user
 * depend on it. kmsp sends datetimes as UTC with "Z".
 */
export const DATETIME_WITHOUT_OFFSET_IS_UTC = true;

// ---------------------------------------------------------------- paging

/**
 * README §2.3: rows asked for per page. Tigerpaw publishes neither the default (assumed 50) nor
 * the largest page (assumed 500); a server that serves fewer says so by NextRow, which kmsp
 * follows whatever the page size.
 */
export const PAGE_SIZE = 500;

/** Guards against a server that never stops paging: at most this many pages per list. */
export const MAX_PAGES = 2000;

/**
 * README §2.3: NextRow is StartRow + the rows answered while more remain, and 0 (or absent) when
 * the list is done. A NextRow that does not move forward is refused as a protocol error rather
 * than read again.
 */
export function isLastPage(nextRow: number | null, rows: number): boolean {
  return nextRow === null || nextRow <= 0 || rows === 0;
}

/**
 * README §2.3: an advanced search with an empty criteria list answers every record (Tigerpaw
 * does not document it). kmsp lists all accounts, agreements and price book items this way.
 */
export const MATCH_ALL_CRITERIA: readonly [] = [];

// ---------------------------------------------------------------- accounts

/** README §4.1: an account is active unless its Status reads "Inactive" (statuses are the MSP's own). */
export const INACTIVE_ACCOUNT_STATUS = /^\s*inactive\s*$/i;

/** README §4.1: accounts whose custom fields are read at the same time while the list is built. */
export const ACCOUNT_READS_AT_ONCE = 3;

/**
 * README §4.1: a custom field is cleared by writing an empty Value (Tigerpaw documents no
 * other way), and only the field that changes is sent (the others keep their values).
 */
export const CLEARED_FIELD_VALUE = '';

// ---------------------------------------------------------------- External Products

/**
 * README §4.2: an account is cross-referenced to the integration's External Product when one of
 * its External Product entries carries that product's name, compared trimmed and ignoring case.
 */
export function sameExternalProduct(a: string | null | undefined, b: string | null | undefined): boolean {
  return (a ?? '').trim().toLowerCase() === (b ?? '').trim().toLowerCase() && (a ?? '').trim() !== '';
}

/**
 * README §4.4: Tigerpaw refuses an additional charge for an account that is not cross-referenced
 * to the External Product of the integration's API user (the write runs as that External
 * Product). kmsp therefore reports such an account as not ready for billing before it posts.
 */
export const WRITE_NEEDS_CROSS_REFERENCE = true;

// ---------------------------------------------------------------- agreements and charges

/**
 * README §4.3: `GET /api/agreements/account/{n}` publishes no paging parameters but answers a
 * search envelope with NextRow. kmsp sends the simple searches' paging query with it and follows
 * NextRow when the answer gives one, so a server that pages it loses no agreement, and one that
 * ignores the query answers everything at once.
 */
export const ACCOUNT_AGREEMENTS_PAGED_LIKE_SEARCHES = true;

/** README §4.4: an additional charge's SpecialItemId is the price book ItemId, compared exactly. */
export function sameItem(specialItemId: string | null, itemId: string): boolean {
  return specialItemId !== null && specialItemId.trim() === itemId.trim();
}

/** README §4.4: a charge kmsp creates prints on the invoice even at quantity 0 (the line stays visible). */
export const NEW_CHARGE_PRINT_WHEN_ZERO = true;

// ---------------------------------------------------------------- service orders

/** README §4.6: Reference, BriefDescription, WorkRequested and note lengths (none published). */
export const REFERENCE_MAX = 50;
export const BRIEF_DESCRIPTION_MAX = 100;
export const WORK_REQUESTED_MAX = 8000;
export const NOTE_MAX = 8000;

/**
 * README §4.6: the statuses master table answers a list (the swagger says one object; a single
 * object is read as a list of one), and a status closes an order when its TicketChange is
 * "Close" (ignoring case).
 */
export function closesOrder(ticketChange: string | null): boolean {
  return (ticketChange ?? '').trim().toLowerCase() === 'close';
}

/**
 * README §4.6: a service order open in Tigerpaw's GUI is locked, and an update to it answers
 * HTTP 200 with Success:false and a Message naming the lock ("Service order 123 is locked by
 * Jane Smith"). The shape is not published: any refusal whose Message speaks of a lock is read
 * as one, and the rep is taken from the message or else from the order's ServiceOrderLock.
 */
export const LOCKED_MESSAGE = /\block(ed)?\b/i;
export const LOCKED_BY = /\blocked\s+by\s+(.+?)\s*\.?$/i;

/**
 * README §4.6: an update sends only the fields it changes; Tigerpaw leaves the omitted ones as
 * they are (partial update; not documented).
 */
export const PARTIAL_UPDATE = true;

/**
 * README §4.7: notes may be added to a locked order (the lock guards the order's fields, not its
 * notes).
 */
export const NOTES_ALLOWED_WHEN_LOCKED = true;

// ---------------------------------------------------------------- security rights

/**
 * README §3: the security rights each area needs, in Tigerpaw's words (the rights Kaspersky's
 * own integration asks for). Used in 403 remedies and by checkAccess.
 */
export const RIGHTS = {
  diagnostics: 'a valid REST API key pair (no right beyond it)',
  accounts: 'Accounts (get; update to write the tenant-name field)',
  customFields: 'Custom folders/fields (get, update)',
  agreements: 'Recurring agreements (get)',
  charges: 'Recurring agreements (get, create, update): additional charges are written through them',
  priceBook: 'Price book items (get)',
  masterTables: 'Master tables (get)',
  serviceOrders: 'Service orders (get, create, update)',
} as const;

export type RightsArea = keyof typeof RIGHTS;

// ---------------------------------------------------------------- price levels

/**
 * README §4.5: price levels flagged IsRepairLevel price service work (labour and parts on
 * service orders), not recurring charges, so they are not offered as an account's price level.
 * Tigerpaw documents the flag, not its use; kmsp infers it from its name.
 */
export function isRecurringPriceLevel(row: Readonly<Record<string, unknown>>): boolean {
  return row.IsRepairLevel !== true;
}

/**
 * README §2.3: criteria of one SearchType are ORed; how many one search takes is not documented.
 * Tag lookups send at most this many Reference criteria per search.
 */
export const REFERENCES_PER_SEARCH = 50;
