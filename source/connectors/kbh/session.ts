// Signing in to Business Hub and keeping an access token (README §3 › Sign-in, §5):
// - a password grant, with a one-time code when the account demands one: made from the stored
//   authenticator key (TOTP), else the code handed in for this connector (used once), else the
//   error the console answers with a prompt (one-time-code-required);
// - renewal by the refresh grant when less than RENEWAL_MARGIN_MS of the token is left, a full
//   sign-in when the refresh token is refused (invalid_grant) or spent;
// - one renewal at a time: concurrent requests that find the token due wait for the same one;
// - across the connectors of the process: a one-time code step is used once, and a password the
//   hub refused is not sent again for a while (the agent opens a connector for every pass).
import { createHash } from 'node:crypto';
import { Secret, TOTP } from 'otpauth';
import { KmspError, isKmspError } from '../../domain/errors.js';
import { parseJson, type HttpClient } from '../http.js';
import {
  DEFAULT_REFRESH_LIFETIME_SEC,
  DEFAULT_TOKEN_LIFETIME_SEC,
  ERROR_CODES,
  GRANTS,
  ONE_TIME_CODE_SINGLE_USE,
  REFUSED_PASSWORD_PAUSE_MS,
  RENEWAL_MARGIN_MS,
  TOTP as TOTP_PARAMS,
} from './assumptions.js';
import {
  KBH_SERVICE,
  SECRET_PARTS,
  accountLockedError,
  errorBodyOf,
  invalidCredentialsError,
  oneTimeCodeInvalidError,
  oneTimeCodeRequiredError,
  responseError,
  secretsSetCommand,
} from './errors.js';
import { decodeTokens } from './wire.js';

export interface HubCredentials {
  email: string;
  password: string;
  /** The base32 setup key of the account's authenticator app; null: kmsp cannot make codes. */
  authenticatorKey: string | null;
  /** A code typed by the admin for this connector's first sign-in that asks for one; null: none. */
  oneTimeCode: string | null;
}

export interface SessionOptions {
  http: HttpClient;
  /** Absolute URL of POST /auth/token. */
  tokenUrl: string;
  /** The connection's URL, for messages. */
  url: string;
  credentials: HubCredentials;
  integration: string | null;
  now: () => Date;
  /** Waits for the next one-time code step (tests pass one that advances their clock). */
  sleep: (ms: number) => Promise<void>;
}

interface Tokens {
  access: string;
  refresh: string;
  /** Instants (ms) at which the hub stops taking them. */
  accessExpires: number;
  refreshExpires: number;
}

/** What the session knows of the account's 2-step verification. */
export interface TwoStepState {
  /** The hub asked this connector's sign-in for a one-time code. */
  demanded: boolean;
  /** kmsp can make the codes itself (an authenticator key is stored). */
  hasAuthenticatorKey: boolean;
}

/** The authenticator key as otpauth reads it: base32, spaces and dashes dropped, upper case. */
export function authenticatorSecret(key: string, integration: string | null): Secret {
  const cleaned = key.replace(/[\s-]/g, '').replace(/=+$/, '').toUpperCase();
  if (cleaned === '' || !/^[A-Z2-7]+$/.test(cleaned)) {
    throw new KmspError(`The ${KBH_SERVICE} authenticator key is not a base32 setup key`, {
      kind: 'config',
      cause: 'it holds characters other than the letters A–Z and the digits 2–7 (spaces and dashes aside)',
      remedy: `Store the setup key shown when the authenticator app was added to the Business Hub account ("enter a setup key" / "can't scan the code"), not a one-time code or the QR link: ${secretsSetCommand(integration, SECRET_PARTS.authenticatorKey)}.`,
    });
  }
  return Secret.fromBase32(cleaned);
}

/**
 * The TOTP step of the last code sent (or reserved) for each account, by every connector of this
 * process: the hub takes a code once (ONE_TIME_CODE_SINGLE_USE), and connectors of one account
 * sign in on their own — the agent's billing and ticket passes each open one, and both start
 * together when billing is owed at start.
 */
const sentSteps = new Map<string, number>();
const MAX_RESERVED_STEPS = 10;

/**
 * Passwords the hub refused (invalid_credentials), by a digest of account and password, for every
 * connector of this process: not sent again before `until` (REFUSED_PASSWORD_PAUSE_MS), so that
 * the agent's passes, each with a connector of its own, do not lock the account.
 */
const refusedPasswords = new Map<string, { at: number; until: number; message: string | null }>();

/**
 * Authenticator keys whose codes the hub refused twice running (this step's and the next): a wrong
 * key or clock. Not used again before `until` by any connector of this process, for the same
 * reason as refused passwords: every agent pass would send two more wrong codes.
 */
const refusedKeys = new Map<string, { at: number; until: number; message: string | null }>();

export class HubSession {
  private tokens: Tokens | null = null;
  private pending: Promise<Tokens> | null = null;
  private otpDemanded = false;
  private codeUsed = false;
  private readonly secret: Secret | null;
  private closed = false;

