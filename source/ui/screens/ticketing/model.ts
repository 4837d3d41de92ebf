// The Ticketing tab's draft (README › The console, Ticketing; Defaults) and its rules, without Ink: rows of
// the Events, Warning status and Critical status sections with the numbers kept
// as typed (so a bad value can be shown inline), which stored PSA values are
// still live, the problems that block Save, bulk edits, and the conversion
// back to TicketingSettings.
import type { EventRule, PsaChoice, StatusRule, TicketFields, TicketingGeneral, TicketingSettings } from '../../../domain/config.js';
import { resolveChoice } from '../../../domain/defaults.js';
import { rebaseOnTheirs } from '../../../domain/configMerge.js';
import { STATUS_DESCRIPTIONS, statusDescription } from '../../../domain/statusDescriptions.js';
import { EVENT_SEVERITY_LABELS, type EventSeverity, type PicklistValue, type TicketPicklists } from '../../../domain/types.js';
import { validateTicketFields } from '../../../domain/validate.js';

export type SectionId = 'general' | 'events' | 'warningStatus' | 'criticalStatus';
export type RuleSectionId = Exclude<SectionId, 'general'>;

export const SECTIONS: ReadonlyArray<{ id: SectionId; title: string }> = [
  { id: 'general', title: 'General' },
  { id: 'events', title: 'Events' },
  { id: 'warningStatus', title: 'Warning status' },
  { id: 'criticalStatus', title: 'Critical status' },
];

export const sectionTitle = (id: SectionId): string => SECTIONS.find((s) => s.id === id)!.title;

export type ChoiceField = 'queue' | 'priority' | 'workType' | 'issueType' | 'subIssueType';

export interface RuleRow {
  /** Unique across sections: "events:critical", "warningStatus:databases-outdated". */
  readonly id: string;
  readonly section: RuleSectionId;
  /** Severity or status description id. */
  readonly key: string;
  readonly label: string;
  readonly enabled: boolean;
  /** As typed; undefined for status rows (no lifetime). */
  readonly lifetime?: string;
  readonly due: string;
  readonly queue: PsaChoice | null;
  readonly priority: PsaChoice | null;
  readonly workType: PsaChoice | null;
  readonly issueType: PsaChoice | null;
  readonly subIssueType: PsaChoice | null;
}

export type GeneralField = keyof TicketingGeneral;

export interface GeneralRow {
  readonly id: GeneralField;
  readonly label: string;
  readonly required: boolean;
}

export const GENERAL_ROWS: readonly GeneralRow[] = [
  { id: 'source', label: 'Ticket source', required: false },
  { id: 'newStatus', label: 'New ticket status', required: true },
  { id: 'closedStatus', label: 'Closed ticket status', required: true },
];

export interface Draft {
  readonly general: TicketingGeneral;
  readonly events: readonly RuleRow[];
  readonly warningStatus: readonly RuleRow[];
  readonly criticalStatus: readonly RuleRow[];
}

function fields(rule: TicketFields) {
  return { enabled: rule.enabled, due: String(rule.dueHours), queue: rule.queue, priority: rule.priority, workType: rule.workType, issueType: rule.issueType, subIssueType: rule.subIssueType };
}

function statusRows(section: 'warningStatus' | 'criticalStatus', rules: readonly StatusRule[]): RuleRow[] {
  const byId = new Map(rules.map((r) => [r.descriptionId, r]));
  // Catalog order first, then anything stored that the catalog no longer has.
  const ids = [...STATUS_DESCRIPTIONS.map((d) => d.id).filter((id) => byId.has(id)), ...rules.map((r) => r.descriptionId).filter((id) => !statusDescription(id))];
  return ids.map((id) => ({ id: `${section}:${id}`, section, key: id, label: statusDescription(id)?.label ?? id, ...fields(byId.get(id)!) }));
}

export function toDraft(settings: TicketingSettings): Draft {
  return {
    general: { ...settings.general },
    events: settings.events.map((r) => ({
      id: `events:${r.severity}`,
      section: 'events' as const,
      key: r.severity,
      label: EVENT_SEVERITY_LABELS[r.severity] ?? r.severity,
      lifetime: String(r.lifetimeDays),
      ...fields(r),
    })),
    warningStatus: statusRows('warningStatus', settings.warningStatus),
    criticalStatus: statusRows('criticalStatus', settings.criticalStatus),
  };
}

