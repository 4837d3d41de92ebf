// The ticket job over the KSC and Tigerpaw simulators (fixtures/tickets-basic): the scenarios of
// job.test.ts and connectwise.test.ts on the PSA whose tickets are service orders (README ›
// Ticket rules). An order carries its stable key in Reference and the rep, board, priority, type
// and status of the Ticketing settings; it is looked up by Reference before it is created; repeats
// become notes; a cleared status closes it with the Closed status. An order someone has open in
// Tigerpaw's GUI is locked: its close is deferred — "close pending (locked by <rep>)", not an error —
// and done on the first pass after the lock is released. The agent's notice of it, as printed by
// `kmsp agent --once`: test/agent/tigerpaw-tickets.test.ts.
import { beforeEach, describe, expect, it } from 'vitest';
import type { TigerpawPsa } from '../../source/connectors/tigerpaw/index.js';
import type { Integration } from '../../source/domain/config.js';
import { newIntegration } from '../../source/domain/defaults.js';
import type { SecurityPlatform } from '../../source/domain/ports.js';
import { platformProfile, psaProfile } from '../../source/domain/profiles/index.js';
import { eventTicketKey, statusTicketKey } from '../../source/domain/ticketKeys.js';
import { defaultTicketing } from '../../source/domain/ticketSchema.js';
import type { KscSimulator } from '../../source/simulators/ksc/index.js';
import type { TigerpawSimulator } from '../../source/simulators/tigerpaw/index.js';
import type { Ledger } from '../../source/store/ledger.js';
import { ticketStateText, ticketSummaryLine } from '../../source/tickets/format.js';
import { runTickets, type TicketRunOptions, type TicketRunResult } from '../../source/tickets/run.js';
import { useTigerpawEnv } from '../helpers/tigerpaw-env.js';
import { ALPHA, ALPHA_ACCOUNT, BETA, BETA_WS, WS1, WS2 } from './helpers.js';

const DB = 7; // KLHST_WKS_STATUS_MASK bit: databases out of date
const RTP = 1; // real-time protection not running
const KEY = statusTicketKey('demo', ALPHA, WS1, 'databases-outdated', 'critical');
const SECURITY_OPS = { value: '3', label: 'Security Operations' };
const PRIYA = { value: '13', label: 'Priya Nair' };
const INCIDENT = { value: 'Security Incident', label: 'Security Incident' };
const DANA = 11; // Dana Whitfield, who opens orders in the GUI

const env = useTigerpawEnv('tickets-basic');
let ksc: KscSimulator;
let tp: TigerpawSimulator;
let ledger: Ledger;
let platform: SecurityPlatform;
let psa: TigerpawPsa;

beforeEach(() => {
  ({ ksc, tp, ledger, platform, psa } = env.current);
});

/** The Ticketing tab's defaults resolved against the simulator's lists, the rep Priya Nair, and "Databases are out of date" (Critical) on, to Security Operations as a Security Incident. */
async function integration(edit?: (i: Integration) => void): Promise<Integration> {
  const i = newIntegration('demo', env.current.kscConnection, env.current.tpConnection);
  i.tenants = [
    { tenantId: ALPHA, tenantName: 'Alpha Dental', accountId: ALPHA_ACCOUNT, accountName: 'Alpha Dental', billing: false, contractId: null, contractName: null },
    { tenantId: BETA, tenantName: 'Beta Builders', accountId: '29695002', accountName: 'Beta Builders', billing: false, contractId: null, contractName: null },
  ];
  i.ticketing = defaultTicketing(platformProfile('ksc'), psaProfile('tigerpaw'), await psa.ticketPicklists());
  i.ticketing.general.rep = PRIYA;
  const row = i.ticketing.sections.criticalStatus!.find((r) => r.key === 'databases-outdated')!;
  row.enabled = true;
  row.fields.board = SECURITY_OPS;
  row.fields.type = INCIDENT;
  edit?.(i);
  return i;
}

/** Critical events on too, with the rows' defaults (board Monitoring Alert, priority Critical, no type). */
const withEvents = () =>
  integration((i) => {
    i.ticketing.sections.events!.find((r) => r.key === 'critical')!.enabled = true;
  });

