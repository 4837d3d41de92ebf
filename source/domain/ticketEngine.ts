// The pure ticket engine (README › Ticket rules): which events and device status
// descriptions become tickets, which open status tickets close, and the per-account
// breaker. No I/O: the agent's ticket job (source/tickets/) feeds it snapshots and
// carries out its decisions (ledger/externalID dedup, notes, PSA writes).
//
// Decisions worth knowing (tested in test/unit/domain-tickets.test.ts):
// - Skip reasons are checked in a fixed order, so a count means one thing:
//   info-severity → rule-off → older-than-lifetime → not-mapped → account-missing →
//   account-inactive → rule-incomplete. An event older than its lifetime is never
//   counted as "account-inactive"; an inactive account's fresh, enabled events are.
// - rule-incomplete: queue or priority missing or unresolved (value ''), the General
//   new status missing, or due hours / lifetime not a positive number. A draft never
//   carries a blank required field. Unresolved optional choices (source, work type,
//   issue type, sub-issue type) become null.
// - Lifetime: an event raised before now − lifetimeDays is skipped; exactly at the
//   boundary it is kept. Events dated in the future (clock skew) are kept.
// - Duplicate event ids in one batch yield one draft; events of another tenant are
//   'not-mapped' for this mapping.
// - Statuses: keyed by device + description + severity. An open ticket stays open
//   (stillActive) exactly while the device reports that description at that severity.
//   Closing depends only on the condition, never on the rule or the account: a rule
//   switched off or an account gone inactive does not close (or re-open) anything.
// - Severity change (warning → critical or back): the new severity's ticket is
//   created (if its row is enabled and complete) and the old one closes. If no ticket
//   can exist for the new severity (row off, incomplete, account not usable), the old
//   ticket stays open (stillActive) rather than signalling "cleared" while the
//   description is still active. The job should create before it closes.
// - Open tickets whose key is not this integration+tenant's key for their
//   device/description/severity are ignored (neither closed nor stillActive): a
//   snapshot of one tenant never closes another tenant's tickets.
// - The device snapshot must be complete for the tenant: a device absent from it is
//   "gone" and its tickets close. Don't call with a partial snapshot.
import type { Integration, PsaChoice, StatusRule, TenantMapping, TicketFields } from './config.js';
import { eventTicketKey, statusTicketKey } from './ticketKeys.js';
import { ticketDescription, ticketTitle } from './ticketTemplates.js';
import type { Device, PsaAccount, SecurityEvent } from './types.js';

export { eventTicketKey, statusTicketKey, MAX_TICKET_KEY_LENGTH } from './ticketKeys.js';
export { ticketTitle, ticketDescription, formatTicketTime, MAX_TITLE_LENGTH, MAX_DESCRIPTION_LENGTH, type TicketTemplateInput } from './ticketTemplates.js';

export interface TicketDraft {
  key: string;
  kind: 'event' | 'status';
  tenantId: string;
  tenantName: string;
  accountId: string;
  deviceId: string | null;
  deviceName: string | null;
  descriptionId: string | null;
  eventId: string | null;
  title: string;
  description: string;
  queue: string | null;
  priority: string;
  status: string;
  source: string | null;
  dueAt: Date;
  workType: string | null;
  issueType: string | null;
  subIssueType: string | null;
}

export type SkipReason =
  | 'rule-off'
  | 'info-severity'
  | 'older-than-lifetime'
  | 'not-mapped'
  | 'account-inactive'
  | 'account-missing'
  | 'rule-incomplete';

