// The Ticketing settings as the two vendor profiles describe them (README › Defaults; Ticket
// rules): the rule sections and rows come from the platform profile, the fields each row and
// General set from the PSA profile (profiles/types.ts TicketSchema). Everything the console,
// the validation, the ticket engine and the doctor need about those fields is derived here, so
// no screen or job describes a ticket field of its own.
//
// Pure: no I/O (domain rule).
//
// Words used below:
// - a *row field* is one of psa.ticketing.row (queue, priority… / board, type…);
// - a *General field* is one of psa.ticketing.general (source, new and closed status… / default board);
// - a *scope* is a value of the row field named by psa.ticketing.perScope.field (a ConnectWise
//   board): the PSA keeps some General fields per scope (a board's New and Closed status).
// - *effective* value: a row field left blank takes the General field its spec names as
//   `fallback` (a row without a board uses the default board).
// - *live* value: a stored choice as the PSA has it now (see liveChoice).
import type { PsaChoice, ScopedGeneral, TicketChoices, TicketingSettings, TicketOverride, TicketRule } from './config.js';
import type { PlatformProfile, PsaProfile, RuleRowSpec, RuleSectionSpec, TicketFieldSpec } from './profiles/types.js';
import type { PicklistValue, TicketPicklists } from './types.js';
import { applyOverride, overrideOwnedFields, overrideTenantNames } from './ticketOverrides.js';
import type { Problem } from './validate.js';

/** The ranges of a rule's numbers (README › Defaults). */
export const TICKET_LIMITS = {
  lifetimeDays: { min: 1, max: 365 },
  dueHours: { min: 1, max: 8760 },
} as const;

// ---------------------------------------------------------------- choices

/** The active value whose label matches (case-insensitive, trimmed), or null: "a default whose PSA value no longer exists is blank". */
export function resolveChoice(label: string | null, values: readonly PicklistValue[]): PsaChoice | null {
  if (!label) return null;
  const wanted = label.trim().toLowerCase();
  const hit = values.find((v) => v.active && v.label.trim().toLowerCase() === wanted);
  return hit ? { value: hit.value, label: hit.label } : null;
}

/** A choice's value, trimmed; null when blank or not resolved yet (a default known by label only). */
export function choiceValue(choice: PsaChoice | string | null | undefined): string | null {
  const v = (typeof choice === 'string' ? choice : choice?.value)?.trim();
  return v ? v : null;
}

/**
 * The stored choice as the PSA has it now: the active value with the stored id, or — for a
 * default not resolved yet (empty value) — the active value with its label; null when the PSA
 * no longer has it or it is inactive ("shows blank"). Without the list: the stored choice when
 * it has a value.
 */
export function liveChoice(choice: PsaChoice | null | undefined, values: readonly PicklistValue[] | undefined): PsaChoice | null {
  if (!choice) return null;
  if (!values) return choice.value ? choice : null;
  if (!choice.value) return resolveChoice(choice.label, values);
  const hit = values.find((v) => v.value === choice.value && v.active);
  if (hit) return { value: hit.value, label: hit.label };
  // A value that is its own label is a name the PSA takes as the value (a default stored before
  // the PSA answered, TicketListSpec.valuesAreNames): matched by label too, ignoring case and spacing.
  return choice.value === choice.label ? resolveChoice(choice.label, values) : null;
}

/** A stored value the PSA no longer has (deleted or inactive); false without the list. */
export function isStale(choice: PsaChoice | null | undefined, values: readonly PicklistValue[] | undefined): boolean {
  return !!choice && values !== undefined && liveChoice(choice, values) === null;
}

/** Two choices name the same PSA value: by value, or by label while either is not resolved yet. */
export function sameChoice(a: PsaChoice | null | undefined, b: PsaChoice | null | undefined): boolean {
  if (!a || !b) return false;
  if (a.value && b.value) return a.value === b.value;
  return a.label.trim().toLowerCase() === b.label.trim().toLowerCase();
}

// ---------------------------------------------------------------- fields

/** The chosen values of the other fields where a field is edited, by field id: what scopes its values. */
export type FieldContext = Readonly<Record<string, PsaChoice | string | null | undefined>>;

