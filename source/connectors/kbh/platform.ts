// Kaspersky Business Hub as a SecurityPlatform (README §4), built on HubBackend: the typed reads
// the protocol module (hubApi.ts) implements. Tenants are companies; a company's devices,
// licenses, events and Office 365 state come from its workspaces. Nothing here knows a path, a
// token or a wire field: another backend (README §2) fits unchanged.
import { isKmspError, KmspError } from '../../domain/errors.js';
import type { PlatformIdentity, SecurityPlatform } from '../../domain/ports.js';
import type { AccessCheck, Application, Device, EventCursor, EventPage, LicenseKey, SecurityEvent, Tenant, TenantCondition, TenantLicenseUsage } from '../../domain/types.js';
import { mapLimit } from '../mapLimit.js';
import { checkAccess } from './access.js';
import { KSC_CLOUD_CONSOLE_PRODUCT, WORKSPACE_PRODUCTS } from './assumptions.js';
import { advance, decodeCursor, encodeCursor, isDelivered, type CursorState, type EventPosition } from './cursor.js';
import { KBH_SERVICE } from './errors.js';
import { assignmentsOf, isReadWorkspace, toApplications, toCondition, toDevice, toLicenseKey, toSecurityEvent, toTenant } from './mapping.js';
import type { TwoStepState } from './session.js';
import type { HubAccount, HubCompany, HubDevice, HubEvent, HubLicense, HubProduct, HubProtection, HubWorkspace } from './wire.js';

/** checkAccess reads one item of a list, not all of it. */
export interface ReadOptions {
  onePage?: boolean;
}

export type EventsFrom = EventPosition;

/** The reads platform.ts needs of Business Hub; hubApi.ts implements them over the wire of README §3. */
export interface HubBackend {
  /** The hub's address as configured, for descriptions. */
  readonly url: string;
  /** What the sign-ins so far learned of the account's 2-step verification. */
  readonly twoStep: TwoStepState;
  account(): Promise<HubAccount>;
  companies(options?: ReadOptions): Promise<HubCompany[]>;
  workspaces(companyId: string, options?: ReadOptions): Promise<HubWorkspace[]>;
  products(): Promise<HubProduct[]>;
  licenses(workspaceId: string, options?: ReadOptions): Promise<HubLicense[]>;
  devices(workspaceId: string, options?: ReadOptions): Promise<HubDevice[]>;
  /** Every event after the position, oldest first. */
  events(workspaceId: string, from: EventsFrom): Promise<HubEvent[]>;
  protection(workspaceId: string): Promise<HubProtection>;
  close(): Promise<void>;
}

export interface HubPlatformSettings {
  /** Clock of the initial event window (tests fix it). */
  now: () => Date;
  /** Told what was skipped and why: unknown status reasons, KSC Cloud Console workspaces. */
  onWarning: (message: string) => void;
  /** The integration's name, for the commands remedies give; null when unknown. */
  integration: string | null;
}

/** At most this many workspaces of a company are read at once. */
const WORKSPACE_CONCURRENCY = 4;

/**
 * How long a company's workspace list is reused. A ticket pass reads a company's events, devices
 * and Office 365 state one after the other, each from its workspaces, and billing its devices and
 * licenses: one list serves them all. Shorter than a poll interval, so each pass reads it afresh.
 */
export const WORKSPACES_REUSE_MS = 30_000;

export class HubPlatform implements SecurityPlatform {
  readonly kind = 'kbh' as const;
  /**
   * Status reason codes the mapping table does not know, with how many device reads carried them
   * since the connector opened. Those reasons are left out of the devices' statuses (no ticket
   * row matches them); each new code is also told to onWarning once.
   */
  readonly skippedStatusReasons = new Map<string, number>();
  private readonly toldConsole = new Set<string>();
  private readonly toldProducts = new Set<string>();
  /** Each company's workspace list, with when it was read (or the read in flight). */
  private readonly workspaceReads = new Map<string, { at: number; read: Promise<HubWorkspace[]> }>();
  /** Device reads in flight, by company: billing asks for devices and license usage at once, both need them. */
  private readonly deviceReads = new Map<string, Promise<{ devices: Device[]; hub: HubDevice[] }>>();

  constructor(
    private readonly backend: HubBackend,
    private readonly settings: HubPlatformSettings,
  ) {}

  async verify(): Promise<PlatformIdentity> {
    const account = await this.backend.account();
    return { kind: this.kind, description: `${KBH_SERVICE} at ${this.backend.url} as ${account.email}${account.mspName ? ` (MSP ${account.mspName})` : ''}` };
  }

  async listTenants(): Promise<Tenant[]> {
    // A company listed twice would be two rows of one customer on the Accounts tab: read once, said.
    const tenants = new Map<string, Tenant>();
    for (const company of await this.backend.companies()) {
      const tenant = toTenant(company);
      if (!tenants.has(tenant.id)) tenants.set(tenant.id, tenant);
      else this.settings.onWarning(`${KBH_SERVICE}: company "${tenant.name}" (${tenant.id}) is listed twice; it is read once.`);
    }
    return [...tenants.values()];
  }

