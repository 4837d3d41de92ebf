// ConnectWise's own fault kind for seeded fault plans (../faults.ts). The connector's protocol
// notes (connectors/connectwise/README.md §3.2, §4.5) name one ConnectWise failure kmsp treats in
// its own way: a ticket a member has open answers a change with 409, and kmsp defers the close.
import type { VendorFaults } from '../faults.js';
import type { SimResponse } from '../server.js';
import { REFUSALS } from './routes.js';

const TICKET = /\/apis\/3\.0\/service\/tickets\/\d+\/?$/i;

/**
 * `record-in-use`: a change (PATCH or PUT) to one ticket answers 409, unprocessed; not
 * applicable to other requests (reads, creates, notes).
 */
export function connectWiseFaults(): VendorFaults {
  return {
    'record-in-use': (req): SimResponse | 'not-applicable' => ((req.method === 'PATCH' || req.method === 'PUT') && TICKET.test(req.path) ? REFUSALS.inUse() : 'not-applicable'),
  };
}