/**
 * The values offered for a field: the active values of its list; for a scoped field only those
 * of the scoping field's chosen value (`context[spec.scopedBy]`; none while that is blank);
 * for a closedOnly field only closed ones. Pass live choices in the context.
 */
export function fieldOptions(spec: TicketFieldSpec, picklists: TicketPicklists | undefined, context: FieldContext = {}): PicklistValue[] {
  let out = (picklists?.[spec.list] ?? []).filter((v) => v.active);
  if (spec.scopedBy) {
    const parent = choiceValue(context[spec.scopedBy]);
    if (!parent) return [];
    out = out.filter((v) => v.parentValue === parent || (v.parentValues?.includes(parent) ?? false));
  }
  if (spec.closedOnly) out = out.filter((v) => v.closed === true);
  if (spec.openOnly) out = out.filter((v) => v.closed !== true);
  return out;
}

/** The spec of the scoping row field (ConnectWise: Board); null when the PSA keeps no General fields per scope. */
export function scopeFieldSpec(psa: PsaProfile): TicketFieldSpec | null {
  const id = psa.ticketing.perScope?.field;
  return id ? (psa.ticketing.row.find((f) => f.id === id) ?? null) : null;
}

/** The value of a row field on `rule`: its own, or (left blank) the General field its spec falls back to. */
export function effectiveField(rule: Pick<TicketRule, 'fields'>, spec: TicketFieldSpec, general: TicketChoices): PsaChoice | null {
  const own = rule.fields[spec.id] ?? null;
  if (own && (own.value || own.label)) return own;
  return spec.fallback ? (general[spec.fallback] ?? null) : null;
}

/** Every row field of `rule` with its effective value, by field id. */
export function effectiveFields(rule: Pick<TicketRule, 'fields'>, psa: PsaProfile, general: TicketChoices): Record<string, PsaChoice | null> {
  return Object.fromEntries(psa.ticketing.row.map((spec) => [spec.id, effectiveField(rule, spec, general)]));
}

/** The rule's scope (its effective board), or null where the PSA has none or it is blank. */
export function ruleScope(rule: Pick<TicketRule, 'fields'>, ticketing: Pick<TicketingSettings, 'general'>, psa: PsaProfile): PsaChoice | null {
  const spec = scopeFieldSpec(psa);
  return spec ? effectiveField(rule, spec, ticketing.general) : null;
}

/**
 * The scopes in use: the distinct effective scope values of enabled rows, in section and row
 * order, then those of the customers' overrides of enabled rows (ConnectWise: every board an
 * enabled row sends tickets to). With picklists, values are
 * taken live (a stale one is no scope; an unresolved default resolves by label). [] where the
 * PSA keeps no General fields per scope.
 */
export function scopesInUse(ticketing: TicketingSettings, psa: PsaProfile, picklists?: TicketPicklists): PsaChoice[] {
  const spec = scopeFieldSpec(psa);
  if (!spec) return [];
  const out: PsaChoice[] = [];
  const use = (rule: TicketRule) => {
    if (!rule.enabled) return;
    let scope = effectiveField(rule, spec, ticketing.general);
    if (picklists) scope = liveChoice(scope, picklists[spec.list]);
    if (!scope || (!scope.value && !scope.label)) return;
    if (!out.some((s) => sameChoice(s, scope))) out.push(scope);
  };
  for (const rules of Object.values(ticketing.sections)) for (const rule of rules) use(rule);
  // A customer's override sends the row's tickets to its own board: that board is in use too.
  for (const override of ticketing.overrides ?? []) {
    const rule = (ticketing.sections[override.section] ?? []).find((r) => r.key === override.key);
    if (rule) use(applyOverride(rule, override, psa));
  }
  return out;
}

/** The per-scope General entry of `scope` (by value, or by label while unresolved). */
export function scopedGeneral(ticketing: Pick<TicketingSettings, 'perScope'>, scope: PsaChoice | string | null): ScopedGeneral | null {
  if (scope === null) return null;
  const wanted: PsaChoice = typeof scope === 'string' ? { value: scope, label: '' } : scope;
  return ticketing.perScope.find((s) => sameChoice(s.scope, wanted)) ?? null;
}

