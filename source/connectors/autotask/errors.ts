// Turns Autotask's failure answers into KmspErrors that say what failed, why and
// what to do (README › When something fails, at the repository root). Autotask reports most failures as HTTP 500 with
// {"errors":[…]} (README §3.1), so the text decides the kind more than the status.
import { KmspError } from '../../domain/errors.js';
import { outcomeUnknownError as sharedOutcomeUnknownError, type HttpResponse, type OutcomeUnknownOptions } from '../http.js';
import type { Redactor } from '../redact.js';
import { KNOWN_REFUSALS, ROUTE_NOT_FOUND_PATTERN, THREAD_LIMIT_PATTERN } from './assumptions.js';

/** The messages of an `{"errors":[…]}` body (also `{"Message":…}` from the web framework, e.g. 405). */
export function errorMessages(text: string): string[] {
  try {
    const body = JSON.parse(text) as unknown;
    if (typeof body !== 'object' || body === null) return [];
    const r = body as Record<string, unknown>;
    if (Array.isArray(r.errors)) return r.errors.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)));
    for (const key of ['Message', 'message', 'error']) if (typeof r[key] === 'string') return [r[key] as string];
    return [];
  } catch {
    return [];
  }
}

/** True when a body is Autotask's own error answer, {"errors":[…]}. */
export function hasErrorsArray(text: string): boolean {
  try {
    const body = JSON.parse(text) as unknown;
    return typeof body === 'object' && body !== null && Array.isArray((body as Record<string, unknown>).errors);
  } catch {
    return false;
  }
}

/** True for a thread-limit rejection, whatever its status (README §3.3): the server did not process it. */
export function isThreadLimit(response: HttpResponse): boolean {
  return response.status !== 200 && THREAD_LIMIT_PATTERN.test(response.text);
}

/**
 * True for a failure answer that says Autotask checked the request and refused it, so a
 * write was not applied: a message from KNOWN_REFUSALS (assumptions.ts). The HTTP layer
 * asks this of every 5xx to a write; any other 5xx leaves the write's outcome unknown.
 */
export function isKnownRefusal(response: HttpResponse): boolean {
  if (response.status === 200) return false;
  return errorMessages(response.text).some((m) => KNOWN_REFUSALS.some((p) => p.test(m)));
}

/** A 404 for an unknown route (wrong zone/API URL), as opposed to an unknown record (see assumptions.ts). */
export function isRouteNotFound(response: HttpResponse): boolean {
  if (response.status !== 404) return false;
  const text = response.text.trim();
  if (!text) return false;
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return true; // an IIS or proxy page, not Autotask's API
  }
  if (typeof body !== 'object' || body === null) return true;
  const r = body as Record<string, unknown>;
  if (Array.isArray(r.errors) || 'item' in r) return false;
  return errorMessages(text).some((m) => ROUTE_NOT_FOUND_PATTERN.test(m));
}

const AUTH_REMEDY =
  'Check the Autotask API user: its username and secret (Admin › Resources › the API user › Security), that its security level is "API User (API-only)", and that its API tracking identifier is the integration code kmsp uses.';

export interface ErrorContext {
  /** What we were doing, e.g. "list companies". */
  action: string;
  redactor: Redactor;
  username: string;
  impersonating: boolean;
  /**
   * For writes: what to look at in Autotask when the outcome is unknown (which contract
   * and service, which ticket), added to the remedy.
   */
  check?: string;
  /** The setting a route-level 404 points at (default: the zone URL). */
  urlSetting?: string;
}

/** Why an unknown outcome arose, for the message. */
function unknownReason(code: number, messages: string[]): string {
  if (messages.length) return `Autotask answered HTTP ${code} "${messages.join('; ')}", which is not a refusal kmsp recognises`;
  return `Autotask answered HTTP ${code} without an error message kmsp recognises (a gateway or server failure)`;
}

/** A write that failed in a way that does not tell whether Autotask carried it out (KmspError.outcomeUnknown). */
export function outcomeUnknownError(action: string, cause: string, options: OutcomeUnknownOptions): KmspError {
  return sharedOutcomeUnknownError('Autotask', action, cause, options);
}

