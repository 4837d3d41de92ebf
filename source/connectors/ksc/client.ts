// One KSC Open API call over the shared HTTP layer: POST /api/v1.0/Class.Method
// with typed-params arguments, and the reply turned into decoded out-params or a
// KmspError. Sessions are session.ts's business; this module only reports a
// refused session (401/403) so the caller can sign in again.
import { KmspError } from '../../domain/errors.js';
import { cutShortError, isCutShortJson, type HttpClient, type HttpResponse } from '../http.js';
import { KSC_SERVICE, kscErrorFromPxg, pxgErrorOf } from './errors.js';
import { decodeParams, encodeArgs, parseKscJson, type KscParams } from './params.js';

export interface CallOptions {
  /**
   * False for calls that must not be repeated after a lost reply because they move
   * server-side state (GroupSyncIterator.GetNextItems advances its iterator).
   */
  safeToRetry?: boolean;
  timeoutMs?: number;
}

/** Raised when the server no longer accepts the session (ended, expired: HTTP 403, or 401). */
export class SessionRefused extends Error {
  constructor(
    readonly method: string,
    readonly status: number,
  ) {
    super(`${method}: session refused (HTTP ${status})`);
    this.name = 'SessionRefused';
  }
}

/** Methods that never change server state, so a lost reply may be asked again. */
const NOT_REPEATABLE = new Set(['GroupSyncIterator.GetNextItems']);

export class KscTransport {
  private readonly base: string;

  constructor(
    readonly http: HttpClient,
    url: string,
  ) {
    this.base = url.endsWith('/') ? url : `${url}/`;
  }

  urlOf(method: string): string {
    return new URL(`api/v1.0/${method}`, this.base).toString();
  }

  /** Sends one call with the given headers and returns the raw response. */
  async send(method: string, args: Record<string, unknown>, headers: Record<string, string>, options: CallOptions = {}): Promise<HttpResponse> {
    const classMethod = method.split('.').slice(-2).join('.');
    return this.http.request({
      method: 'POST',
      url: this.urlOf(method),
      headers,
      body: encodeArgs(args),
      safeToRetry: options.safeToRetry ?? !NOT_REPEATABLE.has(classMethod),
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    });
  }

  /**
   * Interprets a reply: PxgError (whatever the HTTP status, [U] §1.6) → KscError;
   * 401/403 → SessionRefused; other failures → KmspError; success → decoded body.
   */
  interpret(method: string, response: HttpResponse): KscParams {
    const redactor = this.http.redactor;
    let body: unknown = undefined;
    if (response.text.trim() !== '') {
      try {
        body = parseKscJson(response.text);
      } catch {
        body = undefined;
      }
    }
    const pxg = pxgErrorOf(body);
    if (pxg) throw kscErrorFromPxg(method, pxg, response.status, redactor);
    if (response.status === 401 || response.status === 403) throw new SessionRefused(method, response.status);
    if (response.status === 429 || response.status === 503) {
      throw new KmspError(`${KSC_SERVICE} is too busy to answer ${method}`, {
        kind: 'rate-limit',
        cause: `the server answered HTTP ${response.status}`,
        remedy: 'The Administration Server is overloaded or restarting; the next run tries again. If it persists, check the server’s load and the Open API service.',
        code: response.status,
      });
    }
    if (response.status < 200 || response.status >= 300) {
      const snippet = redactor.text(response.text.slice(0, 200).replace(/\s+/g, ' ').trim());
      throw new KmspError(`${KSC_SERVICE} failed ${method} with HTTP ${response.status}`, {
        kind: response.status >= 500 ? 'vendor' : 'protocol',
        cause: snippet ? `the server answered: ${snippet}` : 'the server gave no explanation',
        remedy:
          response.status === 404
            ? 'Check that the URL points at the KSC Open API (https://<server>:13299), not the Web Console.'
            : 'Check the Administration Server’s event log (Kaspersky Event Log) for the cause; the next run tries again.',
        code: response.status,
      });
    }
    if (body === undefined || body === null || typeof body !== 'object' || Array.isArray(body)) {
      const snippet = redactor.text(response.text.slice(0, 200));
      // A reply cut short is no sign of a wrong URL (see cutShortError).
      if (isCutShortJson(response.text)) throw cutShortError(`${KSC_SERVICE} (${method})`, response.status, snippet);
      throw new KmspError(`${KSC_SERVICE} answered ${method} with something that is not a KLOAPI reply`, {
        kind: 'protocol',
        cause: snippet ? `body starts with: ${snippet}` : 'the body is empty',
        remedy: 'Check that the URL points at the KSC Open API (port 13299), not a proxy or a web page.',
        code: response.status,
      });
    }
    try {
      return decodeParams(body);
    } catch (error) {
      throw new KmspError(`${KSC_SERVICE} answered ${method} with values kmsp cannot read`, {
        kind: 'protocol',
        cause: redactor.text((error as Error).message),
        remedy: 'This KSC version may encode values differently; report it with the KSC version.',
      });
    }
  }
}
