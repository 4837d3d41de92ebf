// The Kaspersky Business Hub simulator: a loopback HTTPS server (TEST-ONLY certificate by
// default) speaking the assumed hub API of connectors/kbh/README.md §3 (routes.ts), seeded from
// a kbh.json fixture (FIXTURE.md), with a control API under /_sim/ — also methods here — for
// tests and `kmsp demo`.
import { startSimServer, testTls, type SimRequest, type SimResponse, type SimServer } from '../server.js';
import type { FaultPlan } from '../faults.js';
import { KbhAuth } from './auth.js';
import { SimInputError } from './errors.js';
import { kbhFaults } from './faults.js';
import { loadKbhFixture, type KbhDeviceFixture, type KbhEventFixture, type KbhFixture, type KbhReasonFixture, type KbhTime, type Office365IssueType } from './fixture.js';
import { KBH_INJECTION_KINDS, KbhInjections, type KbhInjection } from './injections.js';
import { Pager } from './paging.js';
import { createKbhHandler } from './routes.js';
import { KbhState } from './state.js';

export type { KbhFixture, KbhCompanyFixture, KbhDeviceFixture, KbhEventFixture, KbhLicenseFixture, KbhReasonFixture, KbhUser, KbhWorkspaceFixture } from './fixture.js';
export type { KbhInjection, KbhInjectionKind } from './injections.js';
export { KbhState } from './state.js';

export interface KbhSimulatorOptions {
  /** Path to a kbh.json, or the fixture itself. */
  fixture: string | KbhFixture;
  port?: number;
  host?: string;
  /** Append every request (passwords, one-time codes and tokens removed) as JSON lines. */
  recordFile?: string;
  /** Seeded random faults from the start (../faults.ts); also set at run time through /_sim/faults. */
  faults?: FaultPlan;
  /** HTTPS with the TEST-ONLY certificate (default true); false for plain HTTP on loopback. */
  tls?: boolean;
  /** Clock (tests): milliseconds since the epoch. Token expiry, one-time codes, lockouts and relative fixture times follow it. */
  clock?: () => number;
  /** How injected delays are waited (default: a real timer). */
  sleep?: (ms: number) => Promise<void>;
}

type WireOf<K extends keyof KbhState> = KbhState[K] extends (...args: never[]) => infer R ? R : never;
export type WireDevice = WireOf<'wireDevice'>;
export type WireEvent = WireOf<'wireEvent'>;
export type WireLicense = WireOf<'wireLicense'>;

export interface KbhSummary {
  companies: number;
  workspaces: number;
  devices: number;
  licenses: number;
  events: number;
  /** Office 365 issues active now, by workspace id. */
  activeIssues: Array<{ workspaceId: string; type: Office365IssueType }>;
  activeAccessTokens: number;
  activeRefreshTokens: number;
  lockedUsers: string[];
  pendingInjections: number;
}

export interface KbhSimulator extends SimServer {
  readonly fixture: KbhFixture;
  /** The live records (inspect, or change directly in tests). Replaced by reset(). */
  readonly state: KbhState;
  /** Accounts and tokens. Replaced by reset(). */
  readonly auth: KbhAuth;
  summary(): KbhSummary;
  /** The hub registers an event (raisedAt default now); returns it as the API lists it. */
  addEvent(workspaceId: string, event: Omit<KbhEventFixture, 'raisedAt'> & { raisedAt?: KbhTime }): WireEvent;
  /** The device's status reasons are now exactly these (its status follows); [] makes it OK. */
  setDeviceReasons(deviceId: string, reasons: KbhReasonFixture[]): WireDevice;
  clearDeviceReason(deviceId: string, code: string): WireDevice;
  addDevice(workspaceId: string, device: KbhDeviceFixture): WireDevice;
  /** An Office 365 condition appears, with its event; returns the event (null if it was active already). */
  raiseOffice365Issue(workspaceId: string, type: Office365IssueType, message?: string): WireEvent | null;
  clearOffice365Issue(workspaceId: string, type: Office365IssueType): void;
  setProtectedMailboxes(workspaceId: string, count: number): void;
  pauseLicense(licenseId: string): WireLicense;
  resumeLicense(licenseId: string): WireLicense;
  /** soft (default): runs to the end of its term; hard: ends now. */
  cancelLicense(licenseId: string, how?: 'soft' | 'hard'): WireLicense;
  /** Times are ISO or relative ("now-1d"); null for none. graceEndsAt for subscriptions only. */
  setLicenseExpiry(licenseId: string, expiresAt: KbhTime | null, graceEndsAt?: KbhTime | null): WireLicense;
  renameCompany(companyId: string, name: string): void;
  setCompanyState(companyId: string, state: 'active' | 'markedForDeletion'): void;
  /** The account turns on 2-step verification by authenticator app; returns its setup key (base32). */
  requireTwoStep(email: string): string;
  /** The code the account's authenticator app shows at the simulator's clock (or at `at`). */
  oneTimeCode(email: string, at?: number): string;
  /** Every access token expires now (token_expired). Returns how many were live. */
  expireAccessTokens(): number;
  /** Every refresh token stops working (invalid_grant). Returns how many were live. */
  revokeRefreshTokens(): number;
  inject(injection: KbhInjection): void;
  clearInjections(): void;
  /** Back to the fixture (relative times resolved anew): no tokens, locks, page tokens or injections. */
  reset(): void;
  /** The control API as a function: the same commands as POST /_sim/<command>. */
  control(command: string, body?: unknown): unknown;
}

