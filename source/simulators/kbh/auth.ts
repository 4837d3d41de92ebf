// Sign-in as the simulated hub does it (connectors/kbh/README.md §3 › Sign-in and renewal):
// the password grant (with a TOTP one-time code for an account with 2-step verification), the
// refresh grant with rotating refresh tokens, bearer access tokens that expire by the
// simulator's clock, and an account locked after a run of wrong passwords.
import { randomBytes } from 'node:crypto';
import * as OTPAuth from 'otpauth';
import { badRequest, HubError, SimInputError } from './errors.js';
import type { KbhFixture, KbhUser } from './fixture.js';

/** RFC 6238 as the hub applies it: SHA-1, 6 digits, 30-second steps, one step either side. */
const TOTP = { algorithm: 'SHA1', digits: 6, period: 30 } as const;
const TOTP_WINDOW = 1;

export interface TokenAnswer {
  accessToken: string;
  tokenType: 'Bearer';
  expiresIn: number;
  refreshToken: string;
  refreshExpiresIn: number;
}

interface Account extends KbhUser {
  failures: number;
  lockedUntil: number | null;
  /** TOTP time steps whose code signed in once already. */
  usedSteps: Set<number>;
}

interface Grant {
  email: string;
  expiresAt: number;
}

const newToken = (prefix: string) => `${prefix}${randomBytes(24).toString('base64url')}`;
const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');

export class KbhAuth {
  private readonly accounts = new Map<string, Account>();
  private readonly access = new Map<string, Grant>();
  private readonly refresh = new Map<string, Grant>();
  readonly expiresIn: number;
  readonly refreshExpiresIn: number;
  private readonly lockAfter: number;
  private readonly lockMs: number;

  constructor(
    fixture: KbhFixture,
    private readonly clock: () => number,
  ) {
    for (const u of fixture.users) this.accounts.set(u.email.toLowerCase(), { ...structuredClone(u), failures: 0, lockedUntil: null, usedSteps: new Set() });
    this.expiresIn = fixture.options?.expiresIn ?? 3600;
    this.refreshExpiresIn = fixture.options?.refreshExpiresIn ?? 2_592_000;
    this.lockAfter = fixture.options?.lockAfterFailures ?? 5;
    this.lockMs = (fixture.options?.lockMinutes ?? 30) * 60_000;
  }

  /** Every password of the dataset: the request log masks them wherever they appear. */
  passwords(): string[] {
    return [...this.accounts.values()].flatMap((a) => [a.password, a.smsCode ?? '']).filter(Boolean);
  }

  account(email: string): Account | undefined {
    return this.accounts.get(email.toLowerCase());
  }

  private need(email: string): Account {
    const a = this.account(email);
    if (!a) throw new SimInputError(`no user ${email}`);
    return a;
  }

  /** POST /api/v1/auth/token. */
  token(body: unknown): TokenAnswer {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw badRequest('The body must be a JSON object with "grantType".');
    const b = body as Record<string, unknown>;
    if (b.grantType === 'password') return this.passwordGrant(b);
    if (b.grantType === 'refresh_token') return this.refreshGrant(b);
    throw badRequest(`grantType must be "password" or "refresh_token"${b.grantType === undefined ? '' : `, not ${JSON.stringify(b.grantType)}`}.`);
  }

  private passwordGrant(b: Record<string, unknown>): TokenAnswer {
    if (typeof b.email !== 'string' || typeof b.password !== 'string' || b.email === '' || b.password === '') {
      throw badRequest('The password grant needs "email" and "password".');
    }
    const now = this.clock();
    const account = this.account(b.email);
    if (!account) throw new HubError(401, 'invalid_credentials', 'The e-mail address or the password is wrong.');
    if (account.lockedUntil !== null && now >= account.lockedUntil) {
      account.lockedUntil = null;
      account.failures = 0;
    }
    if (account.lockedUntil !== null) {
      throw new HubError(403, 'account_locked', `The account is locked until ${iso(account.lockedUntil)} after ${this.lockAfter} wrong passwords in a row.`);
    }
    if (b.password !== account.password) {
      account.failures++;
      if (account.failures >= this.lockAfter) account.lockedUntil = now + this.lockMs;
      throw new HubError(401, 'invalid_credentials', 'The e-mail address or the password is wrong.');
    }
    account.failures = 0;
    this.checkOtp(account, b.otp, now);
    return this.issue(account.email);
  }

