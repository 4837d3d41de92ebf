// The pure parts of the Business Hub connector (connectors/kbh/README.md §3–§4): the URL it
// accepts, the validation of each record (wire.ts), the mapping to kmsp's words (mapping.ts),
// the events cursor (cursor.ts) and the authenticator key it reads. No network.
import { TOTP } from 'otpauth';
import { describe, expect, it } from 'vitest';
import { OFFICE365_ROW_KEYS, REASON_STATUS_IDS } from '../../source/connectors/kbh/assumptions.js';
import { advance, decodeCursor, encodeCursor, isDelivered } from '../../source/connectors/kbh/cursor.js';
import { errorBodyOf } from '../../source/connectors/kbh/errors.js';
import { checkHubUrl, endpointOf } from '../../source/connectors/kbh/hubApi.js';
import { assignmentsOf, deviceCategory, statusesOf, toApplications, toCondition, toDevice, toLicenseKey, toSecurityEvent, toTenant } from '../../source/connectors/kbh/mapping.js';
import { authenticatorSecret } from '../../source/connectors/kbh/session.js';
import {
  decodeAccount,
  decodeCompany,
  decodeDevice,
  decodeEvent,
  decodeLicense,
  decodePage,
  decodeProtection,
  decodeTokens,
  decodeWorkspace,
  type HubDevice,
  type HubLicense,
  type HubWorkspace,
} from '../../source/connectors/kbh/wire.js';
import { isKmspError, type KmspError } from '../../source/domain/errors.js';
import { KES_CLOUD_STATUS_IDS, kbhProfile, OFFICE365_SECTION } from '../../source/domain/profiles/kbh.js';

function thrown(run: () => unknown): KmspError {
  try {
    run();
  } catch (error) {
    if (isKmspError(error)) return error;
    throw error;
  }
  throw new Error('expected a KmspError');
}

const DEVICE = {
  id: 'dev-1',
  workspaceId: 'ws-kes',
  name: 'FRONT-DESK',
  kind: 'workstation',
  os: 'windows',
  osName: 'Windows 11 Pro',
  status: 'Critical',
  statusReasons: [
    { code: 'DatabasesOutdated', text: 'Databases are out of date', severity: 'Warning' },
    { code: 'RealTimeProtectionDisabled', text: 'Real-time protection is off', severity: 'Critical' },
  ],
  lastSeen: '2026-06-01T08:00:00Z',
  licenseId: 'lic-1',
};

const KES_WS: HubWorkspace = { id: 'ws-kes', companyId: 'c1', product: 'KESCloud', state: 'active' };
const O365_WS: HubWorkspace = { id: 'ws-o365', companyId: 'c1', product: 'KSMO365', state: 'active' };

describe('the Business Hub URL', () => {
  it('keeps an https origin and path prefix, without a trailing / or the API root', () => {
    expect(checkHubUrl('https://hub.kaspersky.com/')).toBe('https://hub.kaspersky.com');
    expect(checkHubUrl(' https://hub.kaspersky.com/api/v1 ')).toBe('https://hub.kaspersky.com');
    expect(checkHubUrl('https://proxy.example-msp.com/kbh/')).toBe('https://proxy.example-msp.com/kbh');
  });

  it('takes plain http on loopback only, and refuses credentials in the address', () => {
    expect(checkHubUrl('http://127.0.0.1:8443')).toBe('http://127.0.0.1:8443');
    const plain = thrown(() => checkHubUrl('http://hub.kaspersky.com'));
    expect(plain).toMatchObject({ kind: 'config', message: expect.stringContaining('plain http') });
    expect(plain.why).toContain('password');
    expect(plain.remedy).toContain('https://hub.kaspersky.com');
    expect(thrown(() => checkHubUrl('hub.kaspersky.com')).message).toContain('not a URL');
    expect(thrown(() => checkHubUrl('ftp://hub.kaspersky.com')).message).toContain('must be an https address');
    const creds = thrown(() => checkHubUrl('https://me:pw12@hub.kaspersky.com'));
    expect(creds.message).toContain('user name or password');
    expect(creds.message).not.toContain('pw12');
  });

  it('puts every workspace (and company) of one kind of request in one concurrency bucket', () => {
    expect(endpointOf(new URL('https://h/api/v1/workspaces/ws-9/devices?pageSize=5'))).toBe('/api/v1/workspaces/{id}/devices');
    expect(endpointOf(new URL('https://h/api/v1/companies/c%2F1/workspaces'))).toBe('/api/v1/companies/{id}/workspaces');
  });
});

