// kill -9 trials (chaos/crash.ts), four per PSA: a pass killed at a seeded random point, some
// while the PSA holds its posting or ticket write (released once the restart has begun), then
// restarted until clean; the PSA ends as a run without a kill leaves it and the ledger verifies.
// `npm run chaos` runs fifty per PSA × platform pair. The children run dist/ (npm test builds it first).
import { describe, expect, it } from 'vitest';
import { CRASH_DEFAULTS, runCrashPair, type CrashTrial } from '../../source/chaos/crash.js';
import { SIMULATED_PLATFORM_KINDS, SIMULATED_PSA_KINDS } from '../../source/simulators/registry.js';

// Each PSA with a platform, the platforms in turn across the PSAs.
const pairs = SIMULATED_PSA_KINDS.map((psa, i) => ({ psa, platform: SIMULATED_PLATFORM_KINDS[i % SIMULATED_PLATFORM_KINDS.length]! }));

describe.each(pairs)('kill -9 trials with $psa and $platform', (pair) => {
  it('four trials (a plain kill, a held posting, a held ticket create, the daemon) each end in the expected state', async () => {
    const trials: CrashTrial[] = [];
    const result = await runCrashPair(pair, { seed: CRASH_DEFAULTS.seed, trials: 4, tenants: 3, onTrial: (t) => trials.push(t) });
    expect(result.findings).toEqual([]);
    expect([result.passed, result.run]).toEqual([4, 4]);
    expect([result.held, result.daemon]).toEqual([{ posting: 1, ticket: 1 }, 1]);
    // The kills of the held trials came inside the pass, while the PSA held its write; every trial restarted.
    expect(trials.filter((t) => t.held !== null && t.finishedFirst)).toEqual([]);
    expect(trials.every((t) => t.restarts >= 1)).toBe(true);
  }, 300_000);
});
