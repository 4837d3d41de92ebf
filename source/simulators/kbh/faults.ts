// Business Hub's own fault kind for seeded fault plans (../faults.ts): a state change, after which
// the request is processed and fails as the hub answers it (connectors/kbh/README.md §3).
import type { VendorFaults } from '../faults.js';
import type { KbhAuth } from './auth.js';

/**
 * `token-expired`: the bearer token the request carries has just expired, so it gets
 * `token_expired` (401) and the client must renew; not for the token endpoint itself, nor a
 * request without a live token.
 */
export function kbhFaults(auth: () => KbhAuth): VendorFaults {
  return {
    'token-expired': (req) => (auth().expireAccessToken(req.headers.authorization) ? 'process' : 'not-applicable'),
  };
}
