// The Ticketing tab's draft (README › The console, Ticketing; Defaults) and its rules, without Ink.
// What the tab shows comes from the two profiles of the integration: the platform's rule
// sections (grouped where the profile groups them) and their rows; the PSA's General fields,
// its per-scope General fields (a board's New and Closed status), its row fields (placement
// 'column' → a table column, every one → the bulk edit) and whether tickets have a due time.
// Defaults, the values a field offers and what blocks Save are the domain's
// (domain/ticketSchema.ts); here the numbers are kept as typed (so a bad value can be shown
// inline), the domain's problems are put on rows and cells, and the draft goes back to
// TicketingSettings.
import type { Integration, OverrideTenant, PsaChoice, ScopedGeneral, TicketChoices, TicketOverride, TicketRule, TicketingSettings } from './config.js';
import { rebaseOnTheirs } from './configMerge.js';
import { platformProfile, psaProfile, type PlatformProfile, type PsaProfile, type RuleSectionSpec, type TicketFieldSpec } from './profiles/index.js';
import {
  defaultScope,
  defaultTicketing,
  effectiveField,
  fieldOptions,
  isStale,
  liveChoice,
  resolveTicketing,
  ruleWhat,
  sameChoice,
  scopeFieldSpec,
  scopesInUse,
  sectionName,
  ticketingProblems,
} from './ticketSchema.js';
import { applyOverride, overrideOwnedFields, scopedFieldIds, shadowedTenants } from './ticketOverrides.js';
import type { PicklistValue, TicketPicklists } from './types.js';

/** The two profiles the tab is drawn from. */
export interface TicketingSchema {
  readonly platform: PlatformProfile;
  readonly psa: PsaProfile;
}

export function schemaOf(integration: Pick<Integration, 'platform' | 'psa'>): TicketingSchema {
  return { platform: platformProfile(integration.platform.kind), psa: psaProfile(integration.psa.kind) };
}

// Sections --------------------------------------------------------------------------

export const GENERAL = 'general';
/** The left pane's last entry: the per-customer routing overrides (README › Routing overrides). */
export const OVERRIDES = 'overrides';

export interface SectionEntry {
  /** 'general' or the platform section's id (a key of TicketingSettings.sections). */
  readonly id: string;
  /** As listed in the left pane (under its group heading, if any). */
  readonly title: string;
  /** With its group: "KES Cloud › Events"; the table title and the start of a row's name. */
  readonly full: string;
  readonly spec?: RuleSectionSpec;
}

/** General, then the platform's sections in the profile's order, then the per-customer overrides. */
export function sectionEntries(platform: PlatformProfile): SectionEntry[] {
  return [
    { id: GENERAL, title: 'General', full: 'General' },
    ...platform.sections.map((s) => ({ id: s.id, title: s.title, full: sectionName(s), spec: s })),
    { id: OVERRIDES, title: 'For customer', full: 'Routing overrides for customers (the first that matches applies)' },
  ];
}

export function sectionEntry(platform: PlatformProfile, id: string): SectionEntry | undefined {
  return sectionEntries(platform).find((s) => s.id === id);
}

export type PaneLine = { readonly kind: 'group'; readonly title: string } | { readonly kind: 'section'; readonly entry: SectionEntry; readonly indent: boolean };

/** The left pane: a heading line for each group of sections, its sections indented under it. */
export function sectionPane(platform: PlatformProfile): PaneLine[] {
  const out: PaneLine[] = [];
  let group: string | undefined;
  for (const entry of sectionEntries(platform)) {
    const g = entry.spec?.group;
    if (g !== undefined && g !== group) out.push({ kind: 'group', title: g });
    group = g;
    out.push({ kind: 'section', entry, indent: g !== undefined });
  }
  return out;
}

/** Title of the rows' own column: what a row stands for. */
export function labelTitle(section: RuleSectionSpec): string {
  return { severity: 'Event severity', 'event-type': 'Event type', status: 'Status description' }[section.rowKind];
}

// Columns and bulk fields --------------------------------------------------------------

export type RuleColumnKind = 'enabled' | 'lifetime' | 'field' | 'due';

export interface RuleColumn {
  /** Table column key: 'enabled', 'lifetime', 'due' or "field:<id>". */
  readonly key: string;
  readonly kind: RuleColumnKind;
  readonly title: string;
  /** Title on a narrow terminal. */
  readonly short: string;
  readonly spec?: TicketFieldSpec;
}

/** "Create ticket" / "Ticket", "Create service order" / "Service order": in the PSA's word. */
function enabledColumn(psa: PsaProfile): RuleColumn {
  const word = psa.words.ticket;
  return { key: 'enabled', kind: 'enabled', title: `Create ${word}`, short: `${word.charAt(0).toUpperCase()}${word.slice(1)}` };
}
const LIFETIME_COLUMN: RuleColumn = { key: 'lifetime', kind: 'lifetime', title: 'Lifetime (days)', short: 'Days' };
const DUE_COLUMN: RuleColumn = { key: 'due', kind: 'due', title: 'Due (hours)', short: 'Due (h)' };

const fieldColumn = (spec: TicketFieldSpec): RuleColumn => ({ key: `field:${spec.id}`, kind: 'field', title: spec.label, short: spec.short, spec });

const isColumn = (spec: TicketFieldSpec) => (spec.placement ?? 'column') === 'column';

/** The rule table's columns after the rows' own: on/off, lifetime (where the section has one), the PSA's column fields, due (where tickets have one). */
export function ruleColumns(section: RuleSectionSpec, psa: PsaProfile): RuleColumn[] {
  return [
    enabledColumn(psa),
    ...(section.lifetime ? [LIFETIME_COLUMN] : []),
    ...psa.ticketing.row.filter(isColumn).map(fieldColumn),
    ...(psa.ticketing.hasDue ? [DUE_COLUMN] : []),
  ];
}

