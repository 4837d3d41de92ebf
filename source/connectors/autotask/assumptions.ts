// Every Autotask fact the connector relies on that the protocol brief
// (../shared/protocols/autotask.md, "the brief") marks UNCONFIRMED, or that we had
// to choose ourselves, lives here: one section per topic, each citing the brief.
// When a real tenant proves one wrong, this is the only file to change.

// ---------------------------------------------------------------- contracts

/**
 * Brief §4 Contracts: "contractType 7 = Recurring Service ([OFF] ContractServices page)".
 * Confirmed by the official page; kept here because everything billing-related hangs on it.
 */
export const RECURRING_SERVICE_CONTRACT_TYPE = 7;

/**
 * Brief §4 Contracts: status "1 = Active is common (DJ) but UNCONFIRMED".
 * We read the Contracts `status` picklist and treat the value labelled "Active" as active;
 * only when the picklist cannot be read do we fall back to this value.
 */
export const CONTRACT_STATUS_ACTIVE_LABEL = /^active$/i;
export const CONTRACT_STATUS_ACTIVE_FALLBACK = '1';

/**
 * Labels used only when the Contracts `contractType` picklist lacks a value. Brief §4:
 * "Six types in total"; the numbering beyond 7 is UNCONFIRMED, hence the picklist first.
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
 * Brief §4 BillingCodes: "Type 1 = work types ([OFF] BillingCodes page); read the other
 * useType values from the picklist". We look for the `useType` picklist value labelled
 * "Work Type" and fall back to 1 when the picklist has no such label.
 */
export const WORK_TYPE_USE_TYPE_LABEL = /^work\s*types?$/i;
export const WORK_TYPE_USE_TYPE_FALLBACK = '1';

// ---------------------------------------------------------------- ticket notes

/** Brief §4 TicketNotes: "publish … 1 = All Autotask Users, 2 = Internal Users per DJ models.Note". */
export const NOTE_PUBLISH_ALL_AUTOTASK_USERS = 1;

/**
 * Brief §4 TicketNotes: noteType is a required picklist whose values are tenant-specific
 * (no documented value). We use the picklist's default value, else its first active value,
 * else this fallback — UNCONFIRMED.
 */
export const NOTE_TYPE_FALLBACK = 1;

// ---------------------------------------------------------------- tickets

/**
 * Brief §4 Tickets: externalID is "a candidate idempotency tag, but queryability and length
 * are UNCONFIRMED". We tag tickets with it and find them with an `eq` query on it.
 */
export const TICKET_TAG_FIELD = 'externalID';

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
 * Brief §2.3: whether the body must be re-sent when POSTing to `nextPageUrl` is UNCONFIRMED;
 * "Re-sending is the safe choice" (WYRE, KTPS do it).
 */
export const RESEND_BODY_ON_NEXT_PAGE = true;

/** Brief §2.2: MaxRecords is 1–500. */
export const MAX_RECORDS = 500;

/** Guards against a server that never stops paging (GO caps at 1,000 pages). */
export const MAX_PAGES = 2000;

/**
 * Whether IncludeFields may name `userDefinedFields` is UNCONFIRMED (brief §2.2 lists no such
 * case), so queries that need UDFs (Companies) fetch whole records instead.
 */
export const INCLUDE_FIELDS_CAN_NAME_UDFS = false;

// ---------------------------------------------------------------- UDF writes

/**
 * Brief §2.5: "PATCH changes only the listed UDFs". Clearing a UDF by sending `null` is
 * UNCONFIRMED; it is what the API's JSON model allows (UserDefinedField.Value is nullable).
 */
export const UDF_CLEAR_VALUE: null = null;

// ---------------------------------------------------------------- limits

/**
 * Brief §3: thread-limit rejections "carry Itgenatr005 / 'thread threshold … exceeded' and may
 * arrive with a non-429 status" (N8N retryHandler.ts; n8n PR #107).
 */
export const THREAD_LIMIT_PATTERN = /Itgenatr005|thread threshold[^"]*exceeded/i;

/** Brief §3: "3 concurrent threads per (tracking ID + object endpoint)" ([OFF] AT-THREAD). */
export const THREADS_PER_ENDPOINT = 3;

/**
 * Brief §3: Autotask adds ~0.5 s per call at 50–74.99% and ~1 s at ≥75% of the hourly
 * threshold (UNCONFIRMED table). From 75% on we pace ourselves (see budget.ts).
 */
export const PACE_FROM_RATIO = 0.75;

/** Brief §3: "10,000 requests/hour per database" — only used when ThresholdInformation is unreadable. */
export const DEFAULT_THRESHOLD = { limit: 10_000, timeframeMinutes: 60 } as const;

// ---------------------------------------------------------------- dates

/**
 * Brief §2.6 ([OFF] AT-CALLS): date-only fields such as effectiveDate are not time-zone
 * converted; send the intended calendar date at midnight.
 */
export function dateOnly(date: string): string {
  return `${date}T00:00:00`;
}