const run = (i: Integration, extra: Partial<TicketRunOptions> = {}): Promise<TicketRunResult> => runTickets({ integration: i, platform, psa, ledger, now: new Date(), dryRun: false, personCheckMs: 0, ...extra });
const critical = (id: number, host = WS1, tenant = ALPHA) =>
  ksc.addEvent(tenant, { id, severity: 'critical', type: 'GNRL_EV_VIRUS_FOUND', typeName: 'Malicious object detected', description: `Trojan ${id}`, host } as never);

type Rec = Record<string, unknown>;
const orders = () => tp.state.serviceOrders as Rec[];
const so = (o: Rec | undefined) => (o?.ServiceOrder ?? {}) as Rec;
const byReference = (ref: string) => orders().filter((o) => so(o).Reference === ref);
const order = (ref = KEY) => byReference(ref)[0];
const notesOf = (o: Rec | undefined) => (tp.state.notes as Rec[]).filter((n) => Number(n.ServiceOrderNumber) === Number(o?.ServiceOrderNumber));
/** The status opens its service order, which Dana then opens in the Tigerpaw GUI (locked). */
async function lockedOrder(): Promise<{ i: Integration; number: number }> {
  const i = await integration();
  ksc.setStatusMask(ALPHA, WS1, [DB]);
  await run(i);
  const number = Number(order()!.ServiceOrderNumber);
  tp.lock(number, DANA);
  return { i, number };
}
const summary = (r: TicketRunResult) => ticketSummaryLine('demo', r, { dryRun: false, paused: false, requests: { platform: 0, psa: 0 }, ms: 0 });

describe('requests per new service order (Tigerpaw)', () => {
  it('new event and status orders: one Reference search for all their tags, one create each, nothing read back', async () => {
    const i = await withEvents();
    critical(9101, WS1);
    critical(9102, WS2);
    ksc.setStatusMask(ALPHA, WS1, [DB]);
    tp.clearRequests();
    const r = await run(i);
    expect(r.totals).toMatchObject({ created: 3, errors: 0 });
    const searches = tp.requests.filter((q) => q.method === 'POST' && /\/api\/serviceorders\/search/i.test(q.path));
    expect(searches.map((q) => q.path.replace(/\?.*$/, ''))).toEqual(['/api/serviceorders/search']);
    const criteria = (searches[0]!.body as { Criteria: Array<{ SearchType: string; MatchType: string }> }).Criteria;
    expect(criteria.map((c) => [c.SearchType, c.MatchType])).toEqual(Array(3).fill(['Reference', 'Equal']));
    expect(tp.requests.filter((q) => q.method === 'POST' && /\/api\/ServiceOrders$/i.test(q.path))).toHaveLength(3);
    expect(tp.requests.filter((q) => q.method === 'GET' && /\/api\/serviceorders\/\d+$/i.test(q.path))).toEqual([]);
  });
});

