// The simulated hub's records: the fixture's companies and workspaces with their licenses,
// devices, events and Office 365 state, times resolved against the clock, and the changes the
// control API makes (a device's status reasons, an Office 365 issue, a paused subscription...).
// What the hub derives is derived here: a device's status from its reasons, a license's `used`
// from the devices on it (per user: max(computers, ⌈mobiles/2⌉)) or the protected mailboxes,
// an event's sequence from the order it arrived in its workspace.
import { resolveTime } from '../fixtureTime.js';
import { notFound, SimInputError } from './errors.js';
import {
  checkReason,
  DEFAULT_PRODUCTS,
  EVENT_SEVERITIES,
  ISSUE_TEXTS,
  KIND_OS,
  OFFICE365_ISSUE_TYPES,
  REASON_TEXTS,
  type DeviceKind,
  type DeviceOs,
  type EventSeverity,
  type KbhDeviceFixture,
  type KbhEventFixture,
  type KbhFixture,
  type KbhProduct,
  type KbhReasonFixture,
  type KbhTime,
  type KbhUser,
  type LicenseType,
  type LicenseUnit,
  type Office365IssueType,
  type SubscriptionState,
  type WorkspaceProduct,
} from './fixture.js';

export interface Company {
  id: string;
  name: string;
  description?: string;
  createdAt: number;
  state: 'active' | 'markedForDeletion';
}

export interface Issue {
  type: Office365IssueType;
  since: number;
  message: string;
}

export interface Workspace {
  id: string;
  companyId: string;
  product: WorkspaceProduct;
  state: 'active' | 'markedForDeletion';
  protectedMailboxes: number;
  issues: Issue[];
  lastSequence: number;
}

export interface License {
  id: string;
  workspaceId: string;
  productId: string;
  type: LicenseType;
  unit: LicenseUnit;
  capacity: number;
  /** Fixed by the fixture; null: computed. */
  fixedUsed: number | null;
  expiresAt: number | null;
  subscriptionState: SubscriptionState | null;
  graceEndsAt: number | null;
}

export interface Reason {
  code: string;
  text: string;
  severity: 'Warning' | 'Critical';
}

export interface Device {
  id: string;
  workspaceId: string;
  name: string;
  kind: DeviceKind;
  os: DeviceOs;
  osName: string;
  reasons: Reason[];
  lastSeen: number | null;
  licenseId: string | null;
}

export interface HubEvent {
  id: string;
  sequence: number;
  workspaceId: string;
  deviceId: string | null;
  deviceName: string | null;
  raisedAt: number;
  severity: EventSeverity;
  type: string;
  title: string;
  description?: string;
  details?: { sender?: string; recipient?: string; subject?: string; mailbox?: string };
}

/** ISO with whole seconds, as every time on the wire. */
export const iso = (ms: number) => new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z');
const nullableIso = (ms: number | null) => (ms === null ? null : iso(ms));

/** The event each Office 365 condition raises when it appears (README §3: the condition's own type). */
const ISSUE_EVENT_TITLES: Record<Office365IssueType, string> = {
  MailboxesProtectionNotProvided: 'Mailboxes protection is not provided',
  LicenseIssue: 'License-related issue occurred',
};

export class KbhState {
  readonly products: KbhProduct[];
  readonly companies: Company[] = [];
  readonly workspaces: Workspace[] = [];
  readonly licenses: License[] = [];
  readonly devices: Device[] = [];
  readonly events: HubEvent[] = [];
  private readonly eventIds = new Set<string>();

