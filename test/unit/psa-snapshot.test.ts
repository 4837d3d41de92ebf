// Each PSA simulator's snapshot (simulators/snapshot.ts) reads its own records: the crafted
// billing-basic fixture has, on every PSA, Northwind's contract 29690101 holding 85 KESB
// workstations, 3 non-Windows devices and 40 of a backup product, one record each, and no tickets.
import { describe, expect, it } from 'vitest';
import { psaSimulator, SIMULATED_PSA_KINDS } from '../../source/simulators/registry.js';
import { fixturesPath } from '../../source/simulators/server.js';

describe.each(SIMULATED_PSA_KINDS)('the %s snapshot', (kind) => {
  it('holds the fixture quantities of a contract, one record each, and no tickets', async () => {
    const entry = psaSimulator(kind as string);
    const sim = await entry.start({ fixture: fixturesPath('billing-basic', entry.fixtureFile) });
    try {
      const snap = entry.snapshot(sim, new Date().toISOString().slice(0, 10));
      const north = Object.entries(snap.postings).filter(([k]) => k.startsWith('29690101/')).map(([, v]) => v);
      expect(north).toEqual(expect.arrayContaining([85, 3, 40]));
      // Autotask keeps units in periods from the fixture and records only kmsp's adjustments.
      for (const [k, n] of Object.entries(snap.records)) expect([k, n]).toEqual([k, 1]);
      expect(snap.tickets).toEqual([]);
    } finally {
      await sim.close();
    }
  });
});