/** The bulk edit's fields: the columns in their order, then the row fields that are only edited in bulk. */
export function bulkFields(psa: PsaProfile, withLifetime: boolean): RuleColumn[] {
  return [
    enabledColumn(psa),
    ...(withLifetime ? [LIFETIME_COLUMN] : []),
    ...psa.ticketing.row.filter(isColumn).map(fieldColumn),
    ...(psa.ticketing.hasDue ? [DUE_COLUMN] : []),
    ...psa.ticketing.row.filter((s) => !isColumn(s)).map(fieldColumn),
  ];
}

/** Row fields that are not columns (shown under the table for the cursor row). */
export function bulkOnlyFields(psa: PsaProfile): TicketFieldSpec[] {
  return psa.ticketing.row.filter((s) => !isColumn(s));
}

/**
 * What the bulk edit changes, for its key's help: "on/off, lifetime, queue, priority, due, work
 * type, …" — in `section` where one is shown (a section without lifetime has none to edit).
 */
export function bulkWords(schema: TicketingSchema, section?: RuleSectionSpec): string {
  return bulkFields(schema.psa, section ? section.lifetime : schema.platform.sections.some((s) => s.lifetime))
    .map((c) => (c.kind === 'enabled' ? 'on/off' : c.kind === 'lifetime' ? 'lifetime' : c.kind === 'due' ? 'due' : c.short.toLowerCase()))
    .join(', ');
}

// Words -----------------------------------------------------------------------------------

/**
 * What the tab's settings are called in a sentence: "ticketing settings" where the tab is
 * "Ticketing", "service order settings" where the tab is named for the tickets ("Service orders").
 */
export function settingsWords(psa: PsaProfile): string {
  const tab = psa.words.tabs.ticketing.toLowerCase();
  return `${tab === psa.words.tickets.toLowerCase() ? psa.words.ticket : tab} settings`;
}

/** The plural words of a PSA list ("issue types"). */
export function listWords(psa: PsaProfile, list: string): string {
  return psa.ticketing.lists.find((l) => l.name === list)?.plural ?? list;
}

/** Lists no field scopes: their values mean the same for every row (counted in the status line). */
export function unscopedLists(psa: PsaProfile): string[] {
  const specs = [...psa.ticketing.general, ...(psa.ticketing.perScope?.fields ?? []), ...psa.ticketing.row];
  const scoped = new Set(specs.filter((s) => s.scopedBy).map((s) => s.list));
  return psa.ticketing.lists.map((l) => l.name).filter((name) => !scoped.has(name));
}

/** "6 queues · 4 priorities · …": the active values of each unscoped list. */
export function picklistCounts(psa: PsaProfile, picklists: TicketPicklists): string {
  return unscopedLists(psa)
    .map((name) => `${(picklists[name] ?? []).filter((v) => v.active).length} ${listWords(psa, name)}`)
    .join(' · ');
}

/** "a Board", "an Issue type". */
export function withArticle(word: string): string {
  return `${/^[aeiou]/i.test(word) ? 'an' : 'a'} ${word}`;
}

/**
 * Labels joined for a sentence, a shared ending said once: ["New ticket status", "Closed ticket
 * status"] → "New and Closed ticket status".
 */
export function joinLabels(labels: readonly string[]): string {
  if (labels.length === 0) return '';
  const words = labels.map((l) => l.split(' '));
  let common = 0;
  const shortest = Math.min(...words.map((w) => w.length));
  while (common < shortest - 1 && words.every((w) => w[w.length - 1 - common] === words[0]![words[0]!.length - 1 - common])) common += 1;
  const heads = words.map((w) => w.slice(0, w.length - common).join(' '));
  const tail = common > 0 ? ` ${words[0]!.slice(words[0]!.length - common).join(' ')}` : '';
  const list = heads.length === 1 ? heads[0]! : `${heads.slice(0, -1).join(', ')} and ${heads[heads.length - 1]!}`;
  return `${list}${tail}`;
}

// Draft ----------------------------------------------------------------------------------

export interface RuleRow {
  /** Unique across sections: "events:critical", "warningStatus:databases-outdated". */
  readonly id: string;
  readonly section: string;
  /** The row's key in its section (a severity, an event type, a status description id). */
  readonly key: string;
  readonly label: string;
  readonly enabled: boolean;
  /** As typed; undefined in sections without a lifetime. */
  readonly lifetime?: string;
  /** As typed; undefined for PSAs whose tickets have no due time. */
  readonly due?: string;
  /** Every row field of the PSA profile, by id (null: not set). */
  readonly fields: Readonly<Record<string, PsaChoice | null>>;
}

export interface Draft {
  /** Every General field of the PSA profile, by id. */
  readonly general: Readonly<TicketChoices>;
  readonly perScope: readonly ScopedGeneral[];
  /** Rows by section id; sections the platform profile does not know are kept as they were. */
  readonly sections: Readonly<Record<string, readonly RuleRow[]>>;
  /** The per-customer overrides, in order. */
  readonly overrides: readonly OverrideRow[];
}

/** One per-customer override as edited (domain TicketOverride, the due time as typed). */
export interface OverrideRow {
  /** "overrides:<n>": unique in the draft, kept while the row moves. */
  readonly id: string;
  readonly tenants: readonly OverrideTenant[];
  readonly section: string;
  readonly key: string;
  /** false: the row makes no tickets for these customers. */
  readonly enabled: boolean;
  /** As typed; '' keeps the rule's. */
  readonly due: string;
  /** Row fields it sets, by id (null or absent: the rule's). */
  readonly fields: Readonly<Record<string, PsaChoice | null>>;
}

