// Business Hub's failure answers as KmspErrors that say what failed, why and what to do (README §6).
// Every failure answer carries {"error": {"code", "message"}} (README §3 › Errors); the code
// decides the reading, the HTTP status backs it up when the body is not the hub's.
import { KmspError } from '../../domain/errors.js';
import { parseRetryAfter, type HttpResponse } from '../http.js';
import type { Redactor } from '../redact.js';
import { ERROR_CODES, ERROR_FIELD, RIGHTS, type RightsArea } from './assumptions.js';

export const KBH_SERVICE = 'Kaspersky Business Hub';

/** The secret parts of the profile (domain/profiles/kbh.ts) the remedies name. */
export const SECRET_PARTS = { password: 'kbh.password', authenticatorKey: 'kbh.authenticator-key', oneTimeCode: 'kbh.one-time-code' } as const;

/** The profile's oneTimeCode.demandedCode: the error code the console answers with a prompt for the code. */
export const ONE_TIME_CODE_REQUIRED = 'one-time-code-required';

/** "kmsp secrets set main.kbh.password": the command that stores one of the integration's secrets. */
export function secretsSetCommand(integration: string | null, part: string): string {
  return `kmsp secrets set ${integration ?? '<integration>'}.${part}`;
}

/** The code and message of a failure answer's body; null when it is not the hub's error shape. */
export function errorBodyOf(text: string): { code: string; message: string | null } | null {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return null;
  const error = (body as Record<string, unknown>)[ERROR_FIELD];
  if (typeof error !== 'object' || error === null || Array.isArray(error)) return null;
  const e = error as Record<string, unknown>;
  if (typeof e.code !== 'string' || e.code === '') return null;
  return { code: e.code, message: typeof e.message === 'string' && e.message.trim() !== '' ? e.message.trim() : null };
}

export interface ErrorContext {
  /** What kmsp was doing ("list the companies"). */
  action: string;
  /** What the account needs for it (403 remedies). */
  area: RightsArea;
  /** The path names one record (a company's workspaces, a workspace's devices): a 404 there is "no such record". */
  item?: string;
  redactor: Redactor;
  /** The connection's URL, for "wrong URL" messages. */
  url: string;
  /** The integration's name, for the commands the remedies give; null when unknown. */
  integration: string | null;
}

const PASSWORD_REMEDY = (ctx: Pick<ErrorContext, 'integration'>, email: string) =>
  `Check the e-mail (${email}, Connections tab) and the password (${secretsSetCommand(ctx.integration, SECRET_PARTS.password)}); sign in at the Business Hub web page with them to be sure. Repeated failures may lock the account for a while.`;

/**
 * The sign-in was refused: e-mail or password. `held`: refused earlier, and not sent again until
 * `retryAt` (REFUSED_PASSWORD_PAUSE_MS).
 */
export function invalidCredentialsError(ctx: Pick<ErrorContext, 'integration'>, email: string, message: string | null, held?: { refusedAt: Date; retryAt: Date }): KmspError {
  const answered = `answered ${ERROR_CODES.invalidCredentials}${message ? ` ("${message}")` : ''}`;
  return new KmspError(`${KBH_SERVICE} rejected the e-mail or password`, {
    kind: 'auth',
    cause: held
      ? `the sign-in of ${email} with this password was ${answered} at ${held.refusedAt.toISOString()}; kmsp does not send it again before ${held.retryAt.toISOString()}, so that its retries do not lock the account`
      : `the sign-in of ${email} was ${answered}`,
    remedy: held ? `${PASSWORD_REMEDY(ctx, email)} A corrected password is tried at once.` : PASSWORD_REMEDY(ctx, email),
    code: ERROR_CODES.invalidCredentials,
  });
}

/**
 * The account has 2-step verification and kmsp has no way to make the code. Its code is the
 * profile's demandedCode, so the console can ask for one; the remedy is what makes the agent work
 * with no one at the keyboard.
 */
export function oneTimeCodeRequiredError(integration: string | null, email: string): KmspError {
  return new KmspError(`${KBH_SERVICE} asks for a one-time code to sign in ${email}`, {
    kind: 'auth',
    cause: 'the account has 2-step verification, and kmsp has neither its authenticator key nor a code typed for this sign-in',
    remedy: `So that kmsp (and the agent, with no one at the keyboard) can sign in, store the account's authenticator key — the base32 setup key shown when the authenticator app was added: ${secretsSetCommand(integration, SECRET_PARTS.authenticatorKey)}. Or give kmsp a Business Hub account of its own without 2-step verification. A code typed in the console works for that one sign-in only.`,
    code: ONE_TIME_CODE_REQUIRED,
  });
}

/** The code sent was refused: wrong, expired or used. */
/** `held`: the key was refused earlier and kmsp does not use it again before retryAt (REFUSED_PASSWORD_PAUSE_MS). */
export function oneTimeCodeInvalidError(
  integration: string | null,
  email: string,
  source: 'authenticator-key' | 'typed',
  message: string | null,
  held?: { refusedAt: Date; retryAt: Date },
): KmspError {
  const cause = `${source === 'authenticator-key' ? 'the codes kmsp made from the stored authenticator key, for this step and the next (in case another kmsp process had just used the first), were' : 'the code typed for this sign-in was'} answered ${ERROR_CODES.otpInvalid} (wrong, expired or already used)${message ? `: "${message}"` : ''}`;
  return new KmspError(`${KBH_SERVICE} refused the one-time code for ${email}`, {
    kind: 'auth',
    cause: held ? `${cause} at ${held.refusedAt.toISOString()}; kmsp makes no code from this key again before ${held.retryAt.toISOString()}, so that its retries do not lock the account` : cause,
    remedy:
      source === 'authenticator-key'
        ? `Check the authenticator key (${secretsSetCommand(integration, SECRET_PARTS.authenticatorKey)}): it is the base32 setup key of the app that shows this account's codes. Check also this machine's clock (the codes follow the time; NTP keeps it right).${held ? ' A corrected key is tried at once.' : ''}`
        : 'Type the code your authenticator app shows now (each code works once, for 30 seconds), then try again.',
    code: ERROR_CODES.otpInvalid,
  });
}