  async listApplications(): Promise<Application[]> {
    const products = await this.backend.products();
    // A product of a workspace kind kmsp does not know (one Business Hub added) would go unbilled
    // without a word; the KSC Cloud Console's are told where its workspace is met (workspacesOf).
    for (const p of products) {
      if (isKnownProduct(p.workspaceProduct) || this.toldProducts.has(p.id)) continue;
      this.toldProducts.add(p.id);
      this.settings.onWarning(
        `${KBH_SERVICE}: product "${p.name}" (${p.id}) belongs to workspaces of kind "${p.workspaceProduct}", which kmsp does not read; its licenses are not on the Services tab and are not billed. Report it to the kmsp maintainers.`,
      );
    }
    return toApplications(products);
  }

  async listDevices(tenant: Tenant): Promise<Device[]> {
    const workspaces = await this.workspacesOf(tenant);
    return this.devicesOf(tenant, workspaces).then((rows) => rows.devices);
  }

  /**
   * Licenses of the company's active KES Cloud and Office 365 workspaces, the license each device
   * of its active KES Cloud workspaces uses, and its protected mailboxes: the sum over its active
   * Office 365 workspaces, absent when it has none. A workspace marked for deletion gives none of
   * them: its license would make the mailboxes of another workspace of the company billable.
   */
  async licenseUsage(tenant: Tenant): Promise<TenantLicenseUsage> {
    const workspaces = await this.workspacesOf(tenant);
    const office365 = workspaces.filter((w) => isReadWorkspace(w, WORKSPACE_PRODUCTS.office365));
    const [licenses, devices, protections] = await Promise.all([
      mapLimit(
        workspaces.filter((w) => isReadWorkspace(w)),
        WORKSPACE_CONCURRENCY,
        (w) => this.backend.licenses(w.id),
      ),
      this.devicesOf(tenant, workspaces),
      mapLimit(office365, WORKSPACE_CONCURRENCY, (w) => this.backend.protection(w.id)),
    ]);
    const keys = new Map<string, LicenseKey>();
    for (const license of licenses.flat()) if (!keys.has(license.id)) keys.set(license.id, toLicenseKey(license));
    return {
      tenantId: tenant.id,
      keys: [...keys.values()],
      assignments: assignmentsOf(devices.hub),
      ...(office365.length > 0 ? { protectedMailboxes: protections.reduce((sum, p) => sum + p.protectedMailboxes, 0) } : {}),
    };
  }

  async eventsSince(tenant: Tenant, cursor: EventCursor | null, options: { initialWindowDays?: number } = {}): Promise<EventPage> {
    const days = options.initialWindowDays !== undefined && options.initialWindowDays > 0 ? options.initialWindowDays : 1;
    const windowStart = new Date(this.settings.now().getTime() - days * 86_400_000);
    const state: CursorState = cursor ? decodeCursor(cursor) : new Map();
    const workspaces = (await this.workspacesOf(tenant)).filter((w) => isReadWorkspace(w));
    const read = await mapLimit(workspaces, WORKSPACE_CONCURRENCY, async (w) => {
      const from = state.get(w.id) ?? { raisedSince: windowStart };
      const events = await this.backend.events(w.id, from);
      return { workspace: w, from, events };
    });
    const next: CursorState = new Map(state);
    const out: Array<{ event: SecurityEvent; workspace: string; sequence: number }> = [];
    for (const { workspace, from, events } of read) {
      // Past every event read, delivered or not: one left out (before the floor) stays out.
      next.set(workspace.id, advance(from, events.map((e) => e.sequence)));
      for (const e of events.filter((ev) => isDelivered(from, ev))) out.push({ event: toSecurityEvent(e, workspace, tenant.id), workspace: workspace.id, sequence: e.sequence });
    }
    out.sort((a, b) => a.event.raisedAt.getTime() - b.event.raisedAt.getTime() || a.workspace.localeCompare(b.workspace) || a.sequence - b.sequence);
    return { events: out.map((o) => o.event), cursor: encodeCursor(next) };
  }

  /** The active issues of the company's active Office 365 workspaces, complete: an issue absent is cleared. */
  async conditions(tenant: Tenant): Promise<TenantCondition[]> {
    const office365 = (await this.workspacesOf(tenant)).filter((w) => isReadWorkspace(w, WORKSPACE_PRODUCTS.office365));
    const protections = await mapLimit(office365, WORKSPACE_CONCURRENCY, (w) => this.backend.protection(w.id));
    const byId = new Map<string, TenantCondition>();
    for (const issue of protections.flatMap((p) => p.issues)) {
      const condition = toCondition(issue, tenant.id);
      const known = byId.get(condition.id);
      // Reported by two workspaces: the earlier "since" is when the company first had it.
      if (!known || (condition.since && (!known.since || condition.since < known.since))) byId.set(condition.id, condition);
    }
    return [...byId.values()];
  }