/**
 * The General field with `role` for a ticket of `scope` (the row's board; a PSA ticket's
 * scope): per scope where the PSA keeps it so (a board's Closed status), else General. Null
 * when not set.
 */
export function roleChoice(
  ticketing: Pick<TicketingSettings, 'general' | 'perScope'>,
  psa: PsaProfile,
  role: NonNullable<TicketFieldSpec['role']>,
  scope: PsaChoice | string | null,
): PsaChoice | null {
  const scoped = psa.ticketing.perScope?.fields.find((f) => f.role === role);
  if (scoped) return scopedGeneral(ticketing, scope)?.fields[scoped.id] ?? null;
  const general = psa.ticketing.general.find((f) => f.role === role);
  return general ? (ticketing.general[general.id] ?? null) : null;
}

/** The spec of the field with `role` (per scope where the PSA keeps it so, else General). */
export function roleSpec(psa: PsaProfile, role: NonNullable<TicketFieldSpec['role']>): TicketFieldSpec | null {
  return psa.ticketing.perScope?.fields.find((f) => f.role === role) ?? psa.ticketing.general.find((f) => f.role === role) ?? null;
}

/**
 * What a new ticket of `rule` carries as NewTicket.fields: the effective row fields and the
 * General fields without a role (a ticket source…), by field id; null where blank or not
 * resolved. A row field wins over a General field of the same id (ConnectWise: the row's board
 * over the default board).
 */
export function newTicketFields(rule: Pick<TicketRule, 'fields'>, ticketing: Pick<TicketingSettings, 'general'>, psa: PsaProfile): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const spec of psa.ticketing.general) if (!spec.role) out[spec.id] = choiceValue(ticketing.general[spec.id]);
  for (const spec of psa.ticketing.row) out[spec.id] = choiceValue(effectiveField(rule, spec, ticketing.general));
  return out;
}

// ---------------------------------------------------------------- rows and sections

/** A row's label in its section: the profile's, or the stored key for a row the platform no longer lists. */
export function rowLabel(section: RuleSectionSpec, key: string): string {
  return section.rows.find((r) => r.key === key)?.label ?? key;
}

/** A section's name in messages: "Events", or "Office 365 › Events" where the platform groups sections. */
export function sectionName(section: RuleSectionSpec): string {
  return section.group ? `${section.group} › ${section.title}` : section.title;
}

/** A row in messages: "Events › Critical", "Warning status › Databases are out of date". */
export function ruleWhat(section: RuleSectionSpec, key: string): string {
  return `${sectionName(section)} › ${rowLabel(section, key)}`;
}

/** The platform section of an id, or undefined. */
export function sectionSpec(platform: PlatformProfile, id: string): RuleSectionSpec | undefined {
  return platform.sections.find((s) => s.id === id);
}

// ---------------------------------------------------------------- defaults

function choose(label: string | null | undefined, spec: TicketFieldSpec, picklists: TicketPicklists | undefined, context: FieldContext, psa: PsaProfile): PsaChoice | null {
  if (!label) return null;
  // No PSA reachable yet: the label is kept and resolved the first time the PSA answers — or,
  // where the PSA's values are their names, it is the value already.
  if (!picklists) return { value: psa.ticketing.lists.find((l) => l.name === spec.list)?.valuesAreNames ? label : '', label };
  return resolveChoice(label, fieldOptions(spec, picklists, context));
}

/** The General fields' defaults (README › Defaults), resolved against `picklists` when given. */
export function defaultGeneral(psa: PsaProfile, picklists?: TicketPicklists): TicketChoices {
  const out: TicketChoices = {};
  for (const spec of psa.ticketing.general) out[spec.id] = choose(spec.defaultLabel, spec, picklists, out, psa);
  return out;
}

