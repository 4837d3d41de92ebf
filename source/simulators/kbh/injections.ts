// Failure injection for the Business Hub simulator (../injections.ts): the next matching
// requests answer an error, 429 or 503, or are delayed. Requests are selected by a fragment of
// the path below /api/v1/ ("auth/token", "companies", "workspaces/*/events", "events"); they are
// checked before sign-in and routing, as a gateway in front of the hub would answer.
import { Injections, pathFragmentMatches, type BaseInjection } from '../injections.js';

export type KbhInjectionKind = 'error' | '429' | '503' | 'delay';

export interface KbhInjection extends BaseInjection<KbhInjectionKind> {
  /** "*" for any request, or whole segments of the path below /api/v1/ ("*" for one segment; a trailing "$" ends the path). */
  endpoint: string;
  /** error: the error body's code (default by status: 401 invalid_token, 403 forbidden, 404 not_found, 429 rate_limited, 503 unavailable, else internal_error). */
  code?: string;
}

export class KbhInjections extends Injections<KbhInjection> {
  constructor() {
    super(pathFragmentMatches);
  }
}

export const KBH_INJECTION_KINDS: readonly KbhInjectionKind[] = ['error', '429', '503', 'delay'];

export function defaultCode(status: number): string {
  const byStatus: Record<number, string> = { 400: 'invalid_request', 401: 'invalid_token', 403: 'forbidden', 404: 'not_found', 429: 'rate_limited', 503: 'unavailable' };
  return byStatus[status] ?? 'internal_error';
}