  constructor(private readonly o: SessionOptions) {
    const { credentials } = o;
    o.http.addSecret(credentials.password);
    o.http.addSecret(credentials.authenticatorKey);
    o.http.addSecret(credentials.oneTimeCode);
    o.http.addSecret(credentials.oneTimeCode?.trim());
    this.secret = credentials.authenticatorKey ? authenticatorSecret(credentials.authenticatorKey, o.integration) : null;
    if (this.secret) o.http.addSecret(this.secret.base32);
  }

  get twoStep(): TwoStepState {
    return { demanded: this.otpDemanded, hasAuthenticatorKey: this.secret !== null };
  }

  /** A token good for at least RENEWAL_MARGIN_MS more; renewed (once for all callers) when not. */
  async accessToken(): Promise<string> {
    if (this.closed) throw closedError();
    const t = this.tokens;
    if (t && t.accessExpires - this.o.now().getTime() > RENEWAL_MARGIN_MS) return t.access;
    return (await this.renew()).access;
  }

  /**
   * The hub refused `stale` (token_expired, invalid_token): a new token, unless another request
   * already replaced it, in which case that one.
   */
  async afterRefusal(stale: string): Promise<string> {
    if (this.closed) throw closedError();
    if (this.tokens && this.tokens.access !== stale) return this.tokens.access;
    if (this.tokens?.access === stale) this.tokens = { ...this.tokens, accessExpires: 0 };
    return (await this.renew()).access;
  }

  close(): void {
    this.closed = true;
    this.tokens = null;
  }

  private renew(): Promise<Tokens> {
    this.pending ??= this.obtain().finally(() => {
      this.pending = null;
    });
    return this.pending;
  }

  private async obtain(): Promise<Tokens> {
    const t = this.tokens;
    // A refresh token within a minute of its end may lapse in flight: sign in afresh instead.
    if (t && t.refreshExpires - this.o.now().getTime() > 60_000) {
      const renewed = await this.refresh(t.refresh);
      if (renewed) return this.keep(renewed);
    }
    return this.keep(await this.signIn());
  }

  private keep(tokens: Tokens): Tokens {
    this.tokens = tokens;
    return tokens;
  }

  /** The refresh grant; null when the hub refuses the refresh token (invalid_grant): sign in again. */
  private async refresh(refreshToken: string): Promise<Tokens | null> {
    const answer = await this.post({ grantType: GRANTS.refresh, refreshToken }, 'renew its access token');
    if (answer.ok) return answer.tokens;
    if (answer.code === ERROR_CODES.invalidGrant) return null;
    throw answer.error;
  }

  /** The password grant, with a one-time code when the account demands one. */
  private async signIn(): Promise<Tokens> {
    const { email, password } = this.o.credentials;
    const refusal = createHash('sha256').update(JSON.stringify([this.o.url, email.toLowerCase(), password])).digest('hex');
    const refused = refusedPasswords.get(refusal);
    const now = this.o.now().getTime();
    // (A refusal dated after now is from a clock that was set back: forgotten.)
    if (refused && now >= refused.at && now < refused.until) {
      throw invalidCredentialsError({ integration: this.o.integration }, email, refused.message, { refusedAt: new Date(refused.at), retryAt: new Date(refused.until) });
    }
    refusedPasswords.delete(refusal);
    const base = { grantType: GRANTS.password, email, password };
    const keyRefusal = this.secret ? createHash('sha256').update(JSON.stringify([this.o.url, email.toLowerCase(), this.secret.base32])).digest('hex') : null;
    const refusedKey = keyRefusal ? refusedKeys.get(keyRefusal) : undefined;
    if (refusedKey && now >= refusedKey.at && now < refusedKey.until) {
      throw oneTimeCodeInvalidError(this.o.integration, email, 'authenticator-key', refusedKey.message, { refusedAt: new Date(refusedKey.at), retryAt: new Date(refusedKey.until) });
    }
    if (keyRefusal) refusedKeys.delete(keyRefusal);
    let otp = this.otpDemanded ? await this.oneTimeCode() : null;
    let retriedNextCode = false;
    for (let attempt = 0; ; attempt++) {
      const answer = await this.post(otp ? { ...base, otp: otp.code } : base, 'sign in');
      if (answer.ok) return answer.tokens;
      const { code, message } = answer;
      if (code === ERROR_CODES.otpRequired && otp === null && attempt === 0) {
        // The hub says so at the first sign-in; from now on the code goes with every one.
        this.otpDemanded = true;
        otp = await this.oneTimeCode();
        continue;
      }
      if (code === ERROR_CODES.otpRequired) throw oneTimeCodeRequiredError(this.o.integration, email);
      // Another process of this machine or another (the agent beside the console, doctor) may have
      // sent the same code from the same key this step: the hub takes each code once. The next
      // step's code is tried once; refused too, the key or the clock is wrong.
      if (code === ERROR_CODES.otpInvalid && otp?.source === 'authenticator-key' && !retriedNextCode) {
        retriedNextCode = true;
        otp = await this.oneTimeCode();
        continue;
      }
      if (code === ERROR_CODES.otpInvalid) {
        if (keyRefusal && otp?.source === 'authenticator-key') {
          const at = this.o.now().getTime();
          refusedKeys.set(keyRefusal, { at, until: at + REFUSED_PASSWORD_PAUSE_MS, message });
        }
        throw oneTimeCodeInvalidError(this.o.integration, email, otp?.source ?? 'typed', message);
      }
      if (code === ERROR_CODES.invalidCredentials) {
        const at = this.o.now().getTime();
        refusedPasswords.set(refusal, { at, until: at + REFUSED_PASSWORD_PAUSE_MS, message });
        throw invalidCredentialsError({ integration: this.o.integration }, email, message);
      }
      if (code === ERROR_CODES.accountLocked) throw accountLockedError({ integration: this.o.integration }, email, message);
      throw answer.error;
    }
  }

