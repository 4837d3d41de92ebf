// Autotask's own fault kind for seeded fault plans (../faults.ts): the thread-threshold refusal,
// the answer Autotask gives a request it did not process because the endpoint had too many at once.
import type { VendorFaults } from '../faults.js';
import type { SimResponse } from '../server.js';
import { THREAD_LIMIT_MESSAGE } from './routes.js';

/**
 * `thread-limit`: the same status and body as the simulator's real thread gate and its
 * `thread-limit` injection (routes.ts), for any request to the zone's REST API; zone discovery
 * is not an endpoint with threads, so it cannot get one.
 */
export function autotaskFaults(options: { apiBase: () => string; threadLimitStatus: number }): VendorFaults {
  return {
    'thread-limit': (req): SimResponse | 'not-applicable' => {
      if (!req.path.toLowerCase().startsWith(`${options.apiBase().toLowerCase()}v1.0/`)) return 'not-applicable';
      return { status: options.threadLimitStatus, body: { errors: [THREAD_LIMIT_MESSAGE] } };
    },
  };
}
