// Every Kaspersky Business Hub fact the connector relies on is assumed: Kaspersky publishes no API
// for Business Hub (README.md in this folder, §1). Each one lives here, once, with the README
// section it belongs to, so that when the real protocol is known this file (and hubApi.ts, which
// reads it) is where it changes.
import type { ActiveStatusDescription, EventSeverity, LicenseKeyType, LicenseUnit, SubscriptionState } from '../../domain/types.js';
import type { KES_CLOUD_STATUS_IDS } from '../../domain/profiles/kbh.js';

// ---------------------------------------------------------------- endpoints (README §3)

/** README §3: the API root below the connection's URL. */
export const API_ROOT = '/api/v1';

/** README §3: every path kmsp reads, below API_ROOT. Ids are percent-encoded by hubApi.ts. */
export const PATHS = {
  token: '/auth/token',
  account: '/account',
  companies: '/companies',
  workspaces: (companyId: string) => `/companies/${encodeURIComponent(companyId)}/workspaces`,
  products: '/licensing/products',
  licenses: (workspaceId: string) => `/workspaces/${encodeURIComponent(workspaceId)}/licenses`,
  devices: (workspaceId: string) => `/workspaces/${encodeURIComponent(workspaceId)}/devices`,
  events: (workspaceId: string) => `/workspaces/${encodeURIComponent(workspaceId)}/events`,
  protection: (workspaceId: string) => `/workspaces/${encodeURIComponent(workspaceId)}/office365/protection`,
} as const;

/**
 * README §1, §3: plain http only on a loopback host (where the simulator runs). Anywhere else the
 * password, the one-time code and the bearer tokens would cross the network in clear.
 */
export const PLAIN_HTTP_ONLY_ON_LOOPBACK = true;

// ---------------------------------------------------------------- field names (README §3)

/** README §3 › Errors: a failure answer's body is {"error": {"code", "message"}}. */
export const ERROR_FIELD = 'error';

/** README §3 › Paging: the query names and the answer's fields of every list. */
export const PAGING = { pageSize: 'pageSize', pageToken: 'pageToken', items: 'items', next: 'nextPageToken' } as const;

/** README §3 › Records: the query names of the event reads (the first read, and every later one). */
export const EVENT_QUERY = { afterSequence: 'afterSequence', raisedSince: 'raisedSince' } as const;

/** README §3 › Sign-in: the grant types and the body fields of POST /auth/token. */
export const GRANTS = { password: 'password', refresh: 'refresh_token' } as const;

// ---------------------------------------------------------------- error codes (README §3 › Errors)

export const ERROR_CODES = {
  invalidCredentials: 'invalid_credentials',
  otpRequired: 'otp_required',
  otpInvalid: 'otp_invalid',
  tokenExpired: 'token_expired',
  invalidToken: 'invalid_token',
  invalidGrant: 'invalid_grant',
  accountLocked: 'account_locked',
  forbidden: 'forbidden',
  notFound: 'not_found',
  rateLimited: 'rate_limited',
  unavailable: 'unavailable',
} as const;

/** README §3 › Sign-in: the answers to a data request after which a renewed token and one repeat may succeed. */
export const RENEW_AND_REPEAT_CODES: readonly string[] = [ERROR_CODES.tokenExpired, ERROR_CODES.invalidToken];

// ---------------------------------------------------------------- tokens and 2-step verification

/**
 * README §3 › Sign-in: the access token is renewed when less than this is left of it (the hub
 * says 3600 s per token; a request started with under five minutes left, a long paged read, must
 * not run out mid-way).
 */
export const RENEWAL_MARGIN_MS = 5 * 60_000;

/** README §3 › Sign-in: the lifetimes when an answer leaves them out (one hour; thirty days). */
export const DEFAULT_TOKEN_LIFETIME_SEC = 3600;
export const DEFAULT_REFRESH_LIFETIME_SEC = 30 * 86_400;

/** README §3 › Sign-in: the one-time code of an authenticator app (RFC 6238). */
export const TOTP = { algorithm: 'SHA1', digits: 6, periodSec: 30 } as const;

/**
 * README §3 › Sign-in: a one-time code is accepted once (`otp_invalid`: "wrong or used code").
 * Two sign-ins in the same 30-second step would send the same code, so the second waits for the
 * next step.
 */
export const ONE_TIME_CODE_SINGLE_USE = true;

/**
 * README §6: Business Hub locks an account after repeated failed sign-ins (account_locked; how
 * many and for how long is not published). A password it refused is not sent again by this
 * process for this long — the agent opens a connector for every pass, a ticket poll a minute —
 * while another password (the secret corrected) is sent at once.
 */
export const REFUSED_PASSWORD_PAUSE_MS = 30 * 60_000;

// ---------------------------------------------------------------- paging

/** README §3 › Paging: items asked for per page (the largest the hub serves: 1–500). */
export const PAGE_SIZE = 500;
export const MAX_PAGE_SIZE = 500;