describe('record validation (wire.ts)', () => {
  it('reads every record of README §3', () => {
    expect(decodeAccount({ email: 'a@msp.com', displayName: 'A', mspName: 'MSP', twoStepVerification: 'authenticator' })).toEqual({
      email: 'a@msp.com',
      displayName: 'A',
      mspName: 'MSP',
      twoStepVerification: 'authenticator',
    });
    expect(decodeCompany({ id: 'c1', name: 'Acme', createdAt: '2025-01-01T00:00:00Z', state: 'markedForDeletion' })).toMatchObject({ id: 'c1', state: 'markedForDeletion', description: null });
    expect(decodeWorkspace({ id: 'w', companyId: 'c1', product: 'KSCCloudConsole', state: 'active' }).product).toBe('KSCCloudConsole');
    const device = decodeDevice(DEVICE);
    expect(device.lastSeen).toEqual(new Date('2026-06-01T08:00:00Z'));
    expect(device.statusReasons).toHaveLength(2);
    expect(decodeDevice({ ...DEVICE, statusReasons: undefined, lastSeen: null, licenseId: null })).toMatchObject({ statusReasons: [], lastSeen: null, licenseId: null });
    const license = decodeLicense({ id: 'l', workspaceId: 'w', productId: 'p', type: 'subscription', unit: 'user', capacity: 10, used: 3, expiresAt: null, subscriptionState: 'softCancelled' });
    expect(license).toMatchObject({ subscriptionState: 'softCancelled', graceEndsAt: null, expiresAt: null });
    const event = decodeEvent({ id: 'e', sequence: 4, workspaceId: 'w', deviceId: null, deviceName: null, raisedAt: '2026-06-01T08:00:00.123+02:00', severity: 'FunctionalFailure', type: 'X', title: 'T', details: { sender: 's@x' } });
    expect(event.raisedAt).toEqual(new Date('2026-06-01T06:00:00.123Z'));
    expect(event.details).toEqual({ sender: 's@x', recipient: null, subject: null, mailbox: null });
    expect(decodeProtection({ protectedMailboxes: 12, issues: [{ type: 'LicenseIssue', since: '2026-06-01T00:00:00Z', message: 'm' }] }, 'w').issues[0]!.type).toBe('LicenseIssue');
    expect(decodeTokens({ accessToken: 'a', tokenType: 'Bearer', expiresIn: 3600, refreshToken: 'r', refreshExpiresIn: 60 })).toMatchObject({ expiresIn: 3600 });
    expect(decodePage({ items: [1], nextPageToken: '' }, 'x')).toEqual({ items: [1], nextPageToken: null });
  });

  it('refuses a record that would change what kmsp bills or tickets, naming it and the field', () => {
    const cases: Array<[() => unknown, RegExp]> = [
      [() => decodeDevice({ ...DEVICE, kind: 'tablet' }), /device dev-1.*kind should be one of workstation, server, mobile/],
      [() => decodeDevice({ ...DEVICE, status: 'ok' }), /field status/],
      [() => decodeDevice({ ...DEVICE, statusReasons: [{ code: 'X', severity: 'Info' }] }), /status reason.*severity/],
      [() => decodeLicense({ id: 'l', workspaceId: 'w', productId: 'p', type: 'oem', unit: 'device', capacity: 1, expiresAt: null }), /license l.*type/],
      [() => decodeLicense({ id: 'l', workspaceId: 'w', productId: 'p', type: 'commercial', unit: 'device', capacity: -1, expiresAt: null }), /capacity/],
      [() => decodeLicense({ id: 'l', workspaceId: 'w', productId: 'p', type: 'commercial', unit: 'device', capacity: 1, expiresAt: '2026-01-01' }), /expiresAt should be an ISO 8601 instant/],
      [() => decodeEvent({ id: 'e', workspaceId: 'w', raisedAt: '2026-06-01T08:00:00Z', severity: 'Info', type: 't', title: 't' }), /event e.*sequence/],
      [() => decodeEvent({ id: 'e', sequence: 1, workspaceId: 'w', raisedAt: '2026-06-01T08:00:00Z', severity: 'Error', type: 't', title: 't' }), /severity/],
      [() => decodeCompany({ name: 'no id', state: 'active' }), /company.*field id/],
      [() => decodeTokens({ accessToken: 'a', tokenType: 'MAC', refreshToken: 'r' }), /tokenType should be Bearer/],
      [() => decodePage({ items: {} }, 'the companies'), /the companies.*items should be a list/],
      [() => decodeProtection({ protectedMailboxes: 1.5 }, 'w'), /protectedMailboxes/],
    ];
    for (const [run, pattern] of cases) {
      const error = thrown(run);
      expect(error.kind).toBe('protocol');
      expect(`${error.message} ${error.why}`).toMatch(pattern);
      expect(error.remedy).toBeTruthy();
    }
  });

  it('reads the hub error body, and nothing else as one', () => {
    expect(errorBodyOf('{"error":{"code":"otp_required","message":" code needed "}}')).toEqual({ code: 'otp_required', message: 'code needed' });
    expect(errorBodyOf('<html>404</html>')).toBeNull();
    expect(errorBodyOf('{"message":"Not Found"}')).toBeNull();
  });
});