/** The profile's fields first, each present (null when not stored), then anything else stored. */
function choices(specs: readonly TicketFieldSpec[], stored: TicketChoices | undefined): Record<string, PsaChoice | null> {
  const out: Record<string, PsaChoice | null> = {};
  for (const s of specs) out[s.id] = stored?.[s.id] ?? null;
  for (const [k, v] of Object.entries(stored ?? {})) if (!(k in out)) out[k] = v;
  return out;
}

function toRow(section: string, spec: RuleSectionSpec | undefined, rule: TicketRule, psa: PsaProfile): RuleRow {
  const text = (n: number | null) => (n === null || n === undefined ? '' : String(n));
  return {
    id: `${section}:${rule.key}`,
    section,
    key: rule.key,
    label: spec?.rows.find((r) => r.key === rule.key)?.label ?? rule.key,
    enabled: rule.enabled,
    // A section the platform no longer lists keeps what it stored.
    ...((spec ? spec.lifetime : rule.lifetimeDays !== null) ? { lifetime: text(rule.lifetimeDays) } : {}),
    ...(psa.ticketing.hasDue ? { due: text(rule.dueHours) } : {}),
    fields: choices(psa.ticketing.row, rule.fields),
  };
}

export function toDraft(settings: TicketingSettings, schema: TicketingSchema): Draft {
  const sections: Record<string, RuleRow[]> = {};
  for (const spec of schema.platform.sections) {
    const rules = settings.sections[spec.id] ?? [];
    const byKey = new Map(rules.map((r) => [r.key, r]));
    // The profile's order first, then anything stored that the profile no longer has.
    const keys = [...spec.rows.map((r) => r.key).filter((k) => byKey.has(k)), ...rules.map((r) => r.key).filter((k) => !spec.rows.some((r) => r.key === k))];
    sections[spec.id] = keys.map((k) => toRow(spec.id, spec, byKey.get(k)!, schema.psa));
  }
  for (const [id, rules] of Object.entries(settings.sections)) if (!(id in sections)) sections[id] = rules.map((r) => toRow(id, undefined, r, schema.psa));
  const perScopeSpecs = schema.psa.ticketing.perScope?.fields ?? [];
  return {
    general: choices(schema.psa.ticketing.general, settings.general),
    perScope: settings.perScope.map((s) => ({ scope: s.scope, fields: choices(perScopeSpecs, s.fields) })),
    sections,
    overrides: (settings.overrides ?? []).map((o, i) => toOverrideRow(o, `${OVERRIDES}:${i + 1}`, schema.psa)),
  };
}

function toOverrideRow(o: TicketOverride, id: string, psa: PsaProfile): OverrideRow {
  return {
    id,
    tenants: o.tenants.map((t) => ({ ...t })),
    section: o.section,
    key: o.key,
    enabled: o.enabled,
    due: o.dueHours === null || o.dueHours === undefined ? '' : String(o.dueHours),
    fields: choices(psa.ticketing.row, o.fields),
  };
}

/** "12" → 12; anything that is not plain digits (with an optional sign) → NaN. */
export function parseNumber(text: string): number {
  const t = text.trim();
  return /^[-+]?\d+(\.\d+)?$/.test(t) ? Number(t) : Number.NaN;
}

export function allRows(draft: Draft): RuleRow[] {
  return Object.values(draft.sections).flat();
}

// Live values --------------------------------------------------------------------------

/** The stored choice as the PSA has it now (null: gone or inactive, "shows blank"); domain liveChoice. */
export const live = (choice: PsaChoice | null, values: readonly PicklistValue[] | undefined): PsaChoice | null => liveChoice(choice, values);

/** Whether a stored value is gone (deleted or inactive in the PSA). */
export const stale = (choice: PsaChoice | null, values: readonly PicklistValue[] | undefined): boolean => isStale(choice, values);

function specOf(psa: PsaProfile, id: string): TicketFieldSpec | undefined {
  return psa.ticketing.row.find((s) => s.id === id);
}

/** The General field a row field falls back to, if any. */
export function fallbackSpec(psa: PsaProfile, spec: TicketFieldSpec): TicketFieldSpec | undefined {
  return spec.fallback ? psa.ticketing.general.find((g) => g.id === spec.fallback) : undefined;
}

/** The row's value of a field, or where it has none the General field it falls back to. */
export function effectiveChoice(row: RuleRow, id: string, draft: Draft, psa: PsaProfile): PsaChoice | null {
  const spec = specOf(psa, id);
  return spec ? effectiveField(row, spec, draft.general) : (row.fields[id] ?? null);
}

/** The chosen values a row's field options depend on (its scoping fields, with fallbacks). */
export function rowContext(row: RuleRow, draft: Draft, psa: PsaProfile, overrides: Record<string, PsaChoice | null> = {}): Record<string, PsaChoice | null> {
  const out: Record<string, PsaChoice | null> = {};
  for (const s of psa.ticketing.row) out[s.id] = s.id in overrides ? overrides[s.id]! : effectiveChoice(row, s.id, draft, psa);
  return out;
}

/** The values a row field offers now: active ones, of its scope's live value (domain fieldOptions). */
export function rowOptions(psa: PsaProfile, spec: TicketFieldSpec, context: Readonly<Record<string, PsaChoice | null>>, picklists: TicketPicklists): PicklistValue[] {
  const scope = spec.scopedBy ? specOf(psa, spec.scopedBy) : undefined;
  if (!scope) return fieldOptions(spec, picklists, {});
  const chosen = context[scope.id] ?? null;
  return fieldOptions(spec, picklists, { [scope.id]: liveChoice(chosen, picklists[scope.list]) ?? null });
}

