// Failure injection for the ConnectWise simulator (../injections.ts): the shared kinds,
// selected by a fragment of the API path.
import { Injections, pathFragmentMatches, type BaseInjection } from '../injections.js';

export { pathFragmentMatches };

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

export class CwInjections extends Injections<CwInjection> {
  constructor() {
    super(pathFragmentMatches);
  }
}
