// The actions of kmsp ticketing override list|add|set|remove|move (commands/ticketing.ts declares
// them): the Ticketing tab's "For customer" pane from the command line. The overrides are edited
// in the tab's draft with its helpers (domain/ticketingDraft.ts), checked with the same problems
// (draftProblems: the domain's overrideProblems) and saved as the tab saves, audited. Customers
// are the mapped tenants, as the pane offers them; values come from the PSA's live lists.
import type { Command } from 'commander';
import type { Integration, OverrideTenant, PsaChoice } from '../../domain/config.js';
import { isKmspError, KmspError } from '../../domain/errors.js';
import { platformProfile } from '../../domain/profiles/index.js';
import { resolveRef } from '../../domain/resolveRef.js';
import {
  addOverride,
  changedIds,
  draftProblems,
  fromDraft,
  GENERAL,
  moveOverride,
  OVERRIDES,
  overrideContext,
  overrideOptions,
  overrideRowWhat,
  overrideRule,
  overrideShadowed,
  problemSummary,
  removeOverride,
  scopeSpec,
  schemaOf,
  sectionEntries,
  setOverride,
  setOverrideField,
  toDraft,
  withArticle,
  listWords,
  type Draft,
  type OverrideRow,
  type TicketingSchema,
} from '../../domain/ticketingDraft.js';
import type { TicketPicklists } from '../../domain/types.js';
import { knownFormat, guarded, type CommandIo } from '../common.js';
import { LIST_FORMATS } from '../list.js';
import { withEditSession, type EditContext } from './editSession.js';
import { render, type Format, type Listing, type Row } from './list.js';
import { onOff } from './mapping.js';
import { assignment, fieldSpec, NONE, pickValue } from './ticketing.js';

export interface OverrideOptions {
  integration?: string;
  reason?: string;
  customer?: string[];
  off?: boolean;
  to?: string;
  format?: string;
}

type Pair = { key: string; value: string };

const OVERRIDE_KEYS = ['enabled', 'due'] as const;

/** The rule row SECTION ROW names (by id or name), as an override target. */
function target(schema: TicketingSchema, sectionArg: string, rowArg: string): { section: string; key: string } {
  const entries = sectionEntries(schema.platform).filter((e) => e.id !== GENERAL && e.id !== OVERRIDES);
  const section = resolveRef(sectionArg, entries.map((e) => ({ id: e.id, name: e.full })), { what: 'rule section', listCommand: 'kmsp list ticket-rules' });
  const spec = schema.platform.sections.find((s) => s.id === section.id)!;
  const row = resolveRef(rowArg, spec.rows.map((r) => ({ id: r.key, name: r.label })), { what: `row of ${section.name}`, listCommand: 'kmsp list ticket-rules' });
  return { section: section.id, key: row.id };
}

/**
 * The customers --customer names, among the tenants mapped to an account (only those get
 * tickets, as the pane offers them) and those the override already lists.
 */
function customers(integration: Integration, names: readonly string[], kept: readonly OverrideTenant[]): OverrideTenant[] {
  const platform = platformProfile(integration.platform.kind);
  const mapped = integration.tenants.filter((m) => m.accountId);
  const candidates = [
    ...mapped.map((m) => ({ id: m.tenantId, name: m.tenantName })),
    ...kept.filter((t) => !mapped.some((m) => m.tenantId === t.tenantId)).map((t) => ({ id: t.tenantId, name: t.tenantName || t.tenantId })),
  ];
  const out: OverrideTenant[] = [];
  for (const name of names) {
    let found: { id: string; name: string };
    try {
      found = resolveRef(name, candidates, { what: `mapped ${platform.words.tenant}`, listCommand: 'kmsp list tenants' });
    } catch (error) {
      // Named right but not mapped: say so, rather than that nothing is called that.
      const unmapped = integration.tenants.find((m) => !m.accountId && (m.tenantId === name.trim() || m.tenantName.trim().toLowerCase() === name.trim().toLowerCase()));
      if (isKmspError(error) && unmapped) {
        throw new KmspError(`“${unmapped.tenantName}” is not mapped to an account`, {
          kind: 'config',
          cause: `Overrides are for ${platform.words.tenants} mapped to an account: only those get tickets.`,
          remedy: 'Map it first (kmsp map TENANT ACCOUNT), then add the override.',
        });
      }
      if (isKmspError(error) && error.message.startsWith('No ')) {
        throw new KmspError(error.message, {
          kind: 'config',
          ...(error.why ? { cause: error.why } : {}),
          remedy: `Give the exact name or the id of a ${platform.words.tenant} mapped to an account (kmsp list tenants); map one first with kmsp map TENANT ACCOUNT.`,
        });
      }
      throw error;
    }
    if (!out.some((t) => t.tenantId === found.id)) out.push({ tenantId: found.id, tenantName: kept.find((t) => t.tenantId === found.id)?.tenantName || found.name });
  }
  return out;
}