/** A non-200 answer as a KmspError. Rate-limit answers are handled by the caller (it knows the budget). */
export function responseError(response: HttpResponse, ctx: ErrorContext): KmspError {
  const messages = errorMessages(response.text).map((m) => ctx.redactor.text(m));
  const joined = messages.join(' ');
  const detail = messages.length ? messages.join('; ') : ctx.redactor.text(response.text.slice(0, 300)) || undefined;
  const what = `Autotask refused to ${ctx.action}`;
  const code = response.status;

  // Set by the HTTP layer on a 5xx to a write that is neither a limit nor a recognised refusal.
  if (response.outcomeUnknown) {
    return outcomeUnknownError(ctx.action, unknownReason(code, messages), {
      ...(ctx.check ? { check: ctx.check } : {}),
      ...(messages.length ? {} : detail ? { detail } : {}),
      code,
    });
  }

  if (/IntegrationCode is invalid/i.test(joined)) {
    return new KmspError(`${what}: the API integration code (tracking identifier) is not valid`, {
      kind: 'auth',
      cause: 'Autotask did not recognise the integration code sent in the ApiIntegrationCode header',
      remedy:
        'Copy the API tracking identifier from the API user (Admin › Resources › the API user › Security › API Tracking Identifier) into kmsp\'s Autotask integration code secret, then test the connection again.',
      ...(detail ? { detail } : {}),
      code,
    });
  }
  if (/Zone information could not be determined/i.test(joined)) {
    return new KmspError(`Autotask does not know the user "${ctx.username}"`, {
      kind: 'auth',
      cause: 'zone discovery found no Autotask database for this username',
      remedy: 'Enter the API user\'s full username exactly as shown in Autotask (usually an e-mail-like name such as api@yourcompany.com), or set the zone URL directly.',
      ...(detail ? { detail } : {}),
      code,
    });
  }
  if (code === 401) {
    return new KmspError(`${what}: the API user's credentials were rejected`, {
      kind: 'auth',
      cause: `HTTP 401 for user "${ctx.username}"`,
      remedy: AUTH_REMEDY,
      ...(detail ? { detail } : {}),
      code,
    });
  }
  if (/adequate permissions/i.test(joined) || code === 403) {
    return new KmspError(`${what}: the API user lacks permission`, {
      kind: 'permission',
      cause: ctx.impersonating
        ? 'the API user or the impersonated resource may not do this'
        : 'the API user\'s security level does not allow this',
      remedy: ctx.impersonating
        ? 'Check the impersonated resource id and that the API user may impersonate it, or clear the impersonation setting.'
        : 'Give the API user a security level with access to this entity (the "API User (API-only)" level with the needed permissions).',
      ...(detail ? { detail } : {}),
      code,
    });
  }
  if (isRouteNotFound(response)) {
    const setting = ctx.urlSetting ?? 'zone URL';
    return new KmspError(`Autotask has no API at the address kmsp used to ${ctx.action} (HTTP 404)`, {
      kind: 'config',
      cause: `the server answered "no such resource" for ${ctx.redactor.text(response.url)}: the address is not an Autotask REST API route`,
      remedy: `Check the ${setting} in the Autotask connection settings: it should be the zone's REST root such as https://webservices3.autotask.net/atservicesrest/ (without V1.0/ or an entity name), or leave the zone URL empty to have kmsp discover it.`,
      ...(detail ? { detail } : {}),
      code,
    });
  }
  if (code === 404) {
    return new KmspError(`${what}: not found`, {
      kind: 'not-found',
      cause: 'Autotask has no such record or route (HTTP 404)',
      remedy: 'The record may have been deleted in Autotask; refresh the lists in kmsp and choose again.',
      ...(detail ? { detail } : {}),
      code,
    });
  }
  // A 5xx without Autotask's own {"errors":[…]} is a server or gateway failure ("Internal Server
  // Error"), not a refusal naming something to correct: said as trouble, with what it answered.
  if (messages.length > 0 && !(code >= 500 && !hasErrorsArray(response.text))) {
    return new KmspError(`${what}: ${messages[0]}`, {
      kind: 'vendor',
      cause: messages.join('; '),
      remedy: 'Correct what Autotask names (a value kmsp uses may have been changed or removed in Autotask), then retry.',
      code,
    });
  }
  return new KmspError(`${what}: HTTP ${code}`, {
    kind: code >= 500 ? 'vendor' : 'protocol',
    cause: messages.length ? `Autotask answered HTTP ${code} "${messages.join('; ')}", a server failure rather than a refusal` : `Autotask answered HTTP ${code} without an error message`,
    remedy: code >= 500 ? 'Autotask may be having trouble; retry later.' : 'Check the zone URL in the Autotask connection settings.',
    ...(detail ? { detail } : {}),
    code,
  });
}
