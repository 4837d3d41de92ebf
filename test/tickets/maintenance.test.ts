// Maintenance windows in the ticket job over the KSC and Autotask simulators (README › Maintenance
// windows): a covered condition gets no ticket during the window and gets it after, if still
// active; one that clears inside produces nothing; a ticket opened before still closes; an event
// raised inside is recorded without a ticket and the cursor moves on; a device window holds only
// that device.
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { MaintenanceWindow } from '../../source/domain/maintenance.js';
import { statusTicketKey } from '../../source/domain/ticketKeys.js';
import { EVENTS_STREAM } from '../../source/tickets/run.js';
import { ticketSummaryLine } from '../../source/tickets/format.js';
import type { Ledger } from '../../source/store/ledger.js';
import { ALPHA, startTicketEnv, WS1, WS2, type TicketEnv } from './helpers.js';

let env: TicketEnv;
beforeEach(async () => {
  env = await startTicketEnv();
});
afterEach(async () => env.close());

const DB = 7; // KLHST_WKS_STATUS_MASK bit: databases out of date
const HOUR = 3_600_000;
const DB_KEY = (device: string) => statusTicketKey('demo', ALPHA, device, 'databases-outdated', 'critical');

/** A window over Alpha Dental (or one of its devices) from an hour ago to `hours` from now. */
function window(ledger: Ledger, options: { device?: string; hours?: number } = {}): MaintenanceWindow {
  const now = Date.now();
  return ledger.addMaintenanceWindow({
    integration: 'demo',
    tenantId: ALPHA,
    tenantName: 'Alpha Dental',
    deviceId: options.device ?? null,
    deviceName: options.device ? 'WS-1' : null,
    startsAt: new Date(now - HOUR).toISOString(),
    endsAt: new Date(now + (options.hours ?? 1) * HOUR).toISOString(),
    reason: 'patching',
    createdBy: 'alice (test)',
  });
}

const after = (w: MaintenanceWindow) => new Date(Date.parse(w.endsAt) + 60_000);
const ticketsOf = (key: string) => env.tickets().filter((t) => String(t.externalID).startsWith(key));

