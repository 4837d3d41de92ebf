// The reduced chaos run of `npm run chaos` (source/chaos/): for every simulated PSA × platform,
// billing and ticket passes over a few of the demo's tenants under a seeded 20% fault plan on both
// simulators, repeated until each finishes clean; then one clean pass without faults must change
// nothing, and the PSA must hold exactly what the same passes made without faults: no duplicate,
// nothing lost, nothing wrong.
import { describe, expect, it } from 'vitest';
import { CHAOS_DEFAULTS, runPair } from '../../source/chaos/converge.js';
import { SIMULATED_PLATFORM_KINDS, SIMULATED_PSA_KINDS } from '../../source/simulators/registry.js';

const PAIRS = SIMULATED_PSA_KINDS.flatMap((psa) => SIMULATED_PLATFORM_KINDS.map((platform) => ({ psa, platform })));

describe.each(PAIRS)('chaos: $platform × $psa', (pair) => {
  it(
    'converges under a 20% fault rate on the state of the fault-free run',
    async () => {
      const r = await runPair(pair, { ...CHAOS_DEFAULTS, tenants: 3 });
      const why = JSON.stringify({ billing: r.billing, tickets: r.tickets, details: r.difference.details });
      // The scenario did real work, and faults were injected into it.
      expect(r.expected.postings, why).toBeGreaterThan(0);
      expect(r.expected.records, why).toBeGreaterThan(0);
      expect(r.expected.tickets, why).toBeGreaterThan(0);
      expect(Object.values(r.faults).reduce((a, b) => a + b, 0)).toBeGreaterThan(0);
      expect(r.converged, why).toBe(true);
      expect(r.cleanPassChanged, why).toBe(false);
      expect(r.difference, why).toMatchObject({ duplicates: { postings: 0, tickets: 0 }, lost: { postings: 0, tickets: 0 }, wrong: { postings: 0, tickets: 0 } });
    },
    // Generous: the passes wait for held writes to be past landing, and the suite runs on 2 cores.
    600_000,
  );
});