/** A row's default: off, the section's lifetime and due hours, each field's default label (by the row's level where the field says so). */
export function defaultRule(section: RuleSectionSpec, row: RuleRowSpec, psa: PsaProfile, general: TicketChoices, picklists?: TicketPicklists): TicketRule {
  const fields: TicketChoices = {};
  for (const spec of psa.ticketing.row) {
    const label = spec.defaultByLevel ? spec.defaultByLevel[row.level] : spec.defaultLabel;
    // A scoped field's values are those of the effective value of its scoping field (row or General).
    fields[spec.id] = choose(label, spec, picklists, effectiveFields({ fields }, psa, general), psa);
  }
  return {
    key: row.key,
    enabled: false,
    lifetimeDays: section.lifetime ? (section.lifetimeDays ?? null) : null,
    dueHours: psa.ticketing.hasDue ? section.dueHours : null,
    fields,
  };
}

/** The per-scope General fields' defaults for `scope` (a board's New and Closed status by label). */
export function defaultScope(scope: PsaChoice, psa: PsaProfile, picklists?: TicketPicklists): ScopedGeneral {
  const perScope = psa.ticketing.perScope;
  const fields: TicketChoices = {};
  if (perScope) {
    for (const spec of perScope.fields) fields[spec.id] = choose(spec.defaultLabel, spec, picklists, { ...fields, [perScope.field]: scope }, psa);
  }
  return { scope: { ...scope }, fields };
}

/**
 * Ticketing defaults (README › Defaults) for a platform and a PSA: General from the PSA
 * profile, one row per platform section row, and — where the PSA keeps General fields per
 * scope — an entry for each scope the default rows use. With picklists, labels are resolved
 * against the live PSA values (missing or inactive → null); without them (no PSA reachable
 * yet) choices carry the label with an empty value, resolved the first time the PSA answers.
 */
export function defaultTicketing(platform: PlatformProfile, psa: PsaProfile, picklists?: TicketPicklists): TicketingSettings {
  const general = defaultGeneral(psa, picklists);
  const sections: Record<string, TicketRule[]> = {};
  for (const section of platform.sections) sections[section.id] = section.rows.map((row) => defaultRule(section, row, psa, general, picklists));
  const perScope: ScopedGeneral[] = [];
  const spec = scopeFieldSpec(psa);
  if (spec) {
    // Every row is off by default, so "in use" is not the test: each scope a default row would use gets its statuses.
    for (const rules of Object.values(sections)) {
      for (const rule of rules) {
        const scope = effectiveField(rule, spec, general);
        if (scope && !perScope.some((s) => sameChoice(s.scope, scope))) perScope.push(defaultScope(scope, psa, picklists));
      }
    }
  }
  return { general, perScope, sections };
}

/**
 * Every choice not resolved yet (a default known by label, value '') given its live value where
 * the PSA has that label among the values offered; the rest as stored. Scopes first, so that a
 * board resolved by label scopes its statuses.
 */
export function resolveTicketing(ticketing: TicketingSettings, psa: PsaProfile, picklists: TicketPicklists): TicketingSettings {
  const fix = (choice: PsaChoice | null | undefined, spec: TicketFieldSpec, context: FieldContext): PsaChoice | null => {
    if (!choice) return choice ?? null;
    if (choice.value) return choice;
    return resolveChoice(choice.label, fieldOptions(spec, picklists, context)) ?? choice;
  };
  const general: TicketChoices = { ...ticketing.general };
  for (const spec of psa.ticketing.general) if (spec.id in general) general[spec.id] = fix(general[spec.id], spec, general);
  const scopeSpec = scopeFieldSpec(psa);
  const perScope = ticketing.perScope.map((entry): ScopedGeneral => {
    const scope = scopeSpec ? (fix(entry.scope, scopeSpec, {}) ?? entry.scope) : entry.scope;
    const fields: TicketChoices = { ...entry.fields };
    for (const spec of psa.ticketing.perScope?.fields ?? []) {
      if (spec.id in fields) fields[spec.id] = fix(fields[spec.id], spec, { ...fields, [psa.ticketing.perScope!.field]: scope });
    }
    return { scope, fields };
  });
  const sections: Record<string, TicketRule[]> = {};
  for (const [id, rules] of Object.entries(ticketing.sections)) {
    sections[id] = rules.map((rule) => {
      const fields: TicketChoices = { ...rule.fields };
      for (const spec of psa.ticketing.row) {
        if (!(spec.id in fields)) continue;
        const context = effectiveFields({ fields }, psa, general);
        fields[spec.id] = fix(fields[spec.id], spec, context);
      }
      return { ...rule, fields };
    });
  }
  if (!ticketing.overrides) return { general, perScope, sections };
  const overrides = ticketing.overrides.map((override): TicketOverride => {
    const rule = (sections[override.section] ?? []).find((r) => r.key === override.key) ?? { fields: {} };
    const fields: TicketChoices = { ...override.fields };
    for (const spec of psa.ticketing.row) {
      if (!(spec.id in fields)) continue;
      // Scoped values are of the scope the override's tenants get: the override's own where it sets one.
      const context = effectiveFields({ fields: { ...rule.fields, ...Object.fromEntries(Object.entries(fields).filter(([, c]) => c)) } }, psa, general);
      fields[spec.id] = fix(fields[spec.id], spec, context);
    }
    return { ...override, fields };
  });
  return { general, perScope, sections, overrides };
}

