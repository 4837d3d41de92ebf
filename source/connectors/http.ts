// The one HTTP layer every connector uses (cross-fetch → node-fetch in Node).
//
// - timeouts on every request (AbortController);
// - retries with exponential backoff + full jitter, honouring Retry-After, for
//   429, 503 and connection errors — only for requests the caller marks safe to
//   repeat (a repeated ticket create or usage posting would double-bill); a safe
//   request is also repeated after a 500/502/504 the connector does not recognise as
//   its vendor's answer, and after a 2xx whose body is not the JSON asked for;
// - a concurrency limit per endpoint (Autotask allows 3 threads per endpoint);
// - request counting for run summaries and the API budget;
// - a CA/certificate file for self-signed servers (KSC), never a silent
//   "accept any certificate";
// - redaction: no header value, secret or credential reaches an error or a log;
// - per-attempt signing: where a vendor signs each request over the time it is sent, the
//   signature is computed again for every attempt, so a retry carries a fresh one;
// - unknown outcomes: a write (a request not marked safe to repeat) that fails
//   after it may have reached the server — a timeout, a reset, a 5xx that is not a
//   recognised refusal — is marked `outcomeUnknown`, never reported as if it had
//   not happened.
import { readFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import fetch from 'cross-fetch';
import pLimit, { type LimitFunction } from 'p-limit';
import { KmspError, isKmspError } from '../domain/errors.js';
import { Redactor } from './redact.js';

export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** Absolute URL, or a path resolved against the client's baseUrl. */
  url: string;
  headers?: Record<string, string>;
  /** Serialised as JSON unless it is already a string. */
  body?: unknown;
  /**
   * True when repeating the request cannot change the outcome (reads, queries,
   * session starts). Defaults to true for GET only.
   */
  safeToRetry?: boolean;
  /**
   * False: a request safe to retry is repeated only where the server did not process it (429,
   * 503, no connection), not after a 500/502/504 or a garbled answer — a sign-in whose answer was
   * lost may have used up its one-time code or refresh token, and sending it again only earns a
   * refusal that blames the code. Default true.
   */
  retryAfterAnswer?: boolean;
  timeoutMs?: number;
  /** Overrides the endpoint bucket used for the concurrency limit. */
  endpoint?: string;
}

export interface HttpResponse {
  status: number;
  headers: Record<string, string>;
  text: string;
  url: string;
  /**
   * Set on a failure answer (5xx) to a request not marked safe to repeat when the
   * server may have carried it out anyway: neither a rate-limit/"refused" answer
   * (429, isRetryable) nor a refusal the connector recognises (isRefusal).
   */
  outcomeUnknown?: boolean;
}

export interface RequestRecord {
  method: HttpMethod;
  /** URL with secrets redacted. */
  url: string;
  endpoint: string;
  status: number | null;
  attempt: number;
  durationMs: number;
  error?: string;
}

