// Turns Autotask's failure answers into KmspErrors that say what failed, why and
// what to do (SPEC.md §6). Autotask reports most failures as HTTP 500 with
// {"errors":[…]} (brief §3), so the text decides the kind more than the status.
import { KmspError } from '../../domain/errors.js';
import type { HttpResponse } from '../http.js';
import type { Redactor } from '../redact.js';
import { THREAD_LIMIT_PATTERN } from './assumptions.js';

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

/** True for a thread-limit rejection, whatever its status (brief §3): the server did not process it. */
export function isThreadLimit(response: HttpResponse): boolean {
  return response.status !== 200 && THREAD_LIMIT_PATTERN.test(response.text);
}

const AUTH_REMEDY =
  'Check the Autotask API user: its username and secret (Admin › Resources › the API user › Security), that its security level is "API User (API-only)", and that its API tracking identifier is the integration code kmsp uses.';

export interface ErrorContext {
  /** What we were doing, e.g. "list companies". */
  action: string;
  redactor: Redactor;
  username: string;
  impersonating: boolean;
}

/** A non-200 answer as a KmspError. Rate-limit answers are handled by the caller (it knows the budget). */
export function responseError(response: HttpResponse, ctx: ErrorContext): KmspError {
  const messages = errorMessages(response.text).map((m) => ctx.redactor.text(m));
  const joined = messages.join(' ');
  const detail = messages.length ? messages.join('; ') : ctx.redactor.text(response.text.slice(0, 300)) || undefined;
  const what = `Autotask refused to ${ctx.action}`;
  const code = response.status;

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
  if (code === 404) {
    return new KmspError(`${what}: not found`, {
      kind: 'not-found',
      cause: 'Autotask has no such record or route (HTTP 404)',
      remedy: 'The record may have been deleted in Autotask; refresh the lists in kmsp and choose again.',
      ...(detail ? { detail } : {}),
      code,
    });
  }
  if (messages.length > 0) {
    return new KmspError(`${what}: ${messages[0]}`, {
      kind: 'vendor',
      cause: messages.join('; '),
      remedy: 'Correct what Autotask names (a value kmsp uses may have been changed or removed in Autotask), then retry.',
      code,
    });
  }
  return new KmspError(`${what}: HTTP ${code}`, {
    kind: code >= 500 ? 'vendor' : 'protocol',
    cause: `Autotask answered HTTP ${code} without an error message`,
    remedy: code >= 500 ? 'Autotask may be having trouble; retry later.' : 'Check the zone URL in the Autotask connection settings.',
    ...(detail ? { detail } : {}),
    code,
  });
}