// ---------------------------------------------------------------- problems

/** Where a Ticketing problem is: a rule row, General, or the General fields of one scope. */
export type TicketingPlace =
  | { kind: 'row'; section: string; key: string; index: number }
  | { kind: 'override'; index: number }
  | { kind: 'general' }
  | { kind: 'scope'; scope: PsaChoice; index: number | null };

export interface TicketingProblem extends Problem {
  /** Relative to the ticketing settings: "general.newStatus", "sections.events[0].fields.queue", "perScope[0].fields.closedStatus", "overrides[0].dueHours". */
  path: string;
  place: TicketingPlace;
  /** A profile field id, or 'dueHours' / 'lifetimeDays' (or the scope field, for a scope without an entry; 'tenants' / 'row' for an override's). */
  field: string;
  /** The column and what it takes, for one-line summaries: "Lifetime 1–365 days", "Queue required". */
  short: string;
}

const article = (word: string): string => (/^[aeiou]/i.test(word) ? 'an' : 'a');

function inRange(n: number | null, r: { min: number; max: number }): boolean {
  return typeof n === 'number' && Number.isInteger(n) && n >= r.min && n <= r.max;
}

/** The live value of a choice when the list is known, else the stored one when it has a value. */
function present(choice: PsaChoice | null | undefined, values: readonly PicklistValue[] | undefined): PsaChoice | null {
  return values ? liveChoice(choice, values) : choice?.value ? choice : null;
}

/** " (“X” no longer exists or is inactive in Autotask" — without the closing parenthesis. */
function goneNote(choice: PsaChoice | null | undefined, values: readonly PicklistValue[] | undefined, psa: PsaProfile): string | null {
  return choice && isStale(choice, values) ? `“${choice.label || choice.value}” no longer exists or is inactive in ${psa.words.name}` : null;
}

/**
 * The problems of one rule row. A switched-off row is not held to the ranges nor to its
 * required values: they are kept but not used (the ticket job reads enabled rows only), and are
 * checked when it is switched on again. Its numbers must still be numbers: the configuration
 * stores them as such. A scoped field without the field it belongs to is a problem either way.
 * `at.index` is the row's index in its stored section (for the path).
 */