export interface OpenStatusTicket {
  key: string;
  deviceId: string;
  descriptionId: string;
  severity: 'warning' | 'critical';
  psaTicketId: string;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

function value(c: PsaChoice | null | undefined): string | null {
  const v = c?.value?.trim();
  return v ? v : null;
}

function positive(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0;
}

/** Account gate shared by events and statuses: null when tickets may be created. */
function accountProblem(mapping: TenantMapping, account: PsaAccount | null): SkipReason | null {
  if (!mapping.accountId) return 'not-mapped';
  if (!account || account.id !== mapping.accountId) return 'account-missing';
  if (!account.active) return 'account-inactive';
  return null;
}

interface ResolvedFields {
  queue: string;
  priority: string;
  status: string;
  source: string | null;
  dueAt: Date;
  workType: string | null;
  issueType: string | null;
  subIssueType: string | null;
}

/** The rule's fields as a draft needs them, or null when a required one is missing. */
function resolveFields(integration: Integration, rule: TicketFields, now: Date): ResolvedFields | null {
  const queue = value(rule.queue);
  const priority = value(rule.priority);
  const status = value(integration.ticketing.general.newStatus);
  if (!queue || !priority || !status || !positive(rule.dueHours)) return null;
  return {
    queue,
    priority,
    status,
    source: value(integration.ticketing.general.source),
    dueAt: new Date(now.getTime() + rule.dueHours * HOUR_MS),
    workType: value(rule.workType),
    issueType: value(rule.issueType),
    subIssueType: value(rule.subIssueType),
  };
}

// ---------------------------------------------------------------- events

export function decideEventTickets(input: {
  integration: Integration;
  mapping: TenantMapping;
  account: PsaAccount | null;
  events: SecurityEvent[];
  now: Date;
}): { create: TicketDraft[]; skipped: Array<{ eventId: string; reason: SkipReason }> } {
  const { integration, mapping, account, events, now } = input;
  const create: TicketDraft[] = [];
  const skipped: Array<{ eventId: string; reason: SkipReason }> = [];
  const seen = new Set<string>();
  const gate = accountProblem(mapping, account);

  for (const event of events) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    const skip = (reason: SkipReason) => skipped.push({ eventId: event.id, reason });

    if (event.severity === 'info') { skip('info-severity'); continue; }
    const rule = integration.ticketing.events.find((r) => r.severity === event.severity);
    if (!rule || !rule.enabled) { skip('rule-off'); continue; }
    // A lifetime that is not a positive number cannot say what is "too old": incomplete.
    const lifetimeOk = positive(rule.lifetimeDays);
    if (lifetimeOk && event.raisedAt.getTime() < now.getTime() - rule.lifetimeDays * DAY_MS) { skip('older-than-lifetime'); continue; }
    if (event.tenantId !== mapping.tenantId) { skip('not-mapped'); continue; }
    if (gate) { skip(gate); continue; }
    const fields = lifetimeOk ? resolveFields(integration, rule, now) : null;
    if (!fields) { skip('rule-incomplete'); continue; }

    const tpl = { kind: 'event' as const, event, tenantName: mapping.tenantName };
    create.push({
      key: eventTicketKey(integration.name, mapping.tenantId, event.id),
      kind: 'event',
      tenantId: mapping.tenantId,
      tenantName: mapping.tenantName,
      accountId: mapping.accountId as string,
      deviceId: event.deviceId,
      deviceName: event.deviceName,
      descriptionId: null,
      eventId: event.id,
      title: ticketTitle(tpl),
      description: ticketDescription(tpl),
      ...fields,
    });
  }
  return { create, skipped };
}

// ---------------------------------------------------------------- statuses

function statusRule(integration: Integration, severity: 'warning' | 'critical', descriptionId: string): StatusRule | undefined {
  const rules = severity === 'warning' ? integration.ticketing.warningStatus : integration.ticketing.criticalStatus;
  return rules.find((r) => r.descriptionId === descriptionId);
}

