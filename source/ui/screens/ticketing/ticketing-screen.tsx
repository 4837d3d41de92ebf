// The Ticketing tab (README › The console, Ticketing), drawn from the integration's profiles.
// Left pane: General, then the platform's rule sections (under their group headings where the
// profile groups them); right pane: the chosen section's settings. Dropdowns read the live PSA
// picklists and offer only active values (of the row's scope, where a field's values belong to
// another's); a stored value the PSA no longer has shows blank ("— choose"). A draft until
// Ctrl-S; rules in model.ts, bulk edit in bulk-dialog.tsx, the per-customer routing overrides
// (the pane's last entry, For customer) in overrides-pane.tsx.
import { reloadedNotice } from '../reload-notice.js';
import { useMemo, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import type { PsaChoice } from '../../../domain/config.js';
import { isKmspError } from '../../../domain/errors.js';
import type { TicketFieldSpec } from '../../../domain/profiles/index.js';
import type { PicklistValue, TicketPicklists } from '../../../domain/types.js';
import { Table, useTable, useCommands, useDirty, useScreen, useTheme, formatCount, truncate, toSingleLine, displayWidth, windowColumns, COLUMN_GAP, type Column, type Command, type Tone } from '../../index.js';
import { integrationScreen, type IntegrationEditorProps, type IntegrationScreenOptions } from '../integration-screen.js';
import { DetailLines } from '../detail-lines.js';
import { useLoad } from '../use-load.js';
import { BulkEditDialog } from './bulk-dialog.js';
import { useOverridesPane } from './overrides-pane.js';
import {
  applyBulk,
  bulkOnlyFields,
  bulkWords,
  changedIds,
  dependents,
  draftProblems,
  fallbackSpec,
  fromDraft,
  GENERAL,
  generalOptions,
  generalRows,
  generalValue,
  generalValues,
  joinLabels,
  labelTitle,
  listWords,
  live,
  OVERRIDES,
  perScopeSpec,
  picklistCounts,
  problemSection,
  problemSummary,
  rebaseDraft,
  resetSection as resetOf,
  rowContext,
  rowOptions,
  ruleColumns,
  saveRemedy,
  schemaOf,
  scopeSpec,
  sectionEntries,
  sectionEntry,
  sectionPane,
  setGeneral,
  setRowFields,
  setRows,
  settingsWords,
  stale,
  switchOnNeeds,
  toDraft,
  withArticle,
  type BulkChange,
  type Draft,
  type GeneralRow,
  type Problem,
  type RuleColumn,
  type RuleRow,
} from './model.js';

export type TicketingScreenOptions = IntegrationScreenOptions;

type Props = IntegrationEditorProps;

// The PSA's own word for the tab.
const screen = integrationScreen('ticketing', { of: (i) => schemaOf(i).psa.words.tabs.ticketing, fallback: 'Ticketing' }, TicketingEditor);
export const createTicketingScreen = screen.create;
export const TicketingScreen = screen.Screen;

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

interface Line {
  text: string;
  tone: Tone;
}

/** Cells before the rules table's first column: cursor, mark "[ ]" and the unsaved-change marker (table.tsx prefixFor). */
const RULES_PREFIX = 8;
/** Cells before the General table's first column: cursor and the unsaved-change marker. */
const GENERAL_PREFIX = 4;
const BLANK = '— choose';
const LEFT_WIDTH = 22;

type FieldRow = GeneralRow & { kind: 'field' };

function TicketingEditor({ session, integrationName, integration, width, height, active }: Props) {
  const screen = useScreen();
  const theme = useTheme();
  const schema = useMemo(() => schemaOf(integration), [integration]);
  const { psa, platform } = schema;
  const psaName = psa.words.name;
  const tabTitle = psa.words.tabs.ticketing;
  const settingsNoun = settingsWords(psa);
  const sections = useMemo(() => sectionEntries(platform), [platform]);
  const pane = useMemo(() => sectionPane(platform), [platform]);

  // Draft ------------------------------------------------------------------------
  const [saved, setSaved] = useState<Draft>(() => toDraft(integration.ticketing, schema));
  const [draft, setDraft] = useState<Draft>(() => toDraft(integration.ticketing, schema));
  const [section, setSection] = useState<string>(GENERAL);
  const [focus, setFocus] = useState<'sections' | 'settings'>('sections');
  const [column, setColumn] = useState(0);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const picklists = useLoad((refresh) => session.picklists(integrationName, refresh), [session, integrationName]);
  const lists: TicketPicklists | undefined = picklists.data;

  const changed = useMemo(() => changedIds(saved, draft), [saved, draft]);
  const dirty = changed.size > 0;
  useDirty(dirty);
  const problems = useMemo(() => draftProblems(draft, schema, lists), [draft, schema, lists]);

  // Tables ---------------------------------------------------------------------------
  const bottomLines = height >= 14 ? 3 : 1;
  const tableHeight = Math.max(3, height - 1 - bottomLines);
  const rightWidth = Math.max(20, width - LEFT_WIDTH - 1);
  const entry = sectionEntry(platform, section) ?? sections[0]!;
  const sectionSpec = entry.spec;
  const isRules = sectionSpec !== undefined;
  const isGeneral = section === GENERAL;
  const isOverrides = section === OVERRIDES;
  const ruleCols: RuleColumn[] = useMemo(() => (sectionSpec ? ruleColumns(sectionSpec, psa) : []), [sectionSpec, psa]);
  const selected: RuleColumn | undefined = ruleCols[Math.min(column, ruleCols.length - 1)];
  const cursorRef = useRef<string | undefined>(undefined);

  const choiceText = (choice: PsaChoice | null, values: readonly PicklistValue[] | undefined, none = BLANK): string => {
    if (!choice) return none;
    const now = live(choice, values);
    return now ? now.label : values ? BLANK : choice.label;
  };
  /** The values a row's stored choice is checked against: its list, or where the field is scoped, its scope's values. */
  const rowValues = (r: RuleRow, spec: TicketFieldSpec, d: Draft = draft): readonly PicklistValue[] | undefined => {
    if (!lists) return undefined;
    return spec.scopedBy ? rowOptions(psa, spec, rowContext(r, d, psa), lists) : lists[spec.list];
  };
  /** A field cell: the row's value, or — left blank where the field falls back to a General one — that value, marked "(default)". */
  const fieldText = (r: RuleRow, spec: TicketFieldSpec): string => {
    const own = r.fields[spec.id] ?? null;
    const fb = fallbackSpec(psa, spec);
    if (!own && fb) {
      const general = draft.general[fb.id] ?? null;
      const text = choiceText(general, lists?.[fb.list]);
      return general && text !== BLANK ? `${text} (default)` : BLANK;
    }
    // An optional field left blank is "(none)", not a value still to choose.
    return choiceText(own, rowValues(r, spec), spec.required ? BLANK : '(none)');
  };

  const ruleRows: readonly RuleRow[] = isRules ? (draft.sections[section] ?? []) : [];
  const columns = useMemo<Column<RuleRow>[]>(() => {
    if (!sectionSpec) return [];
    const bad = (r: RuleRow, field: string) => problems.some((p) => p.rowId === r.id && p.field === field);
    const problemField = (c: RuleColumn) => (c.kind === 'lifetime' ? 'lifetimeDays' : c.kind === 'due' ? 'dueHours' : (c.spec?.id ?? c.key));
    const text = (r: RuleRow, c: RuleColumn): string => {
      const mark = bad(r, problemField(c)) ? ' !' : '';
      switch (c.kind) {
        case 'enabled':
          return r.enabled ? 'on' : 'off';
        case 'lifetime':
          return `${r.lifetime ?? ''}${mark}`;
        case 'due':
          return `${r.due ?? ''}${mark}`;
        default:
          return `${fieldText(r, c.spec!)}${mark}`;
      }
    };
    const cell = (r: RuleRow, c: RuleColumn) => (r.id === cursorRef.current && c.key === selected?.key ? `[${text(r, c)}]` : text(r, c));
    const toneOf = (c: RuleColumn) => (r: RuleRow): Tone | undefined => (bad(r, problemField(c)) ? 'danger' : undefined);
    // The other columns get what they need — their longest cell with the cursor's brackets, or
    // their title with the column cursor's "›" — and the descriptions all the rest, up to the
    // longest one. A description still too long is cut in the middle, by words, keeping what
    // tells "Real-time protection is not running" from "Real-time protection level differs…".
    // Where not every column fits (80 columns), they scroll sideways with the column cursor
    // (Table focusColumn), the description column staying.
    const longest = Math.max(18, ...ruleRows.map((r) => displayWidth(r.label)));
    const need = (c: RuleColumn, title: string) => Math.max(displayWidth(title) + 1, ...ruleRows.map((r) => displayWidth(text(r, c)) + 2));
    const build = (short: boolean): Column<RuleRow>[] => [
      { key: 'label', title: labelTitle(sectionSpec), minWidth: 18, maxWidth: longest, grow: 1, ellipsis: 'middle' },
      ...ruleCols.map((c): Column<RuleRow> => {
        const title = short ? c.short : c.title;
        return {
          key: c.key,
          title: `${c.key === selected?.key ? '›' : ''}${title}`,
          width: need(c, title),
          filterable: false,
          render: (r) => cell(r, c),
          ...(theme.colored ? { tone: toneOf(c) } : {}),
        };
      }),
    ];
    // Full titles where everything fits with room for the descriptions; else the short ones.
    const full = build(false);
    const room = Math.max(1, rightWidth - RULES_PREFIX);
    const fitted = windowColumns(full, room);
    const labelWidth = fitted.layout.find((l) => l.column.key === 'label')?.width ?? 0;
    return !fitted.scrolled && labelWidth >= Math.min(longest, 40) ? full : build(true);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [sectionSpec, ruleCols, selected, problems, lists, theme.colored, ruleRows, rightWidth, draft.general]);
  const rulesTable = useTable({ rows: ruleRows, columns, getRowId: (r) => r.id, height: tableHeight, active: active && focus === 'settings' && isRules, markable: true, group: 'Rules' });
  const rule = isRules ? rulesTable.cursorRow : undefined;
  cursorRef.current = rule?.id;

  const general = useMemo(() => generalRows(draft, schema, lists), [draft, schema, lists]);
  // Narrow enough minimums that all three fit at 80 columns: this table has no column cursor,
  // and ← here goes back to the sections, so it must not need scrolling.
  const generalColumns = useMemo<Column<GeneralRow>[]>(() => {
    const bad = (g: GeneralRow) => problems.some((p) => p.rowId === g.id);
    const lacking = (g: GeneralRow) => problems.filter((p) => p.rowId.startsWith(`${g.id}:`)).map((p) => general.find((x) => x.id === p.rowId)?.label.trim() ?? p.field);
    const room = rightWidth - GENERAL_PREFIX;
    const labelRoom = room - 30;
    const fullWidth = Math.max(...general.map((g) => displayWidth(g.label) + 2));
    // Where the labels do not all fit, each one too long for the column is shown in its short
    // form ("New status"), not cut in the middle, and the column takes only what those need.
    const narrow = fullWidth > labelRoom;
    const labelOf = (g: GeneralRow): string => {
      if (!narrow || g.kind !== 'field' || displayWidth(g.label) + 2 <= labelRoom) return g.label;
      return `${g.label.slice(0, g.label.length - g.label.trimStart().length)}${g.spec.short}`;
    };
    const settingWidth = narrow ? Math.min(labelRoom, Math.max(...general.map((g) => displayWidth(labelOf(g)) + 2))) : Math.max(22, fullWidth);
    // A field's note says in full when it is required; in a narrow pane the "once a row is on"
    // of a field required only then is said shorter rather than cut.
    const noteOf = (g: GeneralRow & { kind: 'field' }, short: boolean): string =>
      g.required ? (g.spec.requiredOnceInUse ? (short ? 'required when on' : 'required once a row is on') : 'required') : 'optional';
    const fieldRows = general.filter((g): g is FieldRow => g.kind === 'field');
    const free = room - settingWidth - 2 * COLUMN_GAP;
    const noteNeed = (short: boolean) => Math.max(8, ...fieldRows.map((g) => displayWidth(noteOf(g, short))));
    const shortNotes = free - 16 < noteNeed(false);
    const valueMin = shortNotes ? Math.max(12, Math.min(16, free - noteNeed(true))) : 16;
    const noteMin = Math.max(8, Math.min(noteNeed(shortNotes), free - valueMin));
    return [
      { key: 'label', title: 'Setting', width: settingWidth, ellipsis: 'middle', render: labelOf },
      {
        key: 'value',
        title: 'Value',
        minWidth: valueMin,
        grow: 2,
        filterable: false,
        render: (g) => (g.kind === 'scope' ? g.scope.label || g.scope.value : `${choiceText(generalValue(draft, g), generalValues(draft, g, schema, lists), g.required ? BLANK : '(none)')}${bad(g) ? ' !' : ''}`),
        ...(theme.colored ? { tone: (g: GeneralRow) => (bad(g) ? ('danger' as Tone) : undefined) } : {}),
      },
      {
        key: 'required',
        title: 'Note',
        minWidth: noteMin,
        grow: 1,
        filterable: false,
        render: (g) => {
          if (g.kind === 'field') return noteOf(g, shortNotes);
          const missing = lacking(g);
          const used = g.overrides > 0 ? (g.rows > 0 ? `${plural(g.rows, 'row')} on · ${plural(g.overrides, 'override')}` : plural(g.overrides, 'override')) : `${plural(g.rows, 'row')} on`;
          return `${used}${missing.length > 0 ? ` · needs ${joinLabels(missing)}` : ''}`;
        },
        ...(theme.colored ? { tone: (g: GeneralRow) => (g.kind === 'scope' && lacking(g).length > 0 ? ('warning' as Tone) : undefined) } : {}),
      },
    ];
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [draft, general, lists, problems, theme.colored, rightWidth, schema]);
  const generalTable = useTable({ rows: general, columns: generalColumns, getRowId: (g) => g.id, height: tableHeight, active: active && focus === 'settings' && isGeneral, filterable: false, group: 'General' });
  const generalRow = isGeneral ? generalTable.cursorRow : undefined;

  // Actions --------------------------------------------------------------------------
  function selectSection(next: string, toSettings = false) {
    if (next !== section) {
      rulesTable.clearMarks();
      rulesTable.moveTo(0);
      generalTable.moveTo(0);
      overrides.table.moveTo(0);
      setColumn(0);
      setSection(next);
    }
    if (toSettings) setFocus('settings');
  }
  const sectionIndex = Math.max(0, sections.findIndex((s) => s.id === section));

  function needLists(): TicketPicklists | undefined {
    if (lists) return lists;
    if (picklists.loading) screen.notify(`Still loading the ${psaName} picklists…`);
    else screen.notify({ kind: 'error', text: `The ${psaName} picklists could not be loaded: ${message(picklists.error)}`, remedy: 'Press r to try again.' });
    return undefined;
  }

  const edit = (update: (d: Draft) => Draft) => {
    setRefusal(null);
    setDraft(update);
  };

  const tenants = useLoad((refresh) => session.tenants(integrationName, refresh), [session, integrationName]);
  const overrides = useOverridesPane({
    integration,
    schema,
    draft,
    edit,
    problems,
    lists,
    needLists,
    platformTenants: tenants.data,
    column,
    setColumn,
    height: tableHeight,
    active: active && focus === 'settings' && isOverrides,
    enabled: () => focus === 'settings' && !saving && isOverrides && !overrides.table.filterMode,
  });

  const noun = (spec: TicketFieldSpec) => `active ${psaName} ${listWords(psa, spec.list)}`;
  /** What the chooser offers instead of a value: a field that falls back names what it falls back to. */
  const noneOption = (spec: TicketFieldSpec): string | undefined => {
    const fb = fallbackSpec(psa, spec);
    if (fb) return `(${fb.label})`;
    return spec.required ? undefined : '(none)';
  };

  async function chooseGeneral(g: FieldRow) {
    const p = needLists();
    if (!p) return;
    const values = generalOptions(draft, g, schema, p);
    const current = live(generalValue(draft, g), generalValues(draft, g, schema, p));
    const scopeField = perScopeSpec(psa);
    const chosen = await screen.select<string>({
      title: g.scope && scopeField ? `${g.spec.label} for ${scopeField.label} “${g.scope.label}”` : g.spec.label,
      options: values.map((v) => ({ value: v.value, label: v.label })),
      ...(g.required ? {} : { allowNone: '(none)' }),
      initialValue: current?.value ?? null,
      noun: noun(g.spec),
    });
    if (chosen === undefined) return;
    if (chosen === null && g.required) return;
    const hit = values.find((v) => v.value === chosen);
    const value = hit ? { value: hit.value, label: hit.label } : null;
    const { draft: next, cleared } = setGeneral(draft, g, value, schema);
    edit(() => next);
    if (cleared > 0) {
      const labels = [...new Set(psa.ticketing.row.filter((s) => s.fallback === g.spec.id).flatMap((s) => dependents(psa, s.id)))].map((id) => psa.ticketing.row.find((s) => s.id === id)!.label);
      screen.notify(`${g.spec.label} changed: ${joinLabels(labels)} cleared on ${plural(cleared, 'row')} that use it, since those belong to one ${g.spec.short.toLowerCase()}.`);
    }
  }

  const targets = (): RuleRow[] => {
    const marked = rulesTable.markedRows();
    return marked.length > 0 ? marked : rule ? [rule] : [];
  };

  function updateRows(rows: readonly RuleRow[], update: (r: RuleRow, d: Draft) => RuleRow) {
    const ids = new Set(rows.map((r) => r.id));
    edit((d) => setRows(d, section, ids, (r) => update(r, d)));
  }

  async function editCell(row: RuleRow) {
    if (!selected) return;
    if (selected.kind === 'enabled') {
      updateRows([row], (r) => ({ ...r, enabled: !r.enabled }));
      return;
    }
    if (selected.kind === 'lifetime' || selected.kind === 'due') {
      const kind = selected.kind;
      const label = selected.title;
      const values = await screen.form({
        title: `${label} — ${toSingleLine(row.label)}`,
        fields: [{ kind: 'text', id: 'value', label, initial: (kind === 'due' ? row.due : row.lifetime) ?? '' }],
      });
      if (!values) return;
      const text = String(values.value ?? '').trim();
      updateRows([row], (r) => (kind === 'due' ? { ...r, due: text } : { ...r, lifetime: text }));
      return;
    }
    const spec = selected.spec!;
    const p = needLists();
    if (!p) return;
    const scope = scopeSpec(psa, spec);
    const context = rowContext(row, draft, psa);
    if (scope && !context[scope.id]) {
      screen.notify({ kind: 'error', text: `Choose ${withArticle(scope.label)} first: ${listWords(psa, spec.list)} belong to one.` });
      return;
    }
    const values = rowOptions(psa, spec, context, p);
    const none = noneOption(spec);
    const chosen = await screen.select<string>({
      title: `${spec.label} for ${toSingleLine(row.label)}`,
      options: values.map((v) => ({ value: v.value, label: v.label })),
      ...(none ? { allowNone: none } : {}),
      initialValue: live(row.fields[spec.id] ?? null, values)?.value ?? null,
      noun: noun(spec),
    });
    if (chosen === undefined || (chosen === null && !none)) return;
    const hit = values.find((v) => v.value === chosen);
    if (chosen !== null && !hit) return;
    updateRows([row], (r, d) => setRowFields(r, { [spec.id]: hit ? { value: hit.value, label: hit.label } : null }, d, psa));
  }

  function toggleEnabled() {
    const rows = targets();
    if (rows.length === 0) return;
    const on = !rows.every((r) => r.enabled);
    updateRows(rows, (r) => ({ ...r, enabled: on }));
  }

  function bulkEdit() {
    const p = needLists();
    const rows = targets();
    if (!p || rows.length === 0) return;
    screen.openDialog(({ close }) => (
      <BulkEditDialog
        rows={rows}
        draft={draft}
        schema={schema}
        picklists={p}
        onCancel={close}
        onSubmit={(change: BulkChange) => {
          close();
          updateRows(rows, (r, d) => applyBulk(r, change, d, psa));
          screen.notify(`Changed ${plural(rows.length, 'row')} (not saved yet: Ctrl-S saves).`);
        }}
      />
    ));
  }

  function save() {
    if (saving) return;
    const p = needLists();
    if (!p) return;
    if (problems.length > 0) {
      selectSection(problemSection(problems[0]!, draft));
      setRefusal(problemSummary(problems, draft, schema));
      screen.notify({
        kind: 'error',
        text: `Not saved: ${plural(problems.length, 'problem')} to fix first`,
        cause: problems.map((x) => x.message).join(' '),
        remedy: saveRemedy(problems, draft, schema, lists),
      });
      return;
    }
    const next = fromDraft(draft, schema, p);
    setSaving(true);
    try {
      session.updateIntegration(integrationName, (i) => ({ ...i, ticketing: next }), `${tabTitle} settings`);
      const fresh = toDraft(next, schema);
      setSaved(fresh);
      setDraft(fresh);
      setRefusal(null);
      screen.notify(`Saved the ${settingsNoun} (${plural(changed.size, 'changed row')}).`, 'success');
    } catch (error) {
      setRefusal(isKmspError(error) && error.why ? error.why : message(error));
      screen.notify(error);
    } finally {
      setSaving(false);
    }
  }

  async function cancelChanges() {
    const yes = await screen.confirm({ title: 'Cancel changes', message: `Discard the unsaved changes on ${tabTitle} and restore the last save?`, danger: true });
    if (!yes) return;
    setDraft(saved);
    setRefusal(null);
    screen.notify(`Restored the last saved ${settingsNoun}.`);
  }

  async function resetSection() {
    const p = needLists();
    if (!p) return;
    const title = entry.full;
    const yes = await screen.confirm({
      title: 'Reset to defaults',
      message: `Reset ${title} to the defaults?`,
      detail: [`Resolved against the live ${psaName} values.`, 'Nothing is saved until Ctrl-S.'],
      danger: true,
    });
    if (!yes) return;
    edit((d) => resetOf(d, section, schema, p));
    screen.notify(`${title} reset to the defaults (not saved yet: Ctrl-S saves).`);
  }

  // Picklists again, and the ticketing settings saved by another console since this one loaded
  // them (e.g. after a save clash): shown, with this tab's unsaved edits carried over; an edit of
  // a field they changed too gives way to theirs, and its row is named.
  function reload() {
    picklists.reload(true);
    const theirs = session.reloadPart(integrationName, 'ticketing');
    if (!theirs) return;
    const fresh = toDraft(theirs, schema);
    const { draft: next, replaced } = rebaseDraft(saved, draft, fresh, schema);
    setSaved(fresh);
    setDraft(next);
    setRefusal(null);
    const notice = reloadedNotice(settingsNoun, replaced, 'row');
    screen.notify(notice, typeof notice === 'string' ? 'success' : undefined);
  }

  // Keys ------------------------------------------------------------------------
  const onSections = () => focus === 'sections' && !saving;
  const onSettings = () => focus === 'settings' && !saving && !(isRules ? rulesTable.filterMode : false);
  const commands: Command[] = [
    { id: 'ticketing.sectionUp', keys: ['up', 'k'], description: 'Previous section', hint: 'section', group: 'Sections', when: onSections, run: () => selectSection(sections[Math.max(0, sectionIndex - 1)]!.id) },
    { id: 'ticketing.sectionDown', keys: ['down', 'j'], description: 'Next section', group: 'Sections', when: onSections, run: () => selectSection(sections[Math.min(sections.length - 1, sectionIndex + 1)]!.id) },
    { id: 'ticketing.openSection', keys: ['right', 'l', 'enter'], description: "Go to the section's settings (right pane)", hint: 'settings', group: 'Sections', when: onSections, run: () => setFocus('settings') },
    { id: 'ticketing.previousSection', keys: ['['], description: 'Previous section', when: () => !saving, run: () => selectSection(sections[(sectionIndex + sections.length - 1) % sections.length]!.id, true) },
    { id: 'ticketing.nextSection', keys: [']'], description: 'Next section', hint: 'next section', when: () => !saving, run: () => selectSection(sections[(sectionIndex + 1) % sections.length]!.id, true) },
    {
      id: 'ticketing.edit',
      keys: ['enter'],
      description: `Edit the chosen cell: on/off switches, numbers open an input, lists open the live ${psaName} values`,
      hint: 'edit',
      when: () => onSettings() && (isRules ? rule !== undefined : isGeneral && generalRow?.kind === 'field'),
      run: () => void (isRules ? editCell(rule!) : chooseGeneral(generalRow as FieldRow)),
    },
    {
      id: 'ticketing.left',
      keys: ['left', 'h'],
      description: 'Previous column (from the first: back to the sections)',
      hint: 'column',
      when: onSettings,
      run: () => ((isRules || isOverrides) && column > 0 ? setColumn((c) => Math.min(c, (isRules ? ruleCols.length : overrides.columns.length) - 1) - 1) : setFocus('sections')),
    },
    { id: 'ticketing.right', keys: ['right', 'l'], description: 'Next column', when: () => onSettings() && isRules, run: () => setColumn((c) => Math.min(ruleCols.length - 1, c + 1)) },
    { id: 'ticketing.toggle', keys: ['o'], description: `Create ${psa.words.ticket} on/off for the marked rows (or this row)`, hint: 'on/off', when: () => onSettings() && isRules, run: toggleEnabled },
    { id: 'ticketing.bulk', keys: ['e'], description: `Bulk edit the marked rows (or this row): ${bulkWords(schema, sectionSpec)}`, hint: 'bulk edit', when: () => onSettings() && isRules, run: bulkEdit },
    { id: 'ticketing.save', keys: ['ctrl+s'], description: 'Save changes', hint: 'save', when: () => dirty && !saving, run: save },
    { id: 'ticketing.cancel', keys: ['x'], description: 'Cancel changes (restore the last save)', hint: 'cancel changes', when: () => dirty && !saving, run: () => void cancelChanges() },
    { id: 'ticketing.reset', keys: ['R'], description: 'Reset this section to the defaults', hint: 'reset section', when: () => !saving && !isOverrides, run: () => void resetSection() },
    ...overrides.commands,
    { id: 'ticketing.reload', keys: ['r'], description: `Reload the ${psaName} picklists and the ${settingsNoun} saved in the config file (your unsaved changes stay)`, hint: 'reload', when: () => !saving, run: reload },
  ];
  useCommands(tabTitle, commands, { active, priority: 1 });

  // Drawing ----------------------------------------------------------------------
  const top = `${tabTitle} of “${integration.name}” → ${psaName}${dirty ? ` · ${plural(changed.size, 'unsaved change')}` : ''}${problems.length ? ` · ${plural(problems.length, 'problem')}` : ''}`;

  const detail: Line[] = [];
  if (refusal) detail.push({ text: `Not saved: ${refusal}`, tone: 'danger' });
  const cursorId = isRules ? rule?.id : generalRow?.id;
  // The chosen cell's problem first.
  const selectedField = selected?.kind === 'lifetime' ? 'lifetimeDays' : selected?.kind === 'due' ? 'dueHours' : (selected?.spec?.id ?? selected?.key ?? '');
  const atCell = (p: Problem) => (isRules && p.field === selectedField ? 0 : 1);
  const here = cursorId ? [...problems.filter((p) => p.rowId === cursorId || (generalRow?.kind === 'scope' && p.rowId.startsWith(`${cursorId}:`)))].sort((a, b) => atCell(a) - atCell(b)) : [];
  for (const p of here) detail.push({ text: p.message, tone: 'warning' });
  if (isOverrides) detail.push(...overrides.detail);
  const needs = rule ? switchOnNeeds(rule, draft, schema, lists) : [];
  if (needs.length > 0) detail.push({ text: `Off, so not used: switching on needs ${needs.join(', ')}.`, tone: 'muted' });
  if (rule) {
    const extra = (spec: TicketFieldSpec) => {
      const c = rule.fields[spec.id] ?? null;
      const values = rowValues(rule, spec);
      return `${spec.label}: ${c ? (stale(c, values) ? BLANK : (live(c, values)?.label ?? c.label)) : '(none)'}`;
    };
    const rest = bulkOnlyFields(psa);
    if (rest.length > 0) detail.push({ text: `${rest.map(extra).join(' · ')} (e edits)`, tone: 'muted' });
    // How the row's tickets end, where the section mixes conditions (closed by kmsp) and events (closed by people).
    if (sectionSpec?.rowKind === 'event-type') {
      const ticket = psa.words.ticket;
      const condition = sectionSpec.rows.find((r) => r.key === rule.key)?.condition === true;
      detail.push({
        text: condition
          ? `One ${ticket} while the condition lasts; kmsp closes it when the condition clears.`
          : `One ${ticket} per occurrence; people close it.`,
        tone: 'muted',
      });
    }
  } else if (isGeneral) {
    const required = psa.ticketing.general.filter((s) => s.required && !s.requiredOnceInUse).map((s) => s.label);
    const onceInUse = psa.ticketing.general.filter((s) => s.required && s.requiredOnceInUse).map((s) => s.label);
    const scopeField = perScopeSpec(psa);
    const scoped = (psa.ticketing.perScope?.fields ?? []).filter((s) => s.required).map((s) => s.label);
    const parts = [`Enter chooses from the live ${psaName} values`];
    const always = required.length > 0 ? `${joinLabels(required)} ${required.length === 1 ? 'is' : 'are'} required` : null;
    const once = onceInUse.length > 0 ? `${joinLabels(onceInUse)} ${onceInUse.length === 1 ? 'is' : 'are'} required once a row is on` : null;
    const needed = [always, once].filter((x): x is string => x !== null);
    const perScopeNeeds = scopeField && scoped.length > 0 ? `each ${scopeField.label.toLowerCase()} in use needs its ${joinLabels(scoped)}` : null;
    if (always && once) parts.push(`${always}, ${joinLabels(onceInUse)} once a row is on`);
    else if (needed.length > 0) parts.push(needed[0]!);
    if (perScopeNeeds) parts.push(perScopeNeeds);
    const sentence = `${parts.join('; ')}.`;
    // One line where it fits; else a sentence a line, the rules first where the detail lines
    // do not hold them all (the footer says Enter edits).
    const free = bottomLines - 1 - detail.length;
    const lines = [...needed, ...(perScopeNeeds ? [perScopeNeeds] : [])].map((t) => `${t.charAt(0).toUpperCase()}${t.slice(1)}.`);
    if (lines.length < free) lines.unshift(`${parts[0]!}.`);
    if (displayWidth(sentence) + 1 <= width || lines.length > free || lines.length < 2) detail.push({ text: sentence, tone: 'muted' });
    else for (const line of lines) detail.push({ text: line, tone: 'muted' });
  }

  const status = ((): Line => {
    if (saving) return { text: 'Saving…', tone: 'accent' };
    if (picklists.error !== undefined && !picklists.loading) return { text: `Error: ${psaName} picklists: ${message(picklists.error)} (r retry)`, tone: 'danger' };
    if (!lists) return { text: `Loading the ${psaName} picklists…`, tone: 'muted' };
    return { text: `Active in ${psaName}: ${picklistCounts(psa, lists)}${picklists.loading ? ' · reloading…' : ''}`, tone: 'muted' };
  })();

  const sectionMark = (id: string) => {
    const prefix = `${id}:`;
    return `${[...changed].some((c) => c.startsWith(prefix)) ? ' *' : ''}${problems.some((p) => p.rowId.startsWith(prefix)) ? ' !' : ''}`;
  };
  const g = theme.glyphs;

  return (
    <Box flexDirection="column" width={width} height={height} overflowY="hidden">
      <Text wrap="truncate-end">{truncate(` ${top}`, width)}</Text>
      <Box flexDirection="row" width={width} height={tableHeight} overflowY="hidden">
        <Box flexDirection="column" width={LEFT_WIDTH} flexShrink={0}>
          <Text wrap="truncate-end" {...theme.style(focus === 'sections' ? 'title' : 'muted')}>
            {truncate(` Sections${focus === 'sections' ? ' (focus)' : ''}`, LEFT_WIDTH)}
          </Text>
          {pane.map((line) =>
            line.kind === 'group' ? (
              <Text key={`group:${line.title}`} wrap="truncate-end" {...theme.style('muted')}>
                {truncate(`  ${line.title}`, LEFT_WIDTH)}
              </Text>
            ) : (
              <Text key={line.entry.id} wrap="truncate-end" {...theme.style(line.entry.id === section ? (focus === 'sections' ? 'accent' : 'normal') : 'muted')}>
                {truncate(`${line.entry.id === section ? g.cursor : g.noCursor} ${line.indent ? '  ' : ''}${line.entry.title}${sectionMark(line.entry.id)}`, LEFT_WIDTH)}
              </Text>
            ),
          )}
        </Box>
        <Box flexDirection="column" width={1} flexShrink={0}>
          {Array.from({ length: tableHeight }, (_, i) => (
            <Text key={i} {...theme.style('muted')}>
              │
            </Text>
          ))}
        </Box>
        <Box flexDirection="column" width={rightWidth} height={tableHeight} overflowY="hidden">
          {isRules ? (
            <Table table={rulesTable} width={rightWidth} title={entry.full} focused={focus === 'settings'} focusColumn={selected?.key} marker={(r) => (changed.has(r.id) ? g.changed : undefined)} />
          ) : isOverrides ? (
            <Table table={overrides.table} width={rightWidth} title={entry.full} focused={focus === 'settings'} focusColumn={overrides.selected?.key} marker={(r) => (changed.has(r.id) ? g.changed : undefined)} />
          ) : (
            <Table table={generalTable} width={rightWidth} title="General" focused={focus === 'settings'} marker={(r) => (changed.has(r.id) ? g.changed : undefined)} />
          )}
        </Box>
      </Box>
      <DetailLines width={width} height={bottomLines} lines={detail} status={status} />
    </Box>
  );
}
