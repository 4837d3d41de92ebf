// Failure injection for the ConnectWise simulator (../injections.ts): the shared kinds,
// selected by a fragment of the API path.
import { Injections, type BaseInjection } from '../injections.js';

export type CwInjectionKind = '429' | 'error' | 'error-after' | 'delay' | 'hold';

export interface CwInjection extends BaseInjection<CwInjectionKind> {
  /**
   * "*" for any request, or a fragment of the path below apis/3.0/, whole segments,
   * case-insensitive: "service/tickets" (tickets and their notes), "finance/agreements"
   * (agreements and their additions), "additions", "notes". "*" or "{id}" inside a fragment
   * stands for one segment: "finance/agreements/*\/additions".
   */
  endpoint: string;
}

/** Whether a path fragment (whole segments, `*` or `{id}` for any one) occurs in the path. */
export function pathFragmentMatches(pattern: string, endpoint: string): boolean {
  const want = pattern.toLowerCase().split('/').filter(Boolean);
  const have = endpoint.toLowerCase().split('/').filter(Boolean);
  if (want.length === 0) return false;
  for (let start = 0; start + want.length <= have.length; start++) {
    if (want.every((w, k) => w === '*' || w === '{id}' || w === have[start + k])) return true;
  }
  return false;
}

export class CwInjections extends Injections<CwInjection> {
  constructor() {
    super(pathFragmentMatches);
  }
}