export function ruleProblems(
  rule: TicketRule,
  at: { section: RuleSectionSpec; index: number },
  general: TicketChoices,
  psa: PsaProfile,
  picklists?: TicketPicklists,
): TicketingProblem[] {
  const { section, index } = at;
  const base = `sections.${section.id}[${index}]`;
  const place: TicketingPlace = { kind: 'row', section: section.id, key: rule.key, index };
  const what = ruleWhat(section, rule.key);
  const out: TicketingProblem[] = [];
  const number = (field: 'dueHours' | 'lifetimeDays', value: number | null, label: string, unit: string) => {
    const range = TICKET_LIMITS[field];
    if (rule.enabled ? inRange(value, range) : typeof value === 'number' && Number.isFinite(value)) return;
    out.push({
      path: `${base}.${field}`,
      place,
      field,
      message: rule.enabled
        ? `${what}: ${label} must be a whole number of ${unit} from ${range.min} to ${range.max}.`
        : `${what}: ${label} must be a number (kept unused while ticket creation is off; ${range.min}–${range.max} ${unit} to switch it on).`,
      short: rule.enabled ? `${label} ${range.min}–${range.max} ${unit}` : `${label}: a number`,
    });
  };
  if (psa.ticketing.hasDue) number('dueHours', rule.dueHours, 'Due', 'hours');
  if (section.lifetime) number('lifetimeDays', rule.lifetimeDays, 'Lifetime', 'days');

  const effective = effectiveFields(rule, psa, general);
  const live: Record<string, PsaChoice | null> = {};
  for (const spec of psa.ticketing.row) live[spec.id] = present(effective[spec.id], picklists?.[spec.list]);
  if (rule.enabled) {
    for (const spec of psa.ticketing.row) {
      if (!spec.required || live[spec.id]) continue;
      const fallback = spec.fallback ? psa.ticketing.general.find((g) => g.id === spec.fallback) : undefined;
      const choose = fallback ? `choose ${article(spec.label)} ${spec.label}, or ${article(fallback.label)} ${fallback.label} under General` : `choose ${article(spec.label)} ${spec.label}`;
      const gone = goneNote(effective[spec.id], picklists?.[spec.list], psa);
      out.push({
        path: `${base}.fields.${spec.id}`,
        place,
        field: spec.id,
        message: `${what}: ${choose} (${gone ? `${gone}; ` : ''}required when ticket creation is on).`,
        short: `${spec.label} required`,
      });
    }
  }
  for (const spec of psa.ticketing.row) {
    if (!spec.scopedBy) continue;
    const parent = psa.ticketing.row.find((f) => f.id === spec.scopedBy);
    if (!parent) continue;
    const own = effective[spec.id];
    if (!own || (!own.value && !own.label)) continue;
    const parentChoice = effective[parent.id];
    if (!parentChoice || (!parentChoice.value && !parentChoice.label)) {
      out.push({
        path: `${base}.fields.${spec.id}`,
        place,
        field: spec.id,
        message: `${what}: ${article(spec.label)} ${spec.label} needs its ${parent.label}.`,
        short: `${spec.label} needs its ${parent.label}`,
      });
      continue;
    }
    // With the live lists: a value of another scope (the board changed under a kept type) would be refused by the PSA.
    if (!rule.enabled || !picklists) continue;
    const mine = live[spec.id];
    const parentLive = live[parent.id];
    if (!mine || !parentLive) continue;
    if (!fieldOptions(spec, picklists, live).some((v) => v.value === mine.value)) {
      out.push({
        path: `${base}.fields.${spec.id}`,
        place,
        field: spec.id,
        message: `${what}: ${spec.label} “${mine.label}” does not belong to ${parent.label} “${parentLive.label}”; choose one of its ${spec.label.toLowerCase()} values.`,
        short: `${spec.label} of another ${parent.label}`,
      });
    }
  }
  return out;
}

/** The General fields' problems: each required one must be chosen (and, with the live lists, still exist). */
/** `inUse`: some rule row is on (a requiredOnceInUse field is required only then). */
export function generalProblems(general: TicketChoices, psa: PsaProfile, picklists?: TicketPicklists, inUse = true): TicketingProblem[] {
  const out: TicketingProblem[] = [];
  for (const spec of psa.ticketing.general) {
    if (!spec.required || (spec.requiredOnceInUse && !inUse)) continue;
    const values = picklists?.[spec.list];
    if (present(general[spec.id], values)) continue;
    const gone = goneNote(general[spec.id], values, psa);
    out.push({
      path: `general.${spec.id}`,
      place: { kind: 'general' },
      field: spec.id,
      message: `General: ${spec.label} is required${spec.requiredOnceInUse ? ` once a row creates ${psa.words.tickets}` : ''}${gone ? ` (${gone})` : ''}.`,
      short: `${spec.label} required`,
    });
  }
  return out;
}