/** The override at position N (1 = first) of the list. */
function at(draft: Draft, text: string, what = 'N'): OverrideRow {
  const n = /^\d+$/u.test(text.trim()) ? Number(text.trim()) : Number.NaN;
  const count = draft.overrides.length;
  if (!(n >= 1 && n <= count)) {
    throw new KmspError(count === 0 ? 'There are no routing overrides' : `No override ${text.trim()}: ${what} is a position from 1 to ${count}`, {
      kind: 'config',
      remedy: count === 0 ? 'Add one with kmsp ticketing override add SECTION ROW --customer NAME.' : 'kmsp ticketing override list shows them with their positions.',
    });
  }
  return draft.overrides[n - 1]!;
}

/** The override's KEY=VALUE changes, one after another (a board before its types: the order given). */
function setPairs(draft: Draft, id: string, pairs: readonly Pair[], schema: TicketingSchema, picklists: TicketPicklists): Draft {
  const psa = schema.psa;
  let next = draft;
  for (const { key, value } of pairs) {
    const lower = key.toLowerCase();
    if (lower === 'enabled' || lower === 'create') {
      const enabled = onOff(value, `${key}=`);
      next = setOverride(next, id, (o) => ({ ...o, enabled }));
      continue;
    }
    if (lower === 'due') {
      if (!psa.ticketing.hasDue) throw new KmspError(`${psa.words.name} ${psa.words.tickets} have no due time`, { kind: 'config', remedy: 'Leave due= out.' });
      const due = NONE.has(value.trim().toLowerCase()) ? '' : value.trim();
      next = setOverride(next, id, (o) => ({ ...o, due }));
      continue;
    }
    const spec = fieldSpec(psa.ticketing.row, key, 'An override', OVERRIDE_KEYS);
    const row = next.overrides.find((o) => o.id === id)!;
    let choice: PsaChoice | null = null;
    if (!NONE.has(value.trim().toLowerCase())) {
      const scope = scopeSpec(psa, spec);
      if (scope && !overrideContext(row, next, psa)[scope.id]) {
        throw new KmspError(`Choose ${withArticle(scope.label)} first: ${listWords(psa, spec.list)} belong to one`, {
          kind: 'config',
          remedy: `Give ${scope.id}=VALUE before ${spec.id}= in the same command.`,
        });
      }
      choice = pickValue(spec, value, overrideOptions(row, spec, next, psa, picklists));
    }
    next = setOverride(next, id, (o) => setOverrideField(o, spec.id, choice, psa));
  }
  return next;
}

/** Checks the draft as the tab's Save does and saves it, audited; says what was saved. */
function save(io: CommandIo, ctx: EditContext, saved: Draft, draft: Draft, schema: TicketingSchema, picklists: TicketPicklists, reason: string | undefined, done: string): void {
  const problems = draftProblems(draft, schema, picklists);
  if (problems.length > 0) {
    throw new KmspError(`Not saved: ${problems.length === 1 ? 'one problem' : `${problems.length} problems`} to fix first (${problemSummary(problems, draft, schema)})`, {
      kind: 'config',
      cause: problems.map((p) => p.message).join(' '),
      remedy: 'Nothing was saved. Give the values the message names in the same command (a value kmsp list ticket-fields lists, none for the rule\'s), then run it again.',
    });
  }
  if (changedIds(saved, draft).size === 0) {
    io.out(`Nothing changed: ${ctx.paths.configFile} already says so.\n`);
    return;
  }
  const tab = schema.psa.words.tabs.ticketing;
  const result = ctx.session.updateIntegration(ctx.integration.name, (i) => ({ ...i, ticketing: fromDraft(draft, schema, picklists) }), reason?.trim() || `${tab}: routing overrides`);
  io.out(`${done}\nSaved in ${ctx.paths.configFile}: ${result.summary}\nRecorded in the ledger's config audit as ${ctx.actor}.\n`);
}