  checkAccess(): Promise<AccessCheck[]> {
    return checkAccess(this.backend, this.settings.integration);
  }

  close(): Promise<void> {
    return this.backend.close();
  }

  // ---------------------------------------------------------------- helpers

  /** The company's workspaces, read again once WORKSPACES_REUSE_MS passed (a failed read is not kept). */
  private workspacesOf(tenant: Tenant): Promise<HubWorkspace[]> {
    // The connector's clock (tests move it); one set back counts as time passed.
    const now = this.settings.now().getTime();
    // Entries past their time go as new ones come: the map holds at most the companies of the last moments.
    for (const [id, entry] of this.workspaceReads) if (now - entry.at >= WORKSPACES_REUSE_MS || now < entry.at) this.workspaceReads.delete(id);
    const kept = this.workspaceReads.get(tenant.id);
    if (kept) return kept.read;
    const read = this.readWorkspaces(tenant);
    const entry = { at: now, read };
    this.workspaceReads.set(tenant.id, entry);
    read.catch(() => {
      if (this.workspaceReads.get(tenant.id) === entry) this.workspaceReads.delete(tenant.id);
    });
    return read;
  }

  /** The company's workspaces; a company the hub no longer has is said by the tenant's name. */
  private async readWorkspaces(tenant: Tenant): Promise<HubWorkspace[]> {
    let workspaces: HubWorkspace[];
    try {
      workspaces = await this.backend.workspaces(tenant.id);
    } catch (error) {
      if (isKmspError(error) && error.kind === 'not-found') {
        throw new KmspError(`Company "${tenant.name}" no longer exists in ${KBH_SERVICE}`, {
          kind: 'not-found',
          cause: `no company has the id ${tenant.id} any more${error.why ? ` (${error.why})` : ''}`,
          remedy: 'It was removed in Business Hub: remove it on the Accounts tab, or map the company that replaced it.',
          ...(error.code !== undefined ? { code: error.code } : {}),
        });
      }
      throw error;
    }
    for (const w of workspaces) {
      if (!isKnownProduct(w.product) && !this.toldConsole.has(w.id)) {
        this.toldConsole.add(w.id);
        this.settings.onWarning(
          `${KBH_SERVICE}: company "${tenant.name}" has a workspace of kind "${w.product}" (${w.id}), which kmsp does not read; its devices, licenses and events are left out. Report it to the kmsp maintainers.`,
        );
      }
      if (w.product !== KSC_CLOUD_CONSOLE_PRODUCT || this.toldConsole.has(w.id)) continue;
      this.toldConsole.add(w.id);
      this.settings.onWarning(
        `${KBH_SERVICE}: company "${tenant.name}" has a KSC Cloud Console workspace (${w.id}); kmsp does not read its devices, licenses or events. Connect that console as a Kaspersky Security Center integration to bill and ticket them.`,
      );
    }
    return workspaces;
  }

  /** The company's devices; a read already in flight for it is shared (dropped when settled: never stale). */
  private devicesOf(tenant: Tenant, workspaces: readonly HubWorkspace[]): Promise<{ devices: Device[]; hub: HubDevice[] }> {
    let reading = this.deviceReads.get(tenant.id);
    if (!reading) {
      reading = this.readDevices(tenant, workspaces).finally(() => {
        if (this.deviceReads.get(tenant.id) === reading) this.deviceReads.delete(tenant.id);
      });
      this.deviceReads.set(tenant.id, reading);
    }
    return reading;
  }

  private async readDevices(tenant: Tenant, workspaces: readonly HubWorkspace[]): Promise<{ devices: Device[]; hub: HubDevice[] }> {
    const kes = workspaces.filter((w) => isReadWorkspace(w, WORKSPACE_PRODUCTS.kesCloud));
    const hub = (await mapLimit(kes, WORKSPACE_CONCURRENCY, (w) => this.backend.devices(w.id))).flat();
    const devices = hub.map((d) => {
      const { device, unknownReasons } = toDevice(d, tenant.id);
      for (const code of unknownReasons) this.skipped(code, tenant);
      return device;
    });
    return { devices, hub };
  }

  private skipped(code: string, tenant: Tenant): void {
    const seen = this.skippedStatusReasons.get(code);
    this.skippedStatusReasons.set(code, (seen ?? 0) + 1);
    if (seen === undefined) {
      this.settings.onWarning(
        `${KBH_SERVICE}: a device of company "${tenant.name}" reports the status reason "${code}", which kmsp does not know; it is left out of the device's statuses (no Ticketing row matches it). Report it to the kmsp maintainers.`,
      );
    }
  }
}

/** A workspace kind kmsp reads, or the KSC Cloud Console's (told apart: it has its own remedy). */
function isKnownProduct(product: string): boolean {
  return product === KSC_CLOUD_CONSOLE_PRODUCT || (Object.values(WORKSPACE_PRODUCTS) as string[]).includes(product);
}
