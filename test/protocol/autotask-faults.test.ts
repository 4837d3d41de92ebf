// Every fault kind of the Autotask simulator (the shared ones and its thread-limit refusal)
// against the Autotask connector the registry opens, one fault at a time (fault-harness.ts): reads
// cope, writes are never repeated when their outcome is unknown, and the same seed gives the same
// faults.
import { describe, expect, it } from 'vitest';
import type { Psa } from '../../source/domain/ports.js';
import { describe as said, httpFor, psaFaultKindTests, psaFixture, targets, type FaultOp } from './fault-harness.js';

const VENDOR_KINDS = ['thread-limit'];
const fixture = psaFixture('autotask');
let serial = 0;

const today = new Date().toISOString().slice(0, 10);
function posting() {
  const sim = fixture.env.sim;
  const contract = sim.state.contracts.find((c) => c.contractType === 7 && sim.state.companies.find((a) => a.id === c.companyID)?.companyName === 'Acme and Sons Ltd')!;
  const service = sim.state.services.find((s) => s.name === 'KES Advanced – Workstation')!;
  return { contractId: String(contract.id), billingItemId: String(service.id), before: 0, after: 1, mode: 'delta' as const, effectiveDate: today };
}

function ops(psa: Psa, ticketId: () => string): FaultOp[] {
  return [
    { name: 'listAccounts', nature: 'read', target: { pathIncludes: 'Companies/query', method: 'POST' }, run: () => psa.listAccounts() },
    { name: 'ticketPicklists', nature: 'read', target: { pathIncludes: 'Tickets/entityInformation/fields', method: 'GET' }, run: () => psa.ticketPicklists() },
    { name: 'createTicket', nature: 'write-once', target: { pathIncludes: 'V1.0/Tickets', method: 'POST' }, run: () => psa.createTicket(fixture.basis.ticket(`kmsp:faults:create:${++serial}`)) },
    { name: 'postUsage', nature: 'write-once', target: { pathIncludes: 'ContractServiceAdjustments', method: 'POST' }, run: () => psa.postUsage(posting()) },
    { name: 'closeTicket', nature: 'write-once', target: { pathIncludes: 'V1.0/Tickets', method: 'PATCH' }, run: () => psa.closeTicket(ticketId(), fixture.basis.closedStatus) },
  ];
}

describe('Autotask under every fault kind', () => {
  psaFaultKindTests({
    fixture,
    vendorKinds: VENDOR_KINDS,
    ops,
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
