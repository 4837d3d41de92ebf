// Business Hub's records as kmsp reads them (README §3 › Records) and their validation: untrusted
// JSON in, typed records out. A record that lacks a field kmsp needs, or holds a value that would
// change what kmsp bills or tickets (a license type, a device kind, a severity), is a protocol
// error naming the record and the field — never a silent default. Open lists (workspace products,
// OS names, event and issue types) take any text: a new value there is skipped by the mapping.
import { KmspError } from '../../domain/errors.js';
import { PAGING } from './assumptions.js';
import { KBH_SERVICE } from './errors.js';

export type WireRecord = Record<string, unknown>;

export interface HubAccount {
  email: string;
  displayName: string | null;
  mspName: string | null;
  twoStepVerification: 'off' | 'authenticator' | 'sms';
}

export interface HubCompany {
  id: string;
  name: string;
  description: string | null;
  createdAt: Date | null;
  state: 'active' | 'markedForDeletion';
}

export interface HubWorkspace {
  id: string;
  companyId: string;
  /** KESCloud, KSMO365, KSCCloudConsole — or a product this connector does not read. */
  product: string;
  state: 'active' | 'markedForDeletion';
}

export interface HubProduct {
  id: string;
  name: string;
  workspaceProduct: string;
  unit: 'device' | 'user' | 'mailbox';
}

export interface HubLicense {
  id: string;
  workspaceId: string;
  productId: string;
  type: 'trial' | 'commercial' | 'subscription';
  unit: 'device' | 'user' | 'mailbox';
  capacity: number;
  used: number | null;
  expiresAt: Date | null;
  subscriptionState: 'active' | 'paused' | 'softCancelled' | 'hardCancelled' | null;
  graceEndsAt: Date | null;
}

export interface HubStatusReason {
  code: string;
  text: string;
  severity: 'Warning' | 'Critical';
}

export interface HubDevice {
  id: string;
  workspaceId: string;
  name: string;
  kind: 'workstation' | 'server' | 'mobile';
  /** windows, macos, linux, android, ios — or another. */
  os: string;
  osName: string;
  status: 'OK' | 'Warning' | 'Critical';
  statusReasons: HubStatusReason[];
  lastSeen: Date | null;
  licenseId: string | null;
}

export interface HubEventDetails {
  sender: string | null;
  recipient: string | null;
  subject: string | null;
  mailbox: string | null;
}

export interface HubEvent {
  id: string;
  sequence: number;
  workspaceId: string;
  deviceId: string | null;
  deviceName: string | null;
  raisedAt: Date;
  severity: 'Critical' | 'FunctionalFailure' | 'Warning' | 'Info';
  type: string;
  title: string;
  description: string | null;
  details: HubEventDetails | null;
}

export interface HubIssue {
  type: string;
  since: Date | null;
  message: string | null;
}

export interface HubProtection {
  protectedMailboxes: number;
  issues: HubIssue[];
}

export interface HubTokens {
  accessToken: string;
  tokenType: string;
  expiresIn: number | null;
  refreshToken: string;
  refreshExpiresIn: number | null;
}

export interface HubPage {
  items: unknown[];
  nextPageToken: string | null;
}

// ---------------------------------------------------------------- primitives

export function protocolError(what: string, detail: string): KmspError {
  return new KmspError(`${KBH_SERVICE} answered ${what} in an unexpected shape`, {
    kind: 'protocol',
    cause: detail,
    remedy: 'Check that the URL is the Business Hub address (e.g. https://hub.kaspersky.com) and not a proxy or a web page; if it is, report this to the kmsp maintainers with the detail: Business Hub may have changed its API.',
  });
}

const show = (v: unknown): string => (JSON.stringify(v) ?? String(v)).slice(0, 80);

export function asRecord(value: unknown, what: string): WireRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw protocolError(what, `expected an object, got ${show(value)}`);
  return value as WireRecord;
}

function str(r: WireRecord, name: string, what: string): string {
  const v = r[name];
  if (typeof v !== 'string' || v === '') throw protocolError(what, `field ${name} should be non-empty text, got ${show(v)}`);
  return v;
}

function text(r: WireRecord, name: string, what: string): string {
  const v = r[name];
  if (typeof v !== 'string') throw protocolError(what, `field ${name} should be text, got ${show(v)}`);
  return v;
}

