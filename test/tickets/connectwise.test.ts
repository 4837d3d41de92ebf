// The ticket job over the KSC and ConnectWise Manage simulators (fixtures/tickets-basic), where
// statuses belong to a board (README › Ticket rules): a ticket opens with the New status of its
// row's board and is closed with that board's Closed status; a board without one is an error
// naming it; a close the PSA puts off (HTTP 409, the ticket in use) keeps the ticket open,
// counts as deferred — not an error — and is done on the next pass.
import { beforeEach, describe, expect, it } from 'vitest';
import { useConnectWiseEnv } from '../helpers/connectwise-env.js';
import type { ConnectWisePsa } from '../../source/connectors/connectwise/index.js';
import type { Integration } from '../../source/domain/config.js';
import { newIntegration } from '../../source/domain/defaults.js';
import type { SecurityPlatform } from '../../source/domain/ports.js';
import { platformProfile, psaProfile } from '../../source/domain/profiles/index.js';
import { eventTicketKey, statusTicketKey } from '../../source/domain/ticketKeys.js';
import { defaultTicketing } from '../../source/domain/ticketSchema.js';
import type { ConnectWiseSimulator } from '../../source/simulators/connectwise/index.js';
import type { KscSimulator } from '../../source/simulators/ksc/index.js';
import { ticketSummaryLine } from '../../source/tickets/format.js';
import { runTickets, type TicketRunResult } from '../../source/tickets/run.js';
import type { Ledger } from '../../source/store/ledger.js';
import { ALPHA, ALPHA_ACCOUNT, WS1, WS2 } from './helpers.js';

const DB = 7; // KLHST_WKS_STATUS_MASK bit: databases out of date
const SECURITY_OPS = { value: '3', label: 'Security Operations' };
const KEY = statusTicketKey('demo', ALPHA, WS1, 'databases-outdated', 'critical');

const env = useConnectWiseEnv('tickets-basic');
let ksc: KscSimulator;
let cw: ConnectWiseSimulator;
let ledger: Ledger;
let platform: SecurityPlatform;
let psa: ConnectWisePsa;

beforeEach(() => {
  ({ ksc, cw, ledger, platform, psa } = env.current);
});

/** Defaults resolved against the simulator's lists; the Critical status row "Databases are out of date" on, sent to Security Operations. */
async function integration(edit?: (i: Integration) => void): Promise<Integration> {
  const i = newIntegration('demo', env.current.kscConnection, env.current.cwConnection);
  i.tenants = [{ tenantId: ALPHA, tenantName: 'Alpha Dental', accountId: ALPHA_ACCOUNT, accountName: 'Alpha Dental', billing: false, contractId: null, contractName: null }];
  i.ticketing = defaultTicketing(platformProfile('ksc'), psaProfile('connectwise'), await psa.ticketPicklists());
  const row = i.ticketing.sections.criticalStatus!.find((r) => r.key === 'databases-outdated')!;
  row.enabled = true;
  row.fields.board = SECURITY_OPS;
  i.ticketing.perScope.push({ scope: SECURITY_OPS, fields: { newStatus: { value: '301', label: 'New' }, closedStatus: { value: '305', label: 'Closed' } } });
  edit?.(i);
  return i;
}

const run = (i: Integration): Promise<TicketRunResult> => runTickets({ integration: i, platform, psa, ledger, now: new Date(), dryRun: false, personCheckMs: 0 });
const ticket = () => cw.state.tickets.find((t) => t.externalXRef === KEY);
const refId = (v: unknown) => (v as { id?: number } | undefined)?.id;