/** The row field whose value scopes this one. */
export function scopeSpec(psa: PsaProfile, spec: TicketFieldSpec): TicketFieldSpec | undefined {
  return spec.scopedBy ? specOf(psa, spec.scopedBy) : undefined;
}

/** Fields whose values belong to a value of `id`, and theirs in turn (board → type → subtype). */
export function dependents(psa: PsaProfile, id: string): string[] {
  return scopedFieldIds(psa, id);
}

const sameValue = (a: PsaChoice | null, b: PsaChoice | null) => (!a && !b) || sameChoice(a, b);

/**
 * Sets row fields; a field whose scope now has another value is cleared (a subtype belongs to
 * one type), unless it is set in the same change.
 */
export function setRowFields(row: RuleRow, values: Record<string, PsaChoice | null>, draft: Draft, psa: PsaProfile, nextDraft: Draft = draft): RuleRow {
  const before = rowContext(row, draft, psa);
  const fields = { ...row.fields, ...values };
  const next = { ...row, fields };
  const after = rowContext(next, nextDraft, psa);
  for (const s of psa.ticketing.row) {
    if (sameValue(before[s.id] ?? null, after[s.id] ?? null)) continue;
    for (const d of dependents(psa, s.id)) if (!(d in values)) fields[d] = null;
  }
  return next;
}

// General ----------------------------------------------------------------------------------

export type GeneralRow =
  | {
      readonly kind: 'field';
      /** "general:source", or "general:scope:<value>:<field>" for a per-scope field. */
      readonly id: string;
      readonly spec: TicketFieldSpec;
      readonly label: string;
      readonly required: boolean;
      /** The scope (a board) a per-scope field belongs to. */
      readonly scope?: PsaChoice;
    }
  | {
      /** A heading: one scope in use (a board enabled rows send tickets to), its fields under it. */
      readonly kind: 'scope';
      readonly id: string;
      readonly label: string;
      readonly scope: PsaChoice;
      /** Enabled rows that use it. */
      readonly rows: number;
      /** Customers' overrides (of enabled rows) that send tickets to it. */
      readonly overrides: number;
    };

/** Row ids of the per-scope General rows: a scope by its value (by its label while not resolved). */
export const scopeRowId = (scope: PsaChoice, field?: string) => `general:scope:${scope.value || scope.label}${field ? `:${field}` : ''}`;

/** The row field the per-scope General fields belong to (a board, where statuses belong to one). */
export function perScopeSpec(psa: PsaProfile): TicketFieldSpec | undefined {
  return scopeFieldSpec(psa) ?? undefined;
}

/** The scopes enabled rows use (domain scopesInUse), each with how many enabled rows and customers' overrides use it. */
export function scopesUsed(draft: Draft, schema: TicketingSchema, picklists: TicketPicklists | undefined): Array<{ scope: PsaChoice; rows: number; overrides: number }> {
  const spec = perScopeSpec(schema.psa);
  if (!spec) return [];
  const settings = fromDraft(draft, schema, picklists);
  const on = (r: TicketRule, scope: PsaChoice) => r.enabled && sameChoice(picklists ? liveChoice(effectiveField(r, spec, settings.general), picklists[spec.list]) : effectiveField(r, spec, settings.general), scope);
  const overridden = (settings.overrides ?? []).flatMap((o) => {
    const rule = (settings.sections[o.section] ?? []).find((r) => r.key === o.key);
    return rule ? [applyOverride(rule, o, schema.psa)] : [];
  });
  return scopesInUse(settings, schema.psa, picklists).map((scope) => ({
    scope,
    rows: Object.values(settings.sections).flat().filter((r) => on(r, scope)).length,
    overrides: overridden.filter((r) => on(r, scope)).length,
  }));
}

export function generalRows(draft: Draft, schema: TicketingSchema, picklists: TicketPicklists | undefined): GeneralRow[] {
  const out: GeneralRow[] = schema.psa.ticketing.general.map((spec) => ({ kind: 'field', id: `general:${spec.id}`, spec, label: spec.label, required: spec.required === true }));
  const scopeField = perScopeSpec(schema.psa);
  const fields = schema.psa.ticketing.perScope?.fields ?? [];
  if (!scopeField) return out;
  for (const { scope, rows, overrides } of scopesUsed(draft, schema, picklists)) {
    out.push({ kind: 'scope', id: scopeRowId(scope), label: `${scopeField.label} in use`, scope, rows, overrides });
    for (const spec of fields) out.push({ kind: 'field', id: scopeRowId(scope, spec.id), spec, label: `  ${spec.label}`, required: spec.required === true, scope });
  }
  return out;
}

/** The stored per-scope entry of a scope (by value, or by label while either is not resolved). */
export function scopeEntry(draft: Draft, scope: PsaChoice): ScopedGeneral | undefined {
  return draft.perScope.find((s) => sameChoice(s.scope, scope));
}

export function generalValue(draft: Draft, row: GeneralRow & { kind: 'field' }): PsaChoice | null {
  if (!row.scope) return draft.general[row.spec.id] ?? null;
  return scopeEntry(draft, row.scope)?.fields[row.spec.id] ?? null;
}

/** What a General field offers: its list's active values (a per-scope field: of its scope; a closed status: closed ones). */
export function generalOptions(draft: Draft, row: GeneralRow & { kind: 'field' }, schema: TicketingSchema, picklists: TicketPicklists): PicklistValue[] {
  const context: Record<string, PsaChoice | null> = { ...draft.general };
  const field = schema.psa.ticketing.perScope?.field;
  if (row.scope && field) context[field] = row.scope;
  return fieldOptions(row.spec, picklists, context);
}

