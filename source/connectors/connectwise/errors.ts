// Turns ConnectWise's failure answers into KmspErrors that say what failed, why and what to do
// (README › When something fails, at the repository root; README §3 here). ConnectWise answers
// failures with an HTTP status that means what it says and a body {code, message, errors[]}
// (the 429 body is {error, message} instead).
import { KmspError } from '../../domain/errors.js';
import { outcomeUnknownError as sharedOutcomeUnknownError, parseRetryAfter, type HttpResponse, type OutcomeUnknownOptions } from '../http.js';
import type { Redactor } from '../redact.js';
import { PERMISSIONS, RECORD_NOT_FOUND_CODE, type PermissionArea } from './assumptions.js';

export interface ErrorEntry {
  code: string | null;
  message: string | null;
  field: string | null;
  resource: string | null;
}

export interface ErrorBody {
  code: string | null;
  message: string | null;
  errors: ErrorEntry[];
}

const text = (v: unknown): string | null => (typeof v === 'string' && v.trim() !== '' ? v : null);

/** The error body of a failure answer; null when the body is not ConnectWise's JSON. */
export function errorBody(response: Pick<HttpResponse, 'text'>): ErrorBody | null {
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const r = body as Record<string, unknown>;
  const code = text(r.code) ?? text(r.error);
  const message = text(r.message) ?? text(r.Message);
  if (code === null && message === null) return null;
  const errors = Array.isArray(r.errors)
    ? r.errors.map((e) => {
        const x = (typeof e === 'object' && e !== null ? e : { message: String(e) }) as Record<string, unknown>;
        return { code: text(x.code), message: text(x.message), field: text(x.field), resource: text(x.resource) };
      })
    : [];
  return { code, message, errors };
}

/** One line per errors[] entry: "field: message (code)". */
function describeEntries(entries: ErrorEntry[]): string[] {
  return entries.map((e) => {
    const where = e.field ? `${e.resource ? `${e.resource}.` : ''}${e.field}` : e.resource;
    const what = e.message ?? e.code ?? 'invalid';
    return `${where ? `${where}: ` : ''}${what}${e.code && e.message ? ` (${e.code})` : ''}`;
  });
}

/** The body's code, message and each errors[] entry as one cause text, secrets removed. */
export function describeBody(body: ErrorBody | null, redactor: Redactor): string | null {
  if (!body) return null;
  const head = [body.code, body.message].filter(Boolean).join(': ');
  const entries = describeEntries(body.errors);
  const all = [head, ...entries].filter(Boolean).join('; ');
  return all ? redactor.text(all) : null;
}

/** A 404 for a record that does not exist, as opposed to a wrong address or (on cloud) bad keys (README §3.2). */
export function isRecordNotFound(response: HttpResponse): boolean {
  if (response.status !== 404) return false;
  const body = errorBody(response);
  return body !== null && body.code !== null && RECORD_NOT_FOUND_CODE.test(body.code);
}

export const CREDENTIALS_REMEDY =
  'Check the company id, the public key and the private key of kmsp\'s API member (System › Members › API Members › the member › API Keys; a private key is shown only once, so create a new key pair if in doubt), and that the clientId is your registered GUID.';

export interface ErrorContext {
  /** What kmsp was doing, e.g. "list companies". */
  action: string;
  redactor: Redactor;
  companyId: string;
  /** The permission area the request needs, for 403 remedies. */
  area?: PermissionArea;
  /** Writes: what to look at in ConnectWise when the outcome is unknown. */
  check?: string;
  /** True when the path names one record (…/{id}): a 404 there may be "no such record". */
  item?: boolean;
}

/** A write that failed in a way that does not tell whether ConnectWise carried it out (KmspError.outcomeUnknown). */
export function outcomeUnknownError(action: string, cause: string, options: OutcomeUnknownOptions): KmspError {
  return sharedOutcomeUnknownError('ConnectWise', action, cause, options);
}