/**
 * The per-scope General fields' problems: every scope in use (a board an enabled row sends
 * tickets to) needs each required per-scope field, of that scope, and a closedOnly field a
 * closed value. Entries of scopes no enabled row uses are kept unused and not checked.
 */
export function scopeProblems(ticketing: TicketingSettings, psa: PsaProfile, picklists?: TicketPicklists): TicketingProblem[] {
  const perScope = psa.ticketing.perScope;
  const scopeSpec = scopeFieldSpec(psa);
  if (!perScope || !scopeSpec) return [];
  const out: TicketingProblem[] = [];
  for (const scope of scopesInUse(ticketing, psa, picklists)) {
    const index = ticketing.perScope.findIndex((s) => sameChoice(s.scope, scope) || (picklists !== undefined && sameChoice(liveChoice(s.scope, picklists[scopeSpec.list]), scope)));
    const entry = index >= 0 ? ticketing.perScope[index]! : null;
    const name = `${scopeSpec.label} “${scope.label || scope.value}”`;
    const place: TicketingPlace = { kind: 'scope', scope, index: index >= 0 ? index : null };
    const base = index >= 0 ? `perScope[${index}]` : 'perScope';
    for (const spec of perScope.fields) {
      const stored = entry?.fields[spec.id] ?? null;
      const values = picklists?.[spec.list];
      const chosen = present(stored, values);
      const path = index >= 0 ? `${base}.fields.${spec.id}` : base;
      if (!chosen) {
        if (!spec.required) continue;
        const gone = goneNote(stored, values, psa);
        // A board that has no closed status at all in the PSA cannot be given one here.
        const none = spec.closedOnly && !gone && values !== undefined && !values.some((v) => v.active && v.closed === true && (v.parentValue === scope.value || (v.parentValues?.includes(scope.value) ?? false)));
        if (none) {
          out.push({
            path,
            place,
            field: spec.id,
            message: `${name} is used by enabled rows but has no closed status in ${psa.words.name}: add one to the ${scopeSpec.label.toLowerCase()} there, or send those rows to another ${scopeSpec.label.toLowerCase()}.`,
            short: `${scope.label || scope.value} has no closed status`,
          });
          continue;
        }
        out.push({
          path,
          place,
          field: spec.id,
          message: gone
            ? `${name} is used by enabled rows but its ${spec.label} ${gone}: choose one under General.`
            : `${name} is used by enabled rows but has no ${spec.label}: choose one under General.`,
          short: `${spec.label} of ${scope.label || scope.value} required`,
        });
        continue;
      }
      if (!picklists) continue;
      const all = picklists[spec.list] ?? [];
      const hit = all.find((v) => v.value === chosen.value);
      const ofScope = hit !== undefined && (hit.parentValue === scope.value || (hit.parentValues?.includes(scope.value) ?? false));
      if (spec.scopedBy && !ofScope) {
        out.push({
          path,
          place,
          field: spec.id,
          message: `${name}: ${spec.label} “${chosen.label}” is not a status of that ${scopeSpec.label.toLowerCase()}: choose one under General.`,
          short: `${spec.label} of another ${scopeSpec.label}`,
        });
        continue;
      }
      if (spec.closedOnly && hit?.closed !== true) {
        out.push({
          path,
          place,
          field: spec.id,
          message: `${name}: ${spec.label} “${chosen.label}” does not close tickets in ${psa.words.name}: choose a status flagged closed under General.`,
          short: `${spec.label} not a closed status`,
        });
      }
      if (spec.openOnly && hit?.closed === true) {
        out.push({
          path,
          place,
          field: spec.id,
          message: `${name}: ${spec.label} “${chosen.label}” is a closed status in ${psa.words.name}, so tickets would be opened closed: choose an open status under General.`,
          short: `${spec.label} is a closed status`,
        });
      }
    }
  }
  return out;
}

/**
 * Every problem of the Ticketing settings (README › Defaults: what Save refuses), with paths
 * relative to the settings: General's required fields, each scope in use's fields (PSAs that
 * keep statuses per board), then each row of the platform's sections in order. With picklists
 * a stored value the PSA no longer has counts as blank, and scoped values are checked against
 * their scope. Rows of sections the platform does not list are kept unused and not checked.
 */
