// The action of kmsp ticketing set (commands/ticketing.ts declares it): the Ticketing tab's draft,
// rules and words (domain/ticketingDraft.ts) from the command line, saved as the tab saves (the
// session's save, audited). Values are read from the PSA's live lists, as the tab's choosers
// offer them; anything the tab's Save refuses is refused with its messages.
import type { Command } from 'commander';
import type { PsaChoice } from '../../domain/config.js';
import { describeError, isKmspError, KmspError } from '../../domain/errors.js';
import type { TicketFieldSpec } from '../../domain/profiles/types.js';
import { resolveRef } from '../../domain/resolveRef.js';
import {
  applyBulk,
  changedIds,
  draftProblems,
  fromDraft,
  GENERAL,
  generalOptions,
  generalRows,
  perScopeSpec,
  problemSummary,
  rowContext,
  rowOptions,
  schemaOf,
  sectionEntries,
  setGeneral,
  setRows,
  toDraft,
  type BulkChange,
  type Draft,
  type GeneralRow,
  type RuleRow,
  type TicketingSchema,
} from '../../domain/ticketingDraft.js';
import type { PicklistValue, TicketPicklists } from '../../domain/types.js';
import type { CommandIo } from '../common.js';
import { withEditSession } from './editSession.js';
import { onOff } from './mapping.js';

interface SetOptions {
  integration?: string;
  reason?: string;
}

/** A KEY=VALUE word, split at its first '='. */
export function assignment(word: string): { key: string; value: string } {
  const at = word.indexOf('=');
  if (at <= 0) throw new KmspError(`“${word}” is not KEY=VALUE`, { kind: 'config', remedy: 'Write each change as KEY=VALUE, e.g. enabled=on or priority=High (quote a value with spaces).' });
  return { key: word.slice(0, at).trim(), value: word.slice(at + 1) };
}

export const NONE = new Set(['none', '(none)', '-', '']);

/** A PSA value of a field, by value or label among what the field offers now; null for none. */
export function pickValue(spec: TicketFieldSpec, text: string, offered: readonly PicklistValue[]): PsaChoice | null {
  if (NONE.has(text.trim().toLowerCase())) return null;
  const found = resolveRef(text, offered.map((v) => ({ id: v.value, name: v.label })), { what: `${spec.label.toLowerCase()} value`, listCommand: 'kmsp list ticket-fields' });
  return { value: found.id, label: found.name };
}

const ROW_KEYS = ['enabled', 'lifetime', 'due'] as const;

/** The field a KEY names (its key or label); refused naming every KEY this place takes. */
export function fieldSpec(specs: readonly TicketFieldSpec[], key: string, where: string, plain: readonly string[] = []): TicketFieldSpec {
  try {
    const found = resolveRef(key, specs.map((s) => ({ id: s.id, name: s.label })), { what: `${where} field` });
    return specs.find((s) => s.id === found.id)!;
  } catch (error) {
    if (!isKmspError(error)) throw error;
    throw new KmspError(`Unknown key “${key}”`, {
      kind: 'config',
      cause: `${where} takes the keys ${[...plain, ...specs.map((s) => `${s.id} (${s.label})`)].join(', ')}.`,
      remedy: 'Use one of those keys (or its label) before the "="; kmsp list ticket-fields lists the values of each field.',
    });
  }
}

/** Sets the rows' values, one KEY=VALUE after another (a board before its types: the order given). */
function setRuleRows(draft: Draft, schema: TicketingSchema, section: string, rows: readonly RuleRow[], pairs: ReadonlyArray<{ key: string; value: string }>, picklists: TicketPicklists): Draft {
  const psa = schema.psa;
  let next = draft;
  for (const { key, value } of pairs) {
    const lower = key.toLowerCase();
    const ids = new Set(rows.map((r) => r.id));
    if ((ROW_KEYS as readonly string[]).includes(lower) || lower === 'create') {
      const change: BulkChange =
        lower === 'lifetime' ? { lifetime: value, fields: {} } : lower === 'due' ? { due: value, fields: {} } : { enabled: onOff(value, `${key}=`), fields: {} };
      if (lower === 'lifetime' && rows.every((r) => r.lifetime === undefined)) throw new KmspError('This section has no lifetime', { kind: 'config', remedy: 'Leave lifetime= out here.' });
      if (lower === 'due' && !psa.ticketing.hasDue) throw new KmspError(`${psa.words.name} ${psa.words.tickets} have no due time`, { kind: 'config', remedy: 'Leave due= out.' });
      next = setRows(next, section, ids, (r) => applyBulk(r, change, next, psa));
      continue;
    }
    const spec = fieldSpec(psa.ticketing.row, key, `A ${psa.words.ticket} rule`, ROW_KEYS);
    const current = next;
    next = setRows(next, section, ids, (r) => {
      const row = current.sections[section]!.find((x) => x.id === r.id)!;
      const offered = rowOptions(psa, spec, rowContext(row, current, psa), picklists);
      return applyBulk(row, { fields: { [spec.id]: pickValue(spec, value, offered) } }, current, psa);
    });
  }
  return next;
}

