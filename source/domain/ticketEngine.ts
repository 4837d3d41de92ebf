// The pure ticket engine (README › Ticket rules): which events and device status
// descriptions become tickets, which open status tickets close, and the per-account
// breaker. No I/O: the agent's ticket job (source/tickets/) feeds it snapshots and
// carries out its decisions (ledger/externalID dedup, notes, PSA writes).
//
// Decisions worth knowing (tested in test/unit/domain-tickets.test.ts):
// - Skip reasons are checked in a fixed order, so a count means one thing:
//   info-severity (events ruled by severity only) → rule-off → older-than-lifetime → not-mapped → account-missing →
//   account-inactive → rule-incomplete. An event older than its lifetime is never
//   counted as "account-inactive"; an inactive account's fresh, enabled events are.
// - Rules are looked up by section (platform profile): an event by its severity in the
//   section of rowKind 'severity' — or, where the event names its section (event.section, an
//   'event-type' section such as KBH's Office 365 events), by its type in that section; a
//   status description in the status section of its severity. The fields come from the PSA
//   profile (domain/ticketSchema.ts).
// - Per-customer overrides (domain/ticketOverrides.ts): the row a tenant's ticket follows is
//   the rule with the first override for that tenant applied, looked up here where the rule
//   is found, so every skip reason and field below reads the tenant's own row. A row switched
//   off for a tenant counts as 'rule-off'.
// - Conditions (a row marked `condition`, a tenant-wide condition with no device): its events
//   make no ticket ('condition': the condition's own ticket covers them). decideConditionTickets
//   opens one ticket while the platform reports the condition active and closes it when it
//   clears, exactly as a device status; only a complete condition list may be given.
// - rule-incomplete: a required row field missing or unresolved (value ''; a blank row
//   field with a fallback takes the General one), the new status missing (General, or the
//   row's board's own where the PSA keeps statuses per board), due hours (where the PSA
//   has a due time) or lifetime (where the section has one) not a positive number. A draft
//   never carries a blank required field. Unresolved optional choices become null.
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
// - Maintenance (the `held` hook, README › Maintenance windows): a condition the job says a window
//   covers is skipped 'maintenance' where it would otherwise get a ticket, and counts as not
//   covered, so an open ticket of its other severity stays open rather than closing while the
//   description is still active. Closing is unchanged: a window never keeps a cleared ticket open.
// - The device snapshot must be complete for the tenant: a device absent from it is
//   "gone" and its tickets close. Don't call with a partial snapshot.
import type { Integration, TenantMapping, TicketRule } from './config.js';
import { platformProfile, psaProfile } from './profiles/index.js';
import type { PlatformProfile, PsaProfile, RuleSectionSpec } from './profiles/types.js';
import { choiceValue, effectiveField, newTicketFields, roleChoice, ruleScope } from './ticketSchema.js';
import { conditionTicketKey, eventTicketKey, statusTicketKey } from './ticketKeys.js';
import { tenantRule } from './ticketOverrides.js';
import { ticketDescription, ticketTitle, type TicketTemplateInput } from './ticketTemplates.js';
import type { Device, PsaAccount, SecurityEvent, TenantCondition } from './types.js';

export { conditionTicketKey, eventTicketKey, statusTicketKey, fitTag, MAX_TICKET_KEY_LENGTH } from './ticketKeys.js';
export { ticketTitle, ticketDescription, formatTicketTime, type TicketTemplateInput, type TicketTextLimits } from './ticketTemplates.js';

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
  /** The status a new ticket gets: General's new status, or that of the row's board where statuses belong to one. */
  status: string;
  /** Null where the PSA's tickets have no due time. */
  dueAt: Date | null;
  /** NewTicket.fields: the row's effective fields and General's fields without a role, by the PSA profile's ids. */
  fields: Record<string, string | null>;
  /** The row's board where statuses belong to one (PsaTicket.scope), else null. */
  scope: string | null;
}

export type SkipReason =
  | 'rule-off'
  | 'info-severity'
  | 'older-than-lifetime'
  | 'not-mapped'
  | 'account-inactive'
  | 'account-missing'
  | 'rule-incomplete'
  /** An event of a condition row: the condition's own ticket stands for it. */
  | 'condition'
  /** A maintenance window covers it (domain/maintenance.ts): no ticket now; a condition still active after it gets its ticket then. */
  | 'maintenance';

/**
 * An open ticket of a device status (deviceId, its description and severity) or of a tenant
 * condition (deviceId null, descriptionId the condition's row key, severity null).
 */
export interface OpenStatusTicket {
  key: string;
  deviceId: string | null;
  descriptionId: string;
  severity: 'warning' | 'critical' | null;
  psaTicketId: string;
}

const HOUR_MS = 3_600_000;
const DAY_MS = 24 * HOUR_MS;

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
  status: string;
  dueAt: Date | null;
  fields: Record<string, string | null>;
  scope: string | null;
}

interface Profiles {
  platform: PlatformProfile;
  psa: PsaProfile;
}

function profilesOf(integration: Integration): Profiles {
  return { platform: platformProfile(integration.platform.kind), psa: psaProfile(integration.psa.kind) };
}