export function decideStatusTickets(input: {
  integration: Integration;
  mapping: TenantMapping;
  account: PsaAccount | null;
  devices: Device[];
  open: OpenStatusTicket[];
  now: Date;
}): {
  create: TicketDraft[];
  close: OpenStatusTicket[];
  stillActive: OpenStatusTicket[];
  skipped: Array<{ deviceId: string; descriptionId: string; reason: SkipReason }>;
} {
  const { integration, mapping, account, devices, now } = input;
  const tenantId = mapping.tenantId;
  const keyOf = (deviceId: string, descriptionId: string, severity: 'warning' | 'critical') =>
    statusTicketKey(integration.name, tenantId, deviceId, descriptionId, severity);

  // Only this integration+tenant's tickets, each key once.
  const openByKey = new Map<string, OpenStatusTicket>();
  for (const t of input.open) {
    if (t.key === keyOf(t.deviceId, t.descriptionId, t.severity) && !openByKey.has(t.key)) openByKey.set(t.key, t);
  }

  const create: TicketDraft[] = [];
  const skipped: Array<{ deviceId: string; descriptionId: string; reason: SkipReason }> = [];
  const stillActiveKeys = new Set<string>();
  /** deviceId \0 descriptionId → severity currently active (the worse one if reported twice). */
  const active = new Map<string, { device: Device; severity: 'warning' | 'critical' }>();
  const gate = accountProblem(mapping, account);

  for (const device of devices) {
    if (device.tenantId !== tenantId) continue;
    for (const s of device.statuses) {
      const k = `${device.id}\u0000${s.id}`;
      const prev = active.get(k);
      if (!prev || (prev.severity === 'warning' && s.severity === 'critical')) active.set(k, { device, severity: s.severity });
    }
  }

  /** Keys of the (device, description) pairs whose current-severity ticket exists or is being created. */
  const covered = new Set<string>();
  for (const [k, { device, severity }] of active) {
    const descriptionId = k.slice(device.id.length + 1);
    const key = keyOf(device.id, descriptionId, severity);
    if (openByKey.has(key)) { stillActiveKeys.add(key); covered.add(k); continue; }
    const skip = (reason: SkipReason) => skipped.push({ deviceId: device.id, descriptionId, reason });
    const rule = statusRule(integration, severity, descriptionId);
    if (!rule || !rule.enabled) { skip('rule-off'); continue; }
    if (gate) { skip(gate); continue; }
    const fields = resolveFields(integration, rule, now);
    if (!fields) { skip('rule-incomplete'); continue; }
    const tpl = { kind: 'status' as const, severity, descriptionId, deviceId: device.id, deviceName: device.name, tenantName: mapping.tenantName, at: now };
    create.push({
      key,
      kind: 'status',
      tenantId,
      tenantName: mapping.tenantName,
      accountId: mapping.accountId as string,
      deviceId: device.id,
      deviceName: device.name,
      descriptionId,
      eventId: null,
      title: ticketTitle(tpl),
      description: ticketDescription(tpl),
      ...fields,
    });
    covered.add(k);
  }

  const close: OpenStatusTicket[] = [];
  const stillActive: OpenStatusTicket[] = [];
  for (const t of openByKey.values()) {
    if (stillActiveKeys.has(t.key)) { stillActive.push(t); continue; }
    const k = `${t.deviceId}\u0000${t.descriptionId}`;
    // Still active at another severity, and no ticket for that severity: keep this one.
    if (active.has(k) && !covered.has(k)) { stillActive.push(t); continue; }
    close.push(t);
  }
  return { create, close, stillActive, skipped };
}

// ---------------------------------------------------------------- breaker

/** Per-account ticket-rate breaker (README › Ticket rules): how many of `wanted` may be created now. */
export function applyBreaker(input: { createdInLastHour: number; limit: number; wanted: number }): { allowed: number; heldBack: number } {
  const int = (n: number) => (Number.isFinite(n) ? Math.max(0, Math.floor(n)) : 0);
  const wanted = int(input.wanted);
  // An unknown count (NaN, ∞) must not open the breaker: hold everything back.
  if (!Number.isFinite(input.createdInLastHour)) return { allowed: 0, heldBack: wanted };
  const allowed = Math.min(wanted, Math.max(0, int(input.limit) - int(input.createdInLastHour)));
  return { allowed, heldBack: wanted - allowed };
}
