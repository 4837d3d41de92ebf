// kill -9 trials (chaos/crash.ts), a few per PSA: a pass killed at a seeded random point, some
// while the PSA holds its posting or ticket write (released once the restart has begun), then
// restarted until clean; the PSA ends as a run without a kill leaves it and the ledger verifies.
// `npm run chaos` runs fifty per PSA. The children run dist/ (npm test builds it first).
import { describe, expect, it } from 'vitest';
import { CRASH_DEFAULTS, runCrashTrials } from '../../source/chaos/crash.js';
import { SIMULATED_PSA_KINDS, type SimulatedPsaKind } from '../../source/simulators/registry.js';

describe.each(SIMULATED_PSA_KINDS)('kill -9 trials with %s', (psa) => {
  it('three trials (a plain kill, a held posting, a held ticket create) each end in the expected state', async () => {
    const [result] = await runCrashTrials({ seed: CRASH_DEFAULTS.seed, trials: 3, psas: [psa as SimulatedPsaKind], tenants: 3 });
    expect(result!.findings).toEqual([]);
    expect([result!.passed, result!.run]).toEqual([3, 3]);
  }, 300_000);
});