/** The account is locked (too many failed sign-ins, or by an administrator). */
export function accountLockedError(ctx: Pick<ErrorContext, 'integration'>, email: string, message: string | null): KmspError {
  return new KmspError(`${KBH_SERVICE} account ${email} is locked`, {
    kind: 'auth',
    cause: message ? `Business Hub says: ${message}` : `the sign-in was answered ${ERROR_CODES.accountLocked}`,
    remedy: `Wait until the lock ends (or have a Business Hub administrator unlock the account), and check the password before then (${secretsSetCommand(ctx.integration, SECRET_PARTS.password)}): repeated failed sign-ins lock it again.`,
    code: ERROR_CODES.accountLocked,
  });
}

/** The hub kept refusing a token it had just issued. */
export function tokenRefusedError(action: string, code: string | null): KmspError {
  return new KmspError(`${KBH_SERVICE} refused kmsp's access token to ${action}, right after renewing it`, {
    kind: 'auth',
    cause: `the request was answered ${code ?? 'HTTP 401'} twice, once with a renewed token`,
    remedy: "Check this machine's clock (a token looks expired to a hub whose clock differs a lot) and that the account is still enabled in Business Hub; then try again.",
    code: code ?? 401,
  });
}

/** A failure answer (not 2xx) as a KmspError. */
export function responseError(response: HttpResponse, ctx: ErrorContext): KmspError {
  const body = errorBodyOf(response.text);
  const message = body?.message ? ctx.redactor.text(body.message) : null;
  const code = body?.code ?? null;
  const status = response.status;
  const what = `${KBH_SERVICE} refused to ${ctx.action}`;
  const said = `${code ?? `HTTP ${status}`}${message ? `: ${message}` : ''}`;
  const raw = body ? undefined : ctx.redactor.text(response.text.slice(0, 200)).trim() || undefined;

  if (status === 401) {
    if (code === ERROR_CODES.tokenExpired || code === ERROR_CODES.invalidToken) return tokenRefusedError(ctx.action, code);
    return new KmspError(`${what}: not signed in`, {
      kind: 'auth',
      cause: `HTTP 401 (${said})`,
      remedy: "Check the e-mail and password on the Connections tab and this machine's clock, then try again.",
      code: code ?? status,
      ...(raw ? { detail: raw } : {}),
    });
  }
  if (status === 403) {
    return new KmspError(`${what}: the Business Hub account may not`, {
      kind: 'permission',
      cause: `HTTP 403 (${said})`,
      remedy: `kmsp needs ${RIGHTS[ctx.area]}. Give the account that access in Business Hub (or use one that has it), then test the connection again.`,
      code: code ?? status,
    });
  }
  if (status === 404) {
    if (ctx.item && code === ERROR_CODES.notFound) {
      return new KmspError(`${what}: ${ctx.item} no longer exists`, {
        kind: 'not-found',
        cause: `HTTP 404 (${said})`,
        remedy: 'It was removed in Business Hub: refresh the list on the Accounts tab, and remove or re-map what pointed at it.',
        code: code,
      });
    }
    return new KmspError(`${what}: ${ctx.url} does not serve the Business Hub API`, {
      kind: 'config',
      cause: `${ctx.redactor.text(response.url)} answered HTTP 404 (${said})`,
      remedy: 'Check the URL on the Connections tab: it is the address of Business Hub itself (e.g. https://hub.kaspersky.com), without a path.',
      code: code ?? status,
      ...(raw ? { detail: raw } : {}),
    });
  }
  if (status === 429) {
    const retryAfterMs = parseRetryAfter(response.headers['retry-after']);
    return new KmspError(`${KBH_SERVICE} kept answering "too many requests" to ${ctx.action}`, {
      kind: 'rate-limit',
      cause: `HTTP 429 (${said}) after kmsp's retries`,
      remedy:
        retryAfterMs !== null
          ? `Retry after ${new Date(Date.now() + retryAfterMs).toISOString()} (an automatic run asks again on its next cycle); other tools using the same Business Hub account share its limit.`
          : 'Retry in a few minutes (an automatic run asks again on its next cycle); other tools using the same Business Hub account share its limit.',
      code: code ?? status,
    });
  }
  if (status === 503) {
    return new KmspError(`${KBH_SERVICE} is unavailable (${ctx.action})`, {
      kind: 'vendor',
      cause: `HTTP 503 (${said}) after kmsp's retries`,
      remedy: 'Business Hub may be under maintenance; kmsp asks again on its next run. If it lasts, check Kaspersky’s status page.',
      code: code ?? status,
    });
  }
  return new KmspError(`${what}: HTTP ${status}`, {
    kind: 'vendor',
    cause: said,
    remedy: status >= 500 ? 'Business Hub may be having trouble; kmsp asks again on its next run.' : 'Report this to the kmsp maintainers with the detail: kmsp sent a request Business Hub does not accept.',
    code: code ?? status,
    ...(raw ? { detail: raw } : {}),
  });
}
