// Turns Tigerpaw's failure answers into KmspErrors that say what failed, why and what to do
// (README › When something fails, at the repository root; README §2.2 and §3 here). Tigerpaw
// answers a business refusal with HTTP 200 and {Success:false, Message}, and transport-level
// failures with an HTTP status and ASP.NET's {"Message":"…"}.
import { KmspError } from '../../domain/errors.js';
import { outcomeUnknownError as sharedOutcomeUnknownError, parseRetryAfter, type HttpResponse, type OutcomeUnknownOptions } from '../http.js';
import type { Redactor } from '../redact.js';
import { CLOCK_SKEW_MINUTES, RIGHTS, errorMessageOf, type RightsArea } from './assumptions.js';

export const KEYS_REMEDY =
  `Check the public key (Connections tab) and the private key (kmsp secrets) of the API rep: Tigerpaw › Edit › Master Tables › Rep › Account Reps › the rep › Admin tab › REST API Security (Generate makes a new pair). Check also that this machine's clock is right: Tigerpaw refuses a request whose date is more than about ${CLOCK_SKEW_MINUTES} minutes off its own.`;

/** The Message of an answer's JSON body, secrets removed; null when there is none. */
export function answerMessage(response: Pick<HttpResponse, 'text'>, redactor: Redactor): string | null {
  let body: unknown;
  try {
    body = JSON.parse(response.text);
  } catch {
    return null;
  }
  const message = errorMessageOf(body);
  return message ? redactor.text(message) : null;
}

/**
 * README §2.2: ASP.NET answers a path no route serves with 404 "No HTTP resource was found that
 * matches the request URI …": a wrong API URL, not a missing record.
 */
const NO_ROUTE = /^no http resource was found/i;

/** A 404 that says the record does not exist (as opposed to a path this host does not serve). */
export function isRecordNotFound(response: HttpResponse, redactor: Redactor): boolean {
  return response.status === 404 && !NO_ROUTE.test(answerMessage(response, redactor) ?? '');
}

/** A write that failed in a way that does not tell whether Tigerpaw carried it out (KmspError.outcomeUnknown). */
export function outcomeUnknownError(action: string, cause: string, options: OutcomeUnknownOptions): KmspError {
  return sharedOutcomeUnknownError('Tigerpaw', action, cause, options);
}

/** HTTP 200 with Success:false: Tigerpaw checked the request and refused it; nothing changed. */
export function refusalError(action: string, message: string | null): KmspError {
  return new KmspError(`Tigerpaw refused to ${action}${message ? `: ${message}` : ''}`, {
    kind: 'vendor',
    cause: message ? `Tigerpaw answered Success:false with "${message}"` : 'Tigerpaw answered Success:false without a message',
    remedy: 'Nothing was changed. Correct what Tigerpaw names (a value kmsp uses may have been changed or removed in Tigerpaw), then retry.',
  });
}

export interface ErrorContext {
  /** What kmsp was doing, e.g. "list accounts". */
  action: string;
  redactor: Redactor;
  /** The security right the request needs, for 403 remedies. */
  area: RightsArea;
  /** Writes: what to look at in Tigerpaw when the outcome is unknown. */
  check?: string;
  /** True when the path names one record: a 404 there is "no such record". */
  item?: boolean;
}

/** The remedy of a 403 for an area. */
export function rightsRemedy(area: RightsArea): string {
  return `Give the API rep's security role the right ${RIGHTS[area]} in Tigerpaw, then test the connection again.`;
}

/** A failure answer (not 2xx) as a KmspError. */
export function responseError(response: HttpResponse, ctx: ErrorContext): KmspError {
  const message = answerMessage(response, ctx.redactor);
  const raw = ctx.redactor.text(response.text.slice(0, 300)).trim();
  const status = response.status;
  const what = `Tigerpaw refused to ${ctx.action}`;
  const detail = message ?? (raw || undefined);

  // Set by the HTTP layer on a 5xx to a write: it may have been carried out.
  if (response.outcomeUnknown) {
    return outcomeUnknownError(ctx.action, `Tigerpaw answered HTTP ${status}${message ? ` "${message}"` : ' without a message'}, which does not say whether the change was made`, {
      ...(ctx.check ? { check: ctx.check } : {}),
      ...(!message && raw ? { detail: raw } : {}),
      code: status,
    });
  }
  if (status === 401) {
    // README §1.2: an unknown public key, a wrong signature and a stale date all answer 401.
    return new KmspError(`${what}: the REST keys or the date of the request were rejected`, {
      kind: 'auth',
      cause: `HTTP 401${message ? `: ${message}` : ''} (Tigerpaw answers so for an unknown public key, a signature made with another private key, and a request dated too far from its clock)`,
      remedy: KEYS_REMEDY,
      code: status,
    });
  }
  if (status === 403) {
    return new KmspError(`${what}: the API rep's security role does not allow it`, {
      kind: 'permission',
      cause: `HTTP 403${message ? `: ${message}` : ''}`,
      remedy: rightsRemedy(ctx.area),
      code: status,
    });
  }
  if (status === 404) {
    if (ctx.item && isRecordNotFound(response, ctx.redactor)) {
      return new KmspError(`${what}: no such record`, {
        kind: 'not-found',
        cause: message ?? 'HTTP 404',
        remedy: 'The record may have been deleted in Tigerpaw; refresh the lists in kmsp and choose again.',
        code: status,
      });
    }
    return new KmspError(`${what}: Tigerpaw answered "not found" (HTTP 404)`, {
      kind: 'config',
      cause: `${ctx.redactor.text(response.url)} does not exist on this host${message ? ` (${message})` : ''}`,
      remedy: 'Check the REST API URL: it is the host that serves /api/… and /docs/index (e.g. https://api.yourmsp.com), without /api at the end.',
      code: status,
    });
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    return new KmspError(`Tigerpaw kept answering "429 Too Many Requests" to ${ctx.action}`, {
      kind: 'rate-limit',
      cause: message ?? 'the server (or a proxy in front of it) limited the requests',
      remedy: retryAfterMs !== null ? `Retry after ${new Date(Date.now() + retryAfterMs).toISOString()}; other integrations may be using the same Tigerpaw.` : 'Retry in a few minutes; other integrations may be using the same Tigerpaw.',
      code: status,
    });
  }
  if (status >= 400 && status < 500) {
    return new KmspError(`${what}${message ? `: ${message}` : `: HTTP ${status}`}`, {
      kind: 'vendor',
      cause: message ?? `Tigerpaw answered HTTP ${status} without a message`,
      remedy: 'Nothing was changed. Correct what Tigerpaw names, then retry; if it names nothing kmsp can change, report this to the kmsp maintainers.',
      ...(!message && detail ? { detail } : {}),
      code: status,
    });
  }
  return new KmspError(`${what}: HTTP ${status}`, {
    kind: 'vendor',
    cause: message ?? `Tigerpaw answered HTTP ${status} without a message`,
    remedy: 'Tigerpaw (or IIS in front of it) may be having trouble; kmsp asks again on its next run.',
    ...(!message && detail ? { detail } : {}),
    code: status,
  });
}