/** The rule's fields as a draft needs them, or null when a required one is missing. */
function resolveFields(integration: Integration, p: Profiles, rule: TicketRule, now: Date): ResolvedFields | null {
  const ticketing = integration.ticketing;
  for (const spec of p.psa.ticketing.row) {
    if (spec.required && !choiceValue(effectiveField(rule, spec, ticketing.general))) return null;
  }
  const scope = choiceValue(ruleScope(rule, ticketing, p.psa));
  const status = choiceValue(roleChoice(ticketing, p.psa, 'new-status', scope));
  if (!status) return null;
  let dueAt: Date | null = null;
  if (p.psa.ticketing.hasDue) {
    if (!positive(rule.dueHours)) return null;
    dueAt = new Date(now.getTime() + rule.dueHours * HOUR_MS);
  }
  return { status, dueAt, fields: newTicketFields(rule, ticketing, p.psa), scope };
}

/** The rows of the section of `kind` (and severity), or [] where the platform or the settings have none. */
function sectionRules(integration: Integration, p: Profiles, match: (s: RuleSectionSpec) => boolean): { section: RuleSectionSpec | null; rules: TicketRule[] } {
  const section = p.platform.sections.find(match) ?? null;
  return { section, rules: section ? (integration.ticketing.sections[section.id] ?? []) : [] };
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
  const p = profilesOf(integration);
  const bySeverity = sectionRules(integration, p, (s) => s.rowKind === 'severity');

  for (const event of events) {
    if (seen.has(event.id)) continue;
    seen.add(event.id);
    const skip = (reason: SkipReason) => skipped.push({ eventId: event.id, reason });

    // Info never makes a ticket where rows are severities; where a row is an event type, the row decides.
    if (event.severity === 'info' && event.section === undefined) { skip('info-severity'); continue; }
    const { section, rules } = event.section === undefined ? bySeverity : sectionRules(integration, p, (s) => s.id === event.section && s.rowKind === 'event-type');
    const rowKey = event.section === undefined ? event.severity : event.type;
    if (section?.rows.find((r) => r.key === rowKey)?.condition) { skip('condition'); continue; }
    const found = rules.find((r) => r.key === rowKey);
    const rule = found && section ? tenantRule(integration.ticketing, section.id, found, mapping.tenantId, p.psa) : found;
    if (!rule || !rule.enabled) { skip('rule-off'); continue; }
    // A lifetime that is not a positive number cannot say what is "too old": incomplete.
    const lifetimeOk = !section?.lifetime || positive(rule.lifetimeDays);
    if (section?.lifetime && positive(rule.lifetimeDays) && event.raisedAt.getTime() < now.getTime() - rule.lifetimeDays * DAY_MS) { skip('older-than-lifetime'); continue; }
    if (event.tenantId !== mapping.tenantId) { skip('not-mapped'); continue; }
    if (gate) { skip(gate); continue; }
    const fields = lifetimeOk ? resolveFields(integration, p, rule, now) : null;
    if (!fields) { skip('rule-incomplete'); continue; }

    const source = event.section !== undefined && section ? (section.group ?? section.title) : undefined;
    const tpl = { kind: 'event' as const, event, tenantName: mapping.tenantName, ...(source ? { source } : {}) };
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
      title: ticketTitle(tpl, p.psa.limits),
      description: ticketDescription(tpl, p.psa.limits, p.psa.words.ticket),
      ...fields,
    });
  }
  return { create, skipped };
}

// ---------------------------------------------------------------- statuses

function statusRule(integration: Integration, p: Profiles, severity: 'warning' | 'critical', descriptionId: string, tenantId: string): TicketRule | undefined {
  const { section, rules } = sectionRules(integration, p, (s) => s.rowKind === 'status' && s.severity === severity);
  const rule = rules.find((r) => r.key === descriptionId);
  return rule && section ? tenantRule(integration.ticketing, section.id, rule, tenantId, p.psa) : rule;
}

/** The draft of a condition's ticket: a device's status description, or a tenant condition (no device). */
function conditionDraft(
  p: Profiles,
  mapping: TenantMapping,
  c: { key: string; deviceId: string | null; deviceName: string | null; descriptionId: string; tpl: TicketTemplateInput; fields: ResolvedFields },
): TicketDraft {
  return {
    key: c.key,
    kind: 'status',
    tenantId: mapping.tenantId,
    tenantName: mapping.tenantName,
    accountId: mapping.accountId as string,
    deviceId: c.deviceId,
    deviceName: c.deviceName,
    descriptionId: c.descriptionId,
    eventId: null,
    title: ticketTitle(c.tpl, p.psa.limits),
    description: ticketDescription(c.tpl, p.psa.limits, p.psa.words.ticket),
    ...c.fields,
  };
}