function optStr(r: WireRecord, name: string, what: string): string | null {
  const v = r[name];
  if (v === undefined || v === null) return null;
  if (typeof v !== 'string') throw protocolError(what, `field ${name} should be text, got ${show(v)}`);
  return v;
}

function count(r: WireRecord, name: string, what: string): number {
  const v = r[name];
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) throw protocolError(what, `field ${name} should be a whole number of at least 0, got ${show(v)}`);
  return v;
}

function optCount(r: WireRecord, name: string, what: string): number | null {
  return r[name] === undefined || r[name] === null ? null : count(r, name, what);
}

function oneOf<T extends string>(r: WireRecord, name: string, values: readonly T[], what: string): T {
  const v = r[name];
  if (typeof v !== 'string' || !(values as readonly string[]).includes(v)) throw protocolError(what, `field ${name} should be one of ${values.join(', ')}, got ${show(v)}`);
  return v as T;
}

function optOneOf<T extends string>(r: WireRecord, name: string, values: readonly T[], what: string): T | null {
  return r[name] === undefined || r[name] === null ? null : oneOf(r, name, values, what);
}

function instant(r: WireRecord, name: string, what: string): Date {
  const d = optInstant(r, name, what);
  if (d === null) throw protocolError(what, `field ${name} is missing`);
  return d;
}

function optInstant(r: WireRecord, name: string, what: string): Date | null {
  const v = r[name];
  if (v === undefined || v === null) return null;
  // ISO 8601 with a date and a time; a zone-less time would be read in this machine's zone.
  if (typeof v !== 'string' || !/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/i.test(v) || Number.isNaN(Date.parse(v))) {
    throw protocolError(what, `field ${name} should be an ISO 8601 instant with a zone, got ${show(v)}`);
  }
  return new Date(v);
}

/** What a record is called in messages: "company 7f3a…", the list's name when it has no id. */
function named(kind: string, r: WireRecord): string {
  return typeof r.id === 'string' && r.id !== '' ? `${kind} ${r.id.slice(0, 60)}` : kind;
}

// ---------------------------------------------------------------- records

const STATES = ['active', 'markedForDeletion'] as const;
const UNIT_VALUES = ['device', 'user', 'mailbox'] as const;

export function decodeAccount(value: unknown): HubAccount {
  const what = 'the account (GET /account)';
  const r = asRecord(value, what);
  return {
    email: str(r, 'email', what),
    displayName: optStr(r, 'displayName', what),
    mspName: optStr(r, 'mspName', what),
    twoStepVerification: oneOf(r, 'twoStepVerification', ['off', 'authenticator', 'sms'] as const, what),
  };
}

export function decodeCompany(value: unknown): HubCompany {
  const r = asRecord(value, 'a company');
  const what = named('company', r);
  return {
    id: str(r, 'id', what),
    name: text(r, 'name', what),
    description: optStr(r, 'description', what),
    createdAt: optInstant(r, 'createdAt', what),
    state: oneOf(r, 'state', STATES, what),
  };
}

export function decodeWorkspace(value: unknown): HubWorkspace {
  const r = asRecord(value, 'a workspace');
  const what = named('workspace', r);
  return { id: str(r, 'id', what), companyId: str(r, 'companyId', what), product: str(r, 'product', what), state: oneOf(r, 'state', STATES, what) };
}

export function decodeProduct(value: unknown): HubProduct {
  const r = asRecord(value, 'a product');
  const what = named('product', r);
  return { id: str(r, 'id', what), name: str(r, 'name', what), workspaceProduct: str(r, 'workspaceProduct', what), unit: oneOf(r, 'unit', UNIT_VALUES, what) };
}

export function decodeLicense(value: unknown): HubLicense {
  const r = asRecord(value, 'a license');
  const what = named('license', r);
  const type = oneOf(r, 'type', ['trial', 'commercial', 'subscription'] as const, what);
  const subscriptionState = optOneOf(r, 'subscriptionState', ['active', 'paused', 'softCancelled', 'hardCancelled'] as const, what);
  return {
    id: str(r, 'id', what),
    workspaceId: str(r, 'workspaceId', what),
    productId: str(r, 'productId', what),
    type,
    unit: oneOf(r, 'unit', UNIT_VALUES, what),
    capacity: count(r, 'capacity', what),
    used: optCount(r, 'used', what),
    expiresAt: optInstant(r, 'expiresAt', what),
    subscriptionState,
    graceEndsAt: optInstant(r, 'graceEndsAt', what),
  };
}

