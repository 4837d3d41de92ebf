// README › Billing rules, steps 1–2: which keys count, which devices count, per-user and mailbox figures.
import { describe, expect, it } from 'vitest';
import { countUsage, isBillableKey, perUserCount } from '../../source/domain/usage.js';
import type { Application, Device, DeviceCategory, KeyAssignment, LicenseKey, LicenseKeyType, SubscriptionState } from '../../source/domain/types.js';

const TZ = 'Europe/Berlin'; // UTC+1 in January
/** The run's instant: 10:00 on 2024-01-15 in Berlin. */
const NOW = new Date('2024-01-15T09:00:00Z');

const key = (id: string, applicationId: string, type: LicenseKeyType = 'commercial', expiresAt: Date | null = new Date('2025-01-01T00:00:00Z'), subscriptionState: SubscriptionState | null = null): LicenseKey => ({
  id,
  applicationId,
  type,
  expiresAt,
  subscriptionState,
  capacity: 100,
});
const device = (id: string, category: DeviceCategory = 'windows-workstation', mobile = false, tenantId = 't1'): Device => ({
  id,
  tenantId,
  name: id,
  category,
  osName: '',
  mobile,
  health: 'ok',
  statuses: [],
  lastSeen: null,
});
const current = (keyId: string, deviceId: string): KeyAssignment => ({ keyId, deviceId, current: true });
const reserve = (keyId: string, deviceId: string): KeyAssignment => ({ keyId, deviceId, current: false });

const KES: Application = { id: 'KES', name: 'Kaspersky Endpoint Security', unit: 'device' };
const CLOUD: Application = { id: 'KESC+', name: 'KES Cloud Plus', unit: 'user' };
const O365: Application = { id: 'KSMO365', name: 'Kaspersky Security for Microsoft Office 365', unit: 'mailbox' };
const APPS = [KES, CLOUD, O365];

function run(devices: Device[], keys: LicenseKey[], assignments: KeyAssignment[], protectedMailboxes?: number, applications = APPS) {
  return countUsage({
    tenantId: 't1',
    devices,
    usage: { tenantId: 't1', keys, assignments, ...(protectedMailboxes !== undefined ? { protectedMailboxes } : {}) },
    applications,
    now: NOW,
    timeZone: TZ,
  });
}
const app = (u: ReturnType<typeof run>, id: string) => u.applications.find((a) => a.applicationId === id)!;

