// Tigerpaw's own fault kind for seeded fault plans (../faults.ts): a rep has the service order open
// in the Tigerpaw GUI at the moment kmsp edits it.
import type { VendorFaults } from '../faults.js';
import type { SimResponse } from '../server.js';
import { businessRefusal } from './routes.js';
import { lockedMessage, type TigerpawState } from './state.js';

const ORDER_EDIT = /^\/api\/serviceorders\/(\d+)\/?$/i;

/**
 * `lock`: an edit (PUT) of a service order answers the refusal the simulator gives for an order
 * locked in the GUI (the `lock` control command), in the same assumed shape, without changing the
 * order; not applicable to any other request (notes are taken on a locked order, reads are not
 * refused).
 */
export function tigerpawFaults(options: { state: () => TigerpawState; person: () => number }): VendorFaults {
  return {
    lock: (req): SimResponse | 'not-applicable' => {
      const m = ORDER_EDIT.exec(req.path);
      if (req.method.toUpperCase() !== 'PUT' || !m) return 'not-applicable';
      const state = options.state();
      const rep = state.table('reps').find((r) => Number(r.RepNumber) === options.person());
      return businessRefusal('ServiceOrderSummary', lockedMessage(Number(m[1]), rep ? state.repName(rep) : 'another rep'));
    },
  };
}
