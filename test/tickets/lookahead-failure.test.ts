// A batched tag look-up that keeps failing fails the tickets that needed it, not the whole pass:
// the chunk's closes still go ahead and the pass ends partial.
import { afterEach, beforeEach, expect, it } from 'vitest';
import { ALPHA, startTicketEnv, WS1, WS2, type TicketEnv } from './helpers.js';

let env: TicketEnv;
beforeEach(async () => {
  env = await startTicketEnv();
});
afterEach(async () => env.close());

it('a tag look-up that keeps failing leaves the other tenants\' closes going (a partial pass, not a failed one)', { timeout: 60_000 }, async () => {
  // Every look-up is retried with back-off before it fails: the test waits on timers, about 13 s.
  const ledger = env.ledger();
  env.demo.ksc.setStatusMask(ALPHA, WS1, [7]);
  expect((await env.run(ledger)).totals).toMatchObject({ created: 1, errors: 0 });
  // WS1's condition clears (a close, no tag look-up needed); WS2 gets a new ticket (a tag look-up).
  env.demo.ksc.setStatusMask(ALPHA, WS1, []);
  env.demo.ksc.setStatusMask(ALPHA, WS2, [7]);
  env.demo.autotask.faults.set({ seed: 1, rate: 1, kinds: ['5xx'], pathIncludes: 'Tickets/query' });
  const r = await env.run(ledger);
  expect(r.status).toBe('partial');
  expect(r.totals.closed).toBe(1);
});

it('a ticket recorded without its number (the read-back after its create did not happen) gets it from a later pass', async () => {
  const ledger = env.ledger();
  env.demo.ksc.addEvent(ALPHA, { id: 7301, severity: 'critical', type: 'GNRL_EV_VIRUS_FOUND', typeName: 'Malicious object detected', description: 'Trojan 7301', host: WS1 } as never);
  expect((await env.run(ledger)).totals).toMatchObject({ created: 1, errors: 0 });
  const [ticket] = env.tickets();
  const row = ledger.getTicket(String(ticket!.externalID))!;
  expect(row.psaTicketNumber).toBe(String(ticket!.ticketNumber));
  // As a pass that died between the create and its read-back leaves it.
  ledger.upsertTicket({ key: row.key, integration: row.integration, tenantId: row.tenantId, kind: row.kind, psaTicketNumber: null });
  // A pass with nothing new: the number is asked along with the chunk's look-ups, once.
  await env.run(ledger);
  expect(ledger.getTicket(row.key)!.psaTicketNumber).toBe(String(ticket!.ticketNumber));
  env.demo.autotask.clearRequests();
  await env.run(ledger);
  expect(env.demo.autotask.requests.filter((r) => /Tickets\/query/i.test(r.path))).toHaveLength(0);
});