describe('isBillableKey', () => {
  const future = new Date('2030-01-01T00:00:00Z');
  const past = new Date('2020-01-01T00:00:00Z');
  const cases: Array<[string, LicenseKey, boolean]> = [
    ['commercial, unexpired', key('k', 'KES', 'commercial', future), true],
    ['commercial, expired', key('k', 'KES', 'commercial', past), false],
    ['commercial, no expiry (unlimited)', key('k', 'KES', 'commercial', null), true],
    ['commercial carrying a paused state', key('k', 'KES', 'commercial', future, 'paused'), false],
    ['commercial carrying an active state', key('k', 'KES', 'commercial', future, 'active'), true],
    ['oem, unexpired (bundled: not billed)', key('k', 'KES', 'oem', future), false],
    ['trial', key('k', 'KES', 'trial', future), false],
    ['beta', key('k', 'KES', 'beta', future), false],
    ['test', key('k', 'KES', 'test', future), false],
    ['trial without expiry', key('k', 'KES', 'trial', null), false],
    ['subscription active, unexpired', key('k', 'KES', 'subscription', future, 'active'), true],
    ['subscription active, unlimited', key('k', 'KES', 'subscription', null, 'active'), true],
    ['subscription active, expired', key('k', 'KES', 'subscription', past, 'active'), false],
    ['subscription paused', key('k', 'KES', 'subscription', future, 'paused'), false],
    ['subscription soft-cancelled', key('k', 'KES', 'subscription', future, 'soft-cancelled'), false],
    ['subscription hard-cancelled', key('k', 'KES', 'subscription', future, 'hard-cancelled'), false],
    ['subscription state unknown (null), unexpired', key('k', 'KES', 'subscription', future, null), false],
    ['subscription state unknown (null), unlimited', key('k', 'KES', 'subscription', null, null), false],
    ['commercial with an invalid date', key('k', 'KES', 'commercial', new Date('nope')), false],
  ];
  it.each(cases)('%s → billable %s', (_name, k, billable) => {
    const verdict = isBillableKey(k, NOW, TZ);
    expect(verdict.billable).toBe(billable);
    expect(verdict.reason).not.toBe('');
  });

  describe('expiry boundary: a key whose expiry instant has passed at the time of the run no longer counts', () => {
    const expiresAt = new Date('2024-01-15T22:30:00Z'); // 23:30 on the 15th in Berlin
    const k = key('k', 'KES', 'commercial', expiresAt);
    const cases: Array<[string, LicenseKey, Date, boolean]> = [
      ['a run an hour before the expiry counts it', k, new Date('2024-01-15T21:30:00Z'), true],
      ['a run a minute after the expiry, the same local day, does not', k, new Date('2024-01-15T22:31:00Z'), false],
      ['a run at the very instant of expiry does not', k, expiresAt, false],
      ['a run a millisecond before does', k, new Date(expiresAt.getTime() - 1), true],
      ['an active subscription expired a minute before the run does not', key('k', 'KES', 'subscription', new Date('2024-01-15T08:59:00Z'), 'active'), NOW, false],
      ['expired yesterday', key('k', 'KES', 'commercial', new Date('2024-01-14T12:00:00Z')), NOW, false],
    ];
    it.each(cases)('%s', (_name, key, now, billable) => {
      expect(isBillableKey(key, now, TZ).billable).toBe(billable);
    });

    it('the time zone only words the reason', () => {
      const at = new Date('2024-01-16T00:30:00Z');
      const early = key('k', 'KES', 'commercial', at);
      expect(isBillableKey(early, new Date('2024-01-16T00:29:00Z'), 'America/New_York')).toEqual({ billable: true, reason: 'commercial key valid until 2024-01-15 19:30' });
      expect(isBillableKey(early, new Date('2024-01-16T00:31:00Z'), 'UTC')).toEqual({ billable: false, reason: 'expired 2024-01-16 00:30' });
    });

    it('counts the devices of a key that expires after the run, not of one that expired a minute before', () => {
      const u = run(
        [device('d1'), device('d2')],
        [key('late', 'KES', 'commercial', new Date(NOW.getTime() + 60_000)), key('gone', 'KES', 'commercial', new Date(NOW.getTime() - 60_000))],
        [current('late', 'd1'), current('gone', 'd2')],
      );
      expect(app(u, 'KES').devices).toBe(1);
      expect(u.excludedKeys).toEqual([{ keyId: 'gone', applicationId: 'KES', reason: 'expired 2024-01-15 09:59' }]);
    });
  });

  it('reasons say why', () => {
    expect(isBillableKey(key('k', 'KES', 'commercial', new Date('2020-03-01T12:00:00Z')), NOW, TZ).reason).toBe('expired 2020-03-01 13:00');
    expect(isBillableKey(key('k', 'KES', 'subscription', null, 'paused'), NOW, TZ).reason).toBe('subscription is paused');
    expect(isBillableKey(key('k', 'KES', 'oem', null), NOW, TZ).reason).toMatch(/OEM/);
  });

  it('refuses an invalid instant', () => {
    expect(() => isBillableKey(key('k', 'KES'), new Date('nope'), TZ)).toThrow(RangeError);
  });
});

