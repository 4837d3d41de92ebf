// README › Billing rules for a platform whose applications count users and mailboxes as well as
// devices (Kaspersky Business Hub: KES Cloud per user or per device, Office 365 per mailbox):
// usage → desired quantities → plan, with billing by category on and off.
import { describe, expect, it } from 'vitest';
import { desiredQuantities, planAgainstPsa, postingsOf, unbilledUsage } from '../../source/domain/billingPlan.js';
import type { ApplicationItems, BillingSettings, PsaChoice } from '../../source/domain/config.js';
import type { Application, Device, DeviceCategory, KeyAssignment, LicenseKey, LicenseKeyType, SubscriptionState } from '../../source/domain/types.js';
import { countUsage } from '../../source/domain/usage.js';

const TZ = 'UTC';
const NOW = new Date('2024-05-10T12:00:00Z');
const FUTURE = new Date('2025-05-10T00:00:00Z');
const PAST = new Date('2024-05-10T11:59:00Z');

const PER_USER: Application = { id: 'kes-cloud-plus', name: 'Kaspersky Endpoint Security Cloud Plus', unit: 'user' };
const PER_DEVICE: Application = { id: 'kes-cloud-device', name: 'Kaspersky Endpoint Security Cloud (per device)', unit: 'device' };
const MAILBOX: Application = { id: 'ksmo365', name: 'Kaspersky Security for Microsoft Office 365', unit: 'mailbox' };
const APPS = [PER_USER, PER_DEVICE, MAILBOX];

const key = (id: string, app: Application, type: LicenseKeyType = 'commercial', subscriptionState: SubscriptionState | null = null, expiresAt: Date | null = FUTURE): LicenseKey => ({
  id, applicationId: app.id, type, expiresAt, subscriptionState, capacity: 100,
});
const dev = (id: string, category: DeviceCategory, mobile = false): Device => ({
  id, tenantId: 't1', name: id, category, osName: '', mobile, health: 'ok', statuses: [], lastSeen: NOW,
});
const on = (keyId: string, devices: Device[]): KeyAssignment[] => devices.map((d) => ({ keyId, deviceId: d.id, current: true }));
const many = (n: number, prefix: string, category: DeviceCategory, mobile = false) => Array.from({ length: n }, (_, i) => dev(`${prefix}${i}`, category, mobile));

const choice = (value: string): PsaChoice => ({ value, label: `Item ${value}` });
const row = (app: Application, items: Partial<Record<'single' | 'workstation' | 'server' | 'nonWindows', string>>): ApplicationItems => ({
  applicationId: app.id,
  applicationName: app.name,
  single: items.single ? choice(items.single) : null,
  workstation: items.workstation ? choice(items.workstation) : null,
  server: items.server ? choice(items.server) : null,
  nonWindows: items.nonWindows ? choice(items.nonWindows) : null,
});

// A company: 6 workstations + 2 servers + 9 phones on the per-user subscription (users = max(8, ⌈9/2⌉) = 8),
// 3 workstations + 1 server + 2 Macs on the per-device license, 40 protected mailboxes.
const userDevices = [...many(6, 'uw', 'windows-workstation'), ...many(2, 'us', 'windows-server'), ...many(9, 'um', 'non-windows', true)];
const deviceDevices = [...many(3, 'dw', 'windows-workstation'), ...many(1, 'ds', 'windows-server'), ...many(2, 'dm', 'non-windows')];

function usageOf(keys: LicenseKey[], assignments: KeyAssignment[], protectedMailboxes = 40, devices = [...userDevices, ...deviceDevices]) {
  return countUsage({ tenantId: 't1', devices, usage: { tenantId: 't1', keys, assignments, protectedMailboxes }, applications: APPS, now: NOW, timeZone: TZ });
}
const company = () =>
  usageOf(
    [key('ku', PER_USER, 'subscription', 'active', null), key('kd', PER_DEVICE), key('km', MAILBOX, 'subscription', 'active')],
    [...on('ku', userDevices), ...on('kd', deviceDevices)],
  );
const quantities = (u: ReturnType<typeof usageOf>, billing: BillingSettings) => Object.fromEntries(desiredQuantities(u, billing, APPS).map((q) => [q.billingItemId, q.quantity]));

