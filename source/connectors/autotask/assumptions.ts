// Every Autotask fact the connector relies on that is UNCONFIRMED (README.md in this
// folder, §6, lists them all), or that we had
// to choose ourselves, lives here: one section per topic, each citing the README section.
// When a real tenant proves one wrong, this is the only file to change.

// ---------------------------------------------------------------- contracts

/**
 * README §4.2: contractType 7 is Recurring Service ([OFF] ContractServices page).
 * Confirmed by the official page; kept here because everything billing-related hangs on it.
 */
export const RECURRING_SERVICE_CONTRACT_TYPE = 7;

/**
 * README §4.2: which status value means Active is UNCONFIRMED (1 in DJ's data).
 * We read the Contracts `status` picklist and treat the value labelled "Active" as active;
 * only when the picklist cannot be read do we fall back to this value.
 */
export const CONTRACT_STATUS_ACTIVE_LABEL = /^active$/i;
export const CONTRACT_STATUS_ACTIVE_FALLBACK = '1';

/**
 * Labels used only when the Contracts `contractType` picklist lacks a value. README §4.2:
 * there are six types; the numbering beyond 7 is UNCONFIRMED, hence the picklist first.
 */
export const CONTRACT_TYPE_FALLBACK_LABELS: Readonly<Record<string, string>> = {
  '1': 'Time & Materials',
  '3': 'Fixed Price',
  '4': 'Block Hours',
  '6': 'Retainer',
  '7': 'Recurring Service',
  '8': 'Per Ticket',
};

// ---------------------------------------------------------------- work types

/**
 * README §4.7: use type 1 is work types ([OFF] BillingCodes page); the other
 * useType values are read from the picklist. We look for the `useType` picklist value labelled
 * "Work Type" and fall back to 1 when the picklist has no such label.
 */
export const WORK_TYPE_USE_TYPE_LABEL = /^work\s*types?$/i;
export const WORK_TYPE_USE_TYPE_FALLBACK = '1';

/**
 * ContractServiceUnits period boundaries (README §4.4: startDate/endDate, but not their
 * convention): whether a tenant stores a period's endDate as its last day (Jan 1 – Jan 31)
 * or as the next period's start (Jan 1 – Feb 1) is UNCONFIRMED. With the second, the
 * filter `startDate ≤ d ≤ endDate` matches two periods on every boundary day. kmsp
 * therefore takes, per service, the period with the latest startDate ≤ d; a period that
 * only touches d with its endDate (startDate < d = endDate, no period starting on d)
 * counts only while d is within the contract's own dates (contract endDate is the last
 * day, as the UI shows it). Two different rows still left for one service are an error,
 * never a sum. (Implemented in entities/contracts.ts, currentQuantities; the simulator
 * models both conventions with the fixture option `periodEnds`.)
 */

/**
 * KmspError.code of "the contract has no service period containing the date" (contract
 * ended, not started, or its periods not created yet): a billing run must skip such a
 * contract, never read it as 0 units.
 */
export const NO_SERVICE_PERIOD = 'no-service-period';

// ---------------------------------------------------------------- ticket notes

/** README §4.6: publish 1 = all Autotask users, 2 = internal users (per DJ's Note model). */
export const NOTE_PUBLISH_ALL_AUTOTASK_USERS = 1;

/**
 * README §4.6: noteType is a required picklist whose values are tenant-specific
 * (no documented value). We use the picklist's default value, else its first active value,
 * else this fallback — UNCONFIRMED.
 */
export const NOTE_TYPE_FALLBACK = 1;

// ---------------------------------------------------------------- tickets

/**
 * README §4.5: externalID can carry an idempotency tag, but whether it can be queried and its length
 * are UNCONFIRMED. We tag tickets with it and find them with an `eq` query on it.
 */
export const TICKET_TAG_FIELD = 'externalID';

/**
 * README §4.5: externalID's length is UNCONFIRMED. kmsp reads it from
 * Tickets/entityInformation/fields (`length`, when above 0) and otherwise assumes 50
 * characters — short enough for the SOAP-era limit reported for ExternalID. A tag longer
 * than the limit is refused before anything is sent (Autotask could refuse it or cut it,
 * and a cut tag is never found again); callers fit long keys with fitTag (domain/ticketKeys.ts).
 */
export const TICKET_TAG_MAX_FALLBACK = 50;

/**
 * Field lengths (Autotask UI/SOAP metadata: title 255, description 8000) — UNCONFIRMED for
 * REST. Longer texts are cut with an ellipsis rather than refused, so a long event
 * description never blocks a ticket.
 */
export const TICKET_TITLE_MAX = 255;
export const TICKET_DESCRIPTION_MAX = 8000;
export const NOTE_TITLE_MAX = 250;
export const NOTE_DESCRIPTION_MAX = 32000;

// ---------------------------------------------------------------- queries and paging

/**
 * README §2.3: whether the body must be re-sent when POSTing to `nextPageUrl` is UNCONFIRMED;
 * sending it again is the safe choice (WYRE and KTPS do).
 */
export const RESEND_BODY_ON_NEXT_PAGE = true;

/** README §2.2: MaxRecords is 1–500. */
export const MAX_RECORDS = 500;