export function ticketingProblems(ticketing: TicketingSettings, platform: PlatformProfile, psa: PsaProfile, picklists?: TicketPicklists): TicketingProblem[] {
  const inUse = platform.sections.some((section) => (ticketing.sections[section.id] ?? []).some((rule) => rule.enabled));
  const out: TicketingProblem[] = [...generalProblems(ticketing.general, psa, picklists, inUse), ...scopeProblems(ticketing, psa, picklists)];
  for (const section of platform.sections) {
    (ticketing.sections[section.id] ?? []).forEach((rule, index) => out.push(...ruleProblems(rule, { section, index }, ticketing.general, psa, picklists)));
  }
  (ticketing.overrides ?? []).forEach((override, index) => out.push(...overrideProblems(override, index, ticketing, platform, psa, picklists)));
  return out;
}

/**
 * The problems of one customer override (README › Routing overrides), held to the rules' own
 * checks: it names at least one customer and a row of the platform's; on a row that is on and
 * not switched off by it, the row as its customers get it (domain/ticketOverrides.ts
 * applyOverride) must pass ruleProblems for every field the override decides — a queue or
 * board the PSA no longer has, a type of another board, a required field its board leaves
 * blank — and its due hours must be in range. The rule's own problems stay the rule's.
 */
export function overrideProblems(
  override: TicketOverride,
  index: number,
  ticketing: TicketingSettings,
  platform: PlatformProfile,
  psa: PsaProfile,
  picklists?: TicketPicklists,
): TicketingProblem[] {
  const base = `overrides[${index}]`;
  const place: TicketingPlace = { kind: 'override', index };
  const section = sectionSpec(platform, override.section);
  const who = `Override ${index + 1} (for ${overrideTenantNames(override)})`;
  const out: TicketingProblem[] = [];
  if (override.tenants.length === 0) {
    out.push({ path: `${base}.tenants`, place, field: 'tenants', message: `${who}: choose at least one customer it is for.`, short: 'a customer required' });
  }
  const rule = section ? (ticketing.sections[section.id] ?? []).find((r) => r.key === override.key) : undefined;
  if (!section || !section.rows.some((r) => r.key === override.key) || !rule) {
    out.push({
      path: `${base}.key`,
      place,
      field: 'row',
      message: `${who}: “${override.section} › ${override.key}” is not a rule row of ${platform.words.name}; choose one of its rows, or delete the override.`,
      short: 'not a rule row',
    });
    return out;
  }
  const what = `${who}, ${ruleWhat(section, override.key)}`;
  if (override.dueHours !== null) {
    const range = TICKET_LIMITS.dueHours;
    const on = rule.enabled && override.enabled;
    if (on ? !inRange(override.dueHours, range) : !Number.isFinite(override.dueHours)) {
      out.push({
        path: `${base}.dueHours`,
        place,
        field: 'dueHours',
        message: on ? `${what}: Due must be a whole number of hours from ${range.min} to ${range.max}, or blank for the rule's.` : `${what}: Due must be a number, or blank for the rule's.`,
        short: on ? `Due ${range.min}–${range.max} hours` : 'Due: a number',
      });
    }
  }
  const owned = new Set(overrideOwnedFields(override, psa));
  if (owned.size === 0) return out;
  const merged = applyOverride(rule, override, psa);
  const rowIndex = (ticketing.sections[section.id] ?? []).indexOf(rule);
  const prefix = `${ruleWhat(section, override.key)}: `;
  for (const p of ruleProblems({ ...merged, dueHours: merged.dueHours }, { section, index: rowIndex }, ticketing.general, psa, picklists)) {
    if (!owned.has(p.field)) continue;
    out.push({
      path: `${base}.fields.${p.field}`,
      place,
      field: p.field,
      message: `${what}: ${p.message.startsWith(prefix) ? p.message.slice(prefix.length) : p.message}`,
      short: p.short,
    });
  }
  return out;
}
