// KSC's own fault kinds for seeded fault plans (../faults.ts): state changes, after which the
// request is processed and fails as KSC answers it (connectors/ksc/README.md §1.3, §3).
import type { VendorFaults } from '../faults.js';
import type { KscSimRuntime } from './api.js';

/**
 * - `session-expired`: the request's session (or its connection's login) has just ended, so it
 *   gets KSC's answer for a dead session (403); not for a sign-in, which has no session yet.
 * - `iterator-expired`: the result set the request reads (a chunk, a count, the next items, an
 *   event range) has just expired, so it gets PxgError 1169; only for such reads.
 */
export function kscFaults(runtime: KscSimRuntime): VendorFaults {
  return {
    'session-expired': (req) => (runtime.expireSessionOf(req) ? 'process' : 'not-applicable'),
    'iterator-expired': (req) => (runtime.expireIteratorOf(req) ? 'process' : 'not-applicable'),
  };
}