  private checkOtp(account: Account, otp: unknown, now: number): void {
    if (account.authenticatorKey === undefined && account.smsCode === undefined) return;
    if (otp === undefined || otp === null || otp === '') {
      throw new HubError(401, 'otp_required', `The account has 2-step verification: send the one-time code from ${account.authenticatorKey !== undefined ? 'the authenticator app' : 'the text message'} as "otp".`);
    }
    const code = String(otp);
    if (account.smsCode !== undefined) {
      if (code !== account.smsCode) throw new HubError(401, 'otp_invalid', 'The one-time code is wrong.');
      return;
    }
    const secret = OTPAuth.Secret.fromBase32(account.authenticatorKey!.replace(/\s/g, '').toUpperCase());
    const delta = /^\d{6}$/.test(code) ? OTPAuth.TOTP.validate({ token: code, secret, ...TOTP, timestamp: now, window: TOTP_WINDOW }) : null;
    if (delta === null) throw new HubError(401, 'otp_invalid', 'The one-time code is wrong or no longer valid.');
    const step = OTPAuth.TOTP.counter({ period: TOTP.period, timestamp: now }) + delta;
    if (account.usedSteps.has(step)) throw new HubError(401, 'otp_invalid', 'The one-time code was used already: wait for the next one.');
    account.usedSteps.add(step);
  }

  private refreshGrant(b: Record<string, unknown>): TokenAnswer {
    if (typeof b.refreshToken !== 'string' || b.refreshToken === '') throw badRequest('The refresh_token grant needs "refreshToken".');
    const grant = this.refresh.get(b.refreshToken);
    // A refresh token works once: rotation replaces it, used or not.
    this.refresh.delete(b.refreshToken);
    if (!grant || this.clock() >= grant.expiresAt) throw new HubError(401, 'invalid_grant', 'The refresh token has expired, was revoked or was used already: sign in again.');
    return this.issue(grant.email);
  }

  private issue(email: string): TokenAnswer {
    const now = this.clock();
    const accessToken = newToken('kbh_at_');
    const refreshToken = newToken('kbh_rt_');
    this.access.set(accessToken, { email, expiresAt: now + this.expiresIn * 1000 });
    this.refresh.set(refreshToken, { email, expiresAt: now + this.refreshExpiresIn * 1000 });
    return { accessToken, tokenType: 'Bearer', expiresIn: this.expiresIn, refreshToken, refreshExpiresIn: this.refreshExpiresIn };
  }

  /** The account behind a request's Authorization header. */
  authenticate(authorization: string | undefined): Account {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    if (!m) throw new HubError(401, 'invalid_token', 'Send "Authorization: Bearer <accessToken>" (from POST /api/v1/auth/token).');
    const grant = this.access.get(m[1]!);
    if (!grant) throw new HubError(401, 'invalid_token', 'The access token is not valid.');
    if (this.clock() >= grant.expiresAt) throw new HubError(401, 'token_expired', 'The access token has expired: renew it with the refresh token.');
    return this.account(grant.email)!;
  }

  /** Account settings turn on 2-step verification by authenticator app; returns the new setup key. */
  requireTwoStep(email: string): string {
    const a = this.need(email);
    a.authenticatorKey = new OTPAuth.Secret({ size: 20 }).base32;
    delete a.smsCode;
    a.usedSteps.clear();
    return a.authenticatorKey;
  }

  /** The code an authenticator app shows now (or at `at`) for the account. */
  oneTimeCode(email: string, at = this.clock()): string {
    const a = this.need(email);
    if (a.authenticatorKey === undefined) throw new SimInputError(`${email} has no authenticator key`);
    return OTPAuth.TOTP.generate({ secret: OTPAuth.Secret.fromBase32(a.authenticatorKey.replace(/\s/g, '').toUpperCase()), ...TOTP, timestamp: at });
  }

  /** Every access token expires now; later requests with them get token_expired. Returns how many were live. */
  expireAccessTokens(): number {
    const now = this.clock();
    let n = 0;
    for (const g of this.access.values()) {
      if (g.expiresAt > now) {
        g.expiresAt = now;
        n++;
      }
    }
    return n;
  }

  /** The access token a request's Authorization header carries expires now; false when it carries none that is live. */
  expireAccessToken(authorization: string | undefined): boolean {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
    const grant = m ? this.access.get(m[1]!) : undefined;
    const now = this.clock();
    if (!grant || grant.expiresAt <= now) return false;
    grant.expiresAt = now;
    return true;
  }

  /** Every refresh token stops working (invalid_grant). Returns how many were live. */
  revokeRefreshTokens(): number {
    const now = this.clock();
    const n = [...this.refresh.values()].filter((g) => g.expiresAt > now).length;
    this.refresh.clear();
    return n;
  }

  summary(): { activeAccessTokens: number; activeRefreshTokens: number; lockedUsers: string[] } {
    const now = this.clock();
    return {
      activeAccessTokens: [...this.access.values()].filter((g) => g.expiresAt > now).length,
      activeRefreshTokens: [...this.refresh.values()].filter((g) => g.expiresAt > now).length,
      lockedUsers: [...this.accounts.values()].filter((a) => a.lockedUntil !== null && a.lockedUntil > now).map((a) => a.email),
    };
  }
}

export function twoStepOf(a: KbhUser): 'off' | 'authenticator' | 'sms' {
  return a.authenticatorKey !== undefined ? 'authenticator' : a.smsCode !== undefined ? 'sms' : 'off';
}
