// The Business Hub simulator's dataset (kbh.json; format in FIXTURE.md). Records are written
// nearly as the wire shows them (connectors/kbh/README.md §3), nested company → workspace →
// licenses, devices, events; what the hub derives (a device's status, a license's `used`, an
// event's sequence) is left out and computed by the simulator. Times are ISO strings or relative
// to the simulator's start ("now-2h", ../fixtureTime.ts).
import { readFileSync } from 'node:fs';
import { resolveTime } from '../fixtureTime.js';

/** ISO datetime, or relative to the simulator's start: "now-2h", "today-1d", "now+30d". */
export type KbhTime = string;

export type WorkspaceProduct = 'KESCloud' | 'KSMO365' | 'KSCCloudConsole';
export type LicenseType = 'trial' | 'commercial' | 'subscription';
export type LicenseUnit = 'device' | 'user' | 'mailbox';
export type SubscriptionState = 'active' | 'paused' | 'softCancelled' | 'hardCancelled';
export type DeviceKind = 'workstation' | 'server' | 'mobile';
export type DeviceOs = 'windows' | 'macos' | 'linux' | 'android' | 'ios';
export type EventSeverity = 'Critical' | 'FunctionalFailure' | 'Warning' | 'Info';
export type Office365IssueType = 'MailboxesProtectionNotProvided' | 'LicenseIssue';

export const WORKSPACE_PRODUCTS: readonly WorkspaceProduct[] = ['KESCloud', 'KSMO365', 'KSCCloudConsole'];
export const LICENSE_TYPES: readonly LicenseType[] = ['trial', 'commercial', 'subscription'];
export const SUBSCRIPTION_STATES: readonly SubscriptionState[] = ['active', 'paused', 'softCancelled', 'hardCancelled'];
export const EVENT_SEVERITIES: readonly EventSeverity[] = ['Critical', 'FunctionalFailure', 'Warning', 'Info'];
export const OFFICE365_ISSUE_TYPES: readonly Office365IssueType[] = ['MailboxesProtectionNotProvided', 'LicenseIssue'];

/** Which operating systems each kind of device may run. */
export const KIND_OS: Record<DeviceKind, readonly DeviceOs[]> = {
  workstation: ['windows', 'macos', 'linux'],
  server: ['windows', 'linux'],
  mobile: ['android', 'ios'],
};

/**
 * The conditions behind a KES Cloud device's Warning or Critical status (README §3), with the
 * text the simulated hub shows for each (its own wording; a fixture may give another).
 */
export const REASON_TEXTS: Readonly<Record<string, string>> = {
  ApplicationNotInstalled: 'The security application is not installed',
  ApplicationNotRunning: 'The security application is not running',
  RealTimeProtectionDisabled: 'Real-time protection is turned off',
  DatabasesOutdated: 'Anti-malware databases are out of date',
  NotConnectedForLongTime: 'The device has not connected for a long time',
  EncryptionInvalid: 'The encryption status is invalid',
  LicenseExpired: 'The license has expired',
  StatusDefinedByApplication: 'The status is defined by the security application',
};

/** The text of each Office 365 condition while it is active. */
export const ISSUE_TEXTS: Readonly<Record<Office365IssueType, string>> = {
  MailboxesProtectionNotProvided: 'Mailboxes protection is not provided: the connection to Microsoft 365 was lost',
  LicenseIssue: 'License-related issue occurred: the license does not cover the protected mailboxes',
};

export interface KbhUser {
  email: string;
  password: string;
  displayName?: string;
  /** Base32 setup key of an authenticator app: the account has 2-step verification (TOTP). */
  authenticatorKey?: string;
  /** 2-step verification by SMS: the code every (simulated) text message carries. */
  smsCode?: string;
  /** The companies this account may see, by id; absent: every company of the MSP. */
  companyIds?: string[];
}

export interface KbhProduct {
  id: string;
  name: string;
  workspaceProduct: 'KESCloud' | 'KSMO365';
  unit: LicenseUnit;
}

