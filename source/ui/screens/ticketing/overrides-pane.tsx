// The Ticketing tab's "For customer" pane (README › Routing overrides): the per-customer
// overrides of rule rows, in order (the first one of a row listing a customer applies). Each
// names its customers (chosen from the mapped tenants, matched by platform tenant id; one the
// platform no longer lists is shown "(gone)", kept), the rule row, whether the row stays on
// for them, and the row fields and due time it changes ("(rule's)" where it keeps the rule's).
// The columns and words come from the PSA profile, as the rule table's; the rules are model.ts's.
import { useMemo, useRef } from 'react';
import type { Integration, PsaChoice, TicketChoices } from '../../../domain/config.js';
import { overrideOwnedFields } from '../../../domain/ticketOverrides.js';
import type { TicketFieldSpec } from '../../../domain/profiles/index.js';
import type { PicklistValue, Tenant, TicketPicklists } from '../../../domain/types.js';
import { useScreen, useTable, displayWidth, formatCount, toSingleLine, type Column, type Command, type TableModel, type Tone } from '../../index.js';
import {
  addOverride,
  listWords,
  live,
  moveOverride,
  overrideContext,
  overrideOptions,
  overrideRowWhat,
  overrideRule,
  overrideShadowed,
  overrideTargets,
  removeOverride,
  scopeSpec,
  setOverride,
  setOverrideField,
  withArticle,
  type Draft,
  type OverrideRow,
  type Problem,
  type TicketingSchema,
} from './model.js';

export interface OverrideColumn {
  readonly key: string;
  readonly kind: 'tenants' | 'row' | 'enabled' | 'field' | 'due';
  readonly title: string;
  readonly spec?: TicketFieldSpec;
}

/** The pane's columns: customers, rule row, on/off, every row field of the PSA, due (where tickets have one). */
export function overrideColumns(schema: TicketingSchema): OverrideColumn[] {
  return [
    { key: 'tenants', kind: 'tenants', title: 'For customer' },
    { key: 'row', kind: 'row', title: 'Rule row' },
    { key: 'enabled', kind: 'enabled', title: `${schema.psa.words.ticket.charAt(0).toUpperCase()}${schema.psa.words.ticket.slice(1)}` },
    ...schema.psa.ticketing.row.map((spec): OverrideColumn => ({ key: `field:${spec.id}`, kind: 'field', title: spec.short, spec })),
    ...(schema.psa.ticketing.hasDue ? [{ key: 'due', kind: 'due', title: 'Due (h)' } as const] : []),
  ];
}

export const RULES_VALUE = "(rule's)";

interface Line {
  text: string;
  tone: Tone;
}

