// Every fault kind of the Autotask simulator (the shared ones and its thread-limit refusal)
// against the Autotask connector the registry opens, one fault at a time (fault-harness.ts): reads
// cope, writes are never repeated when their outcome is unknown, and the same seed gives the same
// faults.
import { describe, expect, it } from 'vitest';
import { describe as said, httpFor, psaFaultKindTests, psaFixture, targets } from './fault-harness.js';

const VENDOR_KINDS = ['thread-limit'];
const fixture = psaFixture('autotask');

const today = new Date().toISOString().slice(0, 10);
function posting() {
  const sim = fixture.env.sim;
  const contract = sim.state.contracts.find((c) => c.contractType === 7 && sim.state.companies.find((a) => a.id === c.companyID)?.companyName === 'Acme and Sons Ltd')!;
  const service = sim.state.services.find((s) => s.name === 'KES Advanced – Workstation')!;
  return { contractId: String(contract.id), billingItemId: String(service.id), before: 0, after: 1, mode: 'delta' as const, effectiveDate: today };
}

/** The request of each operation that gets the fault. */
const TARGETS = {
  listAccounts: { pathIncludes: 'Companies/query', method: 'POST' },
  ticketPicklists: { pathIncludes: 'Tickets/entityInformation/fields', method: 'GET' },
  createTicket: { pathIncludes: 'V1.0/Tickets', method: 'POST' },
  postUsage: { pathIncludes: 'ContractServiceAdjustments', method: 'POST' },
  closeTicket: { pathIncludes: 'V1.0/Tickets', method: 'PATCH' },
};

describe('Autotask under every fault kind', () => {
  psaFaultKindTests({
    fixture,
    vendorKinds: VENDOR_KINDS,
    targets: TARGETS,
    posting,
    seedKinds: ['5xx', '429', 'slow', 'thread-limit', 'reset-before'],
    check: (kind, { outcome, requests }, { op }) => {
      if (kind !== 'thread-limit') return;
      // Refused unprocessed: repeated, whatever the method, and carried out once.
      expect(outcome, said(outcome)).toMatchObject({ ok: true });
      expect(requests.filter((r) => targets(op.target, r)).map((r) => r.status)).toEqual([500, expect.any(Number)]);
    },
  });

  it('a thread-limit fault does not apply to zone discovery', async () => {
    fixture.env.sim.clearRequests();
    fixture.env.sim.faults.set({ seed: 1, rate: 1, kinds: ['thread-limit'], pathIncludes: 'zoneInformation' });
    try {
      await (await fixture.env.connect(httpFor('none'))).listAccountTypes();
    } finally {
      fixture.env.sim.faults.set(null);
    }
    expect(fixture.env.sim.requests.some((r) => /zoneInformation/i.test(r.path))).toBe(true);
    expect(fixture.env.sim.requests.filter((r) => r.fault)).toEqual([]);
  });
});