/**
 * Values in one `in` list. README §2.2 caps a query at 500 OR conditions; whether an `in` list
 * counts towards it is UNCONFIRMED, so lists stay well below it. Contracts per units query: with
 * a few services each, one chunk's rows mostly fit one 500-record page.
 */
export const IN_LIST_MAX = 200;
export const UNITS_QUERY_CONTRACTS = 200;

/** Guards against a server that never stops paging (GO caps at 1,000 pages). */
export const MAX_PAGES = 2000;

/**
 * Whether IncludeFields may name `userDefinedFields` is UNCONFIRMED (README §2.2: no source shows such a
 * case), so queries that need UDFs (Companies) fetch whole records instead.
 */
export const INCLUDE_FIELDS_CAN_NAME_UDFS = false;

// ---------------------------------------------------------------- UDF writes

/**
 * README §2.5: a PATCH changes only the UDFs it lists. Clearing a UDF by sending `null` is
 * UNCONFIRMED; it is what the API's JSON model allows (UserDefinedField.Value is nullable).
 */
export const UDF_CLEAR_VALUE: null = null;

// ---------------------------------------------------------------- failures and unknown outcomes

/**
 * README §3.1: Autotask answers most failures, validation included, with HTTP 500
 * {"errors":[…]}. A 5xx to a write is read as "refused, nothing applied" only when a message
 * matches one of these texts (README §3.1 and §4, and the refusals the simulator models);
 * any other 5xx to a write — a generic server error, a gateway page, an empty body — may
 * have been applied and is reported as outcome unknown (KmspError.outcomeUnknown). The list
 * is an allowlist on purpose: an unlisted refusal costs a manual check, an unlisted crash
 * read as a refusal could cost a double posting. UNCONFIRMED which texts a tenant shows.
 */
export const KNOWN_REFUSALS: readonly RegExp[] = [
  /IntegrationCode is invalid/i,
  /Zone information could not be determined/i,
  /adequate permissions/i,
  /Unable to find \S+ in the \S+ Entity/i,
  /Value cannot be null/i,
  /\bis required\b|\bare required\b/i,
  /exceeds the maximum length/i,
  /is not a valid|is not valid|Invalid value|Invalid date/i,
  /is inactive|for the inactive/i,
  /does not exist|No matching records found/i,
  /outside the contract/i,
  /approved and posted/i,
  /can only be (made|added) to Recurring Service/i,
  /does not (belong to|reference|match)/i,
  /already part of the contract/i,
  /would leave -?\d+ units/i,
  /No contract period contains/i,
];

/**
 * A 404 is "no such route" rather than "no such record" (README §3.1: sources disagree on
 * unknown ids) when the body is the web framework's message (ASP.NET Web API: "No HTTP
 * resource was found that matches the request URI", as the simulator answers) or not JSON
 * at all (an IIS or proxy page). Such a 404 points at the zone/API URL, not at a deleted
 * record. UNCONFIRMED beyond these shapes.
 */
export const ROUTE_NOT_FOUND_PATTERN = /No HTTP resource was found|No type was found that matches the controller|resource you are looking for (has been removed|cannot be found)|File or directory not found/i;

// ---------------------------------------------------------------- URLs

/**
 * The connector sends the API user's secret in a header on every call (README §1): a zone,
 * zone discovery or API URL must be https. Plain http is allowed only on loopback
 * (localhost, 127.0.0.0/8, ::1), where the simulator runs.
 */
export const PLAIN_HTTP_ONLY_ON_LOOPBACK = true;

// ---------------------------------------------------------------- limits

/**
 * README §3.3: thread-limit rejections carry Itgenatr005 / "thread threshold … exceeded" and may
 * arrive with a status other than 429 (N8N retryHandler.ts; n8n PR #107).
 */
export const THREAD_LIMIT_PATTERN = /Itgenatr005|thread threshold[^"]*exceeded/i;

/** README §3.3: 3 concurrent requests per tracking identifier and endpoint ([OFF] AT-THREAD). */
export const THREADS_PER_ENDPOINT = 3;

/**
 * README §3.2: Autotask adds ~0.5 s per call at 50–74.99% and ~1 s at ≥75% of the hourly
 * threshold (UNCONFIRMED table). From 75% on we pace ourselves (see budget.ts).
 */
export const PACE_FROM_RATIO = 0.75;

/**
 * From 90% of the hourly threshold kmsp sends no request (budget.ts): the last 10% is left to the
 * MSP's other integrations of the same database. kmsp's work waits for the next pass; theirs may
 * not be able to wait. A choice of kmsp's, not Autotask's.
 */
export const RESERVE_FROM_RATIO = 0.9;

/** README §3.2: 10,000 requests per hour per database — only used when ThresholdInformation is unreadable. */
export const DEFAULT_THRESHOLD = { limit: 10_000, timeframeMinutes: 60 } as const;

// ---------------------------------------------------------------- dates

/**
 * README §2.6 ([OFF] AT-CALLS): date-only fields such as effectiveDate are not time-zone
 * converted; send the intended calendar date at midnight.
 */
export function dateOnly(date: string): string {
  return `${date}T00:00:00`;
}