export interface KbhLicenseFixture {
  id: string;
  productId: string;
  type: LicenseType;
  /** Default: the product's unit. */
  unit?: LicenseUnit;
  capacity: number;
  /** Default: computed (devices on it; users = max(computers, ⌈mobiles/2⌉); the workspace's protected mailboxes). */
  used?: number;
  expiresAt?: KbhTime | null;
  /** Subscriptions only (default active). */
  subscriptionState?: SubscriptionState;
  /** Subscriptions only (default null). */
  graceEndsAt?: KbhTime | null;
}

export interface KbhReasonFixture {
  code: string;
  severity: 'Warning' | 'Critical';
  /** Default: REASON_TEXTS[code]; required for a code the simulator does not know. */
  text?: string;
}

export interface KbhDeviceFixture {
  id: string;
  name: string;
  kind: DeviceKind;
  os: DeviceOs;
  osName: string;
  statusReasons?: KbhReasonFixture[];
  /** Default: the start time; null = never. */
  lastSeen?: KbhTime | null;
  /** The license the device uses; default none. */
  licenseId?: string | null;
}

export interface KbhEventFixture {
  /** Default: derived from the workspace and the sequence. */
  id?: string;
  raisedAt: KbhTime;
  severity: EventSeverity;
  type: string;
  title: string;
  description?: string;
  /** A device of the same workspace. */
  deviceId?: string | null;
  details?: { sender?: string; recipient?: string; subject?: string; mailbox?: string };
}

export interface KbhIssueFixture {
  type: Office365IssueType;
  /** Default: the start time. */
  since?: KbhTime;
  /** Default: ISSUE_TEXTS[type]. */
  message?: string;
}

export interface KbhWorkspaceFixture {
  id: string;
  product: WorkspaceProduct;
  state?: 'active' | 'markedForDeletion';
  licenses?: KbhLicenseFixture[];
  /** KES Cloud workspaces only. */
  devices?: KbhDeviceFixture[];
  events?: KbhEventFixture[];
  /** Office 365 workspaces only (default 0). */
  protectedMailboxes?: number;
  /** Office 365 workspaces only: the conditions active at the start. */
  issues?: KbhIssueFixture[];
}

export interface KbhCompanyFixture {
  id: string;
  name: string;
  description?: string;
  /** Default: the start time. */
  createdAt?: KbhTime;
  state?: 'active' | 'markedForDeletion';
  workspaces?: KbhWorkspaceFixture[];
}

export interface KbhOptions {
  /** Access token lifetime in seconds (default 3600). */
  expiresIn?: number;
  /** Refresh token lifetime in seconds (default 2592000, 30 days). */
  refreshExpiresIn?: number;
  /** Wrong passwords in a row that lock the account (default 5). */
  lockAfterFailures?: number;
  /** How long a locked account stays locked, in minutes (default 30). */
  lockMinutes?: number;
}

export interface KbhFixture {
  description?: string;
  msp: { name: string };
  users: KbhUser[];
  /** The applications licenses are sold for; default DEFAULT_PRODUCTS. */
  products?: KbhProduct[];
  companies: KbhCompanyFixture[];
  options?: KbhOptions;
}

/** The Services tab applications (ids and names as the hub's licensing catalogue has them). */
export const DEFAULT_PRODUCTS: readonly KbhProduct[] = [
  { id: 'kes-cloud', name: 'Kaspersky Endpoint Security Cloud', workspaceProduct: 'KESCloud', unit: 'device' },
  { id: 'kes-cloud-plus', name: 'Kaspersky Endpoint Security Cloud Plus', workspaceProduct: 'KESCloud', unit: 'user' },
  { id: 'kes-cloud-pro', name: 'Kaspersky Endpoint Security Cloud Pro', workspaceProduct: 'KESCloud', unit: 'user' },
  { id: 'ksmo365', name: 'Kaspersky Security for Microsoft Office 365', workspaceProduct: 'KSMO365', unit: 'mailbox' },
];

export class FixtureError extends Error {}

export function loadKbhFixture(source: string | KbhFixture): KbhFixture {
  const fixture = typeof source === 'string' ? (JSON.parse(readFileSync(source, 'utf8').replace(/^\uFEFF/, '')) as KbhFixture) : source;
  checkKbhFixture(fixture, typeof source === 'string' ? source : 'fixture');
  // Deep copy: the simulator changes its state, never the caller's object.
  return structuredClone(fixture);
}