describe('countUsage: devices', () => {
  it('the README example: 90 workstations + 10 servers', () => {
    const devices = [...Array.from({ length: 90 }, (_, i) => device(`w${i}`)), ...Array.from({ length: 10 }, (_, i) => device(`s${i}`, 'windows-server'))];
    const u = run(devices, [key('k1', 'KES')], devices.map((d) => current('k1', d.id)));
    expect(app(u, 'KES')).toEqual({
      applicationId: 'KES',
      unit: 'device',
      devices: 100,
      byCategory: { 'windows-workstation': 90, 'windows-server': 10, 'non-windows': 0 },
      users: null,
      mailboxes: null,
    });
  });

  const d1 = device('d1');
  const cases: Array<[string, LicenseKey[], KeyAssignment[], number]> = [
    ['one current billable key', [key('k1', 'KES')], [current('k1', 'd1')], 1],
    ['current and reserve of the same application: once', [key('k1', 'KES'), key('k2', 'KES')], [current('k1', 'd1'), reserve('k2', 'd1')], 1],
    ['two current keys of the same application: once', [key('k1', 'KES'), key('k2', 'KES')], [current('k1', 'd1'), current('k2', 'd1')], 1],
    ['the same assignment listed twice: once', [key('k1', 'KES')], [current('k1', 'd1'), current('k1', 'd1')], 1],
    ['the same key listed twice: once', [key('k1', 'KES'), key('k1', 'KES')], [current('k1', 'd1')], 1],
    ['only a reserve billable key: not counted', [key('k1', 'KES')], [reserve('k1', 'd1')], 0],
    ['current trial + reserve commercial: not counted', [key('k1', 'KES', 'trial'), key('k2', 'KES')], [current('k1', 'd1'), reserve('k2', 'd1')], 0],
    ['current trial + current commercial: counted once', [key('k1', 'KES', 'trial'), key('k2', 'KES')], [current('k1', 'd1'), current('k2', 'd1')], 1],
    ['current expired key: not counted', [key('k1', 'KES', 'commercial', new Date('2020-01-01'))], [current('k1', 'd1')], 0],
    ['current paused subscription: not counted', [key('k1', 'KES', 'subscription', null, 'paused')], [current('k1', 'd1')], 0],
    ['current active unlimited subscription: counted', [key('k1', 'KES', 'subscription', null, 'active')], [current('k1', 'd1')], 1],
    ['current OEM key: not counted', [key('k1', 'KES', 'oem')], [current('k1', 'd1')], 0],
    ['no key at all: not counted', [], [], 0],
    ['assignment to a key that is not listed: not counted', [], [current('ghost', 'd1')], 0],
    ['assignment to a device not of the tenant: not counted', [key('k1', 'KES')], [current('k1', 'elsewhere')], 0],
  ];
  it.each(cases)('%s', (_name, keys, assignments, expected) => {
    expect(app(run([d1], keys, assignments), 'KES').devices).toBe(expected);
  });

  it('a device of another tenant in the list is not counted', () => {
    const u = run([device('d1'), device('x', 'windows-workstation', false, 't2')], [key('k1', 'KES')], [current('k1', 'd1'), current('k1', 'x')]);
    expect(app(u, 'KES').devices).toBe(1);
  });

  it('a device counts once per application, for each application it uses', () => {
    const other: Application = { id: 'KSWS', name: 'Kaspersky Security for Windows Server', unit: 'device' };
    const u = run([device('s1', 'windows-server')], [key('k1', 'KES'), key('k2', 'KSWS')], [current('k1', 's1'), current('k2', 's1')], undefined, [KES, other]);
    expect(app(u, 'KES').byCategory['windows-server']).toBe(1);
    expect(app(u, 'KSWS').byCategory['windows-server']).toBe(1);
  });

  it('splits by category, mobile devices in non-Windows', () => {
    const devices = [device('w'), device('s', 'windows-server'), device('mac', 'non-windows'), device('phone', 'non-windows', true)];
    const u = run(devices, [key('k1', 'KES')], devices.map((d) => current('k1', d.id)));
    expect(app(u, 'KES').byCategory).toEqual({ 'windows-workstation': 1, 'windows-server': 1, 'non-windows': 2 });
    expect(app(u, 'KES').devices).toBe(4);
  });

  it('reports every application given, zero usage included, in order', () => {
    const u = run([], [], []);
    expect(u.applications.map((a) => [a.applicationId, a.devices, a.users, a.mailboxes])).toEqual([
      ['KES', 0, null, null],
      ['KESC+', 0, 0, null],
      ['KSMO365', 0, null, 0],
    ]);
  });

  it('lists excluded keys with their reasons', () => {
    const u = run(
      [device('d1')],
      [key('trial', 'KES', 'trial'), key('spare', 'KES'), key('used', 'KES'), key('alien', 'Unknown product')],
      [current('used', 'd1'), reserve('spare', 'd1'), current('trial', 'd1')],
    );
    expect(u.excludedKeys).toEqual([
      { keyId: 'trial', applicationId: 'KES', reason: 'trial key' },
      { keyId: 'alien', applicationId: 'Unknown product', reason: 'application not known to the platform list' },
      { keyId: 'spare', applicationId: 'KES', reason: 'not in use: no device of the tenant has it as its current key' },
    ]);
  });

  it('refuses usage of another tenant and an invalid instant', () => {
    expect(() => countUsage({ tenantId: 't1', devices: [], usage: { tenantId: 't2', keys: [], assignments: [] }, applications: APPS, now: NOW, timeZone: TZ })).toThrow(/t2/);
    expect(() => countUsage({ tenantId: 't1', devices: [], usage: { tenantId: 't1', keys: [], assignments: [] }, applications: APPS, now: new Date(NaN), timeZone: TZ })).toThrow(RangeError);
  });
});