export interface HttpClientOptions {
  /** Who we are talking to, for messages ("Autotask", "Kaspersky Security Center"). */
  service: string;
  baseUrl?: string;
  timeoutMs?: number;
  /** How many times a safe request is retried after the first attempt. */
  retries?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** Longest Retry-After we are willing to wait inside one request. */
  maxRetryAfterMs?: number;
  maxConcurrentPerEndpoint?: number;
  /** Maps a URL to the bucket the concurrency limit applies to. Default: method-less path. */
  endpointOf?: (url: URL) => string;
  caFile?: string | null;
  /**
   * The connector's words for the remedies of connection errors: which certificate file the
   * server's CA is ("klserver.cer from the Administration Server") and which port it usually
   * listens on ("13299, the KSC Open API").
   */
  hints?: { certificate?: string; port?: string };
  /** Values to mask wherever text leaves the client. */
  secrets?: Array<string | null | undefined>;
  /**
   * True when a response means the server refused the request without processing it
   * (e.g. Autotask's thread-limit text in a 500): retried like a 429, whatever the method.
   */
  isRetryable?: (response: HttpResponse) => boolean;
  /**
   * True when a 5xx answer is a refusal the connector recognises: the server checked the
   * request and rejected it, so nothing was applied (Autotask: a known validation text in
   * {"errors":[…]}). Any other 5xx to a request not safe to repeat is `outcomeUnknown`.
   */
  isRefusal?: (response: HttpResponse) => boolean;
  /**
   * True when a failure answer is the vendor's own reply in its error format (Autotask
   * {"errors":[…]}, a KLOAPI PxgError): the server looked at the request and said no, so a read
   * is not repeated after it (see TRANSIENT_STATUSES). Says nothing about a write's outcome.
   */
  isAnswer?: (response: HttpResponse) => boolean;
  onRecord?: (record: RequestRecord) => void;
  /**
   * How long after its client gave up a write may still be applied (default
   * WRITE_LANDING_MARGIN_MS). A harness whose simulated backend holds a request for a known
   * time sets it just above that, so a write that never landed is redone within seconds.
   */
  landingMarginMs?: number;
  /**
   * Headers computed afresh for every attempt, right before it is sent (a signature over the
   * method, the path and the current time). A vendor that refuses a stale date would refuse a
   * retry that reused the first attempt's headers after a 429, a 503 or a timeout. They override
   * the request's own headers of the same name.
   */
  sign?: (method: HttpMethod, url: URL) => Record<string, string>;
  /** Injected in tests to avoid real waiting. */
  sleep?: (ms: number) => Promise<void>;
  random?: () => number;
}

export interface HttpStats {
  requests: number;
  retries: number;
  byEndpoint: Record<string, number>;
}

const RETRY_STATUSES = new Set([429, 503]);
/**
 * Failure answers a read is repeated after, unless the connector recognises the body as its
 * vendor's own answer (isRefusal, isAnswer): a gateway's or a backend's hiccup says nothing about the
 * data, and one unrepeated hiccup among the hundreds of reads of a billing run failed the tenant.
 */
const TRANSIENT_STATUSES = new Set([500, 502, 504]);

/**
 * A 2xx answer to a request that asked for JSON whose body is not JSON (a proxy's page, a body
 * cut short): not the server's data, so a read is repeated rather than failing its tenant.
 */
function garbledJson(response: HttpResponse, accept: string): boolean {
  if (response.status < 200 || response.status >= 300 || !/json/i.test(accept) || response.text.trim() === '') return false;
  try {
    JSON.parse(response.text);
    return false;
  } catch {
    return true;
  }
}
const CONNECTION_ERRORS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNABORTED']);
const TLS_ERRORS = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'ERR_SSL_WRONG_VERSION_NUMBER',
  'EPROTO',
]);

/**
 * Failures that prove the request never reached the server's application: nothing
 * listened, the name did not resolve, the TLS handshake failed, or the request could
 * not even be built. Every other transport failure of a write leaves its outcome unknown.
 */
const NOT_SENT = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ERR_INVALID_CHAR', 'ERR_INVALID_HTTP_TOKEN', 'ERR_INVALID_URL', ...TLS_ERRORS]);

/** Node refuses header values outside Latin-1 and control characters other than tab (ERR_INVALID_CHAR). */
const INVALID_HEADER_VALUE = /[^\t\x20-\x7e\x80-\xff]/;

/** What a credential header holds, in the user's terms. */
const HEADER_MEANING: Record<string, string> = {
  secret: 'the secret (password)',
  username: 'the user name',
  apiintegrationcode: 'the integration code (API tracking identifier)',
  authorization: 'the user name or password',
  impersonationresourceid: 'the impersonation resource id',
};

function invalidHeaderError(service: string, header: string | null): KmspError {
  const meaning = header ? (HEADER_MEANING[header.toLowerCase()] ?? `the value of the ${header} header`) : 'the user name or secret';
  return new KmspError(`${service}: ${meaning} contains characters that cannot be sent in an HTTP header`, {
    kind: 'config',
    cause: `HTTP header values may only hold Latin-1 characters and no line breaks; ${meaning}${header ? ` (sent as the ${header} header)` : ''} holds a character such as "€" or a line break (nothing was sent)`,
    remedy: `Re-enter ${meaning} for ${service} without such characters (watch for pasted line breaks). If the password really contains one, change it in ${service} to one that does not.`,
    code: 'ERR_INVALID_CHAR',
  });
}

