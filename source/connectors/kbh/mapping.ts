// Business Hub's records in kmsp's words (README §4): companies → tenants, products →
// applications, devices → categories, health and status descriptions, licenses → keys and
// assignments, events → security events (Office 365 ones in their own rule section), Office 365
// issues → tenant conditions. Pure: no I/O; the tables are in assumptions.ts.
import { OFFICE365_SECTION } from '../../domain/profiles/kbh.js';
import type {
  ActiveStatusDescription,
  Application,
  Device,
  DeviceCategory,
  DeviceHealth,
  KeyAssignment,
  LicenseKey,
  SecurityEvent,
  Tenant,
  TenantCondition,
} from '../../domain/types.js';
import {
  ACTIVE_STATE,
  EVENT_SEVERITIES,
  GRACE_PERIOD_BILLABLE,
  LICENSE_TYPES,
  OFFICE365_ROW_KEYS,
  REASON_SEVERITIES,
  REASON_STATUS_IDS,
  SUBSCRIPTION_STATES,
  UNITS,
  WORKSPACE_PRODUCTS,
  eventIdOf,
} from './assumptions.js';
import type { HubCompany, HubDevice, HubEvent, HubIssue, HubLicense, HubProduct, HubWorkspace } from './wire.js';

/** The products' names as kmsp shows them on events (SecurityEvent.product). */
export const PRODUCT_NAMES: Readonly<Record<string, string>> = {
  [WORKSPACE_PRODUCTS.kesCloud]: 'Kaspersky Endpoint Security Cloud',
  [WORKSPACE_PRODUCTS.office365]: 'Kaspersky Security for Microsoft Office 365',
};

export function toTenant(company: HubCompany): Tenant {
  return { id: company.id, name: company.name, enabled: company.state === ACTIVE_STATE };
}

/** A workspace of a product kmsp reads: KES Cloud or Office 365 (never KSC Cloud Console: assumptions.ts). */
function isKnownWorkspace(workspace: HubWorkspace, product?: string): boolean {
  const known = workspace.product === WORKSPACE_PRODUCTS.kesCloud || workspace.product === WORKSPACE_PRODUCTS.office365;
  return known && (product === undefined || workspace.product === product);
}

/** A workspace whose devices, events and protection kmsp reads: known and active (not marked for deletion). */
export function isReadWorkspace(workspace: HubWorkspace, product?: string): boolean {
  return isKnownWorkspace(workspace, product) && workspace.state === ACTIVE_STATE;
}

/** Products of the workspaces kmsp reads, as the Services tab's applications (unit from the product). */
export function toApplications(products: readonly HubProduct[]): Application[] {
  const read = new Set<string>(Object.values(WORKSPACE_PRODUCTS));
  const seen = new Set<string>();
  const out: Application[] = [];
  for (const p of products) {
    if (!read.has(p.workspaceProduct) || seen.has(p.id)) continue;
    seen.add(p.id);
    out.push({ id: p.id, name: p.name, unit: UNITS[p.unit]! });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name));
}

/** Phones and tablets are non-Windows (and mobile); Windows machines by kind. */
export function deviceCategory(device: Pick<HubDevice, 'kind' | 'os'>): DeviceCategory {
  if (device.kind === 'mobile' || device.os.toLowerCase() !== 'windows') return 'non-windows';
  return device.kind === 'server' ? 'windows-server' : 'windows-workstation';
}

const HEALTH: Record<HubDevice['status'], DeviceHealth> = { OK: 'ok', Warning: 'warning', Critical: 'critical' };

/**
 * A device's status reasons as catalog ids at their severity, each once; codes the table does not
 * know are returned apart (the platform counts and reports them).
 */
export function statusesOf(device: Pick<HubDevice, 'statusReasons'>): { statuses: ActiveStatusDescription[]; unknown: string[] } {
  const statuses: ActiveStatusDescription[] = [];
  const unknown: string[] = [];
  const seen = new Set<string>();
  for (const reason of device.statusReasons) {
    const id = REASON_STATUS_IDS[reason.code];
    if (!id) {
      unknown.push(reason.code);
      continue;
    }
    const severity = REASON_SEVERITIES[reason.severity]!;
    const key = `${id}:${severity}`;
    if (seen.has(key)) continue;
    seen.add(key);
    statuses.push({ id, severity });
  }
  return { statuses, unknown };
}

export function toDevice(device: HubDevice, tenantId: string): { device: Device; unknownReasons: string[] } {
  const { statuses, unknown } = statusesOf(device);
  return {
    device: {
      id: device.id,
      tenantId,
      name: device.name,
      category: deviceCategory(device),
      osName: device.osName,
      mobile: device.kind === 'mobile',
      health: HEALTH[device.status],
      statuses,
      lastSeen: device.lastSeen,
    },
    unknownReasons: unknown,
  };
}

export function toLicenseKey(license: HubLicense): LicenseKey {
  const expiresAt = GRACE_PERIOD_BILLABLE ? (license.graceEndsAt ?? license.expiresAt) : license.expiresAt;
  return {
    id: license.id,
    applicationId: license.productId,
    type: LICENSE_TYPES[license.type]!,
    expiresAt,
    subscriptionState: license.subscriptionState === null ? null : SUBSCRIPTION_STATES[license.subscriptionState]!,
    capacity: license.capacity,
  };
}

/** "Device X uses license L": the hub names one license per device, the one in use. */
export function assignmentsOf(devices: readonly HubDevice[]): KeyAssignment[] {
  return devices.flatMap((d) => (d.licenseId ? [{ keyId: d.licenseId, deviceId: d.id, current: true }] : []));
}

/** The Office 365 section's row key of an event or issue type; an unknown type keeps its own. */
export function office365RowKey(type: string): string {
  return OFFICE365_ROW_KEYS[type] ?? type;
}

function describe(event: HubEvent): string {
  const lines = [event.description?.trim() || event.title];
  const d = event.details;
  if (d) {
    const parts: Array<[string, string | null]> = [
      ['Mailbox', d.mailbox],
      ['Sender', d.sender],
      ['Recipient', d.recipient],
      ['Subject', d.subject],
    ];
    for (const [label, value] of parts) if (value && value.trim() !== '') lines.push(`${label}: ${value.trim()}`);
  }
  return lines.join('\n');
}

/**
 * An event in kmsp's words. Office 365 events go to the profile's Office 365 section, typed by
 * its row key; KES Cloud events keep their type and are ruled by severity.
 */
export function toSecurityEvent(event: HubEvent, workspace: HubWorkspace, tenantId: string): SecurityEvent {
  const office365 = workspace.product === WORKSPACE_PRODUCTS.office365;
  return {
    id: eventIdOf(event),
    tenantId,
    severity: EVENT_SEVERITIES[event.severity]!,
    type: office365 ? office365RowKey(event.type) : event.type,
    typeName: event.title || event.type,
    description: describe(event),
    deviceId: event.deviceId,
    deviceName: event.deviceName,
    product: PRODUCT_NAMES[workspace.product] ?? null,
    raisedAt: event.raisedAt,
    ...(office365 ? { section: OFFICE365_SECTION } : {}),
  };
}

export function toCondition(issue: HubIssue, tenantId: string): TenantCondition {
  return { tenantId, section: OFFICE365_SECTION, id: office365RowKey(issue.type), since: issue.since, detail: issue.message?.trim() || null };
}