describe('service orders for statuses and events', () => {
  it('a status opens one service order: Reference = the stable key, rep/board/priority/type/status from the settings; clearing closes it with Closed', async () => {
    const i = await integration();
    ksc.setStatusMask(ALPHA, WS1, [DB]);
    const opened = await run(i);
    expect(opened).toMatchObject({ status: 'ok', totals: { created: 1, errors: 0 } });
    expect(orders()).toHaveLength(1);
    expect(KEY.length).toBeLessThanOrEqual(psaProfile('tigerpaw').limits.tagMax); // the key is the Reference itself, not a fitted tag
    expect(so(order())).toMatchObject({
      AccountNumber: Number(ALPHA_ACCOUNT),
      Reference: KEY,
      TechnicianAssigned: 13,
      DispatchBoardNumber: 3,
      Priority: 'Critical',
      ServiceOrderType: 'Security Incident',
      Status: 'New',
      DateTimeClosed: null,
    });
    expect(String(so(order()).BriefDescription).length).toBeLessThanOrEqual(100);
    expect(ledger.getTicket(KEY)).toMatchObject({ state: 'open', psaTicketId: String(order()!.ServiceOrderNumber), kind: 'status' });

    const again = await run(i);
    expect(again.totals).toMatchObject({ created: 0, closed: 0, errors: 0 });
    expect(orders()).toHaveLength(1);

    ksc.setStatusMask(ALPHA, WS1, []);
    const closed = await run(i);
    expect(closed).toMatchObject({ status: 'ok', totals: { closed: 1, deferred: 0, errors: 0 } });
    expect(so(order()).Status).toBe('Closed');
    expect(so(order()).DateTimeClosed).toEqual(expect.any(String));
    expect(ledger.getTicket(KEY)).toMatchObject({ state: 'closed', closePending: null });
  });

  it('an enabled Critical event opens a service order tagged with its key; a warning makes none; a rerun creates nothing', async () => {
    const i = await withEvents();
    critical(6001);
    ksc.addEvent(ALPHA, { id: 6002, severity: 'warning', type: 'W', typeName: 'Warning thing', description: 'w', host: WS2 } as never);
    const r = await run(i);
    expect(r.totals).toMatchObject({ created: 1, errors: 0 });
    const key = eventTicketKey('demo', ALPHA, '6001');
    expect(orders()).toHaveLength(1);
    // Board Monitoring Alert (2) and priority Critical: the row's defaults; no type chosen, none sent.
    expect(so(order(key))).toMatchObject({ AccountNumber: Number(ALPHA_ACCOUNT), Reference: key, TechnicianAssigned: 13, DispatchBoardNumber: 2, Priority: 'Critical', ServiceOrderType: null, Status: 'New' });
    expect(ledger.getTicket(key)).toMatchObject({ state: 'open', psaTicketId: String(order(key)!.ServiceOrderNumber), kind: 'event', eventId: '6001' });
    expect((await run(i)).totals.created).toBe(0);
    expect(orders()).toHaveLength(1);
  });

  it('an inactive account gets no service order and is counted', async () => {
    const i = await withEvents();
    critical(7001, BETA_WS, BETA);
    ksc.setStatusMask(BETA, BETA_WS, [DB]);
    const r = await run(i);
    expect(orders()).toEqual([]);
    expect(r.totals.skippedInactive).toBe(1);
  });

  it('repeats of one event become notes on the open order, not new orders', async () => {
    const i = await withEvents();
    for (let n = 0; n < 20; n++) critical(8000 + n);
    await run(i);
    expect(orders()).toHaveLength(1);
    const first = order(eventTicketKey('demo', ALPHA, '8000'));
    // One note: the title, a blank line, "19 more occurrences since …".
    expect(notesOf(first).map((n) => String(n.Note))).toEqual([expect.stringMatching(/^kmsp: .* occurred again\n\n19 more occurrences since/)]);
    expect(ledger.getTicket(eventTicketKey('demo', ALPHA, '8000'))!.repeatCount).toBe(19);
    for (let n = 20; n < 25; n++) critical(8000 + n);
    await run(i);
    expect(orders()).toHaveLength(1);
    expect(notesOf(first)).toHaveLength(2);
    expect(String(notesOf(first).at(-1)!.Note)).toMatch(/\n\n5 more occurrences since/);
  });

  it('a run killed between the create and the ledger write, then rerun: one order, found by its Reference before creating', async () => {
    const i = await withEvents();
    critical(6101);
    await expect(run(i, { afterCreate: () => { throw new Error('killed'); } })).rejects.toThrow('killed');
    expect(orders()).toHaveLength(1);
    const key = eventTicketKey('demo', ALPHA, '6101');
    expect(ledger.getTicket(key)!.psaTicketId).toBeNull();
    const searches = () => tp.requests.filter((r) => r.method === 'POST' && /\/api\/serviceorders\/search\/reference$/i.test(r.path));
    const before = searches().length;
    const r = await run(i);
    expect(r.totals).toMatchObject({ created: 1, reconciled: 1, errors: 0 });
    expect(searches().slice(before).map((s) => s.body)).toContain(key);
    expect(orders()).toHaveLength(1);
    expect(ledger.getTicket(key)!.psaTicketId).toBe(String(orders()[0]!.ServiceOrderNumber));
  });

  it('Tigerpaw answers an error after creating (error-after on POST ServiceOrders), then rerun: exactly one order', async () => {
    const i = await withEvents();
    critical(6201);
    // The create alone: the reference search before it is a POST below serviceorders/ too.
    tp.inject({ endpoint: 'serviceorders$', kind: 'error-after', method: 'POST' });
    const first = await run(i);
    expect(first.status).toBe('partial');
    expect(orders()).toHaveLength(1);
    const second = await run(i);
    expect(second.totals).toMatchObject({ created: 1, reconciled: 1, errors: 0 });
    expect(orders()).toHaveLength(1);
  });

  it('two statuses open two orders; losing one closes that one with Closed, the other stays open', async () => {
    const i = await integration((x) => {
      const rtp = x.ticketing.sections.criticalStatus!.find((r) => r.key === 'rtp-not-running')!;
      rtp.enabled = true;
    });
    ksc.setStatusMask(ALPHA, WS1, [DB, RTP]);
    await run(i);
    await run(i);
    expect(orders()).toHaveLength(2);
    const rtpKey = statusTicketKey('demo', ALPHA, WS1, 'rtp-not-running', 'critical');
    ksc.setStatusMask(ALPHA, WS1, [RTP]);
    const r = await run(i);
    expect(r.totals.closed).toBe(1);
    expect([so(order(KEY)).Status, so(order(rtpKey)).Status, so(order(rtpKey)).DateTimeClosed]).toEqual(['Closed', 'New', null]);
    expect([ledger.getTicket(KEY)!.state, ledger.getTicket(rtpKey)!.state]).toEqual(['closed', 'open']);
  });

  it('closed by a person while the status is still active: a note, not a new order', async () => {
    const i = await integration();
    ksc.setStatusMask(ALPHA, WS1, [DB]);
    await run(i);
    const first = order()!;
    tp.closeOrder(Number(first.ServiceOrderNumber), 'Completed');
    const r = await run(i);
    expect(r.totals.created).toBe(0);
    expect(orders()).toHaveLength(1);
    expect(ledger.getTicket(KEY)!.state).toBe('closed-by-person');
    expect(notesOf(first).some((n) => /closed in Tigerpaw/i.test(String(n.Note)))).toBe(true);
  });
});