  constructor(
    readonly fixture: KbhFixture,
    readonly clock: () => number,
  ) {
    this.products = structuredClone(fixture.products ?? [...DEFAULT_PRODUCTS]);
    for (const c of fixture.companies) {
      this.companies.push({
        id: c.id,
        name: c.name,
        ...(c.description !== undefined ? { description: c.description } : {}),
        createdAt: this.time(c.createdAt ?? 'now'),
        state: c.state ?? 'active',
      });
      for (const w of c.workspaces ?? []) {
        const ws: Workspace = {
          id: w.id,
          companyId: c.id,
          product: w.product,
          state: w.state ?? 'active',
          protectedMailboxes: w.protectedMailboxes ?? 0,
          issues: (w.issues ?? []).map((i) => ({ type: i.type, since: this.time(i.since ?? 'now'), message: i.message ?? ISSUE_TEXTS[i.type] })),
          lastSequence: 0,
        };
        this.workspaces.push(ws);
        for (const l of w.licenses ?? []) {
          const product = this.products.find((p) => p.id === l.productId)!;
          const subscription = l.type === 'subscription';
          this.licenses.push({
            id: l.id,
            workspaceId: w.id,
            productId: l.productId,
            type: l.type,
            unit: l.unit ?? product.unit,
            capacity: l.capacity,
            fixedUsed: l.used ?? null,
            expiresAt: this.optionalTime(l.expiresAt),
            subscriptionState: subscription ? (l.subscriptionState ?? 'active') : null,
            graceEndsAt: subscription ? this.optionalTime(l.graceEndsAt) : null,
          });
        }
        for (const d of w.devices ?? []) this.devices.push(this.deviceOf(w.id, d));
        // Oldest first: the fixture's events arrive in the order they were raised.
        const events = [...(w.events ?? [])].sort((a, b) => this.time(a.raisedAt) - this.time(b.raisedAt));
        for (const e of events) this.pushEvent(ws, e);
      }
    }
  }

  now(): number {
    return Math.floor(this.clock() / 1000) * 1000;
  }

  /** A fixture or control time, at whole seconds. */
  time(value: KbhTime): number {
    const d = resolveTime(value, new Date(this.clock()));
    if (!d) throw new SimInputError(`"${value}" is not an ISO or relative time (now-2h)`);
    return Math.floor(d.getTime() / 1000) * 1000;
  }

  private optionalTime(value: KbhTime | null | undefined): number | null {
    return value === null || value === undefined ? null : this.time(value);
  }

  // ------------------------------------------------------------ lookups (404 for the API)

  company(id: string): Company {
    const c = this.companies.find((x) => x.id === id);
    if (!c) throw notFound(`Company ${id} was not found.`);
    return c;
  }

  workspace(id: string): Workspace {
    const w = this.workspaces.find((x) => x.id === id);
    if (!w) throw notFound(`Workspace ${id} was not found.`);
    return w;
  }

  license(id: string): License {
    const l = this.licenses.find((x) => x.id === id);
    if (!l) throw notFound(`License ${id} was not found.`);
    return l;
  }

  device(id: string): Device {
    const d = this.devices.find((x) => x.id === id);
    if (!d) throw notFound(`Device ${id} was not found.`);
    return d;
  }

  /** Whether a user may see a company: the MSP's companies, narrowed by the user's companyIds. */
  sees(user: KbhUser, companyId: string): boolean {
    return this.companies.some((c) => c.id === companyId) && (user.companyIds === undefined || user.companyIds.includes(companyId));
  }

  visibleCompanies(user: KbhUser): Company[] {
    return this.companies.filter((c) => this.sees(user, c.id));
  }

  /** A company the user may see; one outside the user's scope is as unknown as one that does not exist. */
  visibleCompany(user: KbhUser, id: string): Company {
    const c = this.company(id);
    if (!this.sees(user, c.id)) throw notFound(`Company ${id} was not found.`);
    return c;
  }

  visibleWorkspace(user: KbhUser, id: string): Workspace {
    const w = this.workspace(id);
    if (!this.sees(user, w.companyId)) throw notFound(`Workspace ${id} was not found.`);
    return w;
  }

  workspacesOf(companyId: string): Workspace[] {
    return this.workspaces.filter((w) => w.companyId === companyId);
  }

  licensesOf(workspaceId: string): License[] {
    return this.licenses.filter((l) => l.workspaceId === workspaceId);
  }

  devicesOf(workspaceId: string): Device[] {
    return this.devices.filter((d) => d.workspaceId === workspaceId);
  }