function isInvalidHeaderError(error: unknown, code: string | undefined): boolean {
  if (code === 'ERR_INVALID_CHAR' || code === 'ERR_INVALID_HTTP_TOKEN') return true;
  // node-fetch checks values itself and throws a plain TypeError "… is not a legal HTTP header value".
  return error instanceof TypeError && /is not a legal HTTP header (value|name)/i.test(error.message);
}

/** What the caller of transportError knows about the request, to tell whether a write may have happened. */
export interface TransportContext {
  method: HttpMethod;
  /** True when repeating the request cannot change the outcome (see HttpRequest.safeToRetry). */
  safe: boolean;
}

/** The generic remedy of a write whose outcome is unknown; connectors add what exactly to check. */
export function outcomeUnknownRemedy(service: string): string {
  return `The change may or may not have been made in ${service}. kmsp did not repeat it, because a repeat could apply it twice. Check in ${service} whether it was made before it is tried again.`;
}

export interface OutcomeUnknownOptions {
  /** What to look for in the vendor's application before trying again. */
  check?: string;
  detail?: string;
  code?: string | number;
  kind?: 'network' | 'vendor' | 'protocol';
}

/** A write that failed in a way that does not tell whether `service` carried it out (KmspError.outcomeUnknown). */
export function outcomeUnknownError(service: string, action: string, cause: string, options: OutcomeUnknownOptions): KmspError {
  return new KmspError(`It is unknown whether ${service} managed to ${action}`, {
    kind: options.kind ?? 'vendor',
    cause,
    remedy: [outcomeUnknownRemedy(service), options.check].filter(Boolean).join(' '),
    outcomeUnknown: true,
    ...(options.detail ? { detail: options.detail } : {}),
    ...(options.code !== undefined ? { code: options.code } : {}),
  });
}

export { isLoopbackHost } from './loopback.js';

/**
 * A transport failure (a timeout, a reset) of a request that may have been carried out, said as
 * the connector's own action with what to look at first; any other error is returned unchanged.
 */
export function inTermsOfAction(error: unknown, service: string, action: string, check?: string): unknown {
  if (!isKmspError(error) || !error.outcomeUnknown) return error;
  return outcomeUnknownError(service, action, error.why ? `${error.message}: ${error.why}` : error.message, {
    kind: 'network',
    ...(check ? { check } : {}),
    ...(error.code !== undefined ? { code: error.code } : {}),
  });
}

/** Parses Retry-After (delta-seconds or HTTP-date) into milliseconds. */
export function parseRetryAfter(value: string | undefined, now = Date.now()): number | null {
  if (!value) return null;
  const trimmed = value.trim();
  if (/^\d+(\.\d+)?$/.test(trimmed)) return Math.round(Number(trimmed) * 1000);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? null : Math.max(0, at - now);
}

/** The Accept header a request is sent with (HttpClient.once: application/json unless the request sets its own). */
function acceptOf(headers: Record<string, string> | undefined): string {
  for (const [name, value] of Object.entries(headers ?? {})) if (name.toLowerCase() === 'accept') return value;
  return 'application/json';
}

function errorCode(error: unknown): string | undefined {
  // node-fetch wraps the socket error: FetchError{code, errno}; the TLS reason is in `code` too.
  const e = error as { code?: string; errno?: string; cause?: { code?: string }; type?: string };
  return e?.code ?? e?.errno ?? e?.cause?.code;
}

