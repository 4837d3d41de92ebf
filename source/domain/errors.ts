// Every failure a user can meet says what failed, why, and what to do (README › When something fails).
// Connectors and stores throw KmspError; the CLI, console and agent print
// `message`, `cause` and `remedy` and never a stack trace to the user.

export type ErrorKind =
  | 'config' // missing or invalid configuration
  | 'secret' // a secret is missing or unreadable
  | 'network' // host unreachable, DNS, connection refused, timeout
  | 'tls' // untrusted or invalid certificate
  | 'auth' // credentials rejected
  | 'permission' // authenticated but not allowed
  | 'rate-limit' // 429, thresholds, thread limits (after retries)
  | 'vendor' // the vendor answered with an error (PxgError, Autotask {"errors":[…]})
  | 'not-found'
  | 'protocol' // an answer we cannot understand
  | 'internal';

export interface KmspErrorOptions {
  kind: ErrorKind;
  /** Why it failed, in the user's terms. */
  cause?: string;
  /** What the user can do about it. */
  remedy?: string;
  /** Vendor or system detail, already free of secrets. */
  detail?: string;
  /** Vendor error code where there is one (PxgError code, HTTP status). */
  code?: string | number;
  /**
   * True when a write (a non-repeatable request) failed in a way that does not tell
   * whether the server carried it out: a timeout or reset after the request may have
   * been sent, or a 5xx that is not a recognised refusal. Such a write must not be read
   * as "never happened": the remedy says what to check before it is repeated.
   */
  outcomeUnknown?: boolean;
}

export class KmspError extends Error {
  readonly kind: ErrorKind;
  readonly why: string | undefined;
  readonly remedy: string | undefined;
  readonly detail: string | undefined;
  readonly code: string | number | undefined;
  /** See KmspErrorOptions.outcomeUnknown; false unless set. */
  readonly outcomeUnknown: boolean;

  constructor(message: string, options: KmspErrorOptions) {
    super(message);
    this.name = 'KmspError';
    this.kind = options.kind;
    this.why = options.cause;
    this.remedy = options.remedy;
    this.detail = options.detail;
    this.code = options.code;
    this.outcomeUnknown = options.outcomeUnknown ?? false;
  }

  /** Multi-line text for terminals: what, why, what to do. */
  explain(): string {
    const lines = [this.message];
    if (this.why) lines.push(`  Cause: ${this.why}`);
    if (this.detail) lines.push(`  Detail: ${this.detail}`);
    if (this.remedy) lines.push(`  Remedy: ${this.remedy}`);
    return lines.join('\n');
  }

  /** One line, for journald and the ledger. */
  oneLine(): string {
    // Parts are written as sentences; a full stop before the separator would read ".;".
    const part = (text: string) => text.replace(/\.\s*$/, '');
    return [this.message, this.why && `cause: ${this.why}`, this.detail && `detail: ${this.detail}`, this.remedy && `remedy: ${this.remedy}`]
      .filter((p): p is string => Boolean(p))
      .map(part)
      .join('; ');
  }
}

export function isKmspError(error: unknown): error is KmspError {
  return error instanceof KmspError;
}

/** Text for any thrown value, without a stack trace. */
export function describeError(error: unknown): string {
  if (isKmspError(error)) return error.explain();
  if (error instanceof Error) return error.message;
  return String(error);
}

export function describeErrorLine(error: unknown): string {
  if (isKmspError(error)) return error.oneLine();
  if (error instanceof Error) return error.message;
  return String(error);
}

/**
 * A pass stopped at a safe point because it was asked to (SIGTERM, the pause switch): not a
 * failure. Thrown only where nothing is half-done — before a ledger row is written, between
 * tenants or contracts — so the next pass simply carries on.
 */
export class PassAbandoned extends Error {
  constructor(readonly reason: string) {
    super(`stopped at a safe point: ${reason}`);
    this.name = 'PassAbandoned';
  }
}

/** Throws PassAbandoned when `signal` has been aborted; its reason (a string) says why. */
export function throwIfAbandoned(signal: AbortSignal | undefined): void {
  if (signal?.aborted) throw new PassAbandoned(typeof signal.reason === 'string' ? signal.reason : 'asked to stop');
}
