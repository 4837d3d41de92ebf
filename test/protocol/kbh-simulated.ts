// The Business Hub connector against its simulator over loopback HTTPS, both on one fixed clock
// the tests move: the dataset, the hooks that start and reset the simulator, and helpers.
import { afterAll, afterEach, beforeAll, beforeEach } from 'vitest';
import { createKbhPlatform, type KbhPlatform, type KbhPlatformOptions } from '../../source/connectors/kbh/index.js';
import type { RequestRecord } from '../../source/connectors/http.js';
import type { KbhConnection } from '../../source/domain/config.js';
import { isKmspError, type KmspError } from '../../source/domain/errors.js';
import { startKbhSimulator, type KbhFixture, type KbhSimulator } from '../../source/simulators/kbh/index.js';
import { testTls } from '../../source/simulators/server.js';

export const START = Date.parse('2026-06-15T10:00:00Z');

export const USERS = {
  plain: { email: 'kmsp@northwind-msp.example', password: 'Hub-pass-1234!' },
  twoStep: { email: 'twostep@northwind-msp.example', password: 'Hub-pass-5678!', authenticatorKey: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP' },
  sms: { email: 'sms@northwind-msp.example', password: 'Hub-pass-9012!', smsCode: '482913' },
  limited: { email: 'acme-only@northwind-msp.example', password: 'Hub-pass-3456!', companyIds: ['c-acme'] },
} as const;

const extraCompanies = Array.from({ length: 5 }, (_, i) => ({ id: `c-x${i + 1}`, name: `Extra Company ${i + 1}`, createdAt: 'now-100d' }));

export const FIXTURE: KbhFixture = {
  msp: { name: 'Northwind MSP' },
  users: [USERS.plain, USERS.twoStep, USERS.sms, { ...USERS.limited, companyIds: [...USERS.limited.companyIds] }],
  companies: [
    {
      id: 'c-acme',
      name: 'Acme Dental',
      createdAt: 'now-400d',
      workspaces: [
        {
          id: 'ws-acme-kes',
          product: 'KESCloud',
          licenses: [
            { id: 'lic-acme-plus', productId: 'kes-cloud-plus', type: 'subscription', capacity: 10, expiresAt: 'now+300d' },
            { id: 'lic-acme-trial', productId: 'kes-cloud', type: 'trial', capacity: 5, expiresAt: 'now+20d' },
          ],
          devices: [
            { id: 'd-front', name: 'FRONT-DESK', kind: 'workstation', os: 'windows', osName: 'Windows 11 Pro', licenseId: 'lic-acme-plus', statusReasons: [{ code: 'DatabasesOutdated', severity: 'Warning' }] },
            { id: 'd-srv', name: 'ACME-SRV01', kind: 'server', os: 'windows', osName: 'Windows Server 2022', licenseId: 'lic-acme-plus', statusReasons: [{ code: 'RealTimeProtectionDisabled', severity: 'Critical' }, { code: 'NotConnectedForLongTime', severity: 'Warning' }] },
            { id: 'd-phone', name: 'Dr Smith phone', kind: 'mobile', os: 'android', osName: 'Android 14', licenseId: 'lic-acme-plus' },
            { id: 'd-mac', name: 'RECEPTION-MAC', kind: 'workstation', os: 'macos', osName: 'macOS 14', lastSeen: null },
          ],
          events: [
            { raisedAt: 'now-3d', severity: 'Critical', type: 'MalwareDetected', title: 'Malware detected', description: 'Too old for the first window', deviceId: 'd-front' },
            { raisedAt: 'now-2h', severity: 'Critical', type: 'MalwareDetected', title: 'Malware detected', description: 'Trojan.Win32.Agent in C:\\Temp\\x.exe', deviceId: 'd-front' },
            { raisedAt: 'now-1h', severity: 'Warning', type: 'DatabasesOutdated', title: 'Databases are out of date', deviceId: 'd-srv' },
            { raisedAt: 'now-10m', severity: 'Info', type: 'ScanCompleted', title: 'Scan completed', deviceId: 'd-srv' },
          ],
        },
        {
          id: 'ws-acme-o365',
          product: 'KSMO365',
          licenses: [{ id: 'lic-acme-o365', productId: 'ksmo365', type: 'subscription', capacity: 50, expiresAt: 'now+200d' }],
          protectedMailboxes: 42,
          issues: [{ type: 'MailboxesProtectionNotProvided', since: 'now-90m' }],
          events: [
            { raisedAt: 'now-90m', severity: 'Critical', type: 'PhishingDetected', title: 'Phishing detected', description: 'A phishing message was quarantined', details: { mailbox: 'reception@acme-dental.example', sender: 'billing@evil.example', subject: 'Invoice' } },
            { raisedAt: 'now-30m', severity: 'Warning', type: 'OneDriveConnectionFailed', title: 'OneDrive connection failed' },
          ],
        },
        { id: 'ws-acme-ksc', product: 'KSCCloudConsole' },
      ],
    },
    {
      id: 'c-bolt',
      name: 'Bolt Logistics',
      createdAt: 'now-300d',
      state: 'markedForDeletion',
      workspaces: [{ id: 'ws-bolt-kes', product: 'KESCloud', devices: [{ id: 'd-bolt', name: 'BOLT-01', kind: 'workstation', os: 'linux', osName: 'Ubuntu 24.04' }] }],
    },
    {
      id: 'c-cedar',
      name: 'Cedar Law',
      createdAt: 'now-200d',
      workspaces: [
        {
          id: 'ws-cedar-kes',
          product: 'KESCloud',
          licenses: [{ id: 'lic-cedar', productId: 'kes-cloud', type: 'commercial', capacity: 3, expiresAt: 'now+30d' }],
          devices: [{ id: 'd-cedar', name: 'CEDAR-PC', kind: 'workstation', os: 'windows', osName: 'Windows 10', licenseId: 'lic-cedar' }],
        },
      ],
    },
    ...extraCompanies,
  ],
};

/** The tenant of a company of the fixture. */
export const tenant = (id: string, name = FIXTURE.companies.find((c) => c.id === id)?.name ?? id) => ({ id, name, enabled: true });

export interface SimulatedKbh {
  readonly sim: KbhSimulator;
  /** The shared clock (ms): the simulator's and the connectors'. */
  now(): number;
  advance(ms: number): void;
  /** A connector on the fixture's plain account (or another), trusting the test CA, closed after the test. */
  platform(options?: Partial<Omit<KbhPlatformOptions, 'connection'>> & { connection?: Partial<KbhConnection>; user?: { email: string; password: string } }): KbhPlatform;
  /** Every request record of the connectors made by platform() in this test. */
  readonly records: RequestRecord[];
  /** Token requests the simulator saw in this test, by grant type. */
  grants(type: 'password' | 'refresh_token'): number;
  /** GETs the simulator saw of a path below /api/v1/ (a regular expression over it). */
  gets(path: RegExp): number;
}

export function useSimulatedKbh(): SimulatedKbh {
  let sim: KbhSimulator | undefined;
  let clock = START;
  const open: KbhPlatform[] = [];
  const records: RequestRecord[] = [];

  beforeAll(async () => {
    sim = await startKbhSimulator({ fixture: FIXTURE, clock: () => clock });
  });
  beforeEach(() => {
    clock = START;
    sim!.reset();
    sim!.clearRequests();
    records.length = 0;
  });
  afterEach(async () => {
    await Promise.all(open.splice(0).map((p) => p.close()));
  });
  afterAll(async () => {
    await sim?.close();
  });

  const running = () => {
    if (!sim) throw new Error('the simulator starts in beforeAll');
    return sim;
  };

  return {
    get sim() {
      return running();
    },
    now: () => clock,
    advance(ms) {
      clock += ms;
    },
    platform(options = {}) {
      const { connection, user, httpOptions, ...rest } = options;
      const u = user ?? USERS.plain;
      const platform = createKbhPlatform({
        connection: { kind: 'kbh', url: running().url, email: u.email, caFile: testTls().ca, ...connection },
        password: u.password,
        authenticatorKey: null,
        oneTimeCode: null,
        integration: 'reg',
        now: () => new Date(clock),
        ...rest,
        // No real waiting between retries; every request recorded.
        httpOptions: { sleep: async () => undefined, random: () => 0, onRecord: (r) => records.push(r), ...httpOptions },
      });
      open.push(platform);
      return platform;
    },
    records,
    grants: (type) => running().requests.filter((r) => r.method === 'POST' && r.path === '/api/v1/auth/token' && (r.body as { grantType?: string } | undefined)?.grantType === type).length,
    gets: (path) => running().requests.filter((r) => r.method === 'GET' && path.test(r.path.slice('/api/v1/'.length))).length,
  };
}

/** The KmspError a promise rejects with (fails the test if it resolves or rejects with anything else). */
export async function failure(promise: Promise<unknown>): Promise<KmspError> {
  try {
    await promise;
  } catch (error) {
    if (isKmspError(error)) return error;
    throw error;
  }
  throw new Error('expected a KmspError, but it resolved');
}