describe('a tenant window (Autotask)', () => {
  it('holds a status ticket during the window and opens it after, when the condition is still active', async () => {
    const ledger = env.ledger();
    const w = window(ledger);
    env.demo.ksc.setStatusMask(ALPHA, WS1, [DB]);
    const during = await env.run(ledger);
    expect(during.totals).toMatchObject({ created: 0, errors: 0 });
    expect(during.maintenance).toEqual([expect.objectContaining({ windowId: w.id, target: 'Alpha Dental', conditions: 1, events: 0, reason: 'patching' })]);
    expect(ticketsOf(DB_KEY(WS1))).toEqual([]);
    expect(ticketSummaryLine('demo', during, { dryRun: false, paused: false, requests: { platform: 0, psa: 0 }, ms: 0 })).toContain('1 held by maintenance');

    const released = await env.run(ledger, { now: after(w) });
    expect(released.totals).toMatchObject({ created: 1, errors: 0 });
    expect(released.maintenance).toEqual([]);
    expect(ticketsOf(DB_KEY(WS1))).toHaveLength(1);
  });

  it('a condition that clears inside the window produces nothing, then or after', async () => {
    const ledger = env.ledger();
    const w = window(ledger);
    env.demo.ksc.setStatusMask(ALPHA, WS1, [DB]);
    expect((await env.run(ledger)).totals).toMatchObject({ created: 0, errors: 0 });
    env.demo.ksc.setStatusMask(ALPHA, WS1, []);
    expect((await env.run(ledger)).maintenance).toEqual([]);
    expect((await env.run(ledger, { now: after(w) })).totals).toMatchObject({ created: 0, closed: 0, errors: 0 });
    expect(env.tickets()).toEqual([]);
    expect(ledger.listTickets({ integration: 'demo' })).toEqual([]);
  });

  it('a ticket opened before the window closes when its condition clears inside it', async () => {
    const ledger = env.ledger();
    env.demo.ksc.setStatusMask(ALPHA, WS1, [DB]);
    expect((await env.run(ledger)).totals).toMatchObject({ created: 1, errors: 0 });
    window(ledger);
    // Still active inside the window: the open ticket stays as it is.
    expect((await env.run(ledger)).totals).toMatchObject({ created: 0, closed: 0, errors: 0 });
    env.demo.ksc.setStatusMask(ALPHA, WS1, []);
    expect((await env.run(ledger)).totals).toMatchObject({ closed: 1, errors: 0 });
    expect(ledger.getTicket(DB_KEY(WS1))!.state).toBe('closed');
  });

  it('an event raised inside the window is recorded without a ticket and the cursor moves on; one raised before it is ticketed', async () => {
    const ledger = env.ledger();
    const w = window(ledger);
    const add = (id: number, raisedAt: string) =>
      env.demo.ksc.addEvent(ALPHA, { id, severity: 'critical', type: 'GNRL_EV_VIRUS_FOUND', typeName: 'Malicious object detected', description: `Trojan ${id}`, host: WS1, raisedAt } as never);
    add(7101, 'now-10m'); // inside
    add(7102, 'now-90m'); // before the window began (an hour ago)
    const r = await env.run(ledger);
    expect(r.totals).toMatchObject({ created: 1, errors: 0 });
    expect(r.maintenance).toEqual([expect.objectContaining({ windowId: w.id, events: 1, conditions: 0 })]);
    expect(ledger.handledEvent('demo', ALPHA, '7101')).toMatchObject({ outcome: 'skipped', detail: expect.stringContaining('maintenance') });
    expect(ledger.handledEvent('demo', ALPHA, '7102')).toMatchObject({ outcome: 'created' });
    const cursor = ledger.getCursor('demo', ALPHA, EVENTS_STREAM);
    expect(cursor).not.toBeNull();
    // After the window the event is not ticketed late, nor read again as new.
    const later = await env.run(ledger, { now: after(w) });
    expect(later.totals).toMatchObject({ created: 0, errors: 0 });
    expect(env.tickets()).toHaveLength(1);
  });

  it('ended early: the condition gets its ticket at the next poll', async () => {
    const ledger = env.ledger();
    const w = window(ledger, { hours: 24 });
    env.demo.ksc.setStatusMask(ALPHA, WS1, [DB]);
    expect((await env.run(ledger)).totals).toMatchObject({ created: 0 });
    expect(ledger.endMaintenanceWindow(w.id, { by: 'bob (test)' })).toMatchObject({ ended: true, window: { endedBy: 'bob (test)' } });
    expect((await env.run(ledger)).totals).toMatchObject({ created: 1, errors: 0 });
    // Audited: who set it and who ended it.
    expect(ledger.listConfigAudit().map((a) => [a.actor, a.summary])).toEqual([
      ['bob (test)', expect.stringMatching(/^maintenance window \d+ of Alpha Dental \(demo\) ended early/)],
      ['alice (test)', expect.stringMatching(/^maintenance window \d+ added for Alpha Dental \(demo\).*\(patching\)$/)],
    ]);
  });
});

describe('a device window (Autotask)', () => {
  it('holds only that device: another device of the tenant gets its ticket', async () => {
    const ledger = env.ledger();
    const w = window(ledger, { device: WS1 });
    env.demo.ksc.setStatusMask(ALPHA, WS1, [DB]);
    env.demo.ksc.setStatusMask(ALPHA, WS2, [DB]);
    const r = await env.run(ledger);
    expect(r.totals).toMatchObject({ created: 1, errors: 0 });
    expect(r.maintenance).toEqual([expect.objectContaining({ windowId: w.id, target: 'WS-1 of Alpha Dental', conditions: 1 })]);
    expect(ticketsOf(DB_KEY(WS2))).toHaveLength(1);
    expect(ticketsOf(DB_KEY(WS1))).toEqual([]);
    expect((await env.run(ledger, { now: after(w) })).totals).toMatchObject({ created: 1, errors: 0 });
    expect(ticketsOf(DB_KEY(WS1))).toHaveLength(1);
  });
});

describe('dry run', () => {
  it('counts no held ticket as one to create', async () => {
    const ledger = env.ledger();
    window(ledger);
    env.demo.ksc.setStatusMask(ALPHA, WS1, [DB]);
    const r = await env.run(ledger, { dryRun: true });
    expect(r.totals).toMatchObject({ wouldCreate: 0 });
    expect(r.maintenance).toEqual([expect.objectContaining({ conditions: 1 })]);
  });
});