const isTime = (v: unknown) => typeof v === 'string' && resolveTime(v, new Date(0)) !== null;

/** Refuses a dataset the simulator could not serve consistently, naming the record. */
export function checkKbhFixture(f: KbhFixture, where = 'fixture'): void {
  const fail = (what: string): never => {
    throw new FixtureError(`${where}: ${what}`);
  };
  if (!f || typeof f !== 'object') fail('not a JSON object');
  if (!f.msp || typeof f.msp.name !== 'string') fail('"msp": {"name"} is required');
  if (!Array.isArray(f.users) || f.users.length === 0) fail('"users" needs at least one user');
  if (!Array.isArray(f.companies)) fail('"companies" must be an array');
  const emails = new Set<string>();
  for (const u of f.users) {
    if (typeof u.email !== 'string' || typeof u.password !== 'string') fail('every user needs "email" and "password"');
    if (emails.has(u.email.toLowerCase())) fail(`user ${u.email} appears twice`);
    emails.add(u.email.toLowerCase());
    if (u.authenticatorKey !== undefined && !/^[A-Z2-7]+=*$/i.test(u.authenticatorKey.replace(/\s/g, ''))) fail(`user ${u.email}: authenticatorKey is not base32`);
    if (u.authenticatorKey !== undefined && u.smsCode !== undefined) fail(`user ${u.email}: give authenticatorKey or smsCode, not both`);
  }
  const products = new Map((f.products ?? DEFAULT_PRODUCTS).map((p) => [p.id, p]));
  const ids = new Set<string>();
  const unique = (kind: string, id: unknown) => {
    if (typeof id !== 'string' || id === '') fail(`a ${kind} needs an "id"`);
    if (ids.has(id as string)) fail(`id ${String(id)} is used twice (ids are unique across the fixture)`);
    ids.add(id as string);
  };
  const time = (v: unknown, what: string, nullable = false) => {
    if (v === undefined || (nullable && v === null)) return;
    if (!isTime(v)) fail(`${what}: "${String(v)}" is not an ISO or relative time (now-2h)`);
  };
  for (const c of f.companies) {
    unique('company', c.id);
    if (typeof c.name !== 'string' || c.name.trim() === '') fail(`company ${c.id}: "name" is required`);
    time(c.createdAt, `company ${c.id} createdAt`);
    for (const w of c.workspaces ?? []) {
      unique('workspace', w.id);
      if (!WORKSPACE_PRODUCTS.includes(w.product)) fail(`workspace ${w.id}: product must be one of ${WORKSPACE_PRODUCTS.join(', ')}`);
      if (w.product !== 'KESCloud' && (w.devices ?? []).length > 0) fail(`workspace ${w.id}: only KES Cloud workspaces have devices`);
      if (w.product !== 'KSMO365' && (w.protectedMailboxes !== undefined || w.issues !== undefined)) fail(`workspace ${w.id}: only Office 365 workspaces have protectedMailboxes and issues`);
      if (w.protectedMailboxes !== undefined && !(Number.isInteger(w.protectedMailboxes) && w.protectedMailboxes >= 0)) fail(`workspace ${w.id}: protectedMailboxes must be a whole number ≥ 0`);
      const licenses = new Set<string>();
      for (const l of w.licenses ?? []) {
        unique('license', l.id);
        licenses.add(l.id);
        const p = products.get(l.productId);
        if (!p) fail(`license ${l.id}: unknown productId ${l.productId} (${[...products.keys()].join(', ')})`);
        if (p!.workspaceProduct !== w.product) fail(`license ${l.id}: ${l.productId} is licensed in ${p!.workspaceProduct} workspaces, not ${w.product}`);
        if (!LICENSE_TYPES.includes(l.type)) fail(`license ${l.id}: type must be one of ${LICENSE_TYPES.join(', ')}`);
        if (!(Number.isInteger(l.capacity) && l.capacity >= 0)) fail(`license ${l.id}: capacity must be a whole number ≥ 0`);
        if (l.used !== undefined && !(Number.isInteger(l.used) && l.used >= 0)) fail(`license ${l.id}: used must be a whole number ≥ 0`);
        if (l.type !== 'subscription' && (l.subscriptionState !== undefined || l.graceEndsAt !== undefined)) fail(`license ${l.id}: subscriptionState and graceEndsAt belong to subscriptions`);
        if (l.subscriptionState !== undefined && !SUBSCRIPTION_STATES.includes(l.subscriptionState)) fail(`license ${l.id}: subscriptionState must be one of ${SUBSCRIPTION_STATES.join(', ')}`);
        time(l.expiresAt, `license ${l.id} expiresAt`, true);
        time(l.graceEndsAt, `license ${l.id} graceEndsAt`, true);
      }
      const devices = new Set<string>();
      for (const d of w.devices ?? []) {
        unique('device', d.id);
        devices.add(d.id);
        if (!KIND_OS[d.kind]) fail(`device ${d.id}: kind must be workstation, server or mobile`);
        if (!KIND_OS[d.kind].includes(d.os)) fail(`device ${d.id}: a ${d.kind} runs ${KIND_OS[d.kind].join(', ')}, not ${String(d.os)}`);
        if (typeof d.name !== 'string' || typeof d.osName !== 'string') fail(`device ${d.id}: "name" and "osName" are required`);
        if (d.licenseId !== undefined && d.licenseId !== null && !licenses.has(d.licenseId)) fail(`device ${d.id}: license ${d.licenseId} is not one of its workspace's`);
        time(d.lastSeen, `device ${d.id} lastSeen`, true);
        for (const r of d.statusReasons ?? []) checkReason(r, `device ${d.id}`, fail);
      }
      for (const e of w.events ?? []) {
        if (e.id !== undefined) unique('event', e.id);
        if (!EVENT_SEVERITIES.includes(e.severity)) fail(`an event of workspace ${w.id}: severity must be one of ${EVENT_SEVERITIES.join(', ')}`);
        if (typeof e.type !== 'string' || typeof e.title !== 'string') fail(`an event of workspace ${w.id}: "type" and "title" are required`);
        if (!isTime(e.raisedAt)) fail(`an event of workspace ${w.id}: raisedAt "${String(e.raisedAt)}" is not a time`);
        if (e.deviceId !== undefined && e.deviceId !== null && !devices.has(e.deviceId)) fail(`an event of workspace ${w.id}: device ${e.deviceId} is not one of its workspace's`);
      }
      for (const i of w.issues ?? []) {
        if (!OFFICE365_ISSUE_TYPES.includes(i.type)) fail(`workspace ${w.id}: issue type must be one of ${OFFICE365_ISSUE_TYPES.join(', ')}`);
        time(i.since, `workspace ${w.id} issue since`);
      }
      if (new Set((w.issues ?? []).map((i) => i.type)).size !== (w.issues ?? []).length) fail(`workspace ${w.id}: an issue type is active once`);
    }
  }
  for (const u of f.users) for (const id of u.companyIds ?? []) if (!f.companies.some((c) => c.id === id)) fail(`user ${u.email}: unknown company ${id}`);
  const o = f.options ?? {};
  for (const k of ['expiresIn', 'refreshExpiresIn', 'lockAfterFailures', 'lockMinutes'] as const) {
    if (o[k] !== undefined && !(Number.isInteger(o[k]) && o[k]! > 0)) fail(`options.${k} must be a whole number > 0`);
  }
}

/** A status reason as the fixture or the control API gives it. */
export function checkReason(r: KbhReasonFixture, where: string, fail: (what: string) => never): void {
  if (!r || typeof r.code !== 'string' || !/^[A-Za-z][A-Za-z0-9]*$/.test(r.code)) fail(`${where}: a status reason needs a "code" (e.g. DatabasesOutdated)`);
  if (r.severity !== 'Warning' && r.severity !== 'Critical') fail(`${where}: status reason ${r.code}: severity must be Warning or Critical`);
  if (r.text === undefined && !REASON_TEXTS[r.code]) fail(`${where}: status reason ${r.code} is not one the hub knows (${Object.keys(REASON_TEXTS).join(', ')}); give its "text" to use it anyway`);
}