  /** The code for this sign-in: made from the key, else the handed-in one (once), else the error the console answers. */
  private async oneTimeCode(): Promise<{ code: string; source: 'authenticator-key' | 'typed' }> {
    if (this.secret) {
      const periodMs = TOTP_PARAMS.periodSec * 1000;
      const account = `${this.o.url}\u0000${this.o.credentials.email.toLowerCase()}`;
      const now = this.o.now().getTime();
      const current = Math.floor(now / periodMs);
      const last = sentSteps.get(account);
      // A step whose code was sent already would be refused as used: take the next one, reserved
      // before the wait so that a sign-in meanwhile takes the one after. One far ahead is not a
      // reservation but a clock that was set back: forgotten.
      const reserved = last !== undefined && last >= current && last - current <= MAX_RESERVED_STEPS;
      const step = ONE_TIME_CODE_SINGLE_USE && reserved ? last + 1 : current;
      sentSteps.set(account, step);
      if (step > current) await this.o.sleep(step * periodMs - now);
      const at = Math.max(this.o.now().getTime(), step * periodMs);
      sentSteps.set(account, Math.max(sentSteps.get(account) ?? step, Math.floor(at / periodMs)));
      const code = TOTP.generate({ secret: this.secret, algorithm: TOTP_PARAMS.algorithm, digits: TOTP_PARAMS.digits, period: TOTP_PARAMS.periodSec, timestamp: at });
      this.o.http.addSecret(code);
      return { code, source: 'authenticator-key' };
    }
    const typed = this.o.credentials.oneTimeCode;
    if (typed && !this.codeUsed) {
      this.codeUsed = true;
      return { code: typed.trim(), source: 'typed' };
    }
    throw oneTimeCodeRequiredError(this.o.integration, this.o.credentials.email);
  }

  private async post(body: Record<string, string>, action: string): Promise<{ ok: true; tokens: Tokens } | { ok: false; code: string | null; message: string | null; error: KmspError }> {
    const { http } = this.o;
    let response;
    try {
      // A sign-in or renewal may be repeated by the HTTP layer (429, 503, a refused connection):
      // it changes nothing on the hub but the tokens it hands out. Not after an answer (a 500, a
      // garbled body): the hub may have used the one-time code or refresh token up.
      response = await http.request({ method: 'POST', url: this.o.tokenUrl, body, safeToRetry: true, retryAfterAnswer: false });
    } catch (error) {
      if (isKmspError(error)) throw error;
      throw http.transportError(error, new URL(this.o.tokenUrl));
    }
    if (response.status >= 200 && response.status < 300) {
      // The answer holds the tokens: a garbled one is never quoted (http.ts quotableBody).
      const tokens = decodeTokens(parseJson(response, KBH_SERVICE, http.redactor, { carriesCredentials: true }));
      http.addSecret(tokens.accessToken);
      http.addSecret(tokens.refreshToken);
      const at = this.o.now().getTime();
      return {
        ok: true,
        tokens: {
          access: tokens.accessToken,
          refresh: tokens.refreshToken,
          accessExpires: at + (tokens.expiresIn ?? DEFAULT_TOKEN_LIFETIME_SEC) * 1000,
          refreshExpires: at + (tokens.refreshExpiresIn ?? DEFAULT_REFRESH_LIFETIME_SEC) * 1000,
        },
      };
    }
    const parsed = errorBodyOf(response.text);
    const message = parsed?.message ? http.redactor.text(parsed.message) : null;
    return {
      ok: false,
      code: parsed?.code ?? null,
      message,
      error: responseError(response, { action, area: 'account', redactor: http.redactor, url: this.o.url, integration: this.o.integration }),
    };
  }
}

function closedError(): KmspError {
  return new KmspError(`${KBH_SERVICE} connector used after close()`, {
    kind: 'internal',
    cause: 'its tokens were dropped and its connections closed',
    remedy: 'Create a new connector for further calls.',
  });
}