describe('mapping to kmsp (mapping.ts)', () => {
  it('every reason code of README §3 maps to a status row of the profile, and every Office 365 type to a row', () => {
    expect(Object.values(REASON_STATUS_IDS).sort()).toEqual([...KES_CLOUD_STATUS_IDS].sort());
    const office = kbhProfile.sections.find((s) => s.id === OFFICE365_SECTION)!;
    expect(Object.values(OFFICE365_ROW_KEYS).sort()).toEqual(office.rows.map((r) => r.key).sort());
  });

  it('devices: category, mobile, health and statuses; an unknown reason is set apart', () => {
    const { device, unknownReasons } = toDevice(decodeDevice({ ...DEVICE, statusReasons: [...DEVICE.statusReasons, { code: 'QuantumFlux', severity: 'Critical' }, DEVICE.statusReasons[0]] }), 'c1');
    expect(device).toMatchObject({ id: 'dev-1', tenantId: 'c1', category: 'windows-workstation', mobile: false, health: 'critical', osName: 'Windows 11 Pro' });
    expect(device.statuses).toEqual([
      { id: 'databases-outdated', severity: 'warning' },
      { id: 'rtp-not-running', severity: 'critical' },
    ]);
    expect(unknownReasons).toEqual(['QuantumFlux']);
    const cat = (kind: HubDevice['kind'], os: string) => deviceCategory({ kind, os });
    expect([cat('server', 'windows'), cat('workstation', 'macos'), cat('server', 'linux'), cat('mobile', 'android'), cat('mobile', 'windows')]).toEqual([
      'windows-server',
      'non-windows',
      'non-windows',
      'non-windows',
      'non-windows',
    ]);
    expect(toDevice(decodeDevice({ ...DEVICE, kind: 'mobile', os: 'ios', status: 'OK', statusReasons: [] }), 'c1').device).toMatchObject({ mobile: true, health: 'ok', statuses: [] });
    expect(statusesOf({ statusReasons: [] })).toEqual({ statuses: [], unknown: [] });
  });

  it('licenses: the grace period is not billable, states in kmsp words; assignments from the device', () => {
    const base: HubLicense = { id: 'l', workspaceId: 'w', productId: 'p-kes', type: 'subscription', unit: 'user', capacity: 25, used: 3, expiresAt: new Date('2026-06-01T00:00:00Z'), subscriptionState: 'active', graceEndsAt: new Date('2026-07-01T00:00:00Z') };
    expect(toLicenseKey(base)).toEqual({ id: 'l', applicationId: 'p-kes', type: 'subscription', expiresAt: new Date('2026-06-01T00:00:00Z'), subscriptionState: 'active', capacity: 25 });
    expect(toLicenseKey({ ...base, subscriptionState: 'hardCancelled' }).subscriptionState).toBe('hard-cancelled');
    expect(toLicenseKey({ ...base, type: 'commercial', subscriptionState: null }).subscriptionState).toBeNull();
    expect(assignmentsOf([decodeDevice(DEVICE), decodeDevice({ ...DEVICE, id: 'dev-2', licenseId: null })])).toEqual([{ keyId: 'lic-1', deviceId: 'dev-1', current: true }]);
  });

  it('tenants and applications', () => {
    expect(toTenant({ id: 'c', name: 'Acme', description: null, createdAt: null, state: 'markedForDeletion' })).toEqual({ id: 'c', name: 'Acme', enabled: false });
    expect(
      toApplications([
        { id: 'p2', name: 'Office 365', workspaceProduct: 'KSMO365', unit: 'mailbox' },
        { id: 'p1', name: 'KES Cloud Plus', workspaceProduct: 'KESCloud', unit: 'user' },
        { id: 'p3', name: 'KSC Cloud Console', workspaceProduct: 'KSCCloudConsole', unit: 'device' },
        { id: 'p1', name: 'KES Cloud Plus', workspaceProduct: 'KESCloud', unit: 'user' },
      ]),
    ).toEqual([
      { id: 'p1', name: 'KES Cloud Plus', unit: 'user' },
      { id: 'p2', name: 'Office 365', unit: 'mailbox' },
    ]);
  });

  it('events: Office 365 in their section by row key, KES Cloud by severity; conditions by row key', () => {
    const raw = { id: 'e1', sequence: 7, workspaceId: 'ws-o365', deviceId: null, deviceName: null, raisedAt: '2026-06-01T08:00:00Z', severity: 'Critical', type: 'PhishingDetected', title: 'Phishing detected', description: 'A message was quarantined', details: { mailbox: 'ceo@acme.com', sender: 'x@evil.test' } };
    const o365 = toSecurityEvent(decodeEvent(raw), O365_WS, 'c1');
    expect(o365).toMatchObject({ id: 'e1', tenantId: 'c1', section: OFFICE365_SECTION, type: 'phishing-detected', typeName: 'Phishing detected', severity: 'critical', product: 'Kaspersky Security for Microsoft Office 365' });
    expect(o365.description).toBe('A message was quarantined\nMailbox: ceo@acme.com\nSender: x@evil.test');
    expect(toSecurityEvent(decodeEvent({ ...raw, type: 'OneDriveConnectionFailed' }), O365_WS, 'c1').type).toBe('OneDriveConnectionFailed');
    const kes = toSecurityEvent(decodeEvent({ ...raw, workspaceId: 'ws-kes', type: 'MalwareDetected', severity: 'FunctionalFailure', details: null }), KES_WS, 'c1');
    expect(kes).toMatchObject({ type: 'MalwareDetected', severity: 'functional-failure', product: 'Kaspersky Endpoint Security Cloud' });
    expect('section' in kes).toBe(false);
    expect(toCondition({ type: 'MailboxesProtectionNotProvided', since: null, message: ' 3 mailboxes ' }, 'c1')).toEqual({ tenantId: 'c1', section: OFFICE365_SECTION, id: 'mailbox-protection-not-provided', since: null, detail: '3 mailboxes' });
  });
});