  eventsOf(workspaceId: string): HubEvent[] {
    return this.events.filter((e) => e.workspaceId === workspaceId);
  }

  // ------------------------------------------------------------ derived values

  statusOf(d: Device): 'OK' | 'Warning' | 'Critical' {
    if (d.reasons.some((r) => r.severity === 'Critical')) return 'Critical';
    return d.reasons.length > 0 ? 'Warning' : 'OK';
  }

  usedOf(l: License): number {
    if (l.fixedUsed !== null) return l.fixedUsed;
    if (l.unit === 'mailbox') return this.workspace(l.workspaceId).protectedMailboxes;
    const on = this.devices.filter((d) => d.licenseId === l.id);
    if (l.unit === 'device') return on.length;
    // One user: one computer or file server and up to two mobile devices.
    const computers = on.filter((d) => d.kind !== 'mobile').length;
    const mobiles = on.length - computers;
    return Math.max(computers, Math.ceil(mobiles / 2));
  }

  // ------------------------------------------------------------ wire records (README §3)

  wireCompany(c: Company) {
    return { id: c.id, name: c.name, ...(c.description !== undefined ? { description: c.description } : {}), createdAt: iso(c.createdAt), state: c.state };
  }

  wireWorkspace(w: Workspace) {
    return { id: w.id, companyId: w.companyId, product: w.product, state: w.state };
  }

  wireProduct(p: KbhProduct) {
    return { id: p.id, name: p.name, workspaceProduct: p.workspaceProduct, unit: p.unit };
  }

  wireLicense(l: License) {
    return {
      id: l.id,
      workspaceId: l.workspaceId,
      productId: l.productId,
      type: l.type,
      unit: l.unit,
      capacity: l.capacity,
      used: this.usedOf(l),
      expiresAt: nullableIso(l.expiresAt),
      ...(l.type === 'subscription' ? { subscriptionState: l.subscriptionState, graceEndsAt: nullableIso(l.graceEndsAt) } : {}),
    };
  }

  wireDevice(d: Device) {
    return {
      id: d.id,
      workspaceId: d.workspaceId,
      name: d.name,
      kind: d.kind,
      os: d.os,
      osName: d.osName,
      status: this.statusOf(d),
      statusReasons: d.reasons.map((r) => ({ code: r.code, text: r.text, severity: r.severity })),
      lastSeen: nullableIso(d.lastSeen),
      licenseId: d.licenseId,
    };
  }

  wireEvent(e: HubEvent) {
    return {
      id: e.id,
      sequence: e.sequence,
      workspaceId: e.workspaceId,
      deviceId: e.deviceId,
      deviceName: e.deviceName,
      raisedAt: iso(e.raisedAt),
      severity: e.severity,
      type: e.type,
      title: e.title,
      ...(e.description !== undefined ? { description: e.description } : {}),
      ...(e.details !== undefined ? { details: e.details } : {}),
    };
  }

  wireProtection(w: Workspace) {
    return { protectedMailboxes: w.protectedMailboxes, issues: w.issues.map((i) => ({ type: i.type, since: iso(i.since), message: i.message })) };
  }

  // ------------------------------------------------------------ changes (control API)

  private input<T>(lookup: () => T): T {
    try {
      return lookup();
    } catch (error) {
      throw new SimInputError((error as Error).message);
    }
  }

  private reasonsOf(list: KbhReasonFixture[], where: string): Reason[] {
    if (!Array.isArray(list)) throw new SimInputError(`${where}: "reasons" must be a list`);
    const fail = (what: string): never => {
      throw new SimInputError(what);
    };
    const out: Reason[] = [];
    for (const r of list) {
      checkReason(r, where, fail);
      // One entry per condition: giving a code again replaces it.
      const reason = { code: r.code, text: r.text ?? REASON_TEXTS[r.code]!, severity: r.severity };
      const at = out.findIndex((x) => x.code === r.code);
      if (at >= 0) out[at] = reason;
      else out.push(reason);
    }
    return out;
  }

