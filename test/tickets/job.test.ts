// The agent's ticket job end to end over the KSC and Autotask simulators (README › Ticket rules).
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { openLedger } from '../../source/store/ledger.js';
import { eventTicketKey, statusTicketKey } from '../../source/domain/ticketEngine.js';
import { EVENTS_STREAM } from '../../source/tickets/run.js';
import { openConfig } from '../../source/store/config.js';
import { exitWithin, spawnAgent, until } from '../agent/helpers.js';
import { ALPHA, ALPHA_ACCOUNT, BETA, BETA_WS, startTicketEnv, WS1, WS2, type TicketEnv } from './helpers.js';

let env: TicketEnv;
beforeEach(async () => {
  env = await startTicketEnv();
});
afterEach(async () => env.close());

const DB = 7; // KLHST_WKS_STATUS_MASK bit: databases out of date
const RTP = 1; // real-time protection not running

function critical(vserver: string, host: string, id: number, extra: Record<string, unknown> = {}) {
  return env.demo.ksc.addEvent(vserver, { id, severity: 'critical', type: 'GNRL_EV_VIRUS_FOUND', typeName: 'Malicious object detected', description: `Trojan ${id}`, host, ...extra } as never);
}

describe('requests per new ticket (Autotask)', () => {
  it('new event and status tickets: one tag query for all, one create each, one query reading them back by tag; no per-ticket read', async () => {
    critical(ALPHA, WS1, 6101);
    critical(ALPHA, WS2, 6102);
    env.demo.ksc.setStatusMask(ALPHA, WS2, [DB]);
    const ledger = env.ledger();
    env.demo.autotask.clearRequests();
    const r = await env.run(ledger);
    expect(r.totals).toMatchObject({ created: 3, errors: 0 });
    const ticketRequests = env.demo.autotask.requests.filter((q) => /\/Tickets(\/|$)/i.test(q.path) && !/entityInformation/i.test(q.path));
    const queries = ticketRequests.filter((q) => /\/Tickets\/query$/i.test(q.path));
    // The look-ahead (every new tag, one `in` query) and the read-back (the three tickets' numbers and tags).
    expect(queries.map((q) => (q.body as { filter: Array<{ op: string; value: unknown[] }> }).filter[0]!.op)).toEqual(['in', 'in']);
    expect((queries[0]!.body as { filter: Array<{ value: unknown[] }> }).filter[0]!.value).toHaveLength(3);
    expect(ticketRequests.filter((q) => q.method === 'POST' && /\/Tickets$/i.test(q.path))).toHaveLength(3);
    expect(ticketRequests.filter((q) => q.method === 'GET')).toEqual([]);
    // The numbers the create answers left out are recorded from the read-back.
    for (const t of env.tickets()) expect(ledger.getTicket(String(t.externalID))!.psaTicketNumber).toBe(String(t.ticketNumber));
  });
});

describe('requests of a pass with nothing new (Autotask)', () => {
  it('the open tickets whose PSA status is due for a check, and those repeats are noted on, are read with one tag query, not one read each', async () => {
    critical(ALPHA, WS1, 6301);
    env.demo.ksc.setStatusMask(ALPHA, WS1, [DB]);
    env.demo.ksc.setStatusMask(ALPHA, WS2, [RTP]);
    const ledger = env.ledger();
    expect((await env.run(ledger)).totals).toMatchObject({ created: 3, errors: 0 });
    critical(ALPHA, WS1, 6302); // a repeat, noted on the open event ticket
    env.demo.autotask.clearRequests();
    const again = await env.run(ledger); // personCheckMs 0: both status tickets are due
    expect(again.totals).toMatchObject({ created: 0, notes: 1, closedByPerson: 0, errors: 0 });
    const tickets = env.demo.autotask.requests.filter((q) => /\/Tickets(\/|$)/i.test(q.path) && !/entityInformation|\/Notes$/i.test(q.path));
    expect(tickets.map((q) => `${q.method} ${q.path.replace(/^.*\/V1\.0\//i, '')}`)).toEqual(['POST Tickets/query']);
    expect((tickets[0]!.body as { filter: Array<{ value: unknown[] }> }).filter[0]!.value).toHaveLength(3);
  });
});