/** Guards against a hub that never stops paging: at most this many pages per list. */
export const MAX_PAGES = 10_000;

// ---------------------------------------------------------------- workspaces

/** README §3 › Records: the workspace products kmsp reads. */
export const WORKSPACE_PRODUCTS = { kesCloud: 'KESCloud', office365: 'KSMO365' } as const;

/**
 * README §2: workspaces of KSC Cloud Console are not read. Their devices and licenses live in a
 * KSC (Open API) of their own that this connector does not speak; a company served that way is
 * connected as a KSC integration. The platform reports such a workspace (onWarning) and skips it,
 * as it skips any product not in WORKSPACE_PRODUCTS.
 */
export const KSC_CLOUD_CONSOLE_PRODUCT = 'KSCCloudConsole';

/** A workspace marked for deletion is no longer read for licenses, devices, events or protection. */
export const ACTIVE_STATE = 'active';

/**
 * README §3 › Records: event ids are unique across the hub (not only within a workspace), so the
 * wire id is the event's id in kmsp and in its ticket keys.
 */
export function eventIdOf(event: { id: string; workspaceId: string }): string {
  return event.id;
}

// ---------------------------------------------------------------- mapping tables (README §4)

/**
 * README §4: a KES Cloud status reason code → the shared catalog id (statusDescriptions.ts) the
 * profile's status rows use. A code not in this table is skipped (README §4 says where it is counted).
 */
export const REASON_STATUS_IDS: Readonly<Record<string, (typeof KES_CLOUD_STATUS_IDS)[number]>> = {
  ApplicationNotInstalled: 'app-not-installed',
  ApplicationNotRunning: 'app-not-running',
  RealTimeProtectionDisabled: 'rtp-not-running',
  DatabasesOutdated: 'databases-outdated',
  NotConnectedForLongTime: 'not-connected',
  EncryptionInvalid: 'encryption-invalid',
  LicenseExpired: 'license-expired',
  StatusDefinedByApplication: 'status-by-application',
};

/** README §4: a status reason's severity → kmsp's. */
export const REASON_SEVERITIES: Readonly<Record<string, ActiveStatusDescription['severity']>> = { Warning: 'warning', Critical: 'critical' };

/**
 * README §4: an Office 365 event or issue type → the row key of the profile's Office 365 section.
 * A type not in this table keeps its own type, which matches no row (it makes no ticket).
 */
export const OFFICE365_ROW_KEYS: Readonly<Record<string, string>> = {
  MailboxesProtectionNotProvided: 'mailbox-protection-not-provided',
  LicenseIssue: 'license-issue',
  MalwareDetected: 'malware-detected',
  PhishingDetected: 'phishing-detected',
  AttachmentFiltered: 'attachment-filtered',
};

/** README §4: event severities → kmsp's. */
export const EVENT_SEVERITIES: Readonly<Record<string, EventSeverity>> = {
  Critical: 'critical',
  FunctionalFailure: 'functional-failure',
  Warning: 'warning',
  Info: 'info',
};

/** README §4: license types → kmsp's key types. */
export const LICENSE_TYPES: Readonly<Record<string, LicenseKeyType>> = { trial: 'trial', commercial: 'commercial', subscription: 'subscription' };

/** README §4: subscription states → kmsp's. */
export const SUBSCRIPTION_STATES: Readonly<Record<string, SubscriptionState>> = {
  active: 'active',
  paused: 'paused',
  softCancelled: 'soft-cancelled',
  hardCancelled: 'hard-cancelled',
};

/** README §3: license and product units. */
export const UNITS: Readonly<Record<string, LicenseUnit>> = { device: 'device', user: 'user', mailbox: 'mailbox' };

/**
 * README §4: a subscription in its grace period (past `expiresAt`, before `graceEndsAt`) is not
 * billed: the customer's subscription has lapsed and the hub only keeps protection running while
 * it is renewed. So a key's expiry is `expiresAt`, never `graceEndsAt`.
 */
export const GRACE_PERIOD_BILLABLE = false;

// ---------------------------------------------------------------- the account's rights

/**
 * README §6: what the Business Hub account needs for each area kmsp reads (403 remedies and
 * checkAccess). The hub's role names are not published; an MSP administrator account sees every
 * company and its workspaces.
 */
export const RIGHTS = {
  companies: 'an MSP administrator account in Business Hub (it sees every company of the MSP)',
  workspaces: 'access to the company in Business Hub (MSP administrator, or the company assigned to the account)',
  devices: 'read access to the company’s Kaspersky Endpoint Security Cloud workspace',
  licenses: 'read access to the workspace’s licenses (Business Hub › the company › Licenses)',
  events: 'read access to the workspace’s events',
  protection: 'read access to the company’s Kaspersky Security for Microsoft Office 365 workspace',
  products: 'an MSP administrator account in Business Hub (the licensing catalog)',
  account: 'a Business Hub account (any role)',
} as const;

export type RightsArea = keyof typeof RIGHTS;