  private deviceOf(workspaceId: string, d: KbhDeviceFixture): Device {
    return {
      id: d.id,
      workspaceId,
      name: d.name,
      kind: d.kind,
      os: d.os,
      osName: d.osName,
      reasons: this.reasonsOf(d.statusReasons ?? [], `device ${d.id}`),
      lastSeen: d.lastSeen === undefined ? this.now() : this.optionalTime(d.lastSeen),
      licenseId: d.licenseId ?? null,
    };
  }

  private pushEvent(ws: Workspace, e: KbhEventFixture): HubEvent {
    const device = e.deviceId ? this.devices.find((d) => d.id === e.deviceId && d.workspaceId === ws.id) : undefined;
    if (e.deviceId && !device) throw new SimInputError(`device ${e.deviceId} is not in workspace ${ws.id}`);
    const sequence = ws.lastSequence + 1;
    const id = e.id ?? `${ws.id}-ev-${sequence}`;
    if (this.eventIds.has(id)) throw new SimInputError(`event id ${id} is used already`);
    ws.lastSequence = sequence;
    this.eventIds.add(id);
    const event: HubEvent = {
      id,
      sequence,
      workspaceId: ws.id,
      deviceId: device?.id ?? null,
      deviceName: device?.name ?? null,
      raisedAt: this.time(e.raisedAt),
      severity: e.severity,
      type: e.type,
      title: e.title,
      ...(e.description !== undefined ? { description: e.description } : {}),
      ...(e.details !== undefined ? { details: structuredClone(e.details) } : {}),
    };
    this.events.push(event);
    return event;
  }

  /** The hub registers an event now (raisedAt default now; a past raisedAt is a late event). */
  addEvent(workspaceId: string, e: Omit<KbhEventFixture, 'raisedAt'> & { raisedAt?: KbhTime }): HubEvent {
    const ws = this.input(() => this.workspace(workspaceId));
    if (!e || typeof e !== 'object') throw new SimInputError('"event" must be an object');
    if (!EVENT_SEVERITIES.includes(e.severity)) throw new SimInputError(`event severity must be one of ${EVENT_SEVERITIES.join(', ')}`);
    if (typeof e.type !== 'string' || typeof e.title !== 'string') throw new SimInputError('an event needs "type" and "title"');
    return this.pushEvent(ws, { ...e, raisedAt: e.raisedAt ?? 'now' });
  }

  /** The device's conditions are now exactly these (an empty list: OK). */
  setDeviceReasons(deviceId: string, reasons: KbhReasonFixture[]): void {
    const d = this.input(() => this.device(deviceId));
    d.reasons = this.reasonsOf(reasons, `device ${deviceId}`);
  }

  clearDeviceReason(deviceId: string, code: string): void {
    const d = this.input(() => this.device(deviceId));
    if (!d.reasons.some((r) => r.code === code)) throw new SimInputError(`device ${deviceId} has no status reason ${code}`);
    d.reasons = d.reasons.filter((r) => r.code !== code);
  }

  addDevice(workspaceId: string, d: KbhDeviceFixture): Device {
    const ws = this.input(() => this.workspace(workspaceId));
    if (ws.product !== 'KESCloud') throw new SimInputError(`workspace ${workspaceId} is not a KES Cloud workspace`);
    if (!d || typeof d.id !== 'string' || typeof d.name !== 'string' || typeof d.osName !== 'string') throw new SimInputError('a device needs "id", "name", "kind", "os" and "osName"');
    if (this.devices.some((x) => x.id === d.id)) throw new SimInputError(`device ${d.id} exists already`);
    if (!KIND_OS[d.kind]?.includes(d.os)) throw new SimInputError(`device ${d.id}: kind/os must be one of ${Object.entries(KIND_OS).map(([k, o]) => `${k}: ${o.join('|')}`).join('; ')}`);
    if (d.licenseId && !this.licensesOf(ws.id).some((l) => l.id === d.licenseId)) throw new SimInputError(`license ${d.licenseId} is not in workspace ${ws.id}`);
    const device = this.deviceOf(ws.id, d);
    this.devices.push(device);
    return device;
  }