export function loadCa(caFile: string, service: string, certificateHint?: string): Buffer {
  try {
    return readFileSync(caFile);
  } catch (error) {
    throw new KmspError(`${service}: cannot read the CA/certificate file ${caFile}`, {
      kind: 'config',
      cause: (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'the file does not exist' : (error as Error).message,
      remedy: `Point caFile at a PEM file holding the server certificate or its CA${certificateHint ? ` (${certificateHint})` : ''}, or clear the setting to use the system CAs.`,
    });
  }
}

/**
 * How long a server may still carry a write out after the client stopped waiting for it (a
 * slow backend finishes what it started). Added to HttpClient.longestWriteMs.
 */
export const WRITE_LANDING_MARGIN_MS = 60_000;

export class HttpClient {
  readonly service: string;
  private readonly hints: NonNullable<HttpClientOptions['hints']>;
  readonly redactor: Redactor;
  readonly stats: HttpStats = { requests: 0, retries: 0, byEndpoint: {} };
  private readonly options: Required<Pick<HttpClientOptions, 'timeoutMs' | 'retries' | 'backoffBaseMs' | 'backoffMaxMs' | 'maxRetryAfterMs' | 'maxConcurrentPerEndpoint'>> &
    HttpClientOptions;
  private readonly limits = new Map<string, LimitFunction>();
  private readonly httpAgent: http.Agent;
  private readonly httpsAgent: https.Agent;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly random: () => number;

  constructor(options: HttpClientOptions) {
    this.service = options.service;
    this.hints = options.hints ?? {};
    this.options = {
      timeoutMs: 30_000,
      retries: 4,
      backoffBaseMs: 500,
      backoffMaxMs: 30_000,
      maxRetryAfterMs: 120_000,
      maxConcurrentPerEndpoint: 3,
      ...options,
    };
    this.redactor = new Redactor(options.secrets ?? []);
    const ca = options.caFile ? loadCa(options.caFile, options.service, options.hints?.certificate) : undefined;
    // keepAlive: KSC sessions and Autotask calls reuse connections; ca: KSC's self-signed certificate.
    this.httpAgent = new http.Agent({ keepAlive: true });
    this.httpsAgent = new https.Agent({ keepAlive: true, ...(ca ? { ca } : {}) });
    this.sleep = options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms)));
    this.random = options.random ?? Math.random;
  }

  /**
   * The longest a write can take through this client: every attempt timing out, with the
   * longest wait between refused attempts (a refusal means unprocessed, so it is retried).
   * With WRITE_LANDING_MARGIN_MS on top, a write sent longer ago than that can no longer be
   * applied by the server — the rule that lets a later run read "not in the PSA" as "not applied".
   */
  longestWriteMs(): number {
    const { timeoutMs, retries, backoffMaxMs, maxRetryAfterMs } = this.options;
    return (retries + 1) * timeoutMs + retries * Math.max(backoffMaxMs, maxRetryAfterMs);
  }

  /** Psa.writeLandsWithinMs of a connector writing through this client: its longest write and the landing margin. */
  writeLandsWithinMs(): number {
    return this.longestWriteMs() + (this.options.landingMarginMs ?? WRITE_LANDING_MARGIN_MS);
  }

  /** Adds a secret learned later (e.g. a session id) to the redaction list. */
  addSecret(secret: string | null | undefined): void {
    this.redactor.add(secret);
  }

  resolve(url: string): URL {
    return new URL(url, this.options.baseUrl);
  }

  private limitFor(endpoint: string): LimitFunction {
    let limit = this.limits.get(endpoint);
    if (!limit) {
      limit = pLimit(this.options.maxConcurrentPerEndpoint);
      this.limits.set(endpoint, limit);
    }
    return limit;
  }

  private backoff(attempt: number): number {
    // Full jitter: uniform in [0, min(max, base·2^attempt)] spreads retries of many callers.
    const cap = Math.min(this.options.backoffMaxMs, this.options.backoffBaseMs * 2 ** attempt);
    return Math.round(this.random() * cap);
  }

  async request(req: HttpRequest): Promise<HttpResponse> {
    const url = this.resolve(req.url);
    const endpoint = req.endpoint ?? (this.options.endpointOf ? this.options.endpointOf(url) : url.pathname.toLowerCase());
    const safe = req.safeToRetry ?? req.method === 'GET';
    // Checked before anything is sent: Node would refuse the header (ERR_INVALID_CHAR), and
    // that refusal must read as "fix this value", not as "could not reach the host".
    for (const [name, value] of Object.entries(req.headers ?? {})) {
      if (INVALID_HEADER_VALUE.test(value)) throw invalidHeaderError(this.service, name);
    }
    const maxAttempts = this.options.retries + 1;
    for (let attempt = 0; ; attempt++) {
      if (attempt > 0) this.stats.retries++;
      const last = attempt + 1 >= maxAttempts;
      let response: HttpResponse;
      try {
        response = await this.limitFor(endpoint)(() => this.once(req, url, endpoint, attempt));
      } catch (error) {
        // Raised before anything was sent (a signer's header Node would refuse): as it stands.
        if (error instanceof KmspError) throw error;
        const code = errorCode(error);
        // A refused connection never reached the server: repeating it is safe for any
        // request. A reset or a timeout may have been processed: only safe requests.
        const retry = code === 'ECONNREFUSED' || (safe && ((code !== undefined && CONNECTION_ERRORS.has(code)) || (error as Error).name === 'AbortError'));
        if (!retry || last) throw this.transportError(error, url, { method: req.method, safe });
        await this.sleep(this.backoff(attempt));
        continue;
      }
      if (response.status >= 300 && response.status < 400 && response.headers.location !== undefined) throw this.redirectError(response, url);
      // 429 and the connector's "refused" answers (thread limits) mean the server did not
      // process the request, so even a create may be repeated; a 503 may not be so clear.
      const refused = response.status === 429 || (this.options.isRetryable?.(response) ?? false);
      const afterAnswer = safe && req.retryAfterAnswer !== false;
      const transient = afterAnswer && TRANSIENT_STATUSES.has(response.status) && !(this.options.isRefusal?.(response) ?? false) && !(this.options.isAnswer?.(response) ?? false);
      const garbled = afterAnswer && garbledJson(response, acceptOf(req.headers));
      const retry = refused || (safe && RETRY_STATUSES.has(response.status)) || transient || garbled;
      if (!retry || last) return this.markOutcome(response, safe, refused);
      const retryAfter = parseRetryAfter(response.headers['retry-after']);
      if (retryAfter !== null && retryAfter > this.options.maxRetryAfterMs) return this.markOutcome(response, safe, refused);
      await this.sleep(retryAfter ?? this.backoff(attempt));
    }
  }

  /** A redirect is not followed (credentials would go where it points): the address to configure instead. */
  private redirectError(response: HttpResponse, url: URL): KmspError {
    let target = response.headers.location ?? '';
    try {
      target = new URL(target, url).toString();
    } catch {
      // Said as the server gave it.
    }
    return new KmspError(`${this.service} at ${url.protocol}//${url.host} answered with a redirect (${response.status}) to ${this.redactor.text(target)}`, {
      kind: 'config',
      code: `http-${response.status}`,
      cause: 'kmsp does not follow redirects: it would send its credentials, and what it writes, to another address than the one configured',
      remedy: 'If that address is the right one, set the URL to it on the Connections tab (or in the configuration); otherwise check the URL and any proxy in front of the server.',
    });
  }

  /**
   * A 5xx to a request that is not safe to repeat may have been carried out (a gateway
   * timeout after the backend wrote, a crash mid-way): unless the server refused it
   * unprocessed (429, isRetryable) or with a refusal the connector recognises (isRefusal).
   */
  private markOutcome(response: HttpResponse, safe: boolean, refused: boolean): HttpResponse {
    if (!safe && response.status >= 500 && !refused && !(this.options.isRefusal?.(response) ?? false)) response.outcomeUnknown = true;
    return response;
  }

  private async once(req: HttpRequest, url: URL, endpoint: string, attempt: number): Promise<HttpResponse> {
    // Signed inside the concurrency slot, so a request that waited for one is not sent with a stale date.
    const signed = this.options.sign?.(req.method, url) ?? {};
    for (const [name, value] of Object.entries(signed)) {
      if (INVALID_HEADER_VALUE.test(value)) throw invalidHeaderError(this.service, name);
    }
    this.stats.requests++;
    this.stats.byEndpoint[endpoint] = (this.stats.byEndpoint[endpoint] ?? 0) + 1;
    const controller = new AbortController();
    const timeoutMs = req.timeoutMs ?? this.options.timeoutMs;
    const timer = setTimeout(() => controller.abort(), timeoutMs);
    const started = Date.now();
    const headers: Record<string, string> = { Accept: 'application/json', ...req.headers, ...signed };
    let body: string | undefined;
    if (req.body !== undefined) {
      body = typeof req.body === 'string' ? req.body : JSON.stringify(req.body);
      headers['Content-Type'] ??= 'application/json';
    }
    const record: RequestRecord = { method: req.method, url: this.redactor.text(url.toString()), endpoint, status: null, attempt, durationMs: 0 };
    try {
      const res = await fetch(url.toString(), {
        method: req.method,
        headers,
        body,
        signal: controller.signal,
        // node-fetch option (not in the DOM types): carries keep-alive and the CA.
        agent: url.protocol === 'https:' ? this.httpsAgent : this.httpAgent,
        // Never followed: a 307/308 would send the body (a password, a posting) on to whatever
        // address the answer names, http:// or another host included. See redirectError.
        redirect: 'manual',
      } as RequestInit);
      const text = await res.text();
      const outHeaders: Record<string, string> = {};
      res.headers.forEach((value, key) => {
        outHeaders[key.toLowerCase()] = value;
      });
      record.status = res.status;
      return { status: res.status, headers: outHeaders, text, url: url.toString() };
    } catch (error) {
      record.error = this.redactor.text(errorCode(error) ?? (error as Error).message);
      if ((error as Error).name === 'AbortError') {
        const e = new Error(`timed out after ${timeoutMs} ms`);
        e.name = 'AbortError';
        throw e;
      }
      throw error;
    } finally {
      clearTimeout(timer);
      record.durationMs = Date.now() - started;
      this.options.onRecord?.(record);
    }
  }

  /**
   * A connection-level failure as a KmspError with cause and remedy, secrets removed.
   * With `request` given, a failure of a request that is not safe to repeat and may have
   * reached the server (anything but NOT_SENT) is marked outcomeUnknown.
   */
  transportError(error: unknown, url: URL, request?: TransportContext): KmspError {
    const where = `${url.protocol}//${url.host}`;
    const code = errorCode(error);
    const message = this.redactor.text((error as Error)?.message ?? String(error));
    if (isInvalidHeaderError(error, code)) return invalidHeaderError(this.service, null);
    const timedOut = (error as Error)?.name === 'AbortError';
    if (request && !request.safe && !(code !== undefined && NOT_SENT.has(code))) {
      // The request may have been sent, and the server may have carried it out.
      return new KmspError(
        timedOut
          ? `${this.service} did not answer in time (${where}); the ${request.method} request may or may not have been carried out`
          : `${this.service}: the connection to ${where} failed during a ${request.method} request; it may or may not have been carried out`,
        {
          kind: 'network',
          cause: code && !timedOut ? `${code}: ${message}` : message,
          remedy: outcomeUnknownRemedy(this.service),
          outcomeUnknown: true,
          ...(code ? { code } : {}),
        },
      );
    }
    if (timedOut) {
      return new KmspError(`${this.service} did not answer in time (${where})`, {
        kind: 'network',
        cause: message,
        remedy: 'Check that the server is up and not overloaded, then try again (an automatic run asks again on its next cycle).',
      });
    }
    if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') {
      // A trusted certificate issued for another name: a CA file cannot cure this, so the remedy
      // is about the address, not about trust.
      return new KmspError(`${this.service}: the TLS certificate of ${where} is issued for another host name`, {
        kind: 'tls',
        cause: `the certificate does not name ${url.hostname} (${code}: ${message})`,
        remedy: `Put in the URL the host name the certificate is issued for, or have the server's certificate reissued to include ${url.hostname}. kmsp never disables certificate checks.`,
        code,
      });
    }
    if (code && TLS_ERRORS.has(code)) {
      return new KmspError(`${this.service}: the TLS certificate of ${where} is not trusted`, {
        kind: 'tls',
        cause: `the certificate is not trusted by this machine or by the CA/certificate file set (${code}: ${message})`,
        remedy: `Set the CA/certificate file (caFile) to the server certificate or the CA that signed it${this.hints.certificate ? ` (${this.hints.certificate})` : ''}. kmsp never disables certificate checks.`,
        code,
      });
    }
    if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
      return new KmspError(`${this.service}: host ${url.hostname} could not be resolved`, {
        kind: 'network',
        cause: `DNS lookup failed (${code})`,
        remedy: 'Check the host name in the URL and this machine’s DNS settings.',
        code,
      });
    }
    if (code === 'ECONNREFUSED') {
      return new KmspError(`${this.service}: connection refused by ${where}`, {
        kind: 'network',
        cause: 'nothing is listening on that address and port',
        remedy: `Check the URL and port${this.hints.port ? ` (${this.hints.port})` : ''} and that the service is running and reachable through any firewall.`,
        code,
      });
    }
    return new KmspError(`${this.service}: could not reach ${where}`, {
      kind: 'network',
      cause: code ? `${code}: ${message}` : message,
      remedy: 'Check the URL, the network path and any proxy or firewall between this machine and the server.',
      ...(code ? { code } : {}),
    });
  }

  close(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }
}

