// The pure ticket engine (README › Ticket rules): event and status decisions, stable keys,
// templates, breaker.
import { describe, expect, it } from 'vitest';
import type { Integration, PsaChoice, TenantMapping } from '../../source/domain/config.js';
import { AUTOTASK_DEFAULTS, defaultTicketing, KSC_DEFAULTS, newIntegration } from '../../source/domain/defaults.js';
import { platformProfile, psaProfile } from '../../source/domain/profiles/index.js';
import {
  applyBreaker,
  decideEventTickets,
  decideStatusTickets,
  eventTicketKey,
  MAX_TICKET_KEY_LENGTH,
  statusTicketKey,
  ticketDescription,
  ticketTitle,
  type OpenStatusTicket,
  type SkipReason,
} from '../../source/domain/ticketEngine.js';
import type { Device, EventSeverity, PicklistValue, PsaAccount, SecurityEvent, TicketPicklists } from '../../source/domain/types.js';

const NOW = new Date('2024-05-10T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const AUTOTASK = psaProfile('autotask');
const LIMITS = AUTOTASK.limits;

const v = (value: string, label: string): PicklistValue => ({ value, label, active: true, parentValue: null, isDefault: false });
const picklists: TicketPicklists = {
  queues: [v('8', 'Monitoring Alert')],
  priorities: [v('4', 'Critical'), v('2', 'Medium')],
  statuses: [v('1', 'New'), v('5', 'Complete')],
  sources: [v('2', 'Monitoring Alert')],
  issueTypes: [],
  subIssueTypes: [],
  workTypes: [],
};

function integration(edit?: (i: Integration) => void): Integration {
  const i = newIntegration('main', { ...KSC_DEFAULTS, url: 'https://ksc:13299', username: 'u' }, { ...AUTOTASK_DEFAULTS, username: 'api@x' });
  i.ticketing = defaultTicketing(platformProfile('ksc'), AUTOTASK, picklists);
  for (const r of i.ticketing.sections.events!) r.enabled = true;
  edit?.(i);
  return i;
}

const mapping = (over: Partial<TenantMapping> = {}): TenantMapping => ({
  tenantId: 't1', tenantName: 'Acme Ltd', accountId: 'a1', accountName: 'Acme', billing: false, contractId: null, contractName: null, ...over,
});
const account = (over: Partial<PsaAccount> = {}): PsaAccount => ({ id: 'a1', name: 'Acme', active: true, type: 'Customer', customFields: {}, ...over });

let seq = 0;
function event(over: Partial<SecurityEvent> = {}): SecurityEvent {
  seq += 1;
  return {
    id: `e${seq}`, tenantId: 't1', severity: 'critical', type: 'GNRL_EV_VIRUS_FOUND', typeName: 'Malicious object detected',
    description: 'Trojan.Win32.Generic in C:\\x.exe', deviceId: 'd1', deviceName: 'PC-01', product: 'KES', raisedAt: new Date(NOW.getTime() - HOUR), ...over,
  };
}

const events = (evs: SecurityEvent[], over: { integration?: Integration; mapping?: TenantMapping; account?: PsaAccount | null } = {}) =>
  decideEventTickets({ integration: over.integration ?? integration(), mapping: over.mapping ?? mapping(), account: over.account === undefined ? account() : over.account, events: evs, now: NOW });

// ---------------------------------------------------------------- events

describe('decideEventTickets', () => {
  it('an enabled Critical event becomes one ticket with the rule\'s and General fields', () => {
    const i = integration((i) => {
      const r = i.ticketing.sections.events![0]!;
      r.fields.workType = { value: '30', label: 'Remote' };
      r.fields.issueType = { value: '7', label: 'Security' };
      r.fields.subIssueType = { value: '71', label: 'Malware' };
      i.ticketing.general.source = { value: '2', label: 'Monitoring Alert' };
    });
    const e = event();
    const { create, skipped } = events([e], { integration: i });
    expect(skipped).toEqual([]);
    expect(create).toHaveLength(1);
    const t = create[0]!;
    expect(t).toMatchObject({
      key: eventTicketKey('main', 't1', e.id), kind: 'event', tenantId: 't1', tenantName: 'Acme Ltd', accountId: 'a1',
      deviceId: 'd1', deviceName: 'PC-01', descriptionId: null, eventId: e.id,
      status: '1', scope: null, fields: { queue: '8', priority: '4', source: '2', workType: '30', issueType: '7', subIssueType: '71' },
    });
    expect(t.dueAt).toEqual(new Date(NOW.getTime() + 12 * HOUR));
  });

  it.each<[string, EventSeverity, string, number]>([
    ['Critical', 'critical', '4', 12],
    ['Functional failure', 'functional-failure', '2', 12],
    ['Warning', 'warning', '2', 12],
  ])('%s uses its own row (priority %s, due %i h)', (_l, severity, priority, due) => {
    const { create } = events([event({ severity })]);
    expect(create[0]!.fields.priority).toBe(priority);
    expect(create[0]!.dueAt!.getTime() - NOW.getTime()).toBe(due * HOUR);
  });

  it('due = now + the rule\'s due hours', () => {
    const i = integration((i) => { i.ticketing.sections.events![1]!.dueHours = 72; });
    expect(events([event({ severity: 'functional-failure' })], { integration: i }).create[0]!.dueAt).toEqual(new Date(NOW.getTime() + 72 * HOUR));
  });

  const cases: Array<[string, () => { evs: SecurityEvent[]; integration?: Integration; mapping?: TenantMapping; account?: PsaAccount | null }, SkipReason]> = [
    ['info is never a ticket, even with every row on', () => ({ evs: [event({ severity: 'info' })] }), 'info-severity'],
    ['row off', () => ({ evs: [event()], integration: integration((i) => { i.ticketing.sections.events![0]!.enabled = false; }) }), 'rule-off'],
    ['row missing', () => ({ evs: [event({ severity: 'warning' })], integration: integration((i) => { i.ticketing.sections.events = i.ticketing.sections.events!.filter((r) => r.key !== 'warning'); }) }), 'rule-off'],
    ['older than lifetime (1 day + 1 ms)', () => ({ evs: [event({ raisedAt: new Date(NOW.getTime() - DAY - 1) })] }), 'older-than-lifetime'],
    ['older than a 7-day lifetime', () => ({ evs: [event({ raisedAt: new Date(NOW.getTime() - 7 * DAY - 1) })], integration: integration((i) => { i.ticketing.sections.events![0]!.lifetimeDays = 7; }) }), 'older-than-lifetime'],
    ['tenant not mapped to an account', () => ({ evs: [event()], mapping: mapping({ accountId: null, accountName: null }) }), 'not-mapped'],
    ['event of another tenant', () => ({ evs: [event({ tenantId: 't2' })] }), 'not-mapped'],
    ['account no longer in the PSA', () => ({ evs: [event()], account: null }), 'account-missing'],
    ['account passed is not the mapped one', () => ({ evs: [event()], account: account({ id: 'a2' }) }), 'account-missing'],
    ['account inactive', () => ({ evs: [event()], account: account({ active: false }) }), 'account-inactive'],
    ['queue blank', () => ({ evs: [event()], integration: integration((i) => { i.ticketing.sections.events![0]!.fields.queue = null; }) }), 'rule-incomplete'],
    ['queue unresolved (label only)', () => ({ evs: [event()], integration: integration((i) => { i.ticketing.sections.events![0]!.fields.queue = { value: '', label: 'Monitoring Alert' }; }) }), 'rule-incomplete'],
    ['priority blank', () => ({ evs: [event()], integration: integration((i) => { i.ticketing.sections.events![0]!.fields.priority = null; }) }), 'rule-incomplete'],
    ['priority whitespace', () => ({ evs: [event()], integration: integration((i) => { i.ticketing.sections.events![0]!.fields.priority = { value: '  ', label: 'x' }; }) }), 'rule-incomplete'],
    ['General new status missing', () => ({ evs: [event()], integration: integration((i) => { i.ticketing.general.newStatus = null; }) }), 'rule-incomplete'],
    ['due hours zero', () => ({ evs: [event()], integration: integration((i) => { i.ticketing.sections.events![0]!.dueHours = 0; }) }), 'rule-incomplete'],
    ['lifetime NaN', () => ({ evs: [event()], integration: integration((i) => { i.ticketing.sections.events![0]!.lifetimeDays = Number.NaN; }) }), 'rule-incomplete'],
  ];
  it.each(cases)('skips: %s', (_name, make, reason) => {
    const c = make();
    const r = events(c.evs, c);
    expect(r.create).toEqual([]);
    expect(r.skipped).toEqual([{ eventId: c.evs[0]!.id, reason }]);
  });

  it('keeps an event exactly at the lifetime boundary and one dated in the future', () => {
    const r = events([event({ raisedAt: new Date(NOW.getTime() - DAY) }), event({ raisedAt: new Date(NOW.getTime() + HOUR) })]);
    expect(r.create).toHaveLength(2);
  });

  it('skip order: an old event of an inactive account counts as old, a fresh one as account-inactive', () => {
    const old = event({ raisedAt: new Date(NOW.getTime() - 2 * DAY) });
    const fresh = event();
    const info = event({ severity: 'info' });
    expect(events([old, fresh, info], { account: account({ active: false }) }).skipped).toEqual([
      { eventId: old.id, reason: 'older-than-lifetime' },
      { eventId: fresh.id, reason: 'account-inactive' },
      { eventId: info.id, reason: 'info-severity' },
    ]);
  });

  it('unresolved optional choices (source, work/issue type) become null, never blank strings', () => {
    const blank: PsaChoice = { value: '', label: 'Gone' };
    const i = integration((i) => {
      i.ticketing.general.source = blank;
      Object.assign(i.ticketing.sections.events![0]!.fields, { workType: blank, issueType: blank, subIssueType: blank });
    });
    expect(events([event()], { integration: i }).create[0]!.fields).toMatchObject({ source: null, workType: null, issueType: null, subIssueType: null });
  });

  it('a duplicated event id in one batch yields one ticket; an event without a device still gets one', () => {
    const e = event({ deviceId: null, deviceName: null });
    const r = events([e, { ...e }]);
    expect(r.create).toHaveLength(1);
    expect(r.create[0]).toMatchObject({ deviceId: null, deviceName: null });
    expect(r.create[0]!.title).toContain('unknown device');
  });

  it('a mixed batch: one decision per event, tickets in input order', () => {
    const batch = [event(), event({ severity: 'info' }), event({ severity: 'warning' }), event({ raisedAt: new Date(0) })];
    const r = events(batch);
    expect(r.create.map((t) => t.eventId)).toEqual([batch[0]!.id, batch[2]!.id]);
    expect(r.skipped.map((s) => s.reason)).toEqual(['info-severity', 'older-than-lifetime']);
  });
});

// ---------------------------------------------------------------- a PSA whose statuses belong to a board

describe('decideEventTickets with statuses per board (ConnectWise profile)', () => {
  const cwLists: TicketPicklists = {
    boards: [v('10', 'Monitoring Alert'), v('20', 'Security Operations')],
    statuses: [
      { ...v('101', 'New'), parentValue: '10' },
      { ...v('103', 'Closed'), parentValue: '10', closed: true },
      { ...v('201', 'New'), parentValue: '20' },
      { ...v('203', 'Closed'), parentValue: '20', closed: true },
    ],
    priorities: [v('1', 'Critical'), v('3', 'Medium')],
    sources: [v('5', 'Email')],
    types: [], subtypes: [], items: [],
  };
  const cwIntegration = (edit?: (i: Integration) => void): Integration => {
    const i = newIntegration('main', { ...KSC_DEFAULTS, url: 'https://ksc:13299', username: 'u' }, {
      kind: 'connectwise', siteUrl: 'https://cw.example', companyId: 'msp', publicKey: 'pk', clientId: 'c', codebase: null, tenantNameField: 'Kaspersky Tenant', caFile: null,
    });
    i.ticketing = defaultTicketing(platformProfile('ksc'), psaProfile('connectwise'), cwLists);
    for (const r of i.ticketing.sections.events!) r.enabled = true;
    edit?.(i);
    return i;
  };

  it('the ticket takes the new status of its row\'s board, the board and General\'s source as fields, and that board as its scope', () => {
    const i = cwIntegration((i) => {
      i.ticketing.general.source = { value: '5', label: 'Email' };
      i.ticketing.sections.events![0]!.fields.board = { value: '20', label: 'Security Operations' };
      i.ticketing.perScope.push({ scope: { value: '20', label: 'Security Operations' }, fields: { newStatus: { value: '201', label: 'New' }, closedStatus: { value: '203', label: 'Closed' } } });
    });
    const [t] = events([event()], { integration: i }).create;
    expect(t).toMatchObject({ status: '201', scope: '20', fields: { board: '20', priority: '1', source: '5', type: null, subType: null, item: null } });
    expect(t!.dueAt).toEqual(new Date(NOW.getTime() + 12 * HOUR));
    // A row without a board uses the default board, and its statuses.
    const [u] = events([event({ severity: 'warning' })], { integration: cwIntegration((i) => { i.ticketing.sections.events![2]!.fields.board = null; }) }).create;
    expect(u).toMatchObject({ status: '101', scope: '10', fields: { board: '10', priority: '3' } });
  });

  it('a row whose board has no New status is incomplete', () => {
    const i = cwIntegration((i) => { i.ticketing.sections.events![0]!.fields.board = { value: '20', label: 'Security Operations' }; });
    expect(events([event()], { integration: i }).skipped.map((s) => s.reason)).toEqual(['rule-incomplete']);
  });
});

// ---------------------------------------------------------------- statuses

function device(id: string, statuses: Device['statuses'], over: Partial<Device> = {}): Device {
  const health = statuses.some((s) => s.severity === 'critical') ? 'critical' : statuses.length ? 'warning' : 'ok';
  return { id, tenantId: 't1', name: id.toUpperCase(), category: 'windows-workstation', osName: 'Windows 11', mobile: false, health, statuses, lastSeen: NOW, ...over };
}

function statusIntegration(edit?: (i: Integration) => void): Integration {
  return integration((i) => {
    for (const r of [...i.ticketing.sections.warningStatus!, ...i.ticketing.sections.criticalStatus!]) r.enabled = true;
    edit?.(i);
  });
}

function open(deviceId: string, descriptionId: string, severity: 'warning' | 'critical', psaTicketId = `T-${deviceId}-${descriptionId}-${severity}`): OpenStatusTicket {
  return { key: statusTicketKey('main', 't1', deviceId, descriptionId, severity), deviceId, descriptionId, severity, psaTicketId };
}

const statuses = (devices: Device[], openTickets: OpenStatusTicket[] = [], over: { integration?: Integration; mapping?: TenantMapping; account?: PsaAccount | null } = {}) =>
  decideStatusTickets({
    integration: over.integration ?? statusIntegration(), mapping: over.mapping ?? mapping(),
    account: over.account === undefined ? account() : over.account, devices, open: openTickets, now: NOW,
  });

describe('decideStatusTickets', () => {
  it('a device gaining "Databases are out of date" (warning) gets one ticket with the Warning row\'s fields', () => {
    const r = statuses([device('d1', [{ id: 'databases-outdated', severity: 'warning' }])]);
    expect(r.close).toEqual([]);
    expect(r.stillActive).toEqual([]);
    expect(r.create).toHaveLength(1);
    expect(r.create[0]).toMatchObject({
      key: statusTicketKey('main', 't1', 'd1', 'databases-outdated', 'warning'), kind: 'status', deviceId: 'd1', deviceName: 'D1',
      descriptionId: 'databases-outdated', eventId: null, status: '1', accountId: 'a1', fields: { queue: '8', priority: '2' },
    });
    expect(r.create[0]!.dueAt).toEqual(new Date(NOW.getTime() + 24 * HOUR));
    expect(r.create[0]!.title).toContain('Databases are out of date');
  });

  it('a critical description uses the Critical status row (priority Critical, 12 h)', () => {
    const r = statuses([device('d1', [{ id: 'rtp-not-running', severity: 'critical' }])]);
    expect(r.create[0]).toMatchObject({ fields: { priority: '4' }, key: statusTicketKey('main', 't1', 'd1', 'rtp-not-running', 'critical') });
    expect(r.create[0]!.dueAt).toEqual(new Date(NOW.getTime() + 12 * HOUR));
  });

  it('rows are per severity: Warning row on and Critical row off → only the warning description gets a ticket', () => {
    const i = statusIntegration((i) => { for (const r of i.ticketing.sections.criticalStatus!) r.enabled = false; });
    const r = statuses([device('d1', [{ id: 'databases-outdated', severity: 'warning' }, { id: 'rtp-not-running', severity: 'critical' }])], [], { integration: i });
    expect(r.create.map((t) => t.descriptionId)).toEqual(['databases-outdated']);
    expect(r.skipped).toEqual([{ deviceId: 'd1', descriptionId: 'rtp-not-running', reason: 'rule-off' }]);
  });

  it('an open ticket with the same key is still active, not created again', () => {
    const t = open('d1', 'databases-outdated', 'warning');
    const r = statuses([device('d1', [{ id: 'databases-outdated', severity: 'warning' }])], [t]);
    expect(r).toEqual({ create: [], close: [], stillActive: [t], skipped: [] });
  });

  it('closes a description\'s ticket when it clears although the device stays Warning for another description', () => {
    const db = open('d1', 'databases-outdated', 'warning');
    const scan = open('d1', 'scan-overdue', 'warning');
    const d = device('d1', [{ id: 'scan-overdue', severity: 'warning' }]);
    expect(d.health).toBe('warning');
    const r = statuses([d], [db, scan]);
    expect(r.close).toEqual([db]);
    expect(r.stillActive).toEqual([scan]);
    expect(r.create).toEqual([]);
  });

  it('closes every ticket of a device that is gone, and of a device now OK', () => {
    const gone = open('d9', 'databases-outdated', 'warning');
    const ok = open('d2', 'not-connected', 'critical');
    const r = statuses([device('d2', [])], [gone, ok]);
    expect(r.close).toEqual([gone, ok]);
  });

  it('closing depends only on the condition: row off or account inactive neither closes an active one nor keeps a cleared one', () => {
    const active = open('d1', 'databases-outdated', 'warning');
    const cleared = open('d1', 'scan-overdue', 'warning');
    const i = statusIntegration((i) => { for (const r of i.ticketing.sections.warningStatus!) r.enabled = false; });
    const r = statuses([device('d1', [{ id: 'databases-outdated', severity: 'warning' }])], [active, cleared], { integration: i, account: account({ active: false }) });
    expect(r.stillActive).toEqual([active]);
    expect(r.close).toEqual([cleared]);
  });

  it('warning → critical: the critical ticket is opened and the warning one closed', () => {
    const w = open('d1', 'databases-outdated', 'warning');
    const r = statuses([device('d1', [{ id: 'databases-outdated', severity: 'critical' }])], [w]);
    expect(r.create.map((t) => t.key)).toEqual([statusTicketKey('main', 't1', 'd1', 'databases-outdated', 'critical')]);
    expect(r.close).toEqual([w]);
  });

  it('warning → critical with the critical ticket already open: the warning one closes, the critical stays', () => {
    const w = open('d1', 'databases-outdated', 'warning');
    const c = open('d1', 'databases-outdated', 'critical');
    const r = statuses([device('d1', [{ id: 'databases-outdated', severity: 'critical' }])], [w, c]);
    expect(r).toMatchObject({ create: [], close: [w], stillActive: [c] });
  });

  it('critical → warning: the warning ticket is opened and the critical one closed', () => {
    const c = open('d1', 'databases-outdated', 'critical');
    const r = statuses([device('d1', [{ id: 'databases-outdated', severity: 'warning' }])], [c]);
    expect(r.create.map((t) => t.key)).toEqual([statusTicketKey('main', 't1', 'd1', 'databases-outdated', 'warning')]);
    expect(r.close).toEqual([c]);
  });

  it('warning → critical with the Critical row off: the warning ticket stays open (the description has not cleared)', () => {
    const w = open('d1', 'databases-outdated', 'warning');
    const i = statusIntegration((i) => { for (const r of i.ticketing.sections.criticalStatus!) r.enabled = false; });
    const r = statuses([device('d1', [{ id: 'databases-outdated', severity: 'critical' }])], [w], { integration: i });
    expect(r).toEqual({ create: [], close: [], stillActive: [w], skipped: [{ deviceId: 'd1', descriptionId: 'databases-outdated', reason: 'rule-off' }] });
  });

  it('a description reported twice on one device (warning and critical) counts once, as critical', () => {
    const r = statuses([device('d1', [{ id: 'databases-outdated', severity: 'warning' }, { id: 'databases-outdated', severity: 'critical' }])]);
    expect(r.create.map((t) => t.key)).toEqual([statusTicketKey('main', 't1', 'd1', 'databases-outdated', 'critical')]);
  });

  it('one ticket per device and description', () => {
    const r = statuses([
      device('d1', [{ id: 'databases-outdated', severity: 'warning' }, { id: 'scan-overdue', severity: 'warning' }]),
      device('d2', [{ id: 'databases-outdated', severity: 'warning' }]),
    ]);
    expect(r.create.map((t) => `${t.deviceId}/${t.descriptionId}`)).toEqual(['d1/databases-outdated', 'd1/scan-overdue', 'd2/databases-outdated']);
    expect(new Set(r.create.map((t) => t.key)).size).toBe(3);
  });

  it('never touches another tenant\'s or integration\'s tickets, nor devices of another tenant', () => {
    const foreign: OpenStatusTicket = { ...open('d1', 'databases-outdated', 'warning'), key: statusTicketKey('main', 't2', 'd1', 'databases-outdated', 'warning') };
    const otherIntegration: OpenStatusTicket = { ...open('d1', 'scan-overdue', 'warning'), key: statusTicketKey('other', 't1', 'd1', 'scan-overdue', 'warning') };
    const r = statuses([device('d5', [{ id: 'scan-overdue', severity: 'warning' }], { tenantId: 't2' })], [foreign, otherIntegration]);
    expect(r).toEqual({ create: [], close: [], stillActive: [], skipped: [] });
  });

  it('a duplicated open ticket is reported once', () => {
    const t = open('d1', 'databases-outdated', 'warning');
    expect(statuses([], [t, { ...t }]).close).toEqual([t]);
  });

  it.each<[string, { integration?: Integration; mapping?: TenantMapping; account?: PsaAccount | null }, SkipReason]>([
    ['not mapped', { mapping: mapping({ accountId: null }) }, 'not-mapped'],
    ['account missing', { account: null }, 'account-missing'],
    ['account inactive', { account: account({ active: false }) }, 'account-inactive'],
    ['queue unresolved', { integration: statusIntegration((i) => { i.ticketing.sections.warningStatus!.forEach((r) => { r.fields.queue = { value: '', label: 'Monitoring Alert' }; }); }) }, 'rule-incomplete'],
    ['priority blank', { integration: statusIntegration((i) => { i.ticketing.sections.warningStatus!.forEach((r) => { r.fields.priority = null; }); }) }, 'rule-incomplete'],
    ['new status missing', { integration: statusIntegration((i) => { i.ticketing.general.newStatus = { value: '', label: 'New' }; }) }, 'rule-incomplete'],
    ['row missing for the description', { integration: statusIntegration((i) => { i.ticketing.sections.warningStatus = []; }) }, 'rule-off'],
  ])('skips (%s)', (_n, over, reason) => {
    const r = statuses([device('d1', [{ id: 'databases-outdated', severity: 'warning' }])], [], over);
    expect(r.create).toEqual([]);
    expect(r.skipped).toEqual([{ deviceId: 'd1', descriptionId: 'databases-outdated', reason }]);
  });
});

// ---------------------------------------------------------------- breaker

describe('applyBreaker', () => {
  it.each([
    // createdInLastHour, limit, wanted, allowed, heldBack
    [0, 20, 5, 5, 0],
    [0, 20, 20, 20, 0],
    [0, 20, 50, 20, 30],
    [15, 20, 10, 5, 5],
    [20, 20, 3, 0, 3],
    [25, 20, 3, 0, 3],
    [0, 20, 0, 0, 0],
    [0, 0, 4, 0, 4],
    [Number.NaN, 20, 4, 0, 4],
  ])('created %d, limit %d, wanted %d → allowed %d, held back %d', (createdInLastHour, limit, wanted, allowed, heldBack) => {
    expect(applyBreaker({ createdInLastHour, limit, wanted })).toEqual({ allowed, heldBack });
  });
});

// ---------------------------------------------------------------- keys

describe('stable keys', () => {
  const SAFE = /^[a-z0-9:._-]+$/;

  it('readable when short and safe', () => {
    expect(eventTicketKey('main', 't1', '12345')).toBe('kmsp:main:t1:ev:12345');
    expect(statusTicketKey('main', 't1', 'd1', 'scan-overdue', 'warning')).toBe('kmsp:main:t1:st:d1:scan-overdue:w');
  });

  it('deterministic, ≤ 50 characters and safe for long, upper-case or odd parts', () => {
    const inputs: Array<[string, string, string]> = [
      ['main', '2F1E7A3C-9B2D-4C6E-8F1A-0D3B5C7E9A11', '123456789'],
      ['a-very-long-integration-name-0123456789x', 't1', '1'],
      ['main', 'T1', '1'],
      ['main', 'acme ltd/ü:{x}', 'e\n1'],
    ];
    for (const [i, t, e] of inputs) {
      const k = eventTicketKey(i, t, e);
      expect(k).toBe(eventTicketKey(i, t, e));
      expect(k.length).toBeLessThanOrEqual(MAX_TICKET_KEY_LENGTH);
      expect(k).toMatch(SAFE);
      expect(k).toMatch(/^kmsp-ev-[0-9a-f]{40}$/);
    }
    const s = statusTicketKey('main', '2F1E7A3C-9B2D-4C6E-8F1A-0D3B5C7E9A11', '9C0B5B2A-1111-2222-3333-444455556666', 'rtp-level-differs', 'critical');
    expect(s).toMatch(/^kmsp-st-[0-9a-f]{40}$/);
    expect(s).toBe(statusTicketKey('main', '2F1E7A3C-9B2D-4C6E-8F1A-0D3B5C7E9A11', '9C0B5B2A-1111-2222-3333-444455556666', 'rtp-level-differs', 'critical'));
  });

  it('distinct inputs give distinct keys, also case-insensitively (Autotask compares without case)', () => {
    const keys = [
      eventTicketKey('main', 't1', '1'), eventTicketKey('main', 't1', '2'), eventTicketKey('main', 't2', '1'), eventTicketKey('other', 't1', '1'),
      eventTicketKey('main', 'T1', '1'), eventTicketKey('main', 'a:b', 'c'), eventTicketKey('main', 'a', 'b:c'),
      statusTicketKey('main', 't1', 'd1', 'scan-overdue', 'warning'), statusTicketKey('main', 't1', 'd1', 'scan-overdue', 'critical'),
      statusTicketKey('main', 't1', 'd2', 'scan-overdue', 'warning'), statusTicketKey('main', 't1', 'd1', 'databases-outdated', 'warning'),
      statusTicketKey('main', 't2', 'd1', 'scan-overdue', 'warning'), statusTicketKey('main', 'D1', 'd1', 'scan-overdue', 'warning'),
    ];
    expect(new Set(keys.map((k) => k.toLowerCase())).size).toBe(keys.length);
  });
});

// ---------------------------------------------------------------- templates

describe('title and description templates', () => {
  it('event: names severity, event, device, tenant and time', () => {
    const e = event({ id: 'e-77', severity: 'functional-failure', typeName: 'Task failed', deviceName: 'SRV-DB', raisedAt: new Date('2024-05-10T09:30:00Z') });
    const tpl = { kind: 'event' as const, event: e, tenantName: 'Acme Ltd' };
    expect(ticketTitle(tpl, LIMITS)).toBe('Kaspersky Functional failure event: Task failed on SRV-DB (Acme Ltd) at 2024-05-10 09:30 UTC');
    const d = ticketDescription(tpl, LIMITS);
    for (const part of ['Functional failure', 'Task failed', 'SRV-DB', 'Acme Ltd', '2024-05-10 09:30 UTC', 'e-77', 'Trojan.Win32.Generic']) expect(d).toContain(part);
  });

  it('status: names severity, description label, device, tenant and time', () => {
    const tpl = { kind: 'status' as const, severity: 'critical' as const, descriptionId: 'rtp-not-running', deviceId: 'd1', deviceName: 'PC-01', tenantName: 'Acme Ltd', at: NOW };
    expect(ticketTitle(tpl, LIMITS)).toBe('Kaspersky Critical status: Real-time protection is not running on PC-01 (Acme Ltd) since 2024-05-10 12:00 UTC');
    expect(ticketDescription(tpl, LIMITS)).toContain('Status description: Real-time protection is not running');
  });

  it('titles are one line and at most 255 characters, even from long, multi-line input', () => {
    const e = event({ typeName: `Line one\nline two\r\n\t${'x'.repeat(400)}`, deviceName: '😀'.repeat(200) });
    const title = ticketTitle({ kind: 'event', event: e, tenantName: 'Acme\nLtd' }, LIMITS);
    expect(title.length).toBeLessThanOrEqual(255);
    expect(title).not.toMatch(/[\r\n\t]/);
    expect(title.endsWith('…')).toBe(true);
    expect(title.startsWith('Kaspersky Critical event: Line one line two x')).toBe(true);
    // no lone surrogate from cutting an emoji in half
    expect(title).toBe(Buffer.from(title, 'utf8').toString('utf8'));
  });

  it('descriptions keep the event text\'s line breaks and stay within 8000 characters', () => {
    const e = event({ description: 'a\r\nb\u0000c'.concat('y'.repeat(9000)) });
    const d = ticketDescription({ kind: 'event', event: e, tenantName: 'Acme' }, LIMITS);
    expect(d).toContain('a\nb c');
    expect(d.length).toBeLessThanOrEqual(8000);
  });
});
