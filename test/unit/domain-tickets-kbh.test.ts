// The pure ticket engine with a platform that has an event-type section and tenant conditions
// (Kaspersky Business Hub: KES Cloud events and statuses, Office 365 events and conditions):
// routing of events that name their section, decideConditionTickets, condition keys and texts.
import { describe, expect, it } from 'vitest';
import type { Integration, TenantMapping } from '../../source/domain/config.js';
import { AUTOTASK_DEFAULTS, defaultTicketing, newIntegration } from '../../source/domain/defaults.js';
import { OFFICE365_SECTION } from '../../source/domain/profiles/kbh.js';
import { platformProfile, psaProfile } from '../../source/domain/profiles/index.js';
import {
  conditionTicketKey,
  decideConditionTickets,
  decideEventTickets,
  decideStatusTickets,
  eventTicketKey,
  fitTag,
  MAX_TICKET_KEY_LENGTH,
  statusTicketKey,
  ticketDescription,
  ticketTitle,
  type OpenStatusTicket,
  type SkipReason,
} from '../../source/domain/ticketEngine.js';
import type { Device, PicklistValue, PsaAccount, SecurityEvent, TenantCondition, TicketPicklists } from '../../source/domain/types.js';

const NOW = new Date('2024-05-10T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;

const KBH = platformProfile('kbh');
const AUTOTASK = psaProfile('autotask');
const LIMITS = AUTOTASK.limits;
const O365 = OFFICE365_SECTION;
const MAILBOX = 'mailbox-protection-not-provided';
const LICENSE = 'license-issue';

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

/** A KBH × Autotask integration with every rule row on (each test turns off what it needs). */
function integration(edit?: (i: Integration) => void): Integration {
  const i = newIntegration('main', { kind: 'kbh', url: 'https://hub.example', email: 'admin@msp.example', caFile: null }, { ...AUTOTASK_DEFAULTS, username: 'api@x' });
  i.ticketing = defaultTicketing(KBH, AUTOTASK, picklists);
  for (const rules of Object.values(i.ticketing.sections)) for (const r of rules) r.enabled = true;
  edit?.(i);
  return i;
}
const rowOf = (i: Integration, section: string, key: string) => i.ticketing.sections[section]!.find((r) => r.key === key)!;

const mapping = (over: Partial<TenantMapping> = {}): TenantMapping => ({
  tenantId: 't1', tenantName: 'Acme Ltd', accountId: 'a1', accountName: 'Acme', billing: false, contractId: null, contractName: null, ...over,
});
const account = (over: Partial<PsaAccount> = {}): PsaAccount => ({ id: 'a1', name: 'Acme', active: true, type: 'Customer', customFields: {}, ...over });

let seq = 0;
/** An Office 365 event: no device, its section named, matched by type. */
function o365Event(type: string, over: Partial<SecurityEvent> = {}): SecurityEvent {
  seq += 1;
  return {
    id: `o${seq}`, tenantId: 't1', severity: 'critical', type, typeName: 'Malware detected', description: 'Trojan in an attachment of “Invoice”',
    deviceId: null, deviceName: null, product: 'Kaspersky Security for Microsoft Office 365', raisedAt: new Date(NOW.getTime() - HOUR), section: O365, ...over,
  };
}
/** A KES Cloud event: on a device, matched by severity. */
function kesEvent(over: Partial<SecurityEvent> = {}): SecurityEvent {
  seq += 1;
  return {
    id: `k${seq}`, tenantId: 't1', severity: 'critical', type: 'MalwareDetected', typeName: 'Malware detected', description: 'Trojan.Win32.Generic',
    deviceId: 'd1', deviceName: 'PC-01', product: 'Kaspersky Endpoint Security Cloud', raisedAt: new Date(NOW.getTime() - HOUR), ...over,
  };
}

type Over = { integration?: Integration; mapping?: TenantMapping; account?: PsaAccount | null };
const events = (evs: SecurityEvent[], over: Over = {}) =>
  decideEventTickets({ integration: over.integration ?? integration(), mapping: over.mapping ?? mapping(), account: over.account === undefined ? account() : over.account, events: evs, now: NOW });

// ---------------------------------------------------------------- the profile's shape the engine relies on

describe('the KBH profile as the engine reads it', () => {
  it('Office 365 is an event-type section without lifetime; its two conditions are condition rows, the detections are not', () => {
    const s = KBH.sections.find((x) => x.id === O365)!;
    expect([s.rowKind, s.lifetime, s.group]).toEqual(['event-type', false, 'Office 365']);
    expect(s.rows.filter((r) => r.condition).map((r) => r.key)).toEqual([MAILBOX, LICENSE]);
    expect(s.rows.filter((r) => !r.condition).map((r) => r.key)).toEqual(['malware-detected', 'phishing-detected', 'attachment-filtered']);
    // Every Office 365 row defaults to priority Critical; every row of every section is off by default.
    const fresh = defaultTicketing(KBH, AUTOTASK, picklists);
    expect(fresh.sections[O365]!.map((r) => r.fields.priority?.value)).toEqual(['4', '4', '4', '4', '4']);
    expect(Object.values(fresh.sections).flat().some((r) => r.enabled)).toBe(false);
  });
});

// ---------------------------------------------------------------- events

describe('decideEventTickets: Office 365 events (section named, row by type)', () => {
  it('a detection becomes one ticket with its own row\'s fields, due in 12 h, keyed by the event', () => {
    const e = o365Event('malware-detected');
    const { create, skipped } = events([e]);
    expect(skipped).toEqual([]);
    expect(create).toHaveLength(1);
    expect(create[0]).toMatchObject({
      key: eventTicketKey('main', 't1', e.id), kind: 'event', deviceId: null, deviceName: null, eventId: e.id, descriptionId: null,
      status: '1', fields: { queue: '8', priority: '4' },
    });
    expect(create[0]!.dueAt).toEqual(new Date(NOW.getTime() + 12 * HOUR));
  });

  it('each detection type uses its own row: only the rows switched on make tickets', () => {
    const i = integration((i) => { rowOf(i, O365, 'phishing-detected').enabled = false; rowOf(i, O365, 'attachment-filtered').fields.priority = { value: '2', label: 'Medium' }; });
    const [m, p, a] = [o365Event('malware-detected'), o365Event('phishing-detected'), o365Event('attachment-filtered')];
    const r = events([m, p, a], { integration: i });
    expect(r.create.map((t) => [t.eventId, t.fields.priority])).toEqual([[m.id, '4'], [a.id, '2']]);
    expect(r.skipped).toEqual([{ eventId: p.id, reason: 'rule-off' }]);
  });

  it('the severity rows do not apply to a section\'s events: all severity rows off, the detection still makes its ticket', () => {
    const i = integration((i) => { for (const r of i.ticketing.sections.events!) r.enabled = false; });
    expect(events([o365Event('malware-detected', { severity: 'warning' })], { integration: i }).create).toHaveLength(1);
  });

  it('a KES Cloud event (no section) is matched by severity, not by type; Office 365 rows off do not touch it', () => {
    const i = integration((i) => { for (const r of i.ticketing.sections[O365]!) r.enabled = false; rowOf(i, 'events', 'warning').enabled = false; });
    const crit = kesEvent();
    const warn = kesEvent({ severity: 'warning' });
    const ff = kesEvent({ severity: 'functional-failure' });
    const r = events([crit, warn, ff], { integration: i });
    expect(r.create.map((t) => [t.eventId, t.fields.priority])).toEqual([[crit.id, '4'], [ff.id, '2']]);
    expect(r.skipped).toEqual([{ eventId: warn.id, reason: 'rule-off' }]);
    expect(r.create[0]!.title).toContain('on PC-01');
  });

  it('a KES Cloud event older than the Events lifetime is skipped; an Office 365 event of any age is not (that section has no lifetime)', () => {
    const old = new Date(NOW.getTime() - 30 * DAY);
    const r = events([kesEvent({ raisedAt: old }), o365Event('phishing-detected', { raisedAt: old })]);
    expect(r.skipped.map((s) => s.reason)).toEqual(['older-than-lifetime']);
    expect(r.create).toHaveLength(1);
    expect(r.create[0]!.fields.priority).toBe('4');
  });

  it('an Office 365 row with a lifetime that is no number is still complete (the section has none)', () => {
    const i = integration((i) => { rowOf(i, O365, 'malware-detected').lifetimeDays = Number.NaN; });
    expect(events([o365Event('malware-detected')], { integration: i }).create).toHaveLength(1);
  });

  const cases: Array<[string, () => { evs: SecurityEvent[] } & Over, SkipReason]> = [
    ['an event of a condition type: the condition\'s own ticket stands for it', () => ({ evs: [o365Event(MAILBOX)] }), 'condition'],
    ['the other condition type', () => ({ evs: [o365Event(LICENSE)] }), 'condition'],
    ['a condition type with its row off is still "condition"', () => ({ evs: [o365Event(LICENSE)], integration: integration((i) => { rowOf(i, O365, LICENSE).enabled = false; }) }), 'condition'],
    ['a type the section has no row for', () => ({ evs: [o365Event('one-drive-connection-failed')] }), 'rule-off'],
    ['a type spelled as on the wire, not as the row key', () => ({ evs: [o365Event('MalwareDetected')] }), 'rule-off'],
    ['a section the profile does not have', () => ({ evs: [o365Event('malware-detected', { section: 'teamsEvents' })] }), 'rule-off'],
    ['a section that is not an event-type one', () => ({ evs: [o365Event('critical', { section: 'events' })] }), 'rule-off'],
    ['Info of a condition type: still the condition\'s', () => ({ evs: [o365Event(MAILBOX, { severity: 'info' })] }), 'condition'],
    ['Info of a type without a row', () => ({ evs: [o365Event('one-drive-connection-failed', { severity: 'info' })] }), 'rule-off'],
    ['row off', () => ({ evs: [o365Event('malware-detected')], integration: integration((i) => { rowOf(i, O365, 'malware-detected').enabled = false; }) }), 'rule-off'],
    ['another tenant\'s event', () => ({ evs: [o365Event('malware-detected', { tenantId: 't2' })] }), 'not-mapped'],
    ['tenant not mapped', () => ({ evs: [o365Event('malware-detected')], mapping: mapping({ accountId: null, accountName: null }) }), 'not-mapped'],
    ['account gone', () => ({ evs: [o365Event('malware-detected')], account: null }), 'account-missing'],
    ['account inactive', () => ({ evs: [o365Event('malware-detected')], account: account({ active: false }) }), 'account-inactive'],
    ['queue blank', () => ({ evs: [o365Event('malware-detected')], integration: integration((i) => { rowOf(i, O365, 'malware-detected').fields.queue = null; }) }), 'rule-incomplete'],
    ['due hours zero', () => ({ evs: [o365Event('malware-detected')], integration: integration((i) => { rowOf(i, O365, 'malware-detected').dueHours = 0; }) }), 'rule-incomplete'],
  ];
  it('an Office 365 row is an event type, whatever the severity: an Info event of an enabled type makes its ticket', () => {
    const ev = o365Event('malware-detected', { severity: 'info' });
    const r = events([ev], {});
    expect(r.skipped).toEqual([]);
    expect(r.create.map((d) => d.eventId)).toEqual([ev.id]);
  });
  it.each(cases)('skips: %s', (_name, make, reason) => {
    const c = make();
    const r = events(c.evs, c);
    expect(r.create).toEqual([]);
    expect(r.skipped).toEqual([{ eventId: c.evs[0]!.id, reason }]);
  });
});

// ---------------------------------------------------------------- conditions

const condition = (id: string, over: Partial<TenantCondition> = {}): TenantCondition => ({
  tenantId: 't1', section: O365, id, since: new Date('2024-05-09T08:15:00Z'), detail: 'No mailbox of the organization is protected.', ...over,
});
const openCondition = (id: string, psaTicketId = `T-${id}`, tenantId = 't1', integrationName = 'main'): OpenStatusTicket => ({
  key: conditionTicketKey(integrationName, tenantId, O365, id), deviceId: null, descriptionId: id, severity: null, psaTicketId,
});
const conditions = (list: TenantCondition[], open: OpenStatusTicket[] = [], over: Over = {}) =>
  decideConditionTickets({
    integration: over.integration ?? integration(), mapping: over.mapping ?? mapping(),
    account: over.account === undefined ? account() : over.account, conditions: list, open, now: NOW,
  });

describe('decideConditionTickets', () => {
  it('an active condition opens one ticket: its row\'s fields, no device, keyed by section and row', () => {
    const r = conditions([condition(MAILBOX)]);
    expect(r.close).toEqual([]);
    expect(r.stillActive).toEqual([]);
    expect(r.skipped).toEqual([]);
    expect(r.create).toHaveLength(1);
    expect(r.create[0]).toMatchObject({
      key: conditionTicketKey('main', 't1', O365, MAILBOX), kind: 'status', tenantId: 't1', tenantName: 'Acme Ltd', accountId: 'a1',
      deviceId: null, deviceName: null, descriptionId: MAILBOX, eventId: null, status: '1', scope: null, fields: { queue: '8', priority: '4' },
    });
    expect(r.create[0]!.dueAt).toEqual(new Date(NOW.getTime() + 12 * HOUR));
    expect(r.create[0]!.title).toBe('Kaspersky Office 365: Mailboxes protection is not provided (Acme Ltd) since 2024-05-09 08:15 UTC');
  });

  it('both conditions at once: two tickets, distinct keys', () => {
    const r = conditions([condition(MAILBOX), condition(LICENSE)]);
    expect(r.create.map((t) => t.descriptionId)).toEqual([MAILBOX, LICENSE]);
    expect(new Set(r.create.map((t) => t.key)).size).toBe(2);
  });

  it('a condition reported twice is one ticket', () => {
    expect(conditions([condition(LICENSE), condition(LICENSE, { since: null })]).create).toHaveLength(1);
  });

  it('still active with its ticket open: stillActive, nothing created', () => {
    const t = openCondition(MAILBOX);
    expect(conditions([condition(MAILBOX)], [t])).toEqual({ create: [], close: [], stillActive: [t], skipped: [] });
  });

  it('cleared (no longer in the complete list): its ticket closes, the other condition\'s stays', () => {
    const mailbox = openCondition(MAILBOX);
    const license = openCondition(LICENSE);
    const r = conditions([condition(LICENSE)], [mailbox, license]);
    expect(r).toEqual({ create: [], close: [mailbox], stillActive: [license], skipped: [] });
    expect(conditions([], [mailbox, license]).close).toEqual([mailbox, license]);
  });

  it('closing depends only on the condition: row off or account inactive neither closes an active one nor keeps a cleared one', () => {
    const active = openCondition(MAILBOX);
    const cleared = openCondition(LICENSE);
    const i = integration((i) => { for (const r of i.ticketing.sections[O365]!) r.enabled = false; });
    const r = conditions([condition(MAILBOX)], [active, cleared], { integration: i, account: account({ active: false }) });
    expect(r.stillActive).toEqual([active]);
    expect(r.close).toEqual([cleared]);
    expect(r.create).toEqual([]);
  });

  it('another tenant\'s conditions and tickets are ignored, as are another integration\'s tickets', () => {
    const foreign = openCondition(MAILBOX, 'T-9', 't2');
    const otherIntegration = openCondition(LICENSE, 'T-8', 't1', 'other');
    const r = conditions([condition(MAILBOX, { tenantId: 't2' })], [foreign, otherIntegration]);
    expect(r).toEqual({ create: [], close: [], stillActive: [], skipped: [] });
  });

  it('a condition the profile does not know, or a row that is no condition, is ignored; so is a ticket of one', () => {
    const notCondition: OpenStatusTicket = { ...openCondition('malware-detected') };
    const r = conditions([condition('teams-disconnected'), condition('malware-detected'), condition(MAILBOX, { section: 'events' })], [notCondition]);
    expect(r).toEqual({ create: [], close: [], stillActive: [], skipped: [] });
  });

  it('device status tickets in the open list are neither closed nor kept here, and condition tickets are none of decideStatusTickets\' business', () => {
    const dev: OpenStatusTicket = { key: statusTicketKey('main', 't1', 'd1', 'databases-outdated', 'warning'), deviceId: 'd1', descriptionId: 'databases-outdated', severity: 'warning', psaTicketId: 'T-d1' };
    const cond = openCondition(MAILBOX);
    expect(conditions([], [dev, cond]).close).toEqual([cond]);
    const s = decideStatusTickets({ integration: integration(), mapping: mapping(), account: account(), devices: [], open: [dev, cond], now: NOW });
    expect(s.close).toEqual([dev]);
    expect(s.stillActive).toEqual([]);
  });

  it('a duplicated open ticket is reported once', () => {
    const t = openCondition(MAILBOX);
    expect(conditions([], [t, { ...t }]).close).toEqual([t]);
  });

  it.each<[string, Over, SkipReason]>([
    ['row off', { integration: integration((i) => { rowOf(i, O365, MAILBOX).enabled = false; }) }, 'rule-off'],
    ['row missing', { integration: integration((i) => { i.ticketing.sections[O365] = i.ticketing.sections[O365]!.filter((r) => r.key !== MAILBOX); }) }, 'rule-off'],
    ['not mapped', { mapping: mapping({ accountId: null }) }, 'not-mapped'],
    ['account missing', { account: null }, 'account-missing'],
    ['account inactive', { account: account({ active: false }) }, 'account-inactive'],
    ['queue unresolved', { integration: integration((i) => { rowOf(i, O365, MAILBOX).fields.queue = { value: '', label: 'Monitoring Alert' }; }) }, 'rule-incomplete'],
    ['priority blank', { integration: integration((i) => { rowOf(i, O365, MAILBOX).fields.priority = null; }) }, 'rule-incomplete'],
    ['new status missing', { integration: integration((i) => { i.ticketing.general.newStatus = null; }) }, 'rule-incomplete'],
    ['due hours not a number', { integration: integration((i) => { rowOf(i, O365, MAILBOX).dueHours = Number.NaN; }) }, 'rule-incomplete'],
  ])('skips (%s)', (_n, over, reason) => {
    const r = conditions([condition(MAILBOX)], [], over);
    expect(r.create).toEqual([]);
    expect(r.skipped).toEqual([{ conditionId: MAILBOX, reason }]);
  });

  it('a condition that does not say since when is dated now', () => {
    expect(conditions([condition(LICENSE, { since: null, detail: null })]).create[0]!.title).toBe(
      'Kaspersky Office 365: License-related issue occurred (Acme Ltd) since 2024-05-10 12:00 UTC',
    );
  });
});

// ---------------------------------------------------------------- keys

describe('condition keys', () => {
  it('readable when every part is lower-case and safe and it is short, hashed (kmsp-cn-…) otherwise — the Office 365 section id has a capital', () => {
    expect(conditionTicketKey('main', 't1', 'o365', LICENSE)).toBe(`kmsp:main:t1:cn:o365:${LICENSE}`);
    // Safe parts, but longer than a key may be.
    expect(conditionTicketKey('main', 't1', 'o365', MAILBOX)).toMatch(/^kmsp-cn-[0-9a-f]{40}$/);
    const k = conditionTicketKey('main', 't1', O365, MAILBOX);
    expect(k).toMatch(/^kmsp-cn-[0-9a-f]{40}$/);
    expect(k).toBe(conditionTicketKey('main', 't1', O365, MAILBOX));
    expect(k.length).toBeLessThanOrEqual(MAX_TICKET_KEY_LENGTH);
    const long = conditionTicketKey('main', '2f1e7a3c-9b2d-4c6e-8f1a-0d3b5c7e9a11', 'o365', MAILBOX);
    expect(long).toMatch(/^kmsp-cn-[0-9a-f]{40}$/);
  });

  it('distinct from every other key shape, per tenant, integration, section and condition, also ignoring case', () => {
    const keys = [
      conditionTicketKey('main', 't1', O365, MAILBOX), conditionTicketKey('main', 't1', O365, LICENSE), conditionTicketKey('main', 't2', O365, MAILBOX),
      conditionTicketKey('other', 't1', O365, MAILBOX), conditionTicketKey('main', 't1', 'other', MAILBOX),
      conditionTicketKey('main', 't1', 'o365', 'a'), statusTicketKey('main', 't1', 'o365', 'a', 'warning'), eventTicketKey('main', 't1', 'o365'),
    ];
    expect(new Set(keys.map((k) => k.toLowerCase())).size).toBe(keys.length);
  });

  it('the tag of a recurrence (key#2) fits every PSA\'s tag field and differs from the first one\'s', () => {
    const k = conditionTicketKey('main', 't1', O365, MAILBOX);
    for (const kind of ['autotask', 'connectwise', 'tigerpaw'] as const) {
      const max = psaProfile(kind).limits.tagMax;
      const [first, second] = [fitTag(k, max), fitTag(`${k}#2`, max)];
      expect(first.length).toBeLessThanOrEqual(max);
      expect(second.length).toBeLessThanOrEqual(max);
      expect(second).not.toBe(first);
    }
  });
});

// ---------------------------------------------------------------- templates

describe('templates of device-less events and of conditions', () => {
  it('an event with no device and a source says where ("in Office 365"), not "on unknown device"', () => {
    const e = o365Event('malware-detected', { id: 'o-1', raisedAt: new Date('2024-05-10T09:30:00Z') });
    const tpl = { kind: 'event' as const, event: e, tenantName: 'Acme Ltd', source: 'Office 365' };
    expect(ticketTitle(tpl, LIMITS)).toBe('Kaspersky Critical event: Malware detected in Office 365 (Acme Ltd) at 2024-05-10 09:30 UTC');
    const d = ticketDescription(tpl, LIMITS);
    expect(d).toContain('Where: Office 365');
    expect(d).not.toContain('Device:');
    for (const part of ['Severity: Critical', 'Event: Malware detected (malware-detected)', 'Tenant: Acme Ltd', 'Event id: o-1', 'Trojan in an attachment']) expect(d).toContain(part);
  });

  it('the engine gives an Office 365 event its section\'s group as source; a device event keeps its device', () => {
    const [o, k] = events([o365Event('attachment-filtered', { typeName: 'Attachment filtered' }), kesEvent({ deviceName: 'SRV-01' })]).create;
    expect(o!.title).toMatch(/^Kaspersky Critical event: Attachment filtered in Office 365 \(Acme Ltd\) at /);
    expect(k!.title).toMatch(/^Kaspersky Critical event: Malware detected on SRV-01 \(Acme Ltd\) at /);
    expect(k!.description).toContain('Device: SRV-01 (d1)');
  });

  it('a KES Cloud event with no device still says "unknown device" (no section, no source)', () => {
    expect(events([kesEvent({ deviceId: null, deviceName: null })]).create[0]!.title).toContain('on unknown device');
  });

  it('a condition: where, what, tenant, since, the platform\'s words, and that kmsp closes it in the PSA\'s word', () => {
    const tpl = { kind: 'condition' as const, label: 'Mailboxes protection is not provided', source: 'Office 365', detail: 'No mailbox is protected.\nCheck the license.', tenantName: 'Acme Ltd', at: new Date('2024-05-09T08:15:00Z') };
    expect(ticketTitle(tpl, LIMITS)).toBe('Kaspersky Office 365: Mailboxes protection is not provided (Acme Ltd) since 2024-05-09 08:15 UTC');
    const d = ticketDescription(tpl, LIMITS, 'service order');
    expect(d.split('\n')).toEqual([
      'Kaspersky reports this condition in Office 365.',
      '',
      'Condition: Mailboxes protection is not provided',
      'Tenant: Acme Ltd',
      'Since: 2024-05-09 08:15 UTC',
      '',
      'No mailbox is protected.',
      'Check the license.',
      '',
      'kmsp closes this service order when the condition clears.',
    ]);
  });

  it('the engine\'s condition description carries the platform\'s detail and the PSA\'s ticket word', () => {
    const d = conditions([condition(LICENSE, { detail: 'The license has expired.' })]).create[0]!.description;
    expect(d).toContain('Condition: License-related issue occurred');
    expect(d).toContain('The license has expired.');
    expect(d).toContain(`kmsp closes this ${AUTOTASK.words.ticket} when the condition clears.`);
  });

  it('condition titles are one line within the PSA\'s limit', () => {
    const tpl = { kind: 'condition' as const, label: `Line\none ${'x'.repeat(400)}`, source: 'Office\n365', detail: null, tenantName: 'Acme\nLtd', at: NOW };
    const title = ticketTitle(tpl, LIMITS);
    expect(title.length).toBeLessThanOrEqual(LIMITS.titleMax);
    expect(title).not.toMatch(/[\r\n]/);
    expect(ticketDescription(tpl, LIMITS)).not.toContain('\n\n\n');
  });
});