/** Sets General fields, or with a scope those kept per scope (a board's New and Closed status). */
function setGeneralFields(draft: Draft, schema: TicketingSchema, rowArg: string, pairs: ReadonlyArray<{ key: string; value: string }>, picklists: TicketPicklists): Draft {
  const psa = schema.psa;
  let next = draft;
  const general = NONE.has(rowArg.trim().toLowerCase()) || ['general', 'all'].includes(rowArg.trim().toLowerCase());
  let scope: PsaChoice | undefined;
  if (!general) {
    const scopeField = perScopeSpec(psa);
    if (!scopeField || !psa.ticketing.perScope) {
      throw new KmspError(`General takes no row “${rowArg}”`, { kind: 'config', remedy: `Write - for the row: kmsp ticketing set general - KEY=VALUE.` });
    }
    const values = (picklists[scopeField.list] ?? []).map((v) => ({ id: v.value, name: v.label }));
    const found = resolveRef(rowArg, values, { what: scopeField.label.toLowerCase(), listCommand: 'kmsp list ticket-fields' });
    scope = { value: found.id, label: found.name };
  }
  const specs = scope ? (psa.ticketing.perScope?.fields ?? []) : psa.ticketing.general;
  for (const { key, value } of pairs) {
    const spec = fieldSpec(specs, key, scope ? `“${scope.label}”` : 'General');
    const row: GeneralRow & { kind: 'field' } = scope
      ? { kind: 'field', id: `general:scope:${scope.value}:${spec.id}`, spec, label: spec.label, required: spec.required === true, scope }
      : (generalRows(next, schema, picklists).find((r): r is GeneralRow & { kind: 'field' } => r.kind === 'field' && !r.scope && r.spec.id === spec.id) ?? {
          kind: 'field',
          id: `general:${spec.id}`,
          spec,
          label: spec.label,
          required: spec.required === true,
        });
    next = setGeneral(next, row, pickValue(spec, value, generalOptions(next, row, schema, picklists)), schema).draft;
  }
  return next;
}

async function set(io: CommandIo, command: Command, sectionArg: string, rowArg: string, words: string[], options: SetOptions): Promise<void> {
  const pairs = words.map(assignment);
  await withEditSession(command, 'ticketing set', { refused: 'Not set: ' }, async (ctx) => {
    const { session, integration } = ctx;
    const schema = schemaOf(integration);
    const picklists = await session.picklists(integration.name);
    const saved = toDraft(integration.ticketing, schema);
    const entries = sectionEntries(schema.platform);
    const section = resolveRef(
      sectionArg,
      entries.flatMap((e) => [{ id: e.id, name: e.full }]),
      { what: 'Ticketing section', listCommand: 'kmsp list ticket-rules' },
    );
    let draft: Draft;
    if (section.id === GENERAL) draft = setGeneralFields(saved, schema, rowArg, pairs, picklists);
    else {
      const rows = saved.sections[section.id] ?? [];
      const spec = schema.platform.sections.find((s) => s.id === section.id)!;
      let chosen: RuleRow[];
      if (rowArg.trim().toLowerCase() === 'all') chosen = [...rows];
      else {
        const found = resolveRef(rowArg, spec.rows.map((r) => ({ id: r.key, name: r.label })), { what: `row of ${section.name}`, listCommand: 'kmsp list ticket-rules' });
        const row = rows.find((r) => r.key === found.id);
        if (!row) throw new KmspError(`“${found.name}” has no rule in this configuration yet`, { kind: 'config', cause: 'Its section was saved by an older kmsp.', remedy: 'Open the Ticketing tab once and save, then run the command again.' });
        chosen = [row];
      }
      draft = setRuleRows(saved, schema, section.id, chosen, pairs, picklists);
    }
    const problems = draftProblems(draft, schema, picklists);
    if (problems.length > 0) {
      throw new KmspError(`Not set: ${problems.length === 1 ? 'one problem' : `${problems.length} problems`} to fix first (${problemSummary(problems, draft, schema)})`, {
        kind: 'config',
        cause: problems.map((p) => p.message).join(' '),
        remedy: 'Nothing was saved. Give the values the message names in the same command (e.g. enabled=off, or a value kmsp list ticket-fields lists), then run it again.',
      });
    }
    const changed = changedIds(saved, draft);
    if (changed.size === 0) {
      io.out(`Nothing changed: ${ctx.paths.configFile} already says so.\n`);
      return;
    }
    const tab = schema.psa.words.tabs.ticketing;
    const result = session.updateIntegration(integration.name, (i) => ({ ...i, ticketing: fromDraft(draft, schema, picklists) }), options.reason?.trim() || `${tab} settings`);
    io.out(`Saved in ${ctx.paths.configFile}: ${result.summary}\nRecorded in the ledger's config audit as ${ctx.actor}.\n`);
  });
}

export function ticketingActions(io: CommandIo) {
  return {
    set: async (section: string, row: string, assignments: string[], options: SetOptions, command: Command) => {
      try {
        await set(io, command, section, row, assignments, options);
      } catch (error) {
        io.err(describeError(error) + '\n');
        process.exitCode = 1;
      }
    },
  };
}