/** Warnings the pane shows beside an override: a row off in the rules, customers an earlier override takes. */
function warnings(io: CommandIo, draft: Draft, id: string, schema: TicketingSchema): void {
  const row = draft.overrides.find((o) => o.id === id);
  if (!row) return;
  const n = draft.overrides.indexOf(row) + 1;
  if (overrideRule(draft, row)?.enabled === false) io.err(`Note: ${overrideRowWhat(row, schema.platform)} is off in the rules, so override ${n} makes no ${schema.psa.words.tickets} until the rule is switched on.\n`);
  const shadowed = overrideShadowed(draft, row, schema);
  if (shadowed.length > 0) {
    const names = row.tenants.filter((t) => shadowed.includes(t.tenantId)).map((t) => `“${t.tenantName || t.tenantId}”`);
    io.err(`Note: an earlier override of the same row already takes ${names.join(', ')}; the first that matches applies (kmsp ticketing override move ${n} --to M).\n`);
  }
}

/** Opens the session, reads the saved overrides and the PSA's lists, and saves what `edit` makes of them. */
async function editOverrides(
  io: CommandIo,
  command: Command,
  verb: string,
  options: OverrideOptions,
  edit: (x: { draft: Draft; schema: TicketingSchema; picklists: TicketPicklists; integration: Integration }) => { draft: Draft; id?: string; done: string },
): Promise<void> {
  await withEditSession(command, `ticketing override ${verb}`, { refused: 'Not saved: ' }, async (ctx) => {
    const schema = schemaOf(ctx.integration);
    const picklists = await ctx.session.picklists(ctx.integration.name);
    const saved = toDraft(ctx.integration.ticketing, schema);
    const result = edit({ draft: saved, schema, picklists, integration: ctx.integration });
    save(io, ctx, saved, result.draft, schema, picklists, options.reason, result.done);
    if (result.id) warnings(io, result.draft, result.id, schema);
  });
}

function describe(row: OverrideRow, n: number, schema: TicketingSchema): string {
  return `override ${n} (${overrideRowWhat(row, schema.platform).replace(/\s+/gu, ' ')}, for ${row.tenants.map((t) => t.tenantName || t.tenantId).join(', ') || 'no customer'})`;
}

async function list(io: CommandIo, command: Command, options: OverrideOptions): Promise<void> {
  const listing = await withEditSession(command, 'ticketing override list', {}, async ({ integration }): Promise<Listing> => {
    const schema = schemaOf(integration);
    const specs = schema.psa.ticketing.row;
    const rows: Row[] = (integration.ticketing.overrides ?? []).map((o, i) => ({
      n: i + 1,
      customers: o.tenants.map((t) => t.tenantName || t.tenantId).join('; '),
      customerIds: o.tenants.map((t) => t.tenantId).join(' '),
      section: o.section,
      row: o.key,
      rowName: overrideRowWhat(o, schema.platform).replace(/\s+/gu, ' '),
      enabled: o.enabled,
      ...Object.fromEntries(specs.map((s) => [s.id, o.fields[s.id]?.label || o.fields[s.id]?.value || null])),
      ...(schema.psa.ticketing.hasDue ? { dueHours: o.dueHours ?? null } : {}),
    }));
    const word = schema.psa.words.ticket;
    return {
      rows,
      // The table leaves out the ids (CSV and JSON carry them) to fit a terminal.
      fields: [
        'n',
        'customers',
        ...(options.format === 'table' || options.format === undefined ? [] : ['customerIds', 'section', 'row']),
        'rowName',
        'enabled',
        ...specs.map((s) => s.id),
        ...(schema.psa.ticketing.hasDue ? ['dueHours'] : []),
      ],
      titles: {
        n: '#',
        customers: 'For customer',
        customerIds: `${schema.platform.words.tenant.charAt(0).toUpperCase()}${schema.platform.words.tenant.slice(1)} ids`,
        section: 'Section',
        row: 'Row',
        rowName: 'Rule row',
        enabled: `Create ${word}`,
        ...Object.fromEntries(specs.map((s) => [s.id, s.label])),
        dueHours: 'Due (hours)',
      },
      empty: 'No routing overrides: every customer gets the rules (kmsp ticketing override add SECTION ROW --customer NAME KEY=VALUE… adds one).',
      counted: (n) => `${n} ${n === 1 ? 'override' : 'overrides'}; the first that matches a customer and row applies; a blank value keeps the rule's`,
    };
  });
  await render(io, (options.format ?? 'table') as Format, listing);
}