function decodeReason(value: unknown, what: string): HubStatusReason {
  const r = asRecord(value, `${what} (statusReasons)`);
  const where = `${what} (a status reason)`;
  return { code: str(r, 'code', where), text: optStr(r, 'text', where) ?? '', severity: oneOf(r, 'severity', ['Warning', 'Critical'] as const, where) };
}

export function decodeDevice(value: unknown): HubDevice {
  const r = asRecord(value, 'a device');
  const what = named('device', r);
  const reasons = r.statusReasons ?? [];
  if (!Array.isArray(reasons)) throw protocolError(what, `field statusReasons should be a list, got ${show(reasons)}`);
  return {
    id: str(r, 'id', what),
    workspaceId: str(r, 'workspaceId', what),
    name: text(r, 'name', what),
    kind: oneOf(r, 'kind', ['workstation', 'server', 'mobile'] as const, what),
    os: str(r, 'os', what),
    osName: optStr(r, 'osName', what) ?? '',
    status: oneOf(r, 'status', ['OK', 'Warning', 'Critical'] as const, what),
    statusReasons: reasons.map((reason) => decodeReason(reason, what)),
    lastSeen: optInstant(r, 'lastSeen', what),
    licenseId: optStr(r, 'licenseId', what),
  };
}

export function decodeEvent(value: unknown): HubEvent {
  const r = asRecord(value, 'an event');
  const what = named('event', r);
  const details = r.details === undefined || r.details === null ? null : asRecord(r.details, `${what} (details)`);
  return {
    id: str(r, 'id', what),
    sequence: count(r, 'sequence', what),
    workspaceId: str(r, 'workspaceId', what),
    // An empty device id is no device (an event of the workspace): never a device named "".
    deviceId: optStr(r, 'deviceId', what) || null,
    deviceName: optStr(r, 'deviceName', what),
    raisedAt: instant(r, 'raisedAt', what),
    severity: oneOf(r, 'severity', ['Critical', 'FunctionalFailure', 'Warning', 'Info'] as const, what),
    type: str(r, 'type', what),
    title: text(r, 'title', what),
    description: optStr(r, 'description', what),
    details: details
      ? {
          sender: optStr(details, 'sender', `${what} (details)`),
          recipient: optStr(details, 'recipient', `${what} (details)`),
          subject: optStr(details, 'subject', `${what} (details)`),
          mailbox: optStr(details, 'mailbox', `${what} (details)`),
        }
      : null,
  };
}

export function decodeProtection(value: unknown, workspaceId: string): HubProtection {
  const what = `the Office 365 protection of workspace ${workspaceId.slice(0, 60)}`;
  const r = asRecord(value, what);
  const issues = r.issues ?? [];
  if (!Array.isArray(issues)) throw protocolError(what, `field issues should be a list, got ${show(issues)}`);
  return {
    protectedMailboxes: count(r, 'protectedMailboxes', what),
    issues: issues.map((issue) => {
      const i = asRecord(issue, `${what} (an issue)`);
      return { type: str(i, 'type', `${what} (an issue)`), since: optInstant(i, 'since', `${what} (an issue)`), message: optStr(i, 'message', `${what} (an issue)`) };
    }),
  };
}

export function decodeTokens(value: unknown): HubTokens {
  const what = 'the sign-in (POST /auth/token)';
  const r = asRecord(value, what);
  const tokenType = str(r, 'tokenType', what);
  if (tokenType.toLowerCase() !== 'bearer') throw protocolError(what, `field tokenType should be Bearer, got ${show(tokenType)}`);
  const expiresIn = optCount(r, 'expiresIn', what);
  if (expiresIn === 0) throw protocolError(what, 'field expiresIn is 0: the token would be expired when issued');
  return { accessToken: str(r, 'accessToken', what), tokenType, expiresIn, refreshToken: str(r, 'refreshToken', what), refreshExpiresIn: optCount(r, 'refreshExpiresIn', what) };
}

export function decodePage(value: unknown, what: string): HubPage {
  const r = asRecord(value, what);
  const items = r[PAGING.items];
  if (!Array.isArray(items)) throw protocolError(what, `field ${PAGING.items} should be a list, got ${show(items)}`);
  const next = r[PAGING.next];
  if (next !== undefined && next !== null && typeof next !== 'string') throw protocolError(what, `field ${PAGING.next} should be text or null, got ${show(next)}`);
  return { items, nextPageToken: typeof next === 'string' && next !== '' ? next : null };
}