/** Body fields that carry a secret the request log must not keep. */
const SECRET_FIELDS = new Set(['password', 'otp', 'refreshToken', 'accessToken']);

function scrub(body: unknown): unknown {
  if (Array.isArray(body)) return body.map(scrub);
  if (!body || typeof body !== 'object') return body;
  return Object.fromEntries(Object.entries(body).map(([k, v]) => [k, SECRET_FIELDS.has(k) ? '***' : scrub(v)]));
}

function record(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new SimInputError('the control body must be a JSON object');
  return body as Record<string, unknown>;
}

function text(value: unknown, name: string): string {
  if (typeof value !== 'string' || value === '') throw new SimInputError(`"${name}" (string) is required`);
  return value;
}

export async function startKbhSimulator(options: KbhSimulatorOptions): Promise<KbhSimulator> {
  const fixture = loadKbhFixture(options.fixture);
  const clock = options.clock ?? Date.now;
  let state = new KbhState(fixture, clock);
  let auth = new KbhAuth(fixture, clock);
  const pager = new Pager();
  const injections = new KbhInjections();

  const handle = createKbhHandler({
    state: () => state,
    auth: () => auth,
    pager,
    injections,
    sleep: options.sleep ?? ((ms) => new Promise((resolve) => setTimeout(resolve, ms))),
  });

  const sim = {
    fixture,
    get state() {
      return state;
    },
    get auth() {
      return auth;
    },
    summary(): KbhSummary {
      return {
        companies: state.companies.length,
        workspaces: state.workspaces.length,
        devices: state.devices.length,
        licenses: state.licenses.length,
        events: state.events.length,
        activeIssues: state.workspaces.flatMap((w) => w.issues.map((i) => ({ workspaceId: w.id, type: i.type }))),
        ...auth.summary(),
        pendingInjections: injections.pending(),
      };
    },
    addEvent: (workspaceId: string, event: Omit<KbhEventFixture, 'raisedAt'> & { raisedAt?: KbhTime }) => state.wireEvent(state.addEvent(workspaceId, event)),
    setDeviceReasons(deviceId: string, reasons: KbhReasonFixture[]) {
      state.setDeviceReasons(deviceId, reasons);
      return state.wireDevice(state.device(deviceId));
    },
    clearDeviceReason(deviceId: string, code: string) {
      state.clearDeviceReason(deviceId, code);
      return state.wireDevice(state.device(deviceId));
    },
    addDevice: (workspaceId: string, device: KbhDeviceFixture) => state.wireDevice(state.addDevice(workspaceId, device)),
    raiseOffice365Issue(workspaceId: string, type: Office365IssueType, message?: string) {
      const event = state.raiseIssue(workspaceId, type, message);
      return event ? state.wireEvent(event) : null;
    },
    clearOffice365Issue: (workspaceId: string, type: Office365IssueType) => state.clearIssue(workspaceId, type),
    setProtectedMailboxes: (workspaceId: string, count: number) => state.setProtectedMailboxes(workspaceId, count),
    pauseLicense(licenseId: string) {
      state.pauseLicense(licenseId);
      return state.wireLicense(state.license(licenseId));
    },
    resumeLicense(licenseId: string) {
      state.resumeLicense(licenseId);
      return state.wireLicense(state.license(licenseId));
    },
    cancelLicense(licenseId: string, how: 'soft' | 'hard' = 'soft') {
      state.cancelLicense(licenseId, how);
      return state.wireLicense(state.license(licenseId));
    },
    setLicenseExpiry(licenseId: string, expiresAt: KbhTime | null, graceEndsAt?: KbhTime | null) {
      state.setLicenseExpiry(licenseId, expiresAt, graceEndsAt);
      return state.wireLicense(state.license(licenseId));
    },
    renameCompany: (companyId: string, name: string) => state.renameCompany(companyId, name),
    setCompanyState: (companyId: string, s: 'active' | 'markedForDeletion') => state.setCompanyState(companyId, s),
    requireTwoStep: (email: string) => auth.requireTwoStep(email),
    oneTimeCode: (email: string, at?: number) => auth.oneTimeCode(email, at),
    expireAccessTokens: () => auth.expireAccessTokens(),
    revokeRefreshTokens: () => auth.revokeRefreshTokens(),
    inject(injection: KbhInjection) {
      if (!injection || typeof injection.endpoint !== 'string' || injection.endpoint === '') throw new SimInputError('an injection needs "endpoint" ("*" or a path fragment below /api/v1/)');
      if (!KBH_INJECTION_KINDS.includes(injection.kind)) throw new SimInputError(`injection kind must be one of ${KBH_INJECTION_KINDS.join(', ')}`);
      injections.add(injection);
    },
    clearInjections: () => injections.clear(),
    reset() {
      state = new KbhState(fixture, clock);
      auth = new KbhAuth(fixture, clock);
      pager.clear();
      injections.clear();
    },
    control(command: string, body?: unknown): unknown {
      const b = record(body);
      const done = { ok: true };
      switch (command) {
        case 'state':
          return {
            companies: state.companies.map((c) => state.wireCompany(c)),
            workspaces: state.workspaces.map((w) => ({ ...state.wireWorkspace(w), ...(w.product === 'KSMO365' ? { protection: state.wireProtection(w) } : {}) })),
            licenses: state.licenses.map((l) => state.wireLicense(l)),
            devices: state.devices.map((d) => state.wireDevice(d)),
            events: state.events.map((e) => state.wireEvent(e)),
          };
        case 'summary':
          return sim.summary();
        case 'add-event':
          return sim.addEvent(text(b.workspaceId, 'workspaceId'), record(b.event) as unknown as KbhEventFixture);
        case 'set-device-reasons':
          return sim.setDeviceReasons(text(b.deviceId, 'deviceId'), b.reasons as KbhReasonFixture[]);
        case 'clear-device-reason':
          return sim.clearDeviceReason(text(b.deviceId, 'deviceId'), text(b.code, 'code'));
        case 'add-device':
          return sim.addDevice(text(b.workspaceId, 'workspaceId'), record(b.device) as unknown as KbhDeviceFixture);
        case 'raise-office365-issue':
          return { event: sim.raiseOffice365Issue(text(b.workspaceId, 'workspaceId'), text(b.type, 'type') as Office365IssueType, typeof b.message === 'string' ? b.message : undefined) };
        case 'clear-office365-issue':
          sim.clearOffice365Issue(text(b.workspaceId, 'workspaceId'), text(b.type, 'type') as Office365IssueType);
          return done;
        case 'set-protected-mailboxes':
          sim.setProtectedMailboxes(text(b.workspaceId, 'workspaceId'), b.count as number);
          return done;
        case 'pause-license':
          return sim.pauseLicense(text(b.licenseId, 'licenseId'));
        case 'resume-license':
          return sim.resumeLicense(text(b.licenseId, 'licenseId'));
        case 'cancel-license':
          return sim.cancelLicense(text(b.licenseId, 'licenseId'), (b.how ?? 'soft') as 'soft' | 'hard');
        case 'set-license-expiry':
          if (!('expiresAt' in b)) throw new SimInputError('"expiresAt" (time or null) is required');
          return sim.setLicenseExpiry(text(b.licenseId, 'licenseId'), b.expiresAt as KbhTime | null, b.graceEndsAt as KbhTime | null | undefined);
        case 'rename-company':
          sim.renameCompany(text(b.companyId, 'companyId'), text(b.name, 'name'));
          return done;
        case 'set-company-state':
          sim.setCompanyState(text(b.companyId, 'companyId'), b.state as 'active' | 'markedForDeletion');
          return done;
        case 'require-two-step':
          return { authenticatorKey: sim.requireTwoStep(text(b.email, 'email')) };
        case 'one-time-code':
          return { code: sim.oneTimeCode(text(b.email, 'email'), typeof b.at === 'number' ? b.at : undefined) };
        case 'expire-access-tokens':
          return { expired: sim.expireAccessTokens() };
        case 'revoke-refresh-tokens':
          return { revoked: sim.revokeRefreshTokens() };
        case 'inject':
          sim.inject(b as unknown as KbhInjection);
          return { pending: injections.pending() };
        case 'clear-injections':
          sim.clearInjections();
          return done;
        case 'reset':
          sim.reset();
          return done;
        default:
          throw new SimInputError(`unknown control command "${command}"`);
      }
    },
  };

  const control = (req: SimRequest): SimResponse => {
    const command = req.path.slice('/_sim/'.length);
    const reads = command === 'state' || command === 'summary';
    if (req.method !== 'POST' && !(req.method === 'GET' && reads)) return { status: 405, body: { error: 'control commands are POSTed (GET state and summary)' } };
    try {
      return { status: 200, body: sim.control(command, req.body) };
    } catch (error) {
      if (error instanceof SimInputError) return { status: 400, body: { error: error.message } };
      throw error;
    }
  };

  const server = await startSimServer({
    name: 'kbh',
    handle,
    control,
    ...(options.tls === false ? {} : { tls: testTls() }),
    ...(options.host !== undefined ? { host: options.host } : {}),
    ...(options.port !== undefined ? { port: options.port } : {}),
    ...(options.recordFile !== undefined ? { recordFile: options.recordFile } : {}),
    ...(options.faults ? { faults: options.faults } : {}),
    vendorFaults: kbhFaults(() => auth),
    secrets: auth.passwords(),
    scrub,
  });

  // Descriptors, not Object.assign: `state` and `auth` are getters (reset() replaces them).
  return Object.defineProperties(server, Object.getOwnPropertyDescriptors(sim)) as unknown as KbhSimulator;
}