/** "12" → 12; anything that is not plain digits (with an optional sign) → NaN. */
export function parseNumber(text: string): number {
  const t = text.trim();
  return /^[-+]?\d+(\.\d+)?$/.test(t) ? Number(t) : Number.NaN;
}

// Live values -------------------------------------------------------------

export type ListName = 'queues' | 'priorities' | 'statuses' | 'sources' | 'issueTypes' | 'subIssueTypes' | 'workTypes';

export const FIELD_LIST: Record<ChoiceField, ListName> = { queue: 'queues', priority: 'priorities', workType: 'workTypes', issueType: 'issueTypes', subIssueType: 'subIssueTypes' };
export const GENERAL_LIST: Record<GeneralField, ListName> = { source: 'sources', newStatus: 'statuses', closedStatus: 'statuses' };

/**
 * The stored choice as the PSA has it now: the active value with the stored id, or — for a
 * default not resolved yet (empty value) — the active value with its label; null when the PSA
 * no longer has it or it is inactive ("shows blank"). Without picklists the stored choice.
 */
export function live(choice: PsaChoice | null, values: readonly PicklistValue[] | undefined): PsaChoice | null {
  if (!choice) return null;
  if (!values) return choice.value ? choice : null;
  if (!choice.value) return resolveChoice(choice.label, values);
  const hit = values.find((v) => v.value === choice.value && v.active);
  return hit ? { value: hit.value, label: hit.label } : null;
}

/** Whether a stored value is gone (deleted or inactive in the PSA). */
export function stale(choice: PsaChoice | null, values: readonly PicklistValue[] | undefined): boolean {
  return choice !== null && values !== undefined && live(choice, values) === null;
}

/** Active values offered by a dropdown; subtypes only under `parent`. */
export function activeValues(values: readonly PicklistValue[] | undefined, parent?: string | null): PicklistValue[] {
  return (values ?? []).filter((v) => v.active && (parent === undefined || v.parentValue === parent));
}

// Problems --------------------------------------------------------------------

export interface Problem {
  /** Row id ("general:newStatus" for General). */
  readonly rowId: string;
  readonly field: string;
  readonly message: string;
  /** The column and what it takes, for the one-line summary ("Lifetime 1–365 days"). */
  readonly short: string;
}

export function rowWhat(row: RuleRow): string {
  return `${sectionTitle(row.section)} › ${row.label}`;
}

export function rowProblems(row: RuleRow, picklists: TicketPicklists | undefined): Problem[] {
  const lifetime = row.lifetime === undefined ? undefined : parseNumber(row.lifetime);
  const due = parseNumber(row.due);
  const subject = {
    enabled: row.enabled,
    queue: live(row.queue, picklists?.queues),
    priority: live(row.priority, picklists?.priorities),
    dueHours: due,
    workType: row.workType,
    issueType: row.issueType,
    subIssueType: row.subIssueType,
    ...(lifetime !== undefined ? { lifetimeDays: lifetime } : {}),
  };
  const what = rowWhat(row);
  const out: Problem[] = validateTicketFields(row.id, what, subject).map((p) => {
    const field = p.path.slice(p.path.lastIndexOf('.') + 1);
    let message = p.message;
    const typed = field === 'dueHours' ? row.due : field === 'lifetimeDays' ? row.lifetime : undefined;
    const notNumber = typed !== undefined && Number.isNaN(parseNumber(typed));
    if (notNumber) message = message.replace(': ', `: "${typed.trim()}" is not a number. `);
    if ((field === 'queue' || field === 'priority') && row[field] && stale(row[field], picklists?.[FIELD_LIST[field]])) {
      message = message.replace(' (required', ` (“${row[field]!.label}” no longer exists or is inactive in Autotask; required`);
    }
    // A switched-off row is held only to numbers being numbers (validateTicketFields).
    const short = !row.enabled && (field === 'dueHours' || field === 'lifetimeDays') ? `${field === 'dueHours' ? 'Due' : 'Lifetime'}: a number` : (SHORT[field] ?? field);
    return { rowId: row.id, field, message, short };
  });
  return out;
}

/** Whether switching ticket creation off clears every problem of the row (ranges and required values are for switched-on rows). */
export function fixedBySwitchingOff(row: RuleRow, picklists: TicketPicklists | undefined): boolean {
  return row.enabled && rowProblems({ ...row, enabled: false }, picklists).length === 0;
}