export function decideStatusTickets(input: {
  integration: Integration;
  mapping: TenantMapping;
  account: PsaAccount | null;
  devices: Device[];
  open: OpenStatusTicket[];
  now: Date;
  /** Whether a maintenance window holds back the ticket of this condition key now. */
  held?: (c: { key: string; deviceId: string | null }) => boolean;
}): {
  create: TicketDraft[];
  close: OpenStatusTicket[];
  stillActive: OpenStatusTicket[];
  skipped: Array<{ deviceId: string; descriptionId: string; reason: SkipReason }>;
} {
  const { integration, mapping, account, devices, now } = input;
  const p = profilesOf(integration);
  const tenantId = mapping.tenantId;
  const keyOf = (deviceId: string, descriptionId: string, severity: 'warning' | 'critical') =>
    statusTicketKey(integration.name, tenantId, deviceId, descriptionId, severity);

  // Only this integration+tenant's device tickets, each key once.
  const openByKey = new Map<string, OpenStatusTicket>();
  for (const t of input.open) {
    if (t.deviceId === null || t.severity === null) continue;
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
    const rule = statusRule(integration, p, severity, descriptionId, tenantId);
    if (!rule || !rule.enabled) { skip('rule-off'); continue; }
    if (gate) { skip(gate); continue; }
    const fields = resolveFields(integration, p, rule, now);
    if (!fields) { skip('rule-incomplete'); continue; }
    if (input.held?.({ key, deviceId: device.id })) { skip('maintenance'); continue; }
    const tpl = { kind: 'status' as const, severity, descriptionId, deviceId: device.id, deviceName: device.name, tenantName: mapping.tenantName, at: now };
    create.push(conditionDraft(p, mapping, { key, deviceId: device.id, deviceName: device.name, descriptionId, tpl, fields }));
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

// ---------------------------------------------------------------- tenant conditions

/** The condition rows of the platform, by section: where a TenantCondition's ticket rule is. */
function conditionRow(p: Profiles, sectionId: string, id: string): { section: RuleSectionSpec; label: string } | null {
  const section = p.platform.sections.find((s) => s.id === sectionId);
  const row = section?.rows.find((r) => r.key === id && r.condition);
  return section && row ? { section, label: row.label } : null;
}

/**
 * Tickets of tenant conditions (rows marked `condition`): one opens while a condition is active
 * and its row is enabled and complete; an open one closes when its condition is no longer in
 * `conditions`, which must be the platform's complete list for the tenant. Open tickets of
 * another tenant, or of a condition the profile does not know, are ignored.
 */
export function decideConditionTickets(input: {
  integration: Integration;
  mapping: TenantMapping;
  account: PsaAccount | null;
  conditions: TenantCondition[];
  open: OpenStatusTicket[];
  now: Date;
  /** Whether a maintenance window holds back the ticket of this condition key now. */
  held?: (c: { key: string; deviceId: string | null }) => boolean;
}): {
  create: TicketDraft[];
  close: OpenStatusTicket[];
  stillActive: OpenStatusTicket[];
  skipped: Array<{ conditionId: string; reason: SkipReason }>;
} {
  const { integration, mapping, account, now } = input;
  const p = profilesOf(integration);
  const tenantId = mapping.tenantId;
  const keyOf = (section: string, id: string) => conditionTicketKey(integration.name, tenantId, section, id);
  const known = new Map<string, OpenStatusTicket>();
  for (const t of input.open) {
    if (t.deviceId !== null) continue;
    const mine = p.platform.sections.some((s) => conditionRow(p, s.id, t.descriptionId) && keyOf(s.id, t.descriptionId) === t.key);
    if (mine && !known.has(t.key)) known.set(t.key, t);
  }
  const gate = accountProblem(mapping, account);
  const create: TicketDraft[] = [];
  const skipped: Array<{ conditionId: string; reason: SkipReason }> = [];
  const active = new Set<string>();
  for (const c of input.conditions) {
    if (c.tenantId !== tenantId) continue;
    const row = conditionRow(p, c.section, c.id);
    if (!row) continue;
    const key = keyOf(c.section, c.id);
    if (active.has(key)) continue;
    active.add(key);
    if (known.has(key)) continue;
    const skip = (reason: SkipReason) => skipped.push({ conditionId: c.id, reason });
    const found = (integration.ticketing.sections[c.section] ?? []).find((r) => r.key === c.id);
    const rule = found ? tenantRule(integration.ticketing, c.section, found, tenantId, p.psa) : found;
    if (!rule || !rule.enabled) { skip('rule-off'); continue; }
    if (gate) { skip(gate); continue; }
    const fields = resolveFields(integration, p, rule, now);
    if (!fields) { skip('rule-incomplete'); continue; }
    if (input.held?.({ key, deviceId: null })) { skip('maintenance'); continue; }
    const tpl = { kind: 'condition' as const, label: row.label, source: row.section.group ?? row.section.title, detail: c.detail, tenantName: mapping.tenantName, at: c.since ?? now };
    create.push(conditionDraft(p, mapping, { key, deviceId: null, deviceName: null, descriptionId: c.id, tpl, fields }));
  }
  const close: OpenStatusTicket[] = [];
  const stillActive: OpenStatusTicket[] = [];
  for (const t of known.values()) (active.has(t.key) ? stillActive : close).push(t);
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
