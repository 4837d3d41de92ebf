// Every ConnectWise Manage fact the connector relies on that is UNCONFIRMED (README.md in
// this folder, §7, lists them all), or that kmsp had to choose itself, lives here: one
// section per topic, each citing the README section. When a real ConnectWise tenant proves
// one wrong, this is the only file to change.

// ---------------------------------------------------------------- versioning

/**
 * README §1.4: the model version pinned in the Accept header. The spec extract the protocol
 * tests check requests against (fixtures/specs/connectwise-manage-get-subset.extract.json) is
 * this version, so the field names kmsp sends are the ones it describes. How a server older
 * than the pinned version answers is UNCONFIRMED (the vendor keeps a version for 12 months).
 */
export const API_VERSION = '2026.4';

export const ACCEPT_HEADER = `application/vnd.connectwise.com+json; version=${API_VERSION}`;

// ---------------------------------------------------------------- lists and paging

/** README §2.3: the largest page ConnectWise serves. */
export const PAGE_SIZE = 1000;

/** Guards against a server that never stops paging (1,000 pages of 1,000 records). */
export const MAX_PAGES = 1000;

/**
 * README §2.2: how a double quote or a backslash inside a quoted `conditions` string is
 * escaped is UNCONFIRMED. kmsp escapes both with a backslash and, wherever it searches by a
 * string (ticket tags), compares the answers exactly itself, so a server that reads the
 * escape differently can at worst miss a record, never hand kmsp the wrong one.
 */
export const CONDITION_STRING_ESCAPE = /["\\]/g;

// ---------------------------------------------------------------- companies

/**
 * README §4.1: a company is active when its status is. The status list
 * (/company/companies/statuses) carries inactiveFlag; a status kmsp cannot find there is
 * judged by its name, and these names read as inactive (ConnectWise ships "Inactive" and
 * "Not Approved"; tenants add their own). UNCONFIRMED beyond those two names.
 */
export const INACTIVE_COMPANY_STATUS_NAME = /\binactive\b|^\s*not approved\s*$/i;

// ---------------------------------------------------------------- agreements and additions

/**
 * README §4.2: agreementStatus values that mean the agreement no longer runs. Which of them
 * ConnectWise derives from the dates by itself (Expired) is UNCONFIRMED; kmsp reads them as
 * given.
 */
export const ENDED_AGREEMENT_STATUSES: ReadonlySet<string> = new Set(['cancelled', 'expired', 'inactive']);

/**
 * README §4.3: an addition kmsp creates is billed to the customer ("Billable" is one of the
 * three documented values; the agreement's own defaults are not read).
 */
export const NEW_ADDITION_BILL_CUSTOMER = 'Billable';

/**
 * README §4.3: an addition without an effectiveDate is read as in effect since the agreement
 * began (UNCONFIRMED whether ConnectWise ever stores one without it).
 */
export const ADDITION_WITHOUT_EFFECTIVE_DATE_IS_IN_EFFECT = true;

/**
 * README §4.3 (decision): a quantity change is written in place (PATCH quantity), never as
 * cancel-and-re-add, and an addition is never deleted: 0 stays a 0-quantity addition, so the
 * addition kmsp manages keeps one id for the agreement's life.
 */
export const QUANTITY_CHANGE_IN_PLACE = true;

// ---------------------------------------------------------------- tickets

/** README §4.5: summary and externalXRef hold 100 characters (vendor OpenAPI). */
export const TICKET_SUMMARY_MAX = 100;
export const TICKET_TAG_MAX = 100;

/**
 * README §2.2: keep URLs under about 2,000 characters. A tag lookup of many tickets puts its
 * `externalXRef in (…)` list in the URL: at most this many characters of it, encoded, per request.
 */
export const TAG_LIST_URL_CHARS = 1_500;

/**
 * README §4.5: initialDescription and note text have no published length; 8,000 characters
 * is an assumption (the ConnectWise profile's descriptionMax). Longer texts are cut with "…".
 */
export const TICKET_DESCRIPTION_MAX = 8000;
export const NOTE_TEXT_MAX = 8000;

/**
 * README §4.6: kmsp's notes are internal analysis notes (visible to the MSP's staff, not to the
 * customer's portal). ConnectWise rejects a note with none of detail, internal analysis or
 * resolution flagged (UNCONFIRMED); internal analysis is the flag kmsp sets.
 */
export const NOTE_FLAGS = { internalAnalysisFlag: true } as const;

/**
 * README §4.5: a close refused with HTTP 409 means the record is in use (a person has the
 * ticket open, a workflow holds it): the close is deferred to the next pass, not failed.
 * UNCONFIRMED which other answers mean the same.
 */
export const CLOSE_DEFERRED_STATUSES: ReadonlySet<number> = new Set([409]);

// ---------------------------------------------------------------- failures

/**
 * README §3.2: on cloud hosts bad credentials may answer 404 instead of 401. A 404 is read as
 * "no such record" only when its body is ConnectWise's error object with a code reading
 * NotFound (this pattern); any other 404 (a list path, an empty or foreign body) points at the
 * credentials or the site/codebase. UNCONFIRMED exact code text.
 */
export const RECORD_NOT_FOUND_CODE = /^not\s*found$/i;

/**
 * README §3.3: the security-role permission each area needs, as named in ConnectWise's
 * Security Roles screen (module › function: level). UNCONFIRMED wording; used in the
 * remedies of 403 answers and by checkPermissions.
 */
export const PERMISSIONS = {
  companies: 'Companies › Company Maintenance (Inquire; Edit to write the tenant-name field)',
  agreements: 'Finance › Agreements (Inquire)',
  additions: 'Finance › Agreements (Inquire, Add and Edit: agreement additions are written through it)',
  catalog: 'Procurement › Product Catalog (Inquire)',
  boards: 'System › Table Setup (Inquire), for boards, statuses, types, subtypes, items, priorities and sources',
  tickets: 'Service Desk › Service Tickets (Inquire, Add and Edit)',
  system: 'none beyond a valid API member (reading /system/info)',
} as const;

export type PermissionArea = keyof typeof PERMISSIONS;

// ---------------------------------------------------------------- URLs

/**
 * README §1.1: the private key travels (Basic auth) with every call, so the site must be
 * https; plain http is allowed only on loopback (localhost, 127.0.0.0/8, ::1), where the
 * simulator runs.
 */
export const PLAIN_HTTP_ONLY_ON_LOOPBACK = true;

/** README §1.1: cloud hosts answer the API only with the api- prefix (na, eu, au …). */
export const CLOUD_HOST_WITHOUT_API_PREFIX = /^(na|eu|au)\.myconnectwise\.net$|^staging\.connectwisedev\.com$/i;