export interface OverridesPane {
  readonly table: TableModel<OverrideRow>;
  readonly columns: readonly OverrideColumn[];
  readonly selected: OverrideColumn | undefined;
  readonly commands: Command[];
  readonly detail: Line[];
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

export function useOverridesPane(options: {
  integration: Integration;
  schema: TicketingSchema;
  draft: Draft;
  edit: (update: (d: Draft) => Draft) => void;
  problems: readonly Problem[];
  lists: TicketPicklists | undefined;
  needLists: () => TicketPicklists | undefined;
  /** The platform's tenants now; undefined while unknown (nothing is called gone then). */
  platformTenants: readonly Tenant[] | undefined;
  column: number;
  setColumn: (update: (c: number) => number) => void;
  height: number;
  active: boolean;
  enabled: () => boolean;
}): OverridesPane {
  const { integration, schema, draft, edit, problems, lists, needLists, platformTenants, column, setColumn, height, active, enabled } = options;
  const screen = useScreen();
  const { psa, platform } = schema;
  const cols = useMemo(() => overrideColumns(schema), [schema]);
  const selected = cols[Math.min(column, cols.length - 1)];

  const gone = (tenantId: string) => platformTenants !== undefined && !platformTenants.some((t) => t.id === tenantId);
  const nameOf = (t: { tenantId: string; tenantName: string }) => {
    const mapped = integration.tenants.find((m) => m.tenantId === t.tenantId);
    return `${mapped?.tenantName ?? t.tenantName ?? t.tenantId}${gone(t.tenantId) ? ' (gone)' : ''}`;
  };
  const bad = (r: OverrideRow, field: string) => problems.some((p) => p.rowId === r.id && p.field === field);
  const problemField = (c: OverrideColumn) => (c.kind === 'due' ? 'dueHours' : c.kind === 'field' ? c.spec!.id : c.kind === 'row' ? 'row' : c.kind);
  const valueText = (choice: PsaChoice | null, values: readonly PicklistValue[] | undefined) => {
    if (!choice) return RULES_VALUE;
    const now = live(choice, values);
    return now ? now.label : values ? '— choose' : choice.label;
  };
  const text = (r: OverrideRow, c: OverrideColumn): string => {
    const mark = bad(r, problemField(c)) ? ' !' : '';
    switch (c.kind) {
      case 'tenants':
        return `${r.tenants.length === 0 ? '— choose' : r.tenants.map(nameOf).join(', ')}${mark}`;
      case 'row':
        return `${overrideRowWhat(r, platform)}${mark}`;
      case 'enabled':
        return r.enabled ? 'on' : 'off';
      case 'due':
        return `${r.due.trim() === '' ? RULES_VALUE : r.due}${mark}`;
      case 'field': {
        const spec = c.spec!;
        const values = lists ? overrideOptions(r, spec, draft, psa, lists) : undefined;
        const own = r.fields[spec.id] ?? null;
        // Blank under a board of its own: the override's (none), not the rule's, whose value belongs to another board.
        if (!own && overrideOwnedFields({ fields: r.fields as TicketChoices }, psa).includes(spec.id)) return `${spec.required ? '— choose' : '(none)'}${mark}`;
        return `${valueText(own, values)}${mark}`;
      }
    }
  };

  const rows = draft.overrides;
  // The cursor's row as of this render (the columns are kept between renders; their cells read it when drawn).
  const cursorRef = useRef<string | undefined>(undefined);
  const columns = useMemo<Column<OverrideRow>[]>(() => {
    const need = (c: OverrideColumn) => Math.max(displayWidth(c.title) + 1, ...rows.map((r) => displayWidth(text(r, c)) + 2));
    return [
      { key: 'n', title: '#', width: Math.max(2, String(rows.length).length + 1), filterable: false, render: (r) => String(rows.indexOf(r) + 1) },
      ...cols.map((c): Column<OverrideRow> => {
        const wide = c.kind === 'tenants' || c.kind === 'row';
        return {
          key: c.key,
          title: `${c.key === selected?.key ? '›' : ''}${c.title}`,
          ...(wide ? { minWidth: Math.min(need(c), c.kind === 'tenants' ? 18 : 22), maxWidth: Math.min(need(c), 44), grow: 1, ellipsis: 'middle' as const } : { width: need(c) }),
          filterable: wide,
          render: (r: OverrideRow) => (r.id === cursorRef.current && c.key === selected?.key ? `[${text(r, c)}]` : text(r, c)),
          tone: (r: OverrideRow): Tone | undefined => (bad(r, problemField(c)) ? 'danger' : undefined),
        };
      }),
    ];
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [rows, cols, selected, problems, lists, platformTenants, draft.general, draft.sections]);
  const table = useTable({ rows, columns, getRowId: (r) => r.id, height, active, group: 'Overrides' });
  const row = table.cursorRow;
  cursorRef.current = row?.id;

  const update = (id: string, change: (r: OverrideRow) => OverrideRow) => edit((d) => setOverride(d, id, change));

  async function chooseTenants(current: readonly { tenantId: string; tenantName: string }[]): Promise<Array<{ tenantId: string; tenantName: string }> | undefined> {
    const mapped = integration.tenants.filter((m) => m.accountId);
    const kept = current.filter((t) => !mapped.some((m) => m.tenantId === t.tenantId));
    const items = [
      ...mapped.map((m) => ({ id: m.tenantId, label: m.tenantName, ...(m.accountName ? { detail: m.accountName } : {}) })),
      ...kept.map((t) => ({ id: t.tenantId, label: nameOf(t), detail: 'not mapped now' })),
    ];
    if (items.length === 0) {
      screen.notify({ kind: 'error', text: `No ${platform.words.tenants} are mapped to ${psa.words.name} accounts yet.`, remedy: 'Map them on the Accounts tab first: only mapped ones get tickets.' });
      return undefined;
    }
    const checked = await screen.checklist({
      title: 'For customer',
      description: `The ${platform.words.tenants} this override is for (matched by their ${platform.words.name} id).`,
      items,
      initialChecked: current.map((t) => t.tenantId),
    });
    if (!checked) return undefined;
    return checked.map((id) => {
      const m = mapped.find((x) => x.tenantId === id);
      return m ? { tenantId: m.tenantId, tenantName: m.tenantName } : current.find((t) => t.tenantId === id)!;
    });
  }

  async function chooseRow(initial?: { section: string; key: string }): Promise<{ section: string; key: string } | undefined> {
    const targets = overrideTargets(platform);
    const chosen = await screen.select<string>({
      title: 'Rule row',
      options: targets.map((t) => ({ value: `${t.section}\u0000${t.key}`, label: t.label, detail: overrideRule(draft, t)?.enabled ? 'on' : 'off in the rules' })),
      initialValue: initial ? `${initial.section}\u0000${initial.key}` : null,
      noun: 'rule rows',
    });
    if (chosen === undefined || chosen === null) return undefined;
    const [section, key] = chosen.split('\u0000') as [string, string];
    return { section, key };
  }

  async function add() {
    const target = await chooseRow();
    if (!target) return;
    const tenants = await chooseTenants([]);
    if (tenants === undefined) return;
    edit((d) => addOverride(d, target, tenants).draft);
    table.moveTo(rows.length);
    screen.notify(`Added override ${rows.length + 1}: Enter edits its ${psa.ticketing.row.filter((s) => (s.placement ?? 'column') === 'column').map((s) => s.short.toLowerCase()).join(', ')}… (not saved yet: Ctrl-S saves).`);
  }

  async function remove(r: OverrideRow) {
    const n = rows.indexOf(r) + 1;
    const yes = await screen.confirm({ title: 'Delete override', message: `Delete override ${n} (${overrideRowWhat(r, platform)})?`, detail: ['Nothing is saved until Ctrl-S.'], danger: true });
    if (!yes) return;
    edit((d) => removeOverride(d, r.id));
  }

  async function editCell(r: OverrideRow) {
    if (!selected) return;
    switch (selected.kind) {
      case 'tenants': {
        const tenants = await chooseTenants(r.tenants);
        if (tenants !== undefined) update(r.id, (o) => ({ ...o, tenants }));
        return;
      }
      case 'row': {
        const target = await chooseRow(r);
        if (target) update(r.id, (o) => ({ ...o, ...target }));
        return;
      }
      case 'enabled':
        update(r.id, (o) => ({ ...o, enabled: !o.enabled }));
        return;
      case 'due': {
        const values = await screen.form({
          title: `Due (hours) — override ${rows.indexOf(r) + 1}`,
          fields: [{ kind: 'text', id: 'value', label: "Due (hours), blank: the rule's", initial: r.due }],
        });
        if (values) update(r.id, (o) => ({ ...o, due: String(values.value ?? '').trim() }));
        return;
      }
      case 'field': {
        const spec = selected.spec!;
        const p = needLists();
        if (!p) return;
        const scope = scopeSpec(psa, spec);
        if (scope && !overrideContext(r, draft, psa)[scope.id]) {
          screen.notify({ kind: 'error', text: `Choose ${withArticle(scope.label)} first: ${listWords(psa, spec.list)} belong to one.` });
          return;
        }
        const values = overrideOptions(r, spec, draft, psa, p);
        const chosen = await screen.select<string>({
          title: `${spec.label} for override ${rows.indexOf(r) + 1} (${toSingleLine(overrideRowWhat(r, platform))})`,
          options: values.map((v) => ({ value: v.value, label: v.label })),
          allowNone: RULES_VALUE,
          initialValue: live(r.fields[spec.id] ?? null, values)?.value ?? null,
          noun: `active ${psa.words.name} ${listWords(psa, spec.list)}`,
        });
        if (chosen === undefined) return;
        const hit = values.find((v) => v.value === chosen);
        if (chosen !== null && !hit) return;
        update(r.id, (o) => setOverrideField(o, spec.id, hit ? { value: hit.value, label: hit.label } : null, psa));
        return;
      }
    }
  }

  const move = (by: -1 | 1) => {
    if (!row) return;
    const i = rows.indexOf(row);
    if (i + by < 0 || i + by >= rows.length) return;
    edit((d) => moveOverride(d, row.id, by));
    table.moveTo(i + by);
  };

  const commands: Command[] = [
    { id: 'ticketing.overrides.add', keys: ['a'], description: 'Add an override: a rule row, for some customers', hint: 'add', group: 'For customer', when: enabled, run: () => void add() },
    { id: 'ticketing.overrides.edit', keys: ['enter'], description: "Edit the chosen cell (a blank value keeps the rule's)", hint: 'edit', group: 'For customer', when: () => enabled() && row !== undefined, run: () => void editCell(row!) },
    { id: 'ticketing.overrides.toggle', keys: ['o'], description: `Create ${psa.words.ticket} on/off for this override's customers`, hint: 'on/off', group: 'For customer', when: () => enabled() && row !== undefined, run: () => update(row!.id, (o) => ({ ...o, enabled: !o.enabled })) },
    { id: 'ticketing.overrides.delete', keys: ['d'], description: 'Delete this override', hint: 'delete', group: 'For customer', when: () => enabled() && row !== undefined, run: () => void remove(row!) },
    { id: 'ticketing.overrides.earlier', keys: ['K'], description: 'Move this override earlier (the first that matches applies)', hint: 'earlier', group: 'For customer', when: () => enabled() && row !== undefined, run: () => move(-1) },
    { id: 'ticketing.overrides.later', keys: ['J'], description: 'Move this override later', group: 'For customer', when: () => enabled() && row !== undefined, run: () => move(1) },
    { id: 'ticketing.overrides.right', keys: ['right', 'l'], description: 'Next column', group: 'For customer', when: enabled, run: () => setColumn((c) => Math.min(cols.length - 1, c + 1)) },
  ];

  const detail: Line[] = [];
  if (row) {
    const selectedField = selected ? problemField(selected) : '';
    const here = problems.filter((p) => p.rowId === row.id).sort((a, b) => (a.field === selectedField ? 0 : 1) - (b.field === selectedField ? 0 : 1));
    for (const p of here) detail.push({ text: p.message, tone: 'warning' });
    const lost = row.tenants.filter((t) => gone(t.tenantId));
    if (lost.length > 0) {
      detail.push({ text: `${lost.map((t) => `“${t.tenantName || t.tenantId}”`).join(', ')} no longer on ${platform.words.name}: kept, unused until it is back (d deletes the override).`, tone: 'warning' });
    }
    const shadowed = overrideShadowed(draft, row, schema);
    if (shadowed.length > 0) {
      const names = row.tenants.filter((t) => shadowed.includes(t.tenantId)).map((t) => `“${t.tenantName || t.tenantId}”`);
      detail.push({ text: `Not used for ${names.join(', ')}: an earlier override of this row applies to ${shadowed.length === 1 ? 'it' : 'them'} (K moves this one earlier).`, tone: 'warning' });
    }
    const rule = overrideRule(draft, row);
    if (rule && !rule.enabled) detail.push({ text: `The row is off in the rules, so this override makes no ${psa.words.tickets}: an override never switches a row on.`, tone: 'muted' });
  }
  detail.push({
    text:
      rows.length === 0
        ? `No overrides: every customer gets the rules. a adds one (a rule row, its customers, then what changes for them).`
        : `${plural(rows.length, 'override')}; the first that matches a customer and row applies; ${psa.words.tickets} already open keep theirs.`,
    tone: 'muted',
  });

  return { table, columns: cols, selected, commands, detail };
}