/**
 * What a switched-off row would lack if switched on ("Lifetime 1–365 days"): its values are kept
 * but not used, so they block nothing now — the admin is told before switching it on.
 */
export function switchOnNeeds(row: RuleRow, picklists: TicketPicklists | undefined): string[] {
  if (row.enabled) return [];
  return rowProblems({ ...row, enabled: true }, picklists).map((p) => p.short);
}

export function generalProblems(general: TicketingGeneral, picklists: TicketPicklists | undefined): Problem[] {
  const out: Problem[] = [];
  for (const g of GENERAL_ROWS) {
    if (!g.required) continue;
    const choice = general[g.id];
    if (live(choice, picklists?.statuses)) continue;
    const gone = choice && stale(choice, picklists?.statuses) ? ` (“${choice.label}” no longer exists or is inactive in Autotask)` : '';
    out.push({ rowId: `general:${g.id}`, field: g.id, message: `General: ${g.label} is required${gone}.`, short: SHORT[g.id] ?? g.id });
  }
  return out;
}

export function draftProblems(draft: Draft, picklists: TicketPicklists | undefined): Problem[] {
  return [
    ...generalProblems(draft.general, picklists),
    ...[...draft.events, ...draft.warningStatus, ...draft.criticalStatus].flatMap((r) => rowProblems(r, picklists)),
  ];
}

// Changes -------------------------------------------------------------------

export function changedIds(saved: Draft, draft: Draft): Set<string> {
  const out = new Set<string>();
  for (const g of GENERAL_ROWS) if (JSON.stringify(saved.general[g.id]) !== JSON.stringify(draft.general[g.id])) out.add(`general:${g.id}`);
  for (const section of ['events', 'warningStatus', 'criticalStatus'] as const) {
    const before = new Map(saved[section].map((r) => [r.id, JSON.stringify(r)]));
    for (const r of draft[section]) if (before.get(r.id) !== JSON.stringify(r)) out.add(r.id);
  }
  return out;
}

export function setRows(draft: Draft, section: RuleSectionId, ids: ReadonlySet<string>, update: (row: RuleRow) => RuleRow): Draft {
  return { ...draft, [section]: draft[section].map((r) => (ids.has(r.id) ? update(r) : r)) };
}

/** What a bulk edit sets; undefined = unchanged, null = cleared. */
export interface BulkChange {
  enabled?: boolean;
  lifetime?: string;
  due?: string;
  queue?: PsaChoice;
  priority?: PsaChoice;
  workType?: PsaChoice | null;
  issueType?: PsaChoice | null;
  subIssueType?: PsaChoice | null;
}

export function applyBulk(row: RuleRow, change: BulkChange): RuleRow {
  const next: { -readonly [K in keyof RuleRow]: RuleRow[K] } = { ...row };
  if (change.enabled !== undefined) next.enabled = change.enabled;
  if (change.lifetime !== undefined && row.lifetime !== undefined) next.lifetime = change.lifetime;
  if (change.due !== undefined) next.due = change.due;
  if (change.queue !== undefined) next.queue = change.queue;
  if (change.priority !== undefined) next.priority = change.priority;
  if (change.workType !== undefined) next.workType = change.workType;
  if (change.issueType !== undefined) {
    next.issueType = change.issueType;
    // A subtype belongs to one issue type: a kept subtype of another type is cleared.
    if (change.subIssueType === undefined && row.issueType?.value !== change.issueType?.value) next.subIssueType = null;
  }
  if (change.subIssueType !== undefined) next.subIssueType = change.subIssueType;
  return next;
}

// Back to settings ----------------------------------------------------------------

function resolved(choice: PsaChoice | null, values: readonly PicklistValue[] | undefined): PsaChoice | null {
  // Unresolved defaults get their live value; a stale value is kept as stored (shown blank,
  // and refused for enabled rows by draftProblems).
  if (choice && !choice.value && values) return resolveChoice(choice.label, values) ?? choice;
  return choice;
}

function ruleFields(row: RuleRow, p: TicketPicklists | undefined): TicketFields {
  return {
    enabled: row.enabled,
    queue: resolved(row.queue, p?.queues),
    priority: resolved(row.priority, p?.priorities),
    dueHours: parseNumber(row.due),
    workType: resolved(row.workType, p?.workTypes),
    issueType: resolved(row.issueType, p?.issueTypes),
    subIssueType: resolved(row.subIssueType, p?.subIssueTypes),
  };
}

