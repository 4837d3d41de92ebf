// Failure injection for the Tigerpaw simulator (../injections.ts): the shared kinds, selected by a
// fragment of the API path below /api/.
import { Injections, pathFragmentMatches, type BaseInjection } from '../injections.js';

export type TpInjectionKind = '429' | 'error' | 'error-after' | 'delay' | 'hold';

export interface TpInjection extends BaseInjection<TpInjectionKind> {
  /**
   * "*" for any request, or a fragment of the path below /api/, whole segments, case-insensitive:
   * "serviceorders" (service orders and their notes), "agreements" (agreements and their charges),
   * "additionalcharges", "accounts/search", "notes". "*" or "{id}" inside a fragment stands for one
   * segment: "agreements/*\/additionalcharges".
   */
  endpoint: string;
}

export class TpInjections extends Injections<TpInjection> {
  constructor() {
    super(pathFragmentMatches);
  }
}
