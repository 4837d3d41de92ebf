// The hub's error answer (connectors/kbh/README.md §3 › Errors): any non-2xx carries
// {"error": {"code", "message"}}. Thrown anywhere in the simulator's request path and turned
// into the answer in routes.ts.
import type { SimResponse } from '../server.js';

export type HubErrorCode =
  | 'invalid_request'
  | 'invalid_credentials'
  | 'otp_required'
  | 'otp_invalid'
  | 'token_expired'
  | 'invalid_token'
  | 'invalid_grant'
  | 'account_locked'
  | 'forbidden'
  | 'not_found'
  | 'rate_limited'
  | 'unavailable'
  | 'internal_error';

export class HubError extends Error {
  constructor(
    readonly status: number,
    readonly code: HubErrorCode | string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

export function errorAnswer(status: number, code: string, message: string, headers: Record<string, string> = {}): SimResponse {
  return { status, headers, body: { error: { code, message } } };
}

export const badRequest = (message: string) => new HubError(400, 'invalid_request', message);
export const notFound = (message: string) => new HubError(404, 'not_found', message);

/** A control request the simulator cannot carry out (answered 400 on /_sim/, thrown by the methods). */
export class SimInputError extends Error {}