describe('a service order locked in the Tigerpaw GUI (the acceptance scenario)', () => {
  it('stays "close pending (locked by <rep>)" through two passes — deferred, not an error, no duplicate — and closes on the first pass after the lock is released', async () => {
    const { i, number } = await lockedOrder();
    ksc.setStatusMask(ALPHA, WS1, []);

    for (const pass of [1, 2]) {
      const r = await run(i);
      expect(r, `pass ${pass}`).toMatchObject({ status: 'ok', errors: [], totals: { created: 0, closed: 0, deferred: 1, errors: 0 } });
      expect(r.deferred).toEqual([{ tenantId: ALPHA, tenantName: 'Alpha Dental', ticket: String(number), reason: 'locked by Dana Whitfield' }]);
      expect(summary(r)).toMatch(/0 created, 0 closed, \d+ notes, 1 close pending \(retried next poll\)/);
      const row = ledger.getTicket(KEY)!;
      expect(row).toMatchObject({ state: 'open', closePending: 'locked by Dana Whitfield', psaTicketId: String(number) });
      expect(ticketStateText(row)).toBe('close pending (locked by Dana Whitfield)');
      expect(ledger.pendingCloses({ integration: 'demo' }).map((t) => t.key)).toEqual([KEY]);
      expect(orders()).toHaveLength(1);
      expect(so(order())).toMatchObject({ Status: 'New', DateTimeClosed: null });
    }
    const since = ledger.getTicket(KEY)!.closePendingSince;
    expect(since).toEqual(expect.any(String));

    tp.unlock(number);
    const released = await run(i);
    expect(released).toMatchObject({ status: 'ok', errors: [], deferred: [], totals: { closed: 1, deferred: 0, errors: 0 } });
    expect(summary(released)).not.toMatch(/close pending/);
    expect(ledger.getTicket(KEY)).toMatchObject({ state: 'closed', closePending: null, closePendingSince: null });
    expect(ledger.pendingCloses({ integration: 'demo' })).toEqual([]);
    expect(orders()).toHaveLength(1);
    expect(so(order()).Status).toBe('Closed');
    expect(so(order()).DateTimeClosed).toEqual(expect.any(String));
  });

  it('an order created before a crash, never recorded, found locked when its status has cleared: adopted and close pending, closed after unlock; never created twice', async () => {
    const i = await integration();
    ksc.setStatusMask(ALPHA, WS1, [DB]);
    await expect(run(i, { afterCreate: () => { throw new Error('killed'); } })).rejects.toThrow('killed');
    expect(ledger.getTicket(KEY)!.psaTicketId).toBeNull();
    const number = Number(order()!.ServiceOrderNumber);
    tp.lock(number, DANA);
    ksc.setStatusMask(ALPHA, WS1, []);

    const r = await run(i);
    expect(r).toMatchObject({ status: 'ok', errors: [], totals: { created: 0, closed: 0, deferred: 1, errors: 0 } });
    expect(r.deferred).toEqual([{ tenantId: ALPHA, tenantName: 'Alpha Dental', ticket: String(number), reason: 'locked by Dana Whitfield' }]);
    expect(ledger.getTicket(KEY)).toMatchObject({ state: 'open', psaTicketId: String(number), closePending: 'locked by Dana Whitfield' });

    tp.unlock(number);
    const released = await run(i);
    expect(released.totals).toMatchObject({ created: 0, closed: 1, deferred: 0, errors: 0 });
    expect(ledger.getTicket(KEY)).toMatchObject({ state: 'closed', closePending: null });
    expect(orders()).toHaveLength(1);
    expect(so(order()).Status).toBe('Closed');
  });

  it('the status comes back while its close is pending: no close is pending any more, nothing is created', async () => {
    const { i } = await lockedOrder();
    ksc.setStatusMask(ALPHA, WS1, []);
    expect((await run(i)).totals).toMatchObject({ deferred: 1, errors: 0 });
    ksc.setStatusMask(ALPHA, WS1, [DB]);
    const back = await run(i);
    expect(back.totals).toMatchObject({ created: 0, deferred: 0, errors: 0 });
    expect(ledger.getTicket(KEY)).toMatchObject({ state: 'open', closePending: null, closePendingSince: null });
    expect(ledger.pendingCloses()).toEqual([]);
    expect(orders()).toHaveLength(1);
  });

  it('a person closes the order while it is open in the GUI: kmsp never overwrites their status and time, then or after the unlock', async () => {
    const { i, number } = await lockedOrder();
    tp.closeOrder(number, 'Completed');
    const closedAt = so(order()).DateTimeClosed;
    ksc.setStatusMask(ALPHA, WS1, []);
    const cleared = await run(i);
    expect(cleared).toMatchObject({ errors: [], deferred: [], totals: { closed: 0, deferred: 0, errors: 0 } });
    expect(ledger.getTicket(KEY)).toMatchObject({ state: 'closed', closePending: null });
    // The ledger keeps the person's close time, not the pass's.
    expect(Date.parse(ledger.getTicket(KEY)!.closedAt!)).toBe(Date.parse(String(closedAt)));
    tp.unlock(number);
    expect((await run(i)).totals).toMatchObject({ closed: 0, errors: 0 });
    expect(so(order())).toMatchObject({ Status: 'Completed', DateTimeClosed: closedAt });
  });

  it('an order deleted in Tigerpaw while its close is pending: the ledger closes it, no error on later passes', async () => {
    const { i, number } = await lockedOrder();
    ksc.setStatusMask(ALPHA, WS1, []);
    expect((await run(i)).totals).toMatchObject({ deferred: 1 });
    tp.removeRecord('serviceOrders', number);
    for (const pass of [1, 2]) expect((await run(i)).totals, `pass ${pass}`).toMatchObject({ closed: 0, deferred: 0, errors: 0 });
    expect(ledger.getTicket(KEY)).toMatchObject({ state: 'closed', closePending: null });
  });
});