/** The list a General row's stored value is checked against (per-scope: its scope's values). */
export function generalValues(draft: Draft, row: GeneralRow & { kind: 'field' }, schema: TicketingSchema, picklists: TicketPicklists | undefined): readonly PicklistValue[] | undefined {
  if (!picklists) return undefined;
  if (!row.scope && !row.spec.scopedBy) return picklists[row.spec.list];
  return generalOptions(draft, row, schema, picklists);
}

/**
 * Sets a General field. A General field rows fall back to (the default board) that changes clears
 * the scoped fields of the rows that used it, as choosing another board on the row would.
 */
export function setGeneral(draft: Draft, row: GeneralRow & { kind: 'field' }, value: PsaChoice | null, schema: TicketingSchema): { draft: Draft; cleared: number } {
  if (row.scope) {
    const i = draft.perScope.findIndex((s) => sameChoice(s.scope, row.scope));
    const perScope = [...draft.perScope];
    if (i >= 0) perScope[i] = { scope: perScope[i]!.scope, fields: { ...perScope[i]!.fields, [row.spec.id]: value } };
    else perScope.push({ scope: row.scope, fields: { ...choices(schema.psa.ticketing.perScope?.fields ?? [], {}), [row.spec.id]: value } });
    return { draft: { ...draft, perScope }, cleared: 0 };
  }
  const next: Draft = { ...draft, general: { ...draft.general, [row.spec.id]: value } };
  let cleared = 0;
  const sections: Record<string, RuleRow[]> = {};
  for (const [id, rows] of Object.entries(draft.sections)) {
    sections[id] = rows.map((r) => {
      const updated = setRowFields(r, {}, draft, schema.psa, next);
      if (JSON.stringify(updated.fields) !== JSON.stringify(r.fields)) cleared += 1;
      return updated;
    });
  }
  return { draft: { ...next, sections }, cleared };
}

// Back to settings ----------------------------------------------------------------------

function toRule(row: RuleRow): TicketRule {
  return {
    key: row.key,
    enabled: row.enabled,
    lifetimeDays: row.lifetime === undefined ? null : parseNumber(row.lifetime),
    dueHours: row.due === undefined ? null : parseNumber(row.due),
    fields: { ...row.fields },
  };
}

function toOverride(row: OverrideRow): TicketOverride {
  const fields: TicketChoices = {};
  for (const [id, c] of Object.entries(row.fields)) if (c) fields[id] = c;
  return {
    tenants: row.tenants.map((t) => ({ ...t })),
    section: row.section,
    key: row.key,
    enabled: row.enabled,
    fields,
    dueHours: row.due.trim() === '' ? null : parseNumber(row.due),
  };
}

/**
 * The draft as settings. With picklists, defaults not resolved yet get their live value
 * (domain resolveTicketing); a stale value is kept as stored (shown blank, and refused for
 * enabled rows by the problems).
 */
export function fromDraft(draft: Draft, schema: TicketingSchema, p: TicketPicklists | undefined): TicketingSettings {
  const sections: Record<string, TicketRule[]> = {};
  for (const [id, rows] of Object.entries(draft.sections)) sections[id] = rows.map(toRule);
  const settings: TicketingSettings = { general: { ...draft.general }, perScope: draft.perScope.map((s) => ({ scope: s.scope, fields: { ...s.fields } })), sections };
  // None kept as none: a file without overrides stays as it was.
  if (draft.overrides.length > 0) settings.overrides = draft.overrides.map(toOverride);
  return p ? resolveTicketing(settings, schema.psa, p) : settings;
}

// Problems -----------------------------------------------------------------------------------

export interface Problem {
  /** Row id: a rule row's, or a General row's ("general:newStatus", "general:scope:<value>:closedStatus"). */
  readonly rowId: string;
  /** The field: 'lifetimeDays', 'dueHours' or a ticket field id. */
  readonly field: string;
  readonly message: string;
  /** The column and what it takes, for the one-line summary ("Lifetime 1–365 days"). */
  readonly short: string;
}

export function rowWhat(row: RuleRow, platform: PlatformProfile): string {
  const spec = platform.sections.find((s) => s.id === row.section);
  return spec ? ruleWhat(spec, row.key) : `${row.section} › ${row.label}`;
}

/** The domain's problems (domain ticketingProblems) on the tab's rows; a number typed as text is quoted. */
export function draftProblems(draft: Draft, schema: TicketingSchema, picklists: TicketPicklists | undefined): Problem[] {
  const settings = fromDraft(draft, schema, picklists);
  const out: Problem[] = [];
  for (const p of ticketingProblems(settings, schema.platform, schema.psa, picklists)) {
    const { place } = p;
    if (place.kind === 'general') out.push({ rowId: `general:${p.field}`, field: p.field, message: p.message, short: p.short });
    else if (place.kind === 'scope') out.push({ rowId: scopeRowId(place.scope, p.field), field: p.field, message: p.message, short: p.short });
    else if (place.kind === 'override') {
      const row = draft.overrides[place.index];
      if (row) out.push({ rowId: row.id, field: p.field, message: p.message, short: p.short });
    } else {
      const row = draft.sections[place.section]?.[place.index];
      if (!row) continue;
      const typed = p.field === 'dueHours' ? row.due : p.field === 'lifetimeDays' ? row.lifetime : undefined;
      const message = typed !== undefined && Number.isNaN(parseNumber(typed)) ? p.message.replace(': ', `: "${typed.trim()}" is not a number. `) : p.message;
      out.push({ rowId: row.id, field: p.field, message, short: p.short });
    }
  }
  return out;
}

function replaceRow(draft: Draft, row: RuleRow): Draft {
  return { ...draft, sections: { ...draft.sections, [row.section]: (draft.sections[row.section] ?? []).map((r) => (r.id === row.id ? row : r)) } };
}