function add(io: CommandIo, command: Command, sectionArg: string, rowArg: string, words: string[], options: OverrideOptions): Promise<void> {
  const pairs = words.map(assignment);
  return editOverrides(io, command, 'add', options, ({ draft, schema, picklists, integration }) => {
    const added = addOverride(draft, target(schema, sectionArg, rowArg), customers(integration, options.customer ?? [], []));
    let next = setPairs(added.draft, added.id, pairs, schema, picklists);
    if (options.off) next = setOverride(next, added.id, (o) => ({ ...o, enabled: false }));
    const n = next.overrides.length;
    return { draft: next, id: added.id, done: `Added ${describe(next.overrides[n - 1]!, n, schema)}.` };
  });
}

function set(io: CommandIo, command: Command, nArg: string, words: string[], options: OverrideOptions): Promise<void> {
  const pairs = words.map(assignment);
  return editOverrides(io, command, 'set', options, ({ draft, schema, picklists, integration }) => {
    const row = at(draft, nArg);
    if (pairs.length === 0 && !options.customer?.length && !options.off) {
      throw new KmspError('Nothing to set', { kind: 'config', remedy: 'Give KEY=VALUE changes (kmsp list ticket-fields lists the keys) or --customer NAME (the customers it is for, all of them).' });
    }
    let next = draft;
    if (options.customer?.length) {
      const tenants = customers(integration, options.customer, row.tenants);
      next = setOverride(next, row.id, (o) => ({ ...o, tenants }));
    }
    next = setPairs(next, row.id, pairs, schema, picklists);
    if (options.off) next = setOverride(next, row.id, (o) => ({ ...o, enabled: false }));
    const n = next.overrides.findIndex((o) => o.id === row.id) + 1;
    return { draft: next, id: row.id, done: `Set ${describe(next.overrides[n - 1]!, n, schema)}.` };
  });
}

function remove(io: CommandIo, command: Command, nArg: string, options: OverrideOptions): Promise<void> {
  return editOverrides(io, command, 'remove', options, ({ draft, schema }) => {
    const row = at(draft, nArg);
    return { draft: removeOverride(draft, row.id), done: `Removed ${describe(row, draft.overrides.indexOf(row) + 1, schema)}.` };
  });
}

function move(io: CommandIo, command: Command, nArg: string, options: OverrideOptions): Promise<void> {
  return editOverrides(io, command, 'move', options, ({ draft, schema }) => {
    const row = at(draft, nArg);
    if (options.to === undefined) throw new KmspError('Where to? --to M is missing', { kind: 'config', remedy: 'Give the new position: kmsp ticketing override move N --to M (1 is the first).' });
    const to = draft.overrides.indexOf(at(draft, options.to, '--to')) + 1;
    let next = draft;
    let from = draft.overrides.indexOf(row) + 1;
    // One place at a time with the pane's own move (the order is all that changes).
    while (from !== to) {
      const by = from < to ? 1 : -1;
      next = moveOverride(next, row.id, by);
      from += by;
    }
    return { draft: next, id: row.id, done: `Moved ${describe(row, draft.overrides.indexOf(row) + 1, schema)} to position ${to}.` };
  });
}

export function overrideActions(io: CommandIo) {
  // Failures are said as every command says them: what, why, what to do; exit 1.
  const guard = <A extends unknown[]>(fn: (...args: A) => Promise<void>) => guarded(io, fn);
  return {
    list: guard(async (options: OverrideOptions, command: Command) => {
      if (!knownFormat(io, options.format ?? 'table', LIST_FORMATS)) return;
      await list(io, command, options);
    }),
    add: guard((section: string, row: string, assignments: string[], options: OverrideOptions, command: Command) => add(io, command, section, row, assignments, options)),
    set: guard((n: string, assignments: string[], options: OverrideOptions, command: Command) => set(io, command, n, assignments, options)),
    remove: guard((n: string, options: OverrideOptions, command: Command) => remove(io, command, n, options)),
    move: guard((n: string, options: OverrideOptions, command: Command) => move(io, command, n, options)),
  };
}