  private office365(workspaceId: string): Workspace {
    const ws = this.input(() => this.workspace(workspaceId));
    if (ws.product !== 'KSMO365') throw new SimInputError(`workspace ${workspaceId} is not an Office 365 workspace`);
    return ws;
  }

  /**
   * An Office 365 condition appears: it is active from now, and the hub registers its event.
   * Raising one that is active already changes nothing. Returns the event, or null.
   */
  raiseIssue(workspaceId: string, type: Office365IssueType, message?: string): HubEvent | null {
    const ws = this.office365(workspaceId);
    if (!OFFICE365_ISSUE_TYPES.includes(type)) throw new SimInputError(`issue type must be one of ${OFFICE365_ISSUE_TYPES.join(', ')}`);
    if (ws.issues.some((i) => i.type === type)) return null;
    const text = message ?? ISSUE_TEXTS[type];
    ws.issues.push({ type, since: this.now(), message: text });
    return this.pushEvent(ws, { raisedAt: 'now', severity: 'Critical', type, title: ISSUE_EVENT_TITLES[type], description: text });
  }

  clearIssue(workspaceId: string, type: Office365IssueType): void {
    const ws = this.office365(workspaceId);
    if (!ws.issues.some((i) => i.type === type)) throw new SimInputError(`workspace ${workspaceId} has no active ${type} issue`);
    ws.issues = ws.issues.filter((i) => i.type !== type);
  }

  setProtectedMailboxes(workspaceId: string, count: number): void {
    const ws = this.office365(workspaceId);
    if (!Number.isInteger(count) || count < 0) throw new SimInputError('the mailbox count must be a whole number ≥ 0');
    ws.protectedMailboxes = count;
  }

  private subscription(licenseId: string): License {
    const l = this.input(() => this.license(licenseId));
    if (l.type !== 'subscription') throw new SimInputError(`license ${licenseId} is a ${l.type} license, not a subscription`);
    return l;
  }

  pauseLicense(licenseId: string): void {
    const l = this.subscription(licenseId);
    if (l.subscriptionState === 'hardCancelled') throw new SimInputError(`subscription ${licenseId} is cancelled`);
    l.subscriptionState = 'paused';
  }

  resumeLicense(licenseId: string): void {
    const l = this.subscription(licenseId);
    if (l.subscriptionState === 'hardCancelled') throw new SimInputError(`subscription ${licenseId} is cancelled`);
    l.subscriptionState = 'active';
  }

  /** Soft: runs to the end of its term; hard: ends now (its expiry becomes now). */
  cancelLicense(licenseId: string, how: 'soft' | 'hard' = 'soft'): void {
    const l = this.subscription(licenseId);
    if (how !== 'soft' && how !== 'hard') throw new SimInputError('a cancellation is "soft" or "hard"');
    l.subscriptionState = how === 'soft' ? 'softCancelled' : 'hardCancelled';
    if (how === 'hard') {
      l.expiresAt = this.now();
      l.graceEndsAt = null;
    }
  }

  setLicenseExpiry(licenseId: string, expiresAt: KbhTime | null, graceEndsAt?: KbhTime | null): void {
    const l = this.input(() => this.license(licenseId));
    if (graceEndsAt !== undefined && l.type !== 'subscription') throw new SimInputError(`license ${licenseId}: only subscriptions have a grace period`);
    l.expiresAt = this.optionalTime(expiresAt);
    if (graceEndsAt !== undefined) l.graceEndsAt = this.optionalTime(graceEndsAt);
  }

  renameCompany(companyId: string, name: string): void {
    if (typeof name !== 'string' || name.trim() === '') throw new SimInputError('a company needs a name');
    this.input(() => this.company(companyId)).name = name;
  }

  setCompanyState(companyId: string, state: 'active' | 'markedForDeletion'): void {
    if (state !== 'active' && state !== 'markedForDeletion') throw new SimInputError('a company is "active" or "markedForDeletion"');
    this.input(() => this.company(companyId)).state = state;
  }
}
