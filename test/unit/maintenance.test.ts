// Maintenance windows, the pure part (domain/maintenance.ts) and the ticket engine's `held` hook
// (README › Maintenance windows).
import { describe, expect, it } from 'vitest';
import type { Integration } from '../../source/domain/config.js';
import { AUTOTASK_DEFAULTS, defaultTicketing, KSC_DEFAULTS, newIntegration } from '../../source/domain/defaults.js';
import {
  coveringWindow, describeWindow, formatWindowTime, MAX_WINDOW_MS, parseDuration, parseWhen, windowProblems, windowState, type MaintenanceWindow,
} from '../../source/domain/maintenance.js';
import { platformProfile, psaProfile } from '../../source/domain/profiles/index.js';
import { decideStatusTickets, statusTicketKey } from '../../source/domain/ticketEngine.js';
import type { Device, PicklistValue, TicketPicklists } from '../../source/domain/types.js';

const NOW = new Date('2026-12-07T22:00:00Z');
const HOUR = 3_600_000;

function win(over: Partial<MaintenanceWindow> = {}): MaintenanceWindow {
  return {
    id: 1, integration: 'main', tenantId: 't1', tenantName: 'Acme', deviceId: null, deviceName: null,
    startsAt: '2026-12-07T21:00:00.000Z', endsAt: '2026-12-08T02:00:00.000Z', reason: 'patching', createdBy: 'alice (kmsp maintenance)',
    createdAt: '2026-12-07T20:00:00.000Z', endedAt: null, endedBy: null, ...over,
  };
}

describe('durations and times', () => {
  it('reads 4h, 90m, 2d, 1d12h; refuses zero, units it does not know and words', () => {
    expect(parseDuration('4h')).toBe(4 * HOUR);
    expect(parseDuration('90m')).toBe(90 * 60_000);
    expect(parseDuration('2d')).toBe(48 * HOUR);
    expect(parseDuration('1d12h')).toBe(36 * HOUR);
    expect(parseDuration(' 1h 30m ')).toBe(90 * 60_000);
    for (const bad of ['0h', '4', 'h', '4w', 'four hours', '-2h', '']) expect(parseDuration(bad)).toBeNull();
  });

  it('reads "now", ISO with an offset, and wall times in the given zone (DST included)', () => {
    expect(parseWhen('now', 'UTC', NOW)).toBe(NOW);
    expect(parseWhen('2026-12-08T06:00Z', 'Europe/Berlin', NOW)!.toISOString()).toBe('2026-12-08T06:00:00.000Z');
    expect(parseWhen('2026-12-08 06:00', 'Europe/Berlin', NOW)!.toISOString()).toBe('2026-12-08T05:00:00.000Z');
    expect(parseWhen('2026-07-08T06:00', 'Europe/Berlin', NOW)!.toISOString()).toBe('2026-07-08T04:00:00.000Z');
    expect(parseWhen('2026-12-08', 'America/New_York', NOW)!.toISOString()).toBe('2026-12-08T05:00:00.000Z');
    for (const bad of ['tomorrow', '2026-02-30 06:00', '2026-12-08 25:00', '08.12.2026']) expect(parseWhen(bad, 'UTC', NOW)).toBeNull();
  });

  it('shows times in the zone it is given, naming it', () => {
    expect(formatWindowTime('2026-12-08T05:00:00Z', 'Europe/Berlin')).toBe('Tue 2026-12-08 06:00 Europe/Berlin');
  });
});

describe('limits of a new window', () => {
  const ok = { start: NOW, end: new Date(NOW.getTime() + 4 * HOUR), reason: 'patching', actor: 'alice', now: NOW };
  it('accepts up to 30 days with a reason', () => {
    expect(windowProblems(ok)).toEqual([]);
    expect(windowProblems({ ...ok, end: new Date(NOW.getTime() + MAX_WINDOW_MS) })).toEqual([]);
  });
  it('refuses more than 30 days, no reason, an end before the start or in the past', () => {
    expect(windowProblems({ ...ok, end: new Date(NOW.getTime() + MAX_WINDOW_MS + 60_000) }).map((p) => p.field)).toEqual(['end']);
    expect(windowProblems({ ...ok, reason: '  ' })).toEqual([expect.objectContaining({ field: 'reason' })]);
    expect(windowProblems({ ...ok, end: NOW })[0]!.message).toMatch(/end after it starts/);
    expect(windowProblems({ ...ok, start: new Date(NOW.getTime() - 5 * HOUR), end: new Date(NOW.getTime() - HOUR) })[0]!.message).toMatch(/past/);
  });
});