describe('countUsage: per-user applications', () => {
  it.each([
    [0, 0, 0],
    [3, 0, 3],
    [0, 1, 1],
    [0, 2, 1],
    [0, 3, 2],
    [2, 4, 2],
    [2, 5, 3],
    [5, 5, 5],
    [1, 10, 5],
  ])('%i computers/servers and %i mobiles → %i users', (nonMobile, mobile, users) => {
    expect(perUserCount(nonMobile, mobile)).toBe(users);
    const devices = [
      ...Array.from({ length: nonMobile }, (_, i) => device(`c${i}`, i % 2 ? 'windows-server' : 'windows-workstation')),
      ...Array.from({ length: mobile }, (_, i) => device(`m${i}`, 'non-windows', true)),
    ];
    const u = run(devices, [key('kc', 'KESC+', 'subscription', null, 'active')], devices.map((d) => current('kc', d.id)));
    expect(app(u, 'KESC+').users).toBe(users);
    expect(app(u, 'KESC+').devices).toBe(nonMobile + mobile);
  });

  it('only devices with a current billable key of the application count towards users', () => {
    const devices = [device('c1'), device('c2'), device('m1', 'non-windows', true)];
    const u = run(devices, [key('kc', 'KESC+'), key('kt', 'KESC+', 'trial')], [current('kc', 'c1'), current('kt', 'c2'), reserve('kc', 'm1')]);
    expect(app(u, 'KESC+').users).toBe(1);
  });
});

describe('countUsage: mailbox applications', () => {
  const cases: Array<[string, LicenseKey[], number | undefined, number]> = [
    ['billable key: the protected mailboxes', [key('ko', 'KSMO365')], 42, 42],
    ['billable key, figure absent: 0', [key('ko', 'KSMO365')], undefined, 0],
    ['only a trial key: 0', [key('ko', 'KSMO365', 'trial')], 42, 0],
    ['only an expired key: 0', [key('ko', 'KSMO365', 'commercial', new Date('2020-01-01'))], 42, 0],
    ['no key: 0', [], 42, 0],
    ['active unlimited subscription: the figure', [key('ko', 'KSMO365', 'subscription', null, 'active')], 7, 7],
    ['a billable key of another application does not count', [key('k1', 'KES')], 42, 0],
  ];
  it.each(cases)('%s', (_name, keys, figure, expected) => {
    const u = run([], keys, [], figure);
    expect(app(u, 'KSMO365').mailboxes).toBe(expected);
    expect(app(u, 'KES').mailboxes).toBeNull();
  });

  it('a billable mailbox key with no device is not listed as "not in use"', () => {
    expect(run([], [key('ko', 'KSMO365')], [], 3).excludedKeys).toEqual([]);
  });

  it.each([-1, 1.5, Number.NaN])('refuses protectedMailboxes %s', (figure) => {
    expect(() => run([], [], [], figure)).toThrow(RangeError);
  });
});
