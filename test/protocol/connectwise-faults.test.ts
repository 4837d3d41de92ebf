// Every fault kind of the ConnectWise simulator (the shared ones and its record-in-use refusal)
// against the ConnectWise connector the registry opens, one fault at a time (fault-harness.ts):
// reads cope, writes are never repeated when their outcome is unknown, a ticket in use defers its
// close, and the same seed gives the same faults.
import { describe, expect } from 'vitest';
import { closeOnlyKindTest, describe as said, psaFaultKindTests, psaFixture, targets } from './fault-harness.js';

const VENDOR_KINDS = ['record-in-use'];
const fixture = psaFixture('connectwise', { posting: true });

/** The request of each operation that gets the fault. */
const TARGETS = {
  listAccounts: { pathIncludes: 'company/companies', method: 'GET' },
  ticketPicklists: { pathIncludes: 'service/boards', method: 'GET' },
  createTicket: { pathIncludes: 'service/tickets', method: 'POST' },
  postUsage: { pathIncludes: '/additions', method: 'PATCH' },
  closeTicket: { pathIncludes: 'service/tickets', method: 'PATCH' },
};

/** Where a vendor kind applies (elsewhere it is 'not-applicable' and no request gets it). */
const APPLIES: Record<string, string[]> = { 'record-in-use': ['closeTicket'] };

describe('ConnectWise under every fault kind', () => {
  psaFaultKindTests({
    fixture,
    vendorKinds: VENDOR_KINDS,
    applies: APPLIES,
    targets: TARGETS,
    seedKinds: ['5xx', '429', 'slow', 'reset-before'],
    check: (kind, { outcome, requests }, { op, ticket }) => {
      if (kind !== 'record-in-use') return;
      // A member has the ticket open: not an error, the close waits for a later pass; nothing was changed.
      expect(outcome, said(outcome)).toMatchObject({ ok: true, value: { closed: false, deferred: expect.any(String) } });
      expect(requests.filter((r) => targets(op.target, r)).map((r) => r.status)).toEqual([409]);
      expect(fixture.env.sim.state.tickets.find((t) => String(t.id) === ticket)?.closedFlag).toBe(false);
    },
  });

  closeOnlyKindTest(fixture, 'record-in-use');
});