/**
 * True for a body that starts as JSON but does not parse: an answer cut short (a dropped
 * connection, a proxy's limit), not a web page in the API's place.
 */
export function isCutShortJson(text: string): boolean {
  const t = text.trim();
  if (!/^[{[]/.test(t)) return false;
  try {
    JSON.parse(t);
    return false;
  } catch {
    return true;
  }
}

/** The error for an answer whose JSON was cut short (see isCutShortJson). */
export function cutShortError(service: string, status: number, snippet: string): KmspError {
  return new KmspError(`${service} answered with incomplete JSON (HTTP ${status})`, {
    kind: 'protocol',
    cause: `the answer ended before its JSON did; it starts with: ${snippet}`,
    remedy: `The connection, or a proxy between kmsp and ${service}, cut the answer short. kmsp asks again on its next run; if it keeps happening, check the network path and any proxy.`,
    code: status,
  });
}

/**
 * What an error may quote of a response body: its first 200 characters, redacted, or nothing of
 * an answer that hands out credentials (a session id, a token). Such an answer cut short or
 * garbled cannot be read, so its token never reaches the redactor, and the quote would carry it
 * (or most of it) into logs, the ledger and the status file.
 */
export function quotableBody(text: string, redactor: Redactor | undefined, carriesCredentials = false): string {
  if (carriesCredentials && text !== '') return `(${text.length} characters, not shown: this answer carries credentials)`;
  const snippet = text.slice(0, 200);
  return redactor ? redactor.text(snippet) : snippet;
}

/** Parses a JSON body, or throws a protocol error naming the service. */
export function parseJson<T = unknown>(response: HttpResponse, service: string, redactor?: Redactor, options: { carriesCredentials?: boolean } = {}): T {
  try {
    return JSON.parse(response.text) as T;
  } catch {
    const snippet = quotableBody(response.text, redactor, options.carriesCredentials);
    // A cut-short answer is no sign of a wrong URL: saying "not the API" would send the user to the wrong place.
    if (isCutShortJson(response.text)) throw cutShortError(service, response.status, snippet);
    throw new KmspError(`${service} answered with something that is not JSON (HTTP ${response.status})`, {
      kind: 'protocol',
      cause: `body starts with: ${snippet}`,
      remedy: 'Check that the URL points at the API itself, not a web console or a proxy login page.',
      code: response.status,
    });
  }
}