describe('what a window covers', () => {
  it('a tenant window covers its devices and the tenant from its start up to (not at) its end, cut when ended early', () => {
    const w = win();
    expect(coveringWindow([w], { tenantId: 't1', deviceId: 'd1' }, NOW)).toBe(w);
    expect(coveringWindow([w], { tenantId: 't1', deviceId: null }, NOW)).toBe(w);
    expect(coveringWindow([w], { tenantId: 't2', deviceId: null }, NOW)).toBeNull();
    expect(coveringWindow([w], { tenantId: 't1', deviceId: null }, new Date(w.endsAt))).toBeNull();
    expect(coveringWindow([w], { tenantId: 't1', deviceId: null }, new Date(w.startsAt))).toBe(w);
    const ended = win({ endedAt: '2026-12-07T21:30:00.000Z', endedBy: 'bob' });
    expect(coveringWindow([ended], { tenantId: 't1', deviceId: null }, NOW)).toBeNull();
    expect(windowState(ended, NOW)).toBe('past');
    expect(describeWindow(ended, 'UTC', NOW)).toBe('ended Mon 2026-12-07 21:30 UTC: patching (set by alice (kmsp maintenance); ended early by bob)');
  });
  it('a device window covers that device only, not the tenant as a whole', () => {
    const w = win({ deviceId: 'd1', deviceName: 'PC-01' });
    expect(coveringWindow([w], { tenantId: 't1', deviceId: 'd1' }, NOW)).toBe(w);
    expect(coveringWindow([w], { tenantId: 't1', deviceId: 'd2' }, NOW)).toBeNull();
    expect(coveringWindow([w], { tenantId: 't1', deviceId: null }, NOW)).toBeNull();
  });
  it('upcoming and active in words', () => {
    expect(describeWindow(win({ startsAt: '2026-12-08T00:00:00.000Z' }), 'UTC', NOW)).toBe('from Tue 2026-12-08 00:00 UTC until Tue 2026-12-08 02:00 UTC: patching (set by alice (kmsp maintenance))');
    expect(describeWindow(win(), 'UTC', NOW)).toMatch(/^until Tue 2026-12-08 02:00 UTC: patching/);
  });
});

describe("the engine's held hook", () => {
  const v = (value: string, label: string): PicklistValue => ({ value, label, active: true, parentValue: null, isDefault: false });
  const picklists: TicketPicklists = { queues: [v('8', 'Monitoring Alert')], priorities: [v('4', 'Critical'), v('2', 'Medium')], statuses: [v('1', 'New'), v('5', 'Complete')], sources: [v('2', 'Monitoring Alert')], issueTypes: [], subIssueTypes: [], workTypes: [] };
  function integration(): Integration {
    const i = newIntegration('main', { ...KSC_DEFAULTS, url: 'https://ksc:13299', username: 'u' }, { ...AUTOTASK_DEFAULTS, username: 'api@x' });
    i.ticketing = defaultTicketing(platformProfile('ksc'), psaProfile('autotask'), picklists);
    for (const r of [...i.ticketing.sections.warningStatus!, ...i.ticketing.sections.criticalStatus!]) r.enabled = true;
    return i;
  }
  const mapping = { tenantId: 't1', tenantName: 'Acme', accountId: 'a1', accountName: 'Acme', billing: false, contractId: null, contractName: null };
  const account = { id: 'a1', name: 'Acme', active: true, type: 'Customer', customFields: {} };
  const device = (severity: 'warning' | 'critical'): Device => ({ id: 'd1', tenantId: 't1', name: 'PC-01', category: 'windows-workstation', osName: 'Windows 11', mobile: false, health: severity, statuses: [{ id: 'databases-outdated', severity }], lastSeen: NOW });

  it('a held condition is skipped "maintenance", not created', () => {
    const r = decideStatusTickets({ integration: integration(), mapping, account, devices: [device('warning')], open: [], now: NOW, held: () => true });
    expect(r.create).toEqual([]);
    expect(r.skipped).toEqual([{ deviceId: 'd1', descriptionId: 'databases-outdated', reason: 'maintenance' }]);
  });

  it('warning → critical inside a window: the warning ticket stays open (the description has not cleared), nothing new opens', () => {
    const key = statusTicketKey('main', 't1', 'd1', 'databases-outdated', 'warning');
    const open = [{ key, deviceId: 'd1', descriptionId: 'databases-outdated', severity: 'warning' as const, psaTicketId: 'T1' }];
    const r = decideStatusTickets({ integration: integration(), mapping, account, devices: [device('critical')], open, now: NOW, held: () => true });
    expect(r.create).toEqual([]);
    expect(r.close).toEqual([]);
    expect(r.stillActive.map((t) => t.key)).toEqual([key]);
  });
});