/** The problems of one row as it would be (e.g. switched on). */
function problemsAs(row: RuleRow, draft: Draft, schema: TicketingSchema, picklists: TicketPicklists | undefined): Problem[] {
  return draftProblems(replaceRow(draft, row), schema, picklists).filter((p) => p.rowId === row.id);
}

/** Whether switching ticket creation off clears every problem of the row (ranges and required values are for switched-on rows). */
export function fixedBySwitchingOff(row: RuleRow, draft: Draft, schema: TicketingSchema, picklists: TicketPicklists | undefined): boolean {
  return row.enabled && problemsAs({ ...row, enabled: false }, draft, schema, picklists).length === 0;
}

/**
 * What a switched-off row would lack if switched on ("Lifetime 1–365 days"): its values are kept
 * but not used, so they block nothing now — the admin is told before switching it on.
 */
export function switchOnNeeds(row: RuleRow, draft: Draft, schema: TicketingSchema, picklists: TicketPicklists | undefined): string[] {
  if (row.enabled) return [];
  return problemsAs({ ...row, enabled: true }, draft, schema, picklists).map((p) => p.short);
}

/** Every problem named in one line: "Events › Critical (Lifetime 1–365 days, Due 1–8760 hours) · …". */
export function problemSummary(problems: readonly Problem[], draft: Draft, schema: TicketingSchema): string {
  const groups = new Map<string, string[]>();
  const rows = new Map([...allRows(draft).map((r) => [r.id, rowWhat(r, schema.platform)] as const), ...draft.overrides.map((o, i) => [o.id, `Override ${i + 1}`] as const)]);
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
export function saveRemedy(problems: readonly Problem[], draft: Draft, schema: TicketingSchema, picklists: TicketPicklists | undefined): string {
  const ids = new Set(problems.map((p) => p.rowId));
  const rows = allRows(draft).filter((r) => ids.has(r.id));
  const off = rows.filter((r) => fixedBySwitchingOff(r, draft, schema, picklists)).map((r) => rowWhat(r, schema.platform));
  const fix = 'Correct the values marked "!" (Enter edits a cell)';
  if (off.length === 0) return `${fix}.`;
  return `${fix}, or switch ${schema.psa.words.ticket} creation off (o) for ${off.join(', ')} (its values are kept, unused).`;
}

/** The section a problem is in ('general' for General and per-scope ones). */
export function problemSection(problem: Problem, draft: Draft): string {
  if (draft.overrides.some((o) => o.id === problem.rowId)) return OVERRIDES;
  return allRows(draft).find((r) => r.id === problem.rowId)?.section ?? GENERAL;
}

// Changes ------------------------------------------------------------------------------------

export function changedIds(saved: Draft, draft: Draft): Set<string> {
  const out = new Set<string>();
  for (const id of new Set([...Object.keys(saved.general), ...Object.keys(draft.general)])) {
    if (JSON.stringify(saved.general[id] ?? null) !== JSON.stringify(draft.general[id] ?? null)) out.add(`general:${id}`);
  }
  const scoped = (d: Draft) => new Map(d.perScope.flatMap((s) => Object.entries(s.fields).map(([f, v]) => [scopeRowId(s.scope, f), JSON.stringify(v ?? null)] as const)));
  const before = scoped(saved);
  const after = scoped(draft);
  for (const id of new Set([...before.keys(), ...after.keys()])) if ((before.get(id) ?? 'null') !== (after.get(id) ?? 'null')) out.add(id);
  for (const section of new Set([...Object.keys(saved.sections), ...Object.keys(draft.sections)])) {
    const old = new Map((saved.sections[section] ?? []).map((r) => [r.id, JSON.stringify(r)]));
    for (const r of draft.sections[section] ?? []) if (old.get(r.id) !== JSON.stringify(r)) out.add(r.id);
  }
  // An override is changed where it differs from the saved one at its place (moved ones too).
  draft.overrides.forEach((o, i) => {
    const before = saved.overrides[i];
    if (!before || before.id !== o.id || JSON.stringify(before) !== JSON.stringify(o)) out.add(o.id);
  });
  // One deleted: the list is changed even when what is left matches.
  if (saved.overrides.length > draft.overrides.length) out.add(`${OVERRIDES}:removed`);
  return out;
}

export function setRows(draft: Draft, section: string, ids: ReadonlySet<string>, update: (row: RuleRow) => RuleRow): Draft {
  return { ...draft, sections: { ...draft.sections, [section]: (draft.sections[section] ?? []).map((r) => (ids.has(r.id) ? update(r) : r)) } };
}

/** What a bulk edit sets; absent = unchanged, null = cleared. */
export interface BulkChange {
  enabled?: boolean;
  lifetime?: string;
  due?: string;
  fields: Record<string, PsaChoice | null>;
}

export function applyBulk(row: RuleRow, change: BulkChange, draft: Draft, psa: PsaProfile): RuleRow {
  let next: RuleRow = row;
  if (change.enabled !== undefined) next = { ...next, enabled: change.enabled };
  if (change.lifetime !== undefined && row.lifetime !== undefined) next = { ...next, lifetime: change.lifetime };
  if (change.due !== undefined && row.due !== undefined) next = { ...next, due: change.due };
  return Object.keys(change.fields).length > 0 ? setRowFields(next, change.fields, draft, psa) : next;
}

/** A bulk edit's field choices by id: a value, null (cleared, or the General value it falls back to), absent: unchanged. */
export type BulkFields = Readonly<Record<string, PsaChoice | null>>;

/** A field's value after a bulk edit, as far as the fields it scopes are concerned: one value (null: none), or 'differs' where the rows keep different ones. */
export type BulkValue = { readonly value: PsaChoice | null } | 'differs';

function chosenEffective(spec: TicketFieldSpec, chosen: PsaChoice | null, draft: Draft, psa: PsaProfile): PsaChoice | null {
  if (chosen) return chosen;
  const fb = fallbackSpec(psa, spec);
  return fb ? (draft.general[fb.id] ?? null) : null;
}

/** Whether the bulk edit changes some row's (effective) value of a field: chosen anew, or cleared because its scope changes. */
export function bulkChanges(id: string, rows: readonly RuleRow[], chosen: BulkFields, draft: Draft, psa: PsaProfile): boolean {
  const spec = specOf(psa, id);
  if (!spec) return false;
  if (id in chosen) {
    const after = chosenEffective(spec, chosen[id] ?? null, draft, psa);
    if (rows.some((r) => !sameValue(effectiveChoice(r, id, draft, psa), after))) return true;
  }
  return spec.scopedBy !== undefined && bulkChanges(spec.scopedBy, rows, chosen, draft, psa);
}

export function bulkValueAfter(id: string, rows: readonly RuleRow[], chosen: BulkFields, draft: Draft, psa: PsaProfile): BulkValue {
  const spec = specOf(psa, id);
  if (!spec) return { value: null };
  if (id in chosen) return { value: chosenEffective(spec, chosen[id] ?? null, draft, psa) };
  // Kept, but cleared on every row where its own scope changes.
  if (spec.scopedBy && bulkChanges(spec.scopedBy, rows, chosen, draft, psa)) return { value: null };
  const values = rows.map((r) => effectiveChoice(r, id, draft, psa));
  const first = values[0] ?? null;
  return values.every((v) => sameValue(v, first)) ? { value: first } : 'differs';
}

/**
 * What a field offers in the bulk edit: the values of the scope chosen in the same edit, or of
 * the rows' common one; a problem to show instead where the rows differ in it or it is blank.
 */
export function bulkOptions(
  spec: TicketFieldSpec,
  rows: readonly RuleRow[],
  chosen: BulkFields,
  draft: Draft,
  psa: PsaProfile,
  picklists: TicketPicklists,
): { values: PicklistValue[] } | { problem: string; differs: boolean } {
  const scope = scopeSpec(psa, spec);
  if (!scope) return { values: rowOptions(psa, spec, {}, picklists) };
  const after = bulkValueAfter(scope.id, rows, chosen, draft, psa);
  if (after === 'differs') return { problem: `The marked rows have different ${listWords(psa, scope.list)}: choose one here first.`, differs: true };
  if (!after.value) return { problem: `Choose ${withArticle(scope.label)} first: ${listWords(psa, spec.list)} belong to one.`, differs: false };
  return { values: rowOptions(psa, spec, { [scope.id]: after.value }, picklists) };
}

/** The Reset to defaults of one section (General: the General and per-scope fields), resolved against the live PSA values. */
export function resetSection(draft: Draft, section: string, schema: TicketingSchema, picklists: TicketPicklists): Draft {
  const defaults = toDraft(defaultTicketing(schema.platform, schema.psa, picklists), schema);
  if (section === GENERAL) {
    // The defaults' per-scope fields cover the scopes the default rows use; every other scope
    // enabled rows use now gets its defaults too (a board's New and Closed status by label).
    const next: Draft = { ...draft, general: defaults.general, perScope: defaults.perScope };
    const perScope = [...defaults.perScope];
    for (const { scope } of scopesUsed(next, schema, picklists)) {
      if (!perScope.some((s) => sameChoice(s.scope, scope))) perScope.push(toDraft({ general: {}, perScope: [defaultScope(scope, schema.psa, picklists)], sections: {} }, schema).perScope[0]!);
    }
    return { ...next, perScope };
  }
  return { ...draft, sections: { ...draft.sections, [section]: defaults.sections[section] ?? [] } };
}

// Reload --------------------------------------------------------------------------------------

/**
 * Unsaved edits (`mine`, made over `base`) carried onto the settings saved meanwhile by another
 * console (`theirs`), row by row and field by field (rebaseOnTheirs): where both changed a field
 * differently theirs is taken, and that row's label is returned so the admin can make it again.
 */
export function rebaseDraft(base: Draft, mine: Draft, theirs: Draft, schema: TicketingSchema): { draft: Draft; replaced: string[] } {
  const replaced: string[] = [];
  const general: TicketChoices = { ...theirs.general };
  for (const spec of schema.psa.ticketing.general) {
    const out = rebaseOnTheirs(base.general[spec.id] ?? null, mine.general[spec.id] ?? null, theirs.general[spec.id] ?? null);
    general[spec.id] = out.value;
    if (out.replaced.length > 0) replaced.push(spec.label);
  }
  const scopeField = perScopeSpec(schema.psa);
  const perScope = theirs.perScope.map((t) => {
    const b = base.perScope.find((s) => sameChoice(s.scope, t.scope));
    const m = mine.perScope.find((s) => sameChoice(s.scope, t.scope));
    if (!b || !m) return t;
    const merged = rebaseOnTheirs(b, m, t);
    if (merged.replaced.length > 0) replaced.push(`${scopeField?.label ?? ''} “${t.scope.label}”`.trim());
    return merged.value;
  });
  for (const m of mine.perScope) if (!base.perScope.some((b) => sameChoice(b.scope, m.scope)) && !perScope.some((p) => sameChoice(p.scope, m.scope))) perScope.push(m);
  const sections: Record<string, RuleRow[]> = {};
  for (const section of new Set([...Object.keys(theirs.sections), ...Object.keys(mine.sections)])) {
    const b = new Map((base.sections[section] ?? []).map((r) => [r.id, r]));
    const m = new Map((mine.sections[section] ?? []).map((r) => [r.id, r]));
    const out = (theirs.sections[section] ?? []).map((t) => {
      const before = b.get(t.id);
      const edited = m.get(t.id);
      if (!before || !edited) return t;
      const merged = rebaseOnTheirs(before, edited, t);
      if (merged.replaced.length > 0) replaced.push(rowWhat(t, schema.platform));
      return merged.value;
    });
    // Rows this console added (a reset to defaults) that the file does not have yet.
    for (const r of mine.sections[section] ?? []) if (!b.has(r.id) && !out.some((o) => o.id === r.id)) out.push(r);
    sections[section] = out;
  }
  // The overrides are one ordered list: theirs unless only this console changed it.
  const same = (a: readonly OverrideRow[], b: readonly OverrideRow[]) => JSON.stringify(a.map(strip)) === JSON.stringify(b.map(strip));
  let overrides = theirs.overrides;
  if (!same(base.overrides, mine.overrides)) {
    if (same(base.overrides, theirs.overrides)) overrides = mine.overrides;
    else replaced.push('Routing overrides');
  }
  return { draft: { general, perScope, sections, overrides }, replaced };
}

// Overrides --------------------------------------------------------------------------------

const strip = ({ id: _id, ...rest }: OverrideRow) => rest;

/** "Critical status › Databases are out of date": the rule row an override is of. */
export function overrideRowWhat(row: Pick<OverrideRow, 'section' | 'key'>, platform: PlatformProfile): string {
  const spec = platform.sections.find((s) => s.id === row.section);
  return spec ? ruleWhat(spec, row.key) : `${row.section} › ${row.key}`;
}

/** Every rule row an override can be of, in the platform's order: its section, key and name. */
export function overrideTargets(platform: PlatformProfile): Array<{ section: string; key: string; label: string }> {
  return platform.sections.flatMap((s) => s.rows.map((r) => ({ section: s.id, key: r.key, label: ruleWhat(s, r.key) })));
}

/** The rule row an override is of, in the draft. */
export function overrideRule(draft: Draft, row: Pick<OverrideRow, 'section' | 'key'>): RuleRow | undefined {
  return (draft.sections[row.section] ?? []).find((r) => r.key === row.key);
}

/** A new override (on, nothing changed yet) at the end of the list, with a fresh id. */
export function addOverride(draft: Draft, target: { section: string; key: string }, tenants: readonly OverrideTenant[]): { draft: Draft; id: string } {
  const taken = new Set(draft.overrides.map((o) => o.id));
  let n = draft.overrides.length + 1;
  while (taken.has(`${OVERRIDES}:${n}`)) n += 1;
  const id = `${OVERRIDES}:${n}`;
  const row: OverrideRow = { id, tenants: [...tenants], section: target.section, key: target.key, enabled: true, due: '', fields: {} };
  return { draft: { ...draft, overrides: [...draft.overrides, row] }, id };
}

export function removeOverride(draft: Draft, id: string): Draft {
  return { ...draft, overrides: draft.overrides.filter((o) => o.id !== id) };
}

/** The override one place earlier (-1) or later (+1) in the order; unchanged at either end. */
export function moveOverride(draft: Draft, id: string, by: -1 | 1): Draft {
  const list = [...draft.overrides];
  const i = list.findIndex((o) => o.id === id);
  const j = i + by;
  if (i < 0 || j < 0 || j >= list.length) return draft;
  [list[i], list[j]] = [list[j]!, list[i]!];
  return { ...draft, overrides: list };
}

export function setOverride(draft: Draft, id: string, update: (row: OverrideRow) => OverrideRow): Draft {
  return { ...draft, overrides: draft.overrides.map((o) => (o.id === id ? update(o) : o)) };
}

/**
 * An override's field set (null: back to the rule's). Setting a field that scopes others (a
 * board) clears the override's values of those (a type of another board); they are the
 * override's own from then on (domain applyOverride).
 */
export function setOverrideField(row: OverrideRow, id: string, value: PsaChoice | null, psa: PsaProfile): OverrideRow {
  const fields: Record<string, PsaChoice | null> = { ...row.fields, [id]: value };
  if (!sameValue(row.fields[id] ?? null, value)) for (const d of dependents(psa, id)) fields[d] = null;
  return { ...row, fields };
}

/** The row fields as the override's customers get them: the rule's, with the override's applied (by id). */
export function overrideContext(row: OverrideRow, draft: Draft, psa: PsaProfile): Record<string, PsaChoice | null> {
  const rule = overrideRule(draft, row);
  const base = rule ? rowContext(rule, draft, psa) : {};
  const out: Record<string, PsaChoice | null> = { ...base };
  for (const id of overrideOwnedFields({ fields: row.fields as TicketChoices }, psa)) out[id] = row.fields[id] ?? null;
  // A blank own value falls back to General where the field does (a board to the default board).
  for (const spec of psa.ticketing.row) if (!out[spec.id] && spec.fallback) out[spec.id] = draft.general[spec.fallback] ?? null;
  return out;
}

/** The values an override's field offers: its list's active values, of the scope its customers get. */
export function overrideOptions(row: OverrideRow, spec: TicketFieldSpec, draft: Draft, psa: PsaProfile, picklists: TicketPicklists): PicklistValue[] {
  return fieldOptions(spec, picklists, overrideContext(row, draft, psa));
}

/** Customers of an override that an earlier override of the same row already takes (so never this one). */
export function overrideShadowed(draft: Draft, row: OverrideRow, schema: TicketingSchema): string[] {
  const settings = fromDraft(draft, schema, undefined);
  return shadowedTenants(settings, draft.overrides.findIndex((o) => o.id === row.id));
}