/** A failure answer as a KmspError. */
export function responseError(response: HttpResponse, ctx: ErrorContext): KmspError {
  const body = errorBody(response);
  const cause = describeBody(body, ctx.redactor);
  const raw = ctx.redactor.text(response.text.slice(0, 300)).trim();
  const detail = cause ?? (raw || undefined);
  const status = response.status;
  const what = `ConnectWise refused to ${ctx.action}`;
  const message = body?.message ? ctx.redactor.text(body.message) : null;
  const withDetail = detail ? { detail } : {};

  // Set by the HTTP layer on a 5xx to a write: it may have been carried out.
  if (response.outcomeUnknown) {
    return outcomeUnknownError(ctx.action, `ConnectWise answered HTTP ${status}${cause ? ` "${cause}"` : ' without an error message'}, which does not say whether the change was made`, {
      ...(ctx.check ? { check: ctx.check } : {}),
      ...(cause ? {} : withDetail),
      code: status,
    });
  }

  if (body?.code && /^security$/i.test(body.code)) {
    return new KmspError(`${what}: ${message ?? 'a security rule refused the request'}`, {
      kind: 'config',
      cause: cause ?? `HTTP ${status}`,
      remedy:
        'Use https:// and the API host of your region in the site URL: cloud tenants need the api- prefix (https://api-na.myconnectwise.net, api-eu, api-au), not the host you sign in to in the browser.',
      code: status,
    });
  }
  // README §1.3: every call needs the integration's registered clientId.
  if ((status === 400 || status === 401 || status === 403) && message && /client\s*id/i.test(message)) {
    return new KmspError(`${what}: the clientId was refused`, {
      kind: 'config',
      cause: cause ?? `HTTP ${status}`,
      remedy:
        'Enter the clientId GUID your organisation registered for its integration (developer.connectwise.com › ClientID) in the ConnectWise connection settings, then test the connection again.',
      code: status,
    });
  }
  if (status === 401) {
    return new KmspError(`${what}: the API member's keys were rejected`, {
      kind: 'auth',
      cause: cause ? `HTTP 401 for company "${ctx.companyId}": ${cause}` : `HTTP 401 for company "${ctx.companyId}"`,
      remedy: CREDENTIALS_REMEDY,
      code: status,
    });
  }
  if (status === 403) {
    const permission = ctx.area ? PERMISSIONS[ctx.area] : null;
    return new KmspError(`${what}: the API member's security role does not allow it`, {
      kind: 'permission',
      cause: cause ? `HTTP 403: ${cause}` : 'HTTP 403',
      remedy: permission
        ? `The API member's security role lacks ${permission}. Grant it in System › Security Roles (the role of kmsp's API member), then test the connection again.`
        : 'Grant kmsp\'s API member a security role that allows this (System › Security Roles), then test the connection again.',
      code: status,
    });
  }
  if (status === 404) {
    if (ctx.item && isRecordNotFound(response)) {
      return new KmspError(`${what}: no such record`, {
        kind: 'not-found',
        cause: cause ?? 'HTTP 404',
        remedy: 'The record may have been deleted in ConnectWise; refresh the lists in kmsp and choose again.',
        code: status,
      });
    }
    // On cloud hosts bad keys may come back as 404; so does a wrong codebase or site.
    return new KmspError(`${what}: ConnectWise answered "not found" (HTTP 404)`, {
      kind: 'auth',
      cause: `the API answered 404 for ${ctx.redactor.text(response.url)}${cause ? ` (${cause})` : ''}; ConnectWise cloud answers this way for rejected keys as well as for a wrong site or codebase`,
      remedy: `${CREDENTIALS_REMEDY} If they are right, check the site URL and clear the codebase override so kmsp discovers it.`,
      code: status,
    });
  }
  if (status === 409) {
    return new KmspError(`${what}: the record is in use or was changed meanwhile (HTTP 409)`, {
      kind: 'vendor',
      cause: cause ?? 'HTTP 409',
      remedy: 'Someone may have the record open in ConnectWise; kmsp tries again on its next run.',
      code: status,
    });
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    return new KmspError(`ConnectWise kept answering "429 Too Many Requests" to ${ctx.action}`, {
      kind: 'rate-limit',
      cause: cause ?? 'ConnectWise rate-limited the requests (about 1,000 requests a minute are allowed per integration)',
      remedy: retryAfterMs !== null ? `Retry after ${new Date(Date.now() + retryAfterMs).toISOString()}; other integrations may be using the same ConnectWise.` : 'Retry in a few minutes; other integrations may be using the same ConnectWise.',
      code: status,
    });
  }
  if (status === 400 && body?.code && /invalidobject/i.test(body.code)) {
    return new KmspError(`${what}: ${message ?? 'the record is invalid'}`, {
      kind: 'vendor',
      cause: cause ?? 'InvalidObject',
      remedy: 'Nothing was changed. Correct what ConnectWise names (a value kmsp uses may have been changed or removed in ConnectWise, e.g. a board, status or product), then retry.',
      code: status,
    });
  }
  if (status >= 400 && status < 500) {
    return new KmspError(`${what}${message ? `: ${message}` : `: HTTP ${status}`}`, {
      kind: 'vendor',
      cause: cause ?? `ConnectWise answered HTTP ${status} without an error message`,
      remedy: 'Nothing was changed. Correct what ConnectWise names, then retry; if it names nothing kmsp can change, report this to the kmsp maintainers.',
      ...(cause ? {} : withDetail),
      code: status,
    });
  }
  return new KmspError(`${what}: HTTP ${status}`, {
    kind: 'vendor',
    cause: cause ?? `ConnectWise answered HTTP ${status} without an error message`,
    remedy: 'ConnectWise may be having trouble; kmsp asks again on its next run.',
    ...(cause ? {} : withDetail),
    code: status,
  });
}