describe('Autotask\'s hourly threshold mostly used by other integrations', () => {
  it('a pass at 90% defers its tickets (nothing sent but the usage check, the events stay before the cursor); a later pass below it creates them once', async () => {
    critical(ALPHA, WS1, 6201);
    const ledger = env.ledger();
    env.demo.autotask.setThreshold({ used: 9_200 });
    env.demo.autotask.clearRequests();
    // The pass stops at its first PSA read, before anything is written (the agent records it and tries again next poll).
    await expect(env.run(ledger)).rejects.toMatchObject({ kind: 'rate-limit', message: expect.stringMatching(/^kmsp paused its Autotask requests: \d+ of 10000 .* leaves the last 10% to other integrations$/) });
    expect(env.tickets()).toHaveLength(0);
    expect(env.demo.autotask.requests.filter((r) => !/ThresholdInformation|zoneInformation/i.test(r.path))).toEqual([]);
    expect(ledger.getCursor('demo', ALPHA, EVENTS_STREAM)).toBeNull();

    env.demo.autotask.setThreshold({ used: 2_000 });
    const later = await env.run(ledger);
    expect(later.totals).toMatchObject({ created: 1, errors: 0 });
    expect(env.tickets()).toHaveLength(1);
  });
});

describe('event tickets', () => {
  it('enabled Critical events become tickets with the rule fields; older than the lifetime do not; a rerun creates nothing', async () => {
    critical(ALPHA, WS1, 6001);
    env.demo.ksc.addEvent(ALPHA, { id: 6002, severity: 'warning', type: 'W', typeName: 'Warning thing', description: 'w', host: WS2 } as never);
    const ledger = env.ledger();
    const started = Date.now();
    const r = await env.run(ledger);
    expect(r.status).toBe('ok');
    const tickets = env.tickets();
    expect(tickets).toHaveLength(1);
    const t = tickets[0]!;
    const key = eventTicketKey('demo', ALPHA, '6001');
    expect(t).toMatchObject({ companyID: Number(ALPHA_ACCOUNT), queueID: 29683361, priority: 4, status: 1, source: 8, externalID: key });
    const due = Date.parse(String(t.dueDateTime)) - started;
    expect(due).toBeGreaterThan(4 * 3600_000 - 60_000);
    expect(due).toBeLessThan(4 * 3600_000 + 60_000);
    expect(ledger.getTicket(key)).toMatchObject({ state: 'open', psaTicketId: String(t.id), kind: 'event', eventId: '6001' });
    expect(ledger.getCursor('demo', ALPHA, EVENTS_STREAM)).not.toBeNull();
    expect(r.totals).toMatchObject({ created: 1, errors: 0 });

    const again = await env.run(ledger);
    expect(again.totals.created).toBe(0);
    expect(env.tickets()).toHaveLength(1);
  });

  it('an inactive account gets no ticket and is counted', async () => {
    critical(BETA, BETA_WS, 7001);
    env.demo.ksc.setStatusMask(BETA, BETA_WS, [DB]);
    const r = await env.run(env.ledger());
    expect(env.tickets()).toHaveLength(0);
    expect(r.totals.skippedInactive).toBe(1);
  });

  it('50 repeats of one condition: one ticket and notes; the next poll adds one batched note', async () => {
    for (let i = 0; i < 50; i++) critical(ALPHA, WS1, 8000 + i);
    const ledger = env.ledger();
    await env.run(ledger);
    expect(env.tickets()).toHaveLength(1);
    const id = env.tickets()[0]!.id;
    expect(env.notes(id)).toHaveLength(1);
    expect(String(env.notes(id)[0]!.description)).toMatch(/^49 more occurrences since/);
    const row = ledger.getTicket(eventTicketKey('demo', ALPHA, '8000'))!;
    expect(row.repeatCount).toBe(49);
    for (let i = 50; i < 62; i++) critical(ALPHA, WS1, 8000 + i);
    await env.run(ledger);
    expect(env.tickets()).toHaveLength(1);
    expect(String(env.notes(id).at(-1)!.description)).toMatch(/^12 more occurrences/);
    // Closed by a person: the next repeat opens a fresh ticket.
    env.demo.autotask.closeTicket(Number(id));
    critical(ALPHA, WS1, 9000);
    await env.run(ledger);
    expect(env.tickets()).toHaveLength(2);
  });

  it('a run killed between the Autotask create and the ledger write, then rerun: exactly one ticket', async () => {
    critical(ALPHA, WS1, 6101);
    const ledger = env.ledger();
    await expect(env.run(ledger, { afterCreate: () => { throw new Error('killed'); } })).rejects.toThrow('killed');
    expect(env.tickets()).toHaveLength(1);
    const key = eventTicketKey('demo', ALPHA, '6101');
    expect(ledger.getTicket(key)!.psaTicketId).toBeNull(); // pending
    const r = await env.run(ledger);
    expect(r.totals).toMatchObject({ created: 1, reconciled: 1 });
    expect(env.tickets()).toHaveLength(1);
    expect(ledger.getTicket(key)!.psaTicketId).toBe(String(env.tickets()[0]!.id));
  });

  it('a pass killed while Autotask still holds its create: the rerun neither creates it again nor forgets it; it is adopted when it lands', async () => {
    critical(ALPHA, WS1, 6151);
    openConfig({ paths: env.paths }).save({ ...env.config, integrations: [env.integration] }, { actor: 'ticket test' });
    env.demo.autotask.inject({ endpoint: 'Tickets', kind: 'hold', method: 'POST', query: false });
    const first = spawnAgent(env.demo.configDir, ['--once', '--job', 'tickets']);
    try {
      await until(() => env.demo.autotask.heldRequests() === 1, 'a ticket create held by Autotask', 30_000, () => first.output().stderr);
      first.child.kill('SIGKILL');
      await exitWithin(first, 10_000);
      const ledger = env.ledger();
      const key = eventTicketKey('demo', ALPHA, '6151');
      expect(ledger.getTicket(key)).toMatchObject({ psaTicketId: null, state: 'open' });

      const rerun = await env.run(ledger);
      expect(rerun.errors.map((e) => e.message).join('\n')).toMatch(/is not created yet: an earlier create of it may still be applied by the PSA/);
      expect(rerun.totals.created).toBe(0);
      expect(env.tickets()).toHaveLength(0);
      expect(ledger.getTicket(key)!.psaTicketId).toBeNull();

      env.demo.autotask.releaseHeld();
      await until(() => env.tickets().length === 1, 'the held create to land');
      const after = await env.run(ledger);
      expect(after.totals).toMatchObject({ created: 1, reconciled: 1, errors: 0 });
      expect(env.tickets()).toHaveLength(1);
      expect(ledger.getTicket(key)!.psaTicketId).toBe(String(env.tickets()[0]!.id));
    } finally {
      env.demo.autotask.releaseHeld();
      if (first.child.exitCode === null) first.child.kill('SIGKILL');
    }
  });

  it('a create whose answer never came may land until the real clock passes its window, even in a pass begun long ago; a refused one may be made again at once', async () => {
    critical(ALPHA, WS1, 6171);
    const ledger = env.ledger();
    const key = eventTicketKey('demo', ALPHA, '6171');
    // A 500 that is no known refusal: the create may have been applied. The pass began 20 minutes ago.
    env.demo.autotask.inject({ endpoint: 'Tickets', kind: 'error', status: 500, method: 'POST', query: false });
    const slow = await env.run(ledger, { now: new Date(Date.now() - 20 * 60_000) });
    expect(slow.status).toBe('partial');
    expect(Date.parse(ledger.getTicket(key)!.landsBy!)).toBeGreaterThan(Date.now());
    const held = await env.run(ledger);
    expect(held.errors.map((e) => e.message).join('\n')).toMatch(/may still be applied by the PSA/);
    expect(env.tickets()).toHaveLength(0);

    critical(ALPHA, WS2, 6172);
    const refusedKey = eventTicketKey('demo', ALPHA, '6172');
    // A 400 with a reason: refused, nothing created. The next poll creates it without waiting.
    env.demo.autotask.inject({ endpoint: 'Tickets', kind: 'error', status: 400, message: 'Value for field queueID is invalid', method: 'POST', query: false });
    await env.run(ledger);
    expect(ledger.getTicket(refusedKey)!.psaTicketId).toBeNull();
    expect(Date.parse(ledger.getTicket(refusedKey)!.landsBy!)).toBeLessThanOrEqual(Date.now());
    await env.run(ledger);
    expect(ledger.getTicket(refusedKey)!.psaTicketId).not.toBeNull();
  });

  it('Autotask answers an error after creating (error-after on POST Tickets), then rerun: exactly one ticket', async () => {
    critical(ALPHA, WS1, 6201);
    env.demo.autotask.inject({ endpoint: 'Tickets', kind: 'error-after', method: 'POST', query: false });
    const ledger = env.ledger();
    const first = await env.run(ledger);
    expect(first.status).toBe('partial');
    expect(env.tickets()).toHaveLength(1);
    const second = await env.run(ledger);
    expect(second.totals).toMatchObject({ created: 1, reconciled: 1, errors: 0 });
    expect(env.tickets()).toHaveLength(1);
  });

  it('a new or replaced ledger finds the tickets already in Autotask by their tag instead of opening them again', async () => {
    critical(ALPHA, WS1, 6251);
    env.demo.ksc.setStatusMask(ALPHA, WS2, [DB]);
    const first = await env.run(env.ledger());
    expect(first.totals.created).toBeGreaterThanOrEqual(2);
    const before = env.tickets().length;
    // The agent moved to another state directory (or lost its ledger): nothing recorded there.
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-newledger-'));
    const fresh = openLedger({ file: path.join(dir, 'ledger.sqlite') });
    try {
      const again = await env.run(fresh);
      expect(env.tickets()).toHaveLength(before);
      expect(again.totals).toMatchObject({ reconciled: first.totals.created, errors: 0 });
      expect(fresh.listTickets().every((t) => t.psaTicketId !== null && t.state === 'open')).toBe(true);
      // And from then on it is the ledger of record: a third pass creates and reconciles nothing.
      const third = await env.run(fresh);
      expect(third.totals).toMatchObject({ created: 0, reconciled: 0 });
    } finally {
      fresh.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a new ledger attaches a live condition to its open occurrence (key#2), not to an old closed one, and closes it when it clears', async () => {
    const ledger = env.ledger();
    env.demo.ksc.setStatusMask(ALPHA, WS2, [DB]);
    await env.run(ledger); // occurrence 1
    env.demo.ksc.setStatusMask(ALPHA, WS2, []);
    await env.run(ledger); // cleared: kmsp closes it
    env.demo.ksc.setStatusMask(ALPHA, WS2, [DB]);
    await env.run(ledger); // back: occurrence 2
    const open = () => env.tickets().filter((t) => t.status !== 5 && /kmsp-st-|:st:/.test(String(t.externalID ?? '')));
    expect(open()).toHaveLength(1);
    const live = open()[0]!;
    expect(String(live.externalID)).toMatch(/#2$/);
    const count = env.tickets().length;

    const dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-newledger-'));
    const fresh = openLedger({ file: path.join(dir, 'ledger.sqlite') });
    try {
      const r = await env.run(fresh);
      expect(r.totals).toMatchObject({ created: 1, reconciled: 1, closedByPerson: 0, errors: 0 });
      expect(env.tickets()).toHaveLength(count);
      const rows = fresh.ticketsByRepeatKey('demo', String(live.externalID).replace(/#2$/, ''));
      expect(rows.map((t) => [t.key.endsWith('#2'), t.state]).sort()).toEqual([[false, 'closed'], [true, 'open']]);
      env.demo.ksc.setStatusMask(ALPHA, WS2, []);
      const cleared = await env.run(fresh);
      expect(cleared.totals.closed).toBe(1);
      expect(open()).toHaveLength(0);
    } finally {
      fresh.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a new ledger with only a closed earlier occurrence opens the next one for a live condition', async () => {
    const ledger = env.ledger();
    env.demo.ksc.setStatusMask(ALPHA, WS2, [DB]);
    await env.run(ledger);
    env.demo.ksc.setStatusMask(ALPHA, WS2, []);
    await env.run(ledger); // closed by kmsp
    env.demo.ksc.setStatusMask(ALPHA, WS2, [DB]); // back while the ledger is lost
    const dir = mkdtempSync(path.join(os.tmpdir(), 'kmsp-newledger-'));
    const fresh = openLedger({ file: path.join(dir, 'ledger.sqlite') });
    try {
      const before = env.tickets().length;
      const r = await env.run(fresh);
      expect(r.totals).toMatchObject({ created: 1, reconciled: 0, errors: 0 });
      expect(env.tickets()).toHaveLength(before + 1);
      expect(String(env.tickets().at(-1)!.externalID)).toMatch(/#2$/);
    } finally {
      fresh.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the breaker holds back beyond the limit with one note; held-back events are retried later', async () => {
    for (let i = 0; i < 5; i++) critical(ALPHA, WS1, 9100 + i, { type: `TYPE_${i}`, typeName: `Type ${i}` });
    const ledger = env.ledger();
    const r = await env.run(ledger, { ticketsPerAccountPerHour: 3 });
    expect(env.tickets()).toHaveLength(3);
    expect(r.totals.heldBack).toBe(2);
    expect(r.breaker).toEqual([{ accountId: ALPHA_ACCOUNT, heldBack: 2, notedOn: expect.any(String) }]);
    expect(env.notes().filter((n) => /held back/.test(String(n.description)))).toHaveLength(1);
    const again = await env.run(ledger, { ticketsPerAccountPerHour: 3 });
    expect(again.totals.heldBack).toBe(2);
    expect(env.notes().filter((n) => /held back/.test(String(n.description)))).toHaveLength(1); // once per hour
    // An hour later the limit allows them: nothing was lost.
    const later = await env.run(ledger, { ticketsPerAccountPerHour: 3, now: new Date(Date.now() + 3600_000 + 60_000) });
    expect(later.totals.created).toBe(2);
    expect(env.tickets()).toHaveLength(5);
  });

  it('dry run and pause write nothing', async () => {
    critical(ALPHA, WS1, 6301);
    env.demo.ksc.setStatusMask(ALPHA, WS1, [DB]);
    const ledger = env.ledger();
    env.demo.autotask.clearRequests();
    const dry = await env.run(ledger, { dryRun: true });
    const paused = await env.run(ledger, { paused: true });
    expect(dry.totals.wouldCreate).toBe(2);
    expect(paused.totals.wouldCreate).toBe(2);
    expect(env.demo.autotask.requests.filter((q) => q.method !== 'GET' && !/\/query/i.test(q.path))).toEqual([]);
    expect(ledger.listRuns()).toEqual([]);
    expect(ledger.getCursor('demo', ALPHA, EVENTS_STREAM)).toBeNull();
  });
});

describe('status tickets', () => {
  it('gaining "Databases are out of date" opens one ticket; losing it closes that one, the second description stays open', async () => {
    const ledger = env.ledger();
    env.demo.ksc.setStatusMask(ALPHA, WS1, [DB, RTP]);
    await env.run(ledger);
    await env.run(ledger);
    expect(env.tickets()).toHaveLength(2);
    const dbKey = statusTicketKey('demo', ALPHA, WS1, 'databases-outdated', 'critical');
    const rtpKey = statusTicketKey('demo', ALPHA, WS1, 'rtp-not-running', 'critical');
    const db = env.tickets().find((t) => t.externalID === dbKey)!;
    expect(db).toMatchObject({ status: 1, priority: 4, queueID: 29683360 });

    env.demo.ksc.setStatusMask(ALPHA, WS1, [RTP]);
    const r = await env.run(ledger);
    expect(r.totals.closed).toBe(1);
    expect(env.tickets().find((t) => t.externalID === dbKey)!.status).toBe(5);
    expect(env.tickets().find((t) => t.externalID === rtpKey)!.status).toBe(1);
    expect(ledger.getTicket(dbKey)!.state).toBe('closed');
    expect(ledger.getTicket(rtpKey)!.state).toBe('open');

    // It comes back: a fresh ticket with a fresh tag.
    env.demo.ksc.setStatusMask(ALPHA, WS1, [DB, RTP]);
    await env.run(ledger);
    expect(env.tickets()).toHaveLength(3);
    expect(env.tickets().some((t) => t.externalID === `${dbKey}#2` || (String(t.externalID).includes('~') && t.status === 1 && t.id !== db.id))).toBe(true);
  });

  it('closed by a person while still active: a note, not a new ticket; a fresh one only after it clears and comes back', async () => {
    const ledger = env.ledger();
    env.demo.ksc.setStatusMask(ALPHA, WS2, [DB]);
    await env.run(ledger);
    const id = env.tickets()[0]!.id;
    env.demo.autotask.closeTicket(Number(id));
    const r = await env.run(ledger);
    expect(r.totals.closedByPerson).toBe(1);
    expect(env.notes(id)).toHaveLength(1);
    await env.run(ledger);
    expect(env.tickets()).toHaveLength(1);
    expect(env.notes(id)).toHaveLength(1);
    env.demo.ksc.setStatusMask(ALPHA, WS2, []);
    await env.run(ledger);
    env.demo.ksc.setStatusMask(ALPHA, WS2, [DB]);
    await env.run(ledger);
    expect(env.tickets()).toHaveLength(2);
  });
});