describe('a KBH company: usage', () => {
  it('per user = max(computers + file servers, ⌈mobiles / 2⌉); per device by category; mailboxes with an active subscription', () => {
    const u = company();
    const of = (a: Application) => u.applications.find((x) => x.applicationId === a.id)!;
    expect(of(PER_USER)).toMatchObject({ unit: 'user', devices: 17, users: 8, mailboxes: null });
    expect(of(PER_DEVICE)).toMatchObject({ unit: 'device', devices: 6, users: null, byCategory: { 'windows-workstation': 3, 'windows-server': 1, 'non-windows': 2 } });
    expect(of(MAILBOX)).toMatchObject({ unit: 'mailbox', mailboxes: 40, users: null });
  });

  it('mobiles outnumbering computers two to one set the user count: 1 computer + 5 phones → 3 users', () => {
    const devices = [dev('c', 'windows-workstation'), ...many(5, 'p', 'non-windows', true)];
    const u = usageOf([key('ku', PER_USER, 'subscription', 'active')], on('ku', devices), 0, devices);
    expect(u.applications[0]!.users).toBe(3);
  });

  it.each<[string, LicenseKey]>([
    ['a paused subscription', key('x', PER_USER, 'subscription', 'paused')],
    ['a soft-cancelled subscription (even in its grace period)', key('x', PER_USER, 'subscription', 'soft-cancelled')],
    ['a hard-cancelled subscription', key('x', PER_USER, 'subscription', 'hard-cancelled')],
    ['a trial', key('x', PER_USER, 'trial', null, FUTURE)],
    ['a commercial license that expired a minute before the run', key('x', PER_USER, 'commercial', null, PAST)],
  ])('%s is not billed: no users, no devices, no mailboxes', (_n, k) => {
    const mailboxKey = { ...k, id: 'y', applicationId: MAILBOX.id };
    const deviceKey = { ...k, id: 'z', applicationId: PER_DEVICE.id };
    const u = usageOf([k, mailboxKey, deviceKey], [...on('x', userDevices), ...on('z', deviceDevices)]);
    expect(u.applications.map((a) => [a.users, a.devices, a.mailboxes])).toEqual([[0, 0, null], [null, 0, null], [null, 0, 0]]);
    expect(u.excludedKeys.map((e) => e.keyId).sort()).toEqual(['x', 'y', 'z']);
  });

  it('a paused mailbox subscription next to an active one: the figure still counts (one billable license is enough)', () => {
    const u = usageOf([key('m1', MAILBOX, 'subscription', 'paused'), key('m2', MAILBOX, 'subscription', 'active')], [], 12);
    expect(u.applications.find((a) => a.applicationId === MAILBOX.id)!.mailboxes).toBe(12);
  });
});

describe('a KBH company: billing items', () => {
  const items = [row(PER_USER, { single: 'U' }), row(PER_DEVICE, { single: 'D', workstation: 'DW', server: 'DS', nonWindows: 'DN' }), row(MAILBOX, { single: 'M' })];

  it('by category off: one item each — users, all devices, mailboxes', () => {
    expect(quantities(company(), { byCategory: false, applications: items })).toEqual({ U: 8, D: 6, M: 40 });
  });

  it('by category on: the per-user and mailbox applications still post ONE item each (their single item); the per-device one is split', () => {
    expect(quantities(company(), { byCategory: true, applications: items })).toEqual({ U: 8, DW: 3, DS: 1, DN: 2, M: 40 });
  });

  it('by category on, category items left on a per-user or mailbox row: still only the single item, with users / mailboxes', () => {
    const stray = [row(PER_USER, { single: 'U', workstation: 'UW', server: 'US', nonWindows: 'UN' }), row(MAILBOX, { single: 'M', workstation: 'MW' })];
    const d = desiredQuantities(company(), { byCategory: true, applications: stray }, APPS);
    expect(d.map((q) => [q.billingItemId, q.quantity, q.sources.map((s) => s.bucket)])).toEqual([['U', 8, ['users']], ['M', 40, ['mailboxes']]]);
  });

  it('by category on, no single item for the per-user application: nothing posted for it, its users reported unbilled', () => {
    const billing: BillingSettings = { byCategory: true, applications: [row(PER_USER, { workstation: 'UW' })] };
    expect(quantities(company(), billing)).toEqual({});
    expect(unbilledUsage(company(), billing, APPS)).toContainEqual({ applicationId: PER_USER.id, applicationName: PER_USER.name, bucket: 'users', quantity: 8 });
  });

  it('against a PSA holding last month\'s figures, one posting per changed item, none for an unchanged one; a second plan after posting is empty', () => {
    const billing: BillingSettings = { byCategory: true, applications: items };
    const desired = desiredQuantities(company(), billing, APPS);
    const held = [{ billingItemId: 'U', units: 7 }, { billingItemId: 'DW', units: 3 }, { billingItemId: 'M', units: 45 }].map((q) => ({ ...q, periodStart: '2024-05-01', periodEnd: '2024-05-31' }));
    const lines = planAgainstPsa(desired, held);
    expect(postingsOf(lines).map((l) => [l.billingItemId, l.before, l.after, l.delta])).toEqual([['U', 7, 8, 1], ['DS', 0, 1, 1], ['DN', 0, 2, 2], ['M', 45, 40, -5]]);
    const after = lines.map((l) => ({ billingItemId: l.billingItemId, units: l.after, periodStart: '2024-05-01', periodEnd: '2024-05-31' }));
    expect(postingsOf(planAgainstPsa(desired, after))).toEqual([]);
  });

  it('when every license lapses, the chosen items are brought down to 0', () => {
    const u = usageOf([key('ku', PER_USER, 'subscription', 'paused'), key('km', MAILBOX, 'trial')], on('ku', userDevices));
    expect(quantities(u, { byCategory: true, applications: items })).toEqual({ U: 0, DW: 0, DS: 0, DN: 0, M: 0 });
  });
});