describe('requests per new ticket (ConnectWise)', () => {
  it('new event and status tickets: one externalXRef in (…) lookup for all their tags, one create each, nothing read back', async () => {
    const i = await integration((x) => {
      x.ticketing.sections.events!.find((r) => r.key === 'critical')!.enabled = true;
    });
    for (const [id, host] of [[9101, WS1], [9102, WS2]] as const) {
      ksc.addEvent(ALPHA, { id, severity: 'critical', type: 'GNRL_EV_VIRUS_FOUND', typeName: 'Malicious object detected', description: `Trojan ${id}`, host } as never);
    }
    ksc.setStatusMask(ALPHA, WS1, [DB]);
    cw.clearRequests();
    const r = await run(i);
    expect(r.totals).toMatchObject({ created: 3, errors: 0 });
    const tickets = cw.requests.filter((q) => /\/service\/tickets$/i.test(q.path));
    const lookups = tickets.filter((q) => q.method === 'GET');
    expect(lookups).toHaveLength(1);
    expect(decodeURIComponent(lookups[0]!.query)).toMatch(/conditions=externalXRef in \("[^"]+","[^"]+","[^"]+"\)/);
    expect(tickets.filter((q) => q.method === 'POST')).toHaveLength(3);
    expect(cw.requests.filter((q) => q.method === 'GET' && /\/service\/tickets\/\d+$/i.test(q.path))).toEqual([]);
  });
});

describe('tickets whose statuses belong to a board (ConnectWise)', () => {
  it('opens with the New status of its row\'s board and closes with that board\'s Closed status', async () => {
    const i = await integration();
    ksc.setStatusMask(ALPHA, WS1, [DB]);
    const opened = await run(i);
    expect(opened.totals).toMatchObject({ created: 1, errors: 0 });
    expect([refId(ticket()?.board), refId(ticket()?.status), refId(ticket()?.priority)]).toEqual([3, 301, 5]);

    ksc.setStatusMask(ALPHA, WS1, []);
    const closed = await run(i);
    expect(closed).toMatchObject({ status: 'ok', totals: { closed: 1, deferred: 0, errors: 0 } });
    expect(refId(ticket()?.status)).toBe(305);
    expect(ledger.getTicket(KEY)!.state).toBe('closed');
  });

  it('a close the PSA defers (409: the ticket is in use) keeps it open, is counted, not an error, and is done on the next pass', async () => {
    const i = await integration();
    ksc.setStatusMask(ALPHA, WS1, [DB]);
    await run(i);
    ksc.setStatusMask(ALPHA, WS1, []);
    cw.inject({ endpoint: 'service/tickets', kind: 'error', status: 409, method: 'PATCH', message: 'The record is being edited by Dana Dispatcher.' });
    const deferred = await run(i);
    expect(deferred).toMatchObject({ status: 'ok', errors: [], totals: { closed: 0, deferred: 1, errors: 0 } });
    expect(deferred.deferred).toEqual([{ tenantId: ALPHA, tenantName: 'Alpha Dental', ticket: String(ticket()!.id), reason: expect.stringContaining('in use') }]);
    expect(ticketSummaryLine('demo', deferred, { dryRun: false, paused: false, requests: { platform: 0, psa: 0 }, ms: 0 })).toMatch(/0 closed, \d+ notes, 1 close pending \(retried next poll\)/);
    expect(refId(ticket()?.status)).toBe(301);
    expect(ledger.getTicket(KEY)!.state).toBe('open');

    const next = await run(i);
    expect(next.totals).toMatchObject({ closed: 1, deferred: 0, errors: 0 });
    expect(refId(ticket()?.status)).toBe(305);
    expect(ledger.getTicket(KEY)!.state).toBe('closed');
  });

  it('a board without a Closed status: an error naming the board, with the remedy; the ticket stays open', async () => {
    const i = await integration();
    ksc.setStatusMask(ALPHA, WS1, [DB]);
    await run(i);
    i.ticketing.perScope.find((s) => s.scope.value === SECURITY_OPS.value)!.fields.closedStatus = null;
    ksc.setStatusMask(ALPHA, WS1, []);
    const r = await run(i);
    expect(r.status).toBe('partial');
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]!.message).toContain('Board “Security Operations” has no Closed status');
    expect(r.errors[0]!.remedy).toBe('Choose a Closed status for Board “Security Operations” under Ticketing › General and save; kmsp closes the ticket at the next poll.');
    expect(refId(ticket()?.status)).toBe(301);
    expect(ledger.getTicket(KEY)!.state).toBe('open');
  });
});

// The Autotask scenarios of job.test.ts, on ConnectWise: the engine is the same, the PSA's fields differ.
const RTP = 1; // KLHST_WKS_STATUS_MASK bit: real-time protection not running
const critical = (id: number, host = WS1) =>
  ksc.addEvent(ALPHA, { id, severity: 'critical', type: 'GNRL_EV_VIRUS_FOUND', typeName: 'Malicious object detected', description: `Trojan ${id}`, host } as never);
const byTag = (tag: string) => cw.state.tickets.find((t) => t.externalXRef === tag);
const notesOf = (id: unknown) => cw.state.notes.filter((n) => String(n.ticketId) === String(id));

/** Critical events on, to the default board (Monitoring Alert) with its New status; due 4 h. */
async function withEvents(): Promise<Integration> {
  return integration((i) => {
    const row = i.ticketing.sections.events!.find((r) => r.key === 'critical')!;
    row.enabled = true;
    row.dueHours = 4;
  });
}