describe('the events cursor (cursor.ts)', () => {
  it('round-trips, advances to the highest sequence and keeps a position with no events', () => {
    const since = new Date('2026-06-01T00:00:00Z');
    const state = new Map<string, { afterSequence: number; floor: Date } | { raisedSince: Date }>([
      ['ws-b', { afterSequence: 12, floor: since }],
      ['ws-a', { raisedSince: since }],
    ]);
    const text = encodeCursor(state);
    expect(JSON.parse(text)).toEqual({ v: 1, w: { 'ws-a': { t: '2026-06-01T00:00:00.000Z' }, 'ws-b': { s: 12, f: '2026-06-01T00:00:00.000Z' } } });
    expect(decodeCursor(text)).toEqual(state);
    expect(advance({ raisedSince: since }, [])).toEqual({ raisedSince: since });
    expect(advance({ raisedSince: since }, [3, 9, 4])).toEqual({ afterSequence: 9, floor: since });
    expect(advance({ afterSequence: 12, floor: since }, [13])).toEqual({ afterSequence: 13, floor: since });
    const before = new Date(since.getTime() - 1);
    expect(isDelivered({ afterSequence: 12, floor: since }, { sequence: 12, raisedAt: since })).toBe(false);
    expect(isDelivered({ afterSequence: 12, floor: since }, { sequence: 13, raisedAt: since })).toBe(true);
    // Raised before the floor, registered late: never delivered.
    expect(isDelivered({ afterSequence: 12, floor: since }, { sequence: 13, raisedAt: before })).toBe(false);
    expect(isDelivered({ raisedSince: since }, { sequence: 1, raisedAt: before })).toBe(false);
  });

  it('refuses a cursor it did not write, with a remedy', () => {
    for (const bad of ['nope', '[]', '{"v":2,"w":{}}', '{"v":1,"w":{"x":{"s":-1,"f":"2026-01-01T00:00:00Z"}}}', '{"v":1,"w":{"x":{"s":3}}}', '{"v":1,"w":{"x":{"t":"soon"}}}']) {
      const error = thrown(() => decodeCursor(bad));
      expect(error.message).toContain('event cursor');
      expect(error.remedy).toContain('Reset');
    }
  });
});

describe('the authenticator key', () => {
  it('reads a setup key written with spaces, dashes or lower case, and makes the RFC 6238 code', () => {
    // RFC 6238 appendix B: the SHA-1 seed "12345678901234567890", T = 59 s → 94287082 (8 digits).
    const seed = 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ';
    expect(TOTP.generate({ secret: authenticatorSecret(seed.toLowerCase().replace(/(.{4})/g, '$1 '), null), digits: 8, timestamp: 59_000 })).toBe('94287082');
    expect(TOTP.generate({ secret: authenticatorSecret('GEZD-GNBV-GY3T-QOJQ-GEZD-GNBV-GY3T-QOJQ', null), digits: 6, timestamp: 59_000 })).toBe('287082');
  });

  it('refuses a key that is not base32 without showing it, naming the command to store the right one', () => {
    const error = thrown(() => authenticatorSecret('123456', 'main'));
    expect(error.kind).toBe('config');
    expect(error.remedy).toContain('kmsp secrets set main.kbh.authenticator-key');
    expect(error.explain()).not.toContain('123456');
  });
});