export function fromDraft(draft: Draft, p: TicketPicklists | undefined): TicketingSettings {
  return {
    general: {
      source: resolved(draft.general.source, p?.sources),
      newStatus: resolved(draft.general.newStatus, p?.statuses),
      closedStatus: resolved(draft.general.closedStatus, p?.statuses),
    },
    events: draft.events.map((r): EventRule => ({ severity: r.key as EventSeverity, lifetimeDays: parseNumber(r.lifetime ?? ''), ...ruleFields(r, p) })),
    warningStatus: draft.warningStatus.map((r): StatusRule => ({ descriptionId: r.key, ...ruleFields(r, p) })),
    criticalStatus: draft.criticalStatus.map((r): StatusRule => ({ descriptionId: r.key, ...ruleFields(r, p) })),
  };
}

const SHORT: Record<string, string> = {
  lifetimeDays: 'Lifetime 1–365 days',
  dueHours: 'Due 1–8760 hours',
  queue: 'Queue required',
  priority: 'Priority required',
  subIssueType: 'Issue subtype needs its Issue type',
  newStatus: 'New ticket status required',
  closedStatus: 'Closed ticket status required',
};

/** Every problem named in one line: "Events › Critical (Lifetime 1–365 days, Due 1–8760 hours) · …". */
export function problemSummary(problems: readonly Problem[], draft: Draft): string {
  const groups = new Map<string, string[]>();
  const rows = new Map([...draft.events, ...draft.warningStatus, ...draft.criticalStatus].map((r) => [r.id, rowWhat(r)]));
  for (const p of problems) {
    const what = rows.get(p.rowId) ?? 'General';
    groups.set(what, [...(groups.get(what) ?? []), p.short]);
  }
  return [...groups].map(([what, list]) => `${what} (${list.join(', ')})`).join(' · ');
}

/**
 * What will make Save work, for the refusal: correcting the marked values always does; switching
 * ticket creation off is offered only for the switched-on rows it would clear (a switched-off
 * row keeps its values unused), and named.
 */
export function saveRemedy(problems: readonly Problem[], draft: Draft, picklists: TicketPicklists | undefined): string {
  const ids = new Set(problems.map((p) => p.rowId));
  const rows = [...draft.events, ...draft.warningStatus, ...draft.criticalStatus].filter((r) => ids.has(r.id));
  const off = rows.filter((r) => fixedBySwitchingOff(r, picklists)).map(rowWhat);
  const fix = 'Correct the values marked "!" (Enter edits a cell)';
  if (off.length === 0) return `${fix}.`;
  return `${fix}, or switch ticket creation off (o) for ${off.join(', ')} (its values are kept, unused).`;
}

// Reload --------------------------------------------------------------------

/**
 * Unsaved edits (`mine`, made over `base`) carried onto the settings saved meanwhile by another
 * console (`theirs`), row by row and field by field (rebaseOnTheirs): where both changed a field
 * differently theirs is taken, and that row's label is returned so the admin can make it again.
 */
export function rebaseDraft(base: Draft, mine: Draft, theirs: Draft): { draft: Draft; replaced: string[] } {
  const replaced: string[] = [];
  const general = { ...theirs.general };
  for (const g of GENERAL_ROWS) {
    const out = rebaseOnTheirs(base.general[g.id], mine.general[g.id], theirs.general[g.id]);
    general[g.id] = out.value;
    if (out.replaced.length > 0) replaced.push(g.label);
  }
  const rows = (section: RuleSectionId): RuleRow[] => {
    const b = new Map(base[section].map((r) => [r.id, r]));
    const m = new Map(mine[section].map((r) => [r.id, r]));
    const out = theirs[section].map((t) => {
      const before = b.get(t.id);
      const edited = m.get(t.id);
      if (!before || !edited) return t;
      const merged = rebaseOnTheirs(before, edited, t);
      if (merged.replaced.length > 0) replaced.push(`${sectionTitle(section)} › ${t.label}`);
      return merged.value;
    });
    // Rows this console added (a reset to defaults) that the file does not have yet.
    for (const r of mine[section]) if (!b.has(r.id) && !out.some((o) => o.id === r.id)) out.push(r);
    return out;
  };
  return { draft: { general, events: rows('events'), warningStatus: rows('warningStatus'), criticalStatus: rows('criticalStatus') }, replaced };
}