describe('the ticket scenarios of Autotask, on ConnectWise', () => {
  it('enabled Critical events become tickets with the rule fields and the tag in externalXRef; warnings off make none; a rerun creates nothing', async () => {
    const i = await withEvents();
    critical(6001);
    ksc.addEvent(ALPHA, { id: 6002, severity: 'warning', type: 'W', typeName: 'Warning thing', description: 'w', host: WS2 } as never);
    const started = Date.now();
    const r = await run(i);
    expect(r.totals).toMatchObject({ created: 1, errors: 0 });
    const key = eventTicketKey('demo', ALPHA, '6001');
    const t = byTag(key)!;
    // Board Monitoring Alert (2) with its New status (201), priority Critical (5), the Alpha Dental company.
    expect([refId(t.company), refId(t.board), refId(t.status), refId(t.priority)]).toEqual([Number(ALPHA_ACCOUNT), 2, 201, 5]);
    expect(String(t.summary).length).toBeLessThanOrEqual(100);
    const due = Date.parse(String(t.requiredDate)) - started;
    expect(due).toBeGreaterThan(4 * 3600_000 - 60_000);
    expect(due).toBeLessThan(4 * 3600_000 + 60_000);
    expect(ledger.getTicket(key)).toMatchObject({ state: 'open', psaTicketId: String(t.id), kind: 'event', eventId: '6001' });

    const again = await run(i);
    expect(again.totals.created).toBe(0);
    expect(cw.state.tickets).toHaveLength(1);
  });

  it('a run killed between the ConnectWise create and the ledger write, then rerun: exactly one ticket, found by its externalXRef', async () => {
    const i = await withEvents();
    critical(6101);
    await expect(runTickets({ integration: i, platform, psa, ledger, now: new Date(), dryRun: false, personCheckMs: 0, afterCreate: () => { throw new Error('killed'); } })).rejects.toThrow('killed');
    expect(cw.state.tickets).toHaveLength(1);
    const key = eventTicketKey('demo', ALPHA, '6101');
    expect(ledger.getTicket(key)!.psaTicketId).toBeNull();
    const r = await run(i);
    expect(r.totals).toMatchObject({ created: 1, reconciled: 1 });
    expect(cw.state.tickets).toHaveLength(1);
    expect(ledger.getTicket(key)!.psaTicketId).toBe(String(cw.state.tickets[0]!.id));
  });

  it('ConnectWise answers an error after creating (error-after on POST service/tickets), then rerun: exactly one ticket', async () => {
    const i = await withEvents();
    critical(6201);
    cw.inject({ endpoint: 'service/tickets', kind: 'error-after', method: 'POST' });
    const first = await run(i);
    expect(first.status).toBe('partial');
    expect(cw.state.tickets).toHaveLength(1);
    const second = await run(i);
    expect(second.totals).toMatchObject({ created: 1, reconciled: 1, errors: 0 });
    expect(cw.state.tickets).toHaveLength(1);
  });

  it('gaining two descriptions opens two tickets; losing one closes that one with its board\'s Closed status, the other stays open', async () => {
    const i = await integration((x) => {
      const rtp = x.ticketing.sections.criticalStatus!.find((r) => r.key === 'rtp-not-running')!;
      rtp.enabled = true;
      rtp.fields.board = SECURITY_OPS;
    });
    ksc.setStatusMask(ALPHA, WS1, [DB, RTP]);
    await run(i);
    await run(i);
    expect(cw.state.tickets).toHaveLength(2);
    const rtpKey = statusTicketKey('demo', ALPHA, WS1, 'rtp-not-running', 'critical');
    ksc.setStatusMask(ALPHA, WS1, [RTP]);
    const r = await run(i);
    expect(r.totals.closed).toBe(1);
    expect([refId(byTag(KEY)?.status), byTag(KEY)?.closedFlag]).toEqual([305, true]);
    expect(refId(byTag(rtpKey)?.status)).toBe(301);
    expect([ledger.getTicket(KEY)!.state, ledger.getTicket(rtpKey)!.state]).toEqual(['closed', 'open']);
  });

  it('closed by a person while the condition is still active: a note, not a new ticket', async () => {
    const i = await integration();
    ksc.setStatusMask(ALPHA, WS1, [DB]);
    await run(i);
    const first = ticket()!;
    cw.closeTicket(Number(first.id));
    const r = await run(i);
    expect(r.totals.created).toBe(0);
    expect(cw.state.tickets).toHaveLength(1);
    expect(notesOf(first.id).some((n) => /closed/i.test(String(n.text)))).toBe(true);
  });
});
