// The Ticketing tab (README › The console, Ticketing) for KSC + Autotask. Left pane: the sections
// (General · Events · Warning status · Critical status); right pane: the chosen
// section's settings. Dropdowns read the live Autotask picklists and offer only
// active values; a stored value Autotask no longer has shows blank ("— choose").
// A draft until Ctrl-S; rules in model.ts, bulk edit in bulk-dialog.tsx.
import { reloadedNotice } from '../reload-notice.js';
import { useMemo, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import type { PsaChoice } from '../../../domain/config.js';
import { defaultTicketing } from '../../../domain/defaults.js';
import { isKmspError } from '../../../domain/errors.js';
import type { TicketPicklists } from '../../../domain/types.js';
import { Table, useTable, useCommands, useDirty, useScreen, useTheme, formatCount, truncate, toSingleLine, displayWidth, windowColumns, type Column, type Command, type Tone } from '../../index.js';
import { integrationScreen, type IntegrationEditorProps, type IntegrationScreenOptions } from '../integration-screen.js';
import { DetailLines } from '../detail-lines.js';
import { useLoad } from '../use-load.js';
import { BulkEditDialog } from './bulk-dialog.js';
import {
  activeValues,
  applyBulk,
  changedIds,
  draftProblems,
  FIELD_LIST,
  fromDraft,
  GENERAL_LIST,
  GENERAL_ROWS,
  live,
  problemSummary,
  rebaseDraft,
  saveRemedy,
  SECTIONS,
  sectionTitle,
  setRows,
  stale,
  switchOnNeeds,
  toDraft,
  type BulkChange,
  type Draft,
  type GeneralRow,
  type Problem,
  type RuleRow,
  type RuleSectionId,
  type SectionId,
} from './model.js';

export type TicketingScreenOptions = IntegrationScreenOptions;

type Props = IntegrationEditorProps;

const screen = integrationScreen('ticketing', 'Ticketing', TicketingEditor);
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

type RuleColumn = 'enabled' | 'lifetime' | 'queue' | 'priority' | 'due';
const COLUMN_TITLES: Record<RuleColumn, string> = { enabled: 'Create ticket', lifetime: 'Lifetime (days)', queue: 'Queue', priority: 'Priority', due: 'Due (hours)' };
/** Titles where the full ones leave the descriptions too little room (120 columns). */
const SHORT_TITLES: Record<RuleColumn, string> = { enabled: 'Ticket', lifetime: 'Days', queue: 'Queue', priority: 'Priority', due: 'Due (h)' };
/** Cells before the rules table's first column: cursor, mark "[ ]" and the unsaved-change marker (table.tsx prefixFor). */
const RULES_PREFIX = 8;
const BLANK = '— choose';
const LEFT_WIDTH = 22;

function TicketingEditor({ session, integrationName, integration, width, height, active }: Props) {
  const screen = useScreen();
  const theme = useTheme();

  // Draft ------------------------------------------------------------------------
  const [saved, setSaved] = useState<Draft>(() => toDraft(integration.ticketing));
  const [draft, setDraft] = useState<Draft>(() => toDraft(integration.ticketing));
  const [section, setSection] = useState<SectionId>('general');
  const [focus, setFocus] = useState<'sections' | 'settings'>('sections');
  const [column, setColumn] = useState(0);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);

  const picklists = useLoad((refresh) => session.picklists(integrationName, refresh), [session, integrationName]);
  const lists: TicketPicklists | undefined = picklists.data;

  const changed = useMemo(() => changedIds(saved, draft), [saved, draft]);
  const dirty = changed.size > 0;
  useDirty(dirty);
  const problems = useMemo(() => draftProblems(draft, lists), [draft, lists]);
  const problemsOf = (rowId: string): Problem[] => problems.filter((p) => p.rowId === rowId);

  // Tables ---------------------------------------------------------------------------
  const bottomLines = height >= 14 ? 3 : 1;
  const tableHeight = Math.max(3, height - 1 - bottomLines);
  const rightWidth = Math.max(20, width - LEFT_WIDTH - 1);
  const isRules = section !== 'general';
  const ruleColumns: RuleColumn[] = section === 'events' ? ['enabled', 'lifetime', 'queue', 'priority', 'due'] : ['enabled', 'queue', 'priority', 'due'];
  const selected = ruleColumns[Math.min(column, ruleColumns.length - 1)]!;
  const cursorRef = useRef<string | undefined>(undefined);

  const choiceText = (choice: PsaChoice | null, values: TicketPicklists[keyof TicketPicklists] | undefined, none = BLANK): string => {
    if (!choice) return none;
    const now = live(choice, values);
    return now ? now.label : values ? BLANK : choice.label;
  };

  const ruleRows: readonly RuleRow[] = isRules ? draft[section as RuleSectionId] : [];
  const columns = useMemo<Column<RuleRow>[]>(() => {
    const bad = (r: RuleRow, field: string) => problems.some((p) => p.rowId === r.id && p.field === field);
    const text = (r: RuleRow, c: RuleColumn): string => {
      switch (c) {
        case 'enabled':
          return r.enabled ? 'on' : 'off';
        case 'lifetime':
          return `${r.lifetime ?? ''}${bad(r, 'lifetimeDays') ? ' !' : ''}`;
        case 'due':
          return `${r.due}${bad(r, 'dueHours') ? ' !' : ''}`;
        default:
          return `${choiceText(r[c], lists?.[FIELD_LIST[c]])}${bad(r, c) ? ' !' : ''}`;
      }
    };
    const cell = (r: RuleRow, c: RuleColumn) => (r.id === cursorRef.current && c === selected ? `[${text(r, c)}]` : text(r, c));
    const toneOf = (c: RuleColumn) => (r: RuleRow): Tone | undefined =>
      problems.some((p) => p.rowId === r.id && (p.field === c || p.field === `${c}Days` || p.field === `${c}Hours`)) ? 'danger' : undefined;
    // The other columns get what they need — their longest cell with the cursor's brackets, or
    // their title with the column cursor's "›" — and the descriptions all the rest, up to the
    // longest one. A description still too long is cut in the middle, by words, keeping what
    // tells "Real-time protection is not running" from "Real-time protection level differs…".
    // Where not every column fits (80 columns), they scroll sideways with the column cursor
    // (Table focusColumn), the description column staying.
    const longest = Math.max(18, ...ruleRows.map((r) => displayWidth(r.label)));
    const need = (c: RuleColumn, title: string) => Math.max(displayWidth(title) + 1, ...ruleRows.map((r) => displayWidth(text(r, c)) + 2));
    const build = (short: boolean): Column<RuleRow>[] => [
      { key: 'label', title: section === 'events' ? 'Event severity' : 'Status description', minWidth: 18, maxWidth: longest, grow: 1, ellipsis: 'middle' },
      ...ruleColumns.map((c): Column<RuleRow> => {
        const title = short ? SHORT_TITLES[c] : COLUMN_TITLES[c];
        return {
          key: c,
          title: `${c === selected ? '›' : ''}${title}`,
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
  }, [section, selected, problems, lists, theme.colored, ruleRows, rightWidth]);
  const rulesTable = useTable({ rows: ruleRows, columns, getRowId: (r) => r.id, height: tableHeight, active: active && focus === 'settings' && isRules, markable: true, group: 'Rules' });
  const rule = isRules ? rulesTable.cursorRow : undefined;
  cursorRef.current = rule?.id;

  // Narrow enough minimums that all three fit at 80 columns: this table has no column cursor,
  // and ← here goes back to the sections, so it must not need scrolling.
  const generalColumns = useMemo<Column<GeneralRow>[]>(
    () => [
      { key: 'label', title: 'Setting', width: 22 },
      {
        key: 'value',
        title: 'Value',
        minWidth: 16,
        grow: 2,
        filterable: false,
        render: (g) => `${choiceText(draft.general[g.id], lists?.[GENERAL_LIST[g.id]], g.required ? BLANK : '(none)')}${problems.some((p) => p.rowId === `general:${g.id}`) ? ' !' : ''}`,
        ...(theme.colored ? { tone: (g: GeneralRow) => (problems.some((p) => p.rowId === `general:${g.id}`) ? ('danger' as Tone) : undefined) } : {}),
      },
      { key: 'required', title: 'Note', minWidth: 8, grow: 1, filterable: false, render: (g) => (g.required ? 'required' : 'optional') },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [draft.general, lists, problems, theme.colored],
  );
  const generalTable = useTable({ rows: GENERAL_ROWS, columns: generalColumns, getRowId: (g) => g.id, height: tableHeight, active: active && focus === 'settings' && !isRules, filterable: false, group: 'General' });

  // Actions --------------------------------------------------------------------------
  function selectSection(next: SectionId, toSettings = false) {
    if (next !== section) {
      rulesTable.clearMarks();
      rulesTable.moveTo(0);
      generalTable.moveTo(0);
      setColumn(0);
      setSection(next);
    }
    if (toSettings) setFocus('settings');
  }
  const sectionIndex = SECTIONS.findIndex((s) => s.id === section);

  function needLists(): TicketPicklists | undefined {
    if (lists) return lists;
    if (picklists.loading) screen.notify('Still loading the Autotask picklists…');
    else screen.notify({ kind: 'error', text: `The Autotask picklists could not be loaded: ${message(picklists.error)}`, remedy: 'Press r to try again.' });
    return undefined;
  }

  const edit = (update: (d: Draft) => Draft) => {
    setRefusal(null);
    setDraft(update);
  };

  async function chooseGeneral(g: GeneralRow) {
    const p = needLists();
    if (!p) return;
    const values = activeValues(p[GENERAL_LIST[g.id]]);
    const current = live(draft.general[g.id], p[GENERAL_LIST[g.id]]);
    const chosen = await screen.select<string>({
      title: g.label,
      options: values.map((v) => ({ value: v.value, label: v.label })),
      ...(g.required ? {} : { allowNone: '(none)' }),
      initialValue: current?.value ?? null,
      noun: `active Autotask ${g.id === 'source' ? 'sources' : 'statuses'}`,
    });
    if (chosen === undefined) return;
    const hit = values.find((v) => v.value === chosen);
    edit((d) => ({ ...d, general: { ...d.general, [g.id]: hit ? { value: hit.value, label: hit.label } : null } }));
  }

  const targets = (): RuleRow[] => {
    const marked = rulesTable.markedRows();
    return marked.length > 0 ? marked : rule ? [rule] : [];
  };

  function updateRows(rows: readonly RuleRow[], update: (r: RuleRow) => RuleRow) {
    const ids = new Set(rows.map((r) => r.id));
    edit((d) => setRows(d, section as RuleSectionId, ids, update));
  }

  async function editCell(row: RuleRow) {
    if (selected === 'enabled') {
      updateRows([row], (r) => ({ ...r, enabled: !r.enabled }));
      return;
    }
    if (selected === 'lifetime' || selected === 'due') {
      const label = COLUMN_TITLES[selected];
      const values = await screen.form({
        title: `${label} — ${toSingleLine(row.label)}`,
        fields: [{ kind: 'text', id: 'value', label, initial: selected === 'due' ? row.due : (row.lifetime ?? '') }],
      });
      if (!values) return;
      const text = String(values.value ?? '').trim();
      updateRows([row], (r) => (selected === 'due' ? { ...r, due: text } : { ...r, lifetime: text }));
      return;
    }
    const p = needLists();
    if (!p) return;
    const list = p[FIELD_LIST[selected]];
    const values = activeValues(list);
    const chosen = await screen.select<string>({
      title: `${COLUMN_TITLES[selected]} for ${toSingleLine(row.label)}`,
      options: values.map((v) => ({ value: v.value, label: v.label })),
      initialValue: live(row[selected], list)?.value ?? null,
      noun: `active Autotask ${selected === 'queue' ? 'queues' : 'priorities'}`,
    });
    if (chosen === undefined || chosen === null) return;
    const hit = values.find((v) => v.value === chosen);
    if (hit) updateRows([row], (r) => ({ ...r, [selected]: { value: hit.value, label: hit.label } }));
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
        picklists={p}
        onCancel={close}
        onSubmit={(change: BulkChange) => {
          close();
          updateRows(rows, (r) => applyBulk(r, change));
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
      const first = problems[0]!;
      const firstSection = (first.rowId.split(':')[0] ?? 'general') as SectionId;
      selectSection(firstSection);
      setRefusal(problemSummary(problems, draft));
      screen.notify({
        kind: 'error',
        text: `Not saved: ${plural(problems.length, 'problem')} to fix first`,
        cause: problems.map((x) => x.message).join(' '),
        remedy: saveRemedy(problems, draft, lists),
      });
      return;
    }
    const next = fromDraft(draft, p);
    setSaving(true);
    try {
      session.updateIntegration(integrationName, (i) => ({ ...i, ticketing: next }), 'Ticketing settings');
      const fresh = toDraft(next);
      setSaved(fresh);
      setDraft(fresh);
      setRefusal(null);
      screen.notify(`Saved the ticketing settings (${plural(changed.size, 'changed row')}).`, 'success');
    } catch (error) {
      setRefusal(isKmspError(error) && error.why ? error.why : message(error));
      screen.notify(error);
    } finally {
      setSaving(false);
    }
  }

  async function cancelChanges() {
    const yes = await screen.confirm({ title: 'Cancel changes', message: 'Discard the unsaved changes on Ticketing and restore the last save?', danger: true });
    if (!yes) return;
    setDraft(saved);
    setRefusal(null);
    screen.notify('Restored the last saved ticketing settings.');
  }

  async function resetSection() {
    const p = needLists();
    if (!p) return;
    const title = sectionTitle(section);
    const yes = await screen.confirm({ title: 'Reset to defaults', message: `Reset ${title} to the defaults (resolved against the live Autotask values)? Save still asks for Ctrl-S.`, danger: true });
    if (!yes) return;
    const defaults = toDraft(defaultTicketing(p));
    edit((d) => ({ ...d, [section]: defaults[section] }));
    screen.notify(`${title} reset to the defaults (not saved yet: Ctrl-S saves).`);
  }

  // Picklists again, and the ticketing settings saved by another console since this one loaded
  // them (e.g. after a save clash): shown, with this tab's unsaved edits carried over; an edit of
  // a field they changed too gives way to theirs, and its row is named.
  function reload() {
    picklists.reload(true);
    const theirs = session.reloadPart(integrationName, 'ticketing');
    if (!theirs) return;
    const fresh = toDraft(theirs);
    const { draft: next, replaced } = rebaseDraft(saved, draft, fresh);
    setSaved(fresh);
    setDraft(next);
    setRefusal(null);
    const notice = reloadedNotice('ticketing settings', replaced, 'row');
    screen.notify(notice, typeof notice === 'string' ? 'success' : undefined);
  }

  // Keys ------------------------------------------------------------------------
  const onSections = () => focus === 'sections' && !saving;
  const onSettings = () => focus === 'settings' && !saving && !(isRules ? rulesTable.filterMode : false);
  const commands: Command[] = [
    { id: 'ticketing.sectionUp', keys: ['up', 'k'], description: 'Previous section', hint: 'section', group: 'Sections', when: onSections, run: () => selectSection(SECTIONS[Math.max(0, sectionIndex - 1)]!.id) },
    { id: 'ticketing.sectionDown', keys: ['down', 'j'], description: 'Next section', group: 'Sections', when: onSections, run: () => selectSection(SECTIONS[Math.min(SECTIONS.length - 1, sectionIndex + 1)]!.id) },
    { id: 'ticketing.openSection', keys: ['right', 'l', 'enter'], description: "Go to the section's settings (right pane)", hint: 'settings', group: 'Sections', when: onSections, run: () => setFocus('settings') },
    { id: 'ticketing.previousSection', keys: ['['], description: 'Previous section', when: () => !saving, run: () => selectSection(SECTIONS[(sectionIndex + SECTIONS.length - 1) % SECTIONS.length]!.id, true) },
    { id: 'ticketing.nextSection', keys: [']'], description: 'Next section', hint: 'next section', when: () => !saving, run: () => selectSection(SECTIONS[(sectionIndex + 1) % SECTIONS.length]!.id, true) },
    {
      id: 'ticketing.edit',
      keys: ['enter'],
      description: 'Edit the chosen cell: on/off switches, numbers open an input, lists open the live Autotask values',
      hint: 'edit',
      when: () => onSettings() && (isRules ? rule !== undefined : generalTable.cursorRow !== undefined),
      run: () => void (isRules ? editCell(rule!) : chooseGeneral(generalTable.cursorRow!)),
    },
    {
      id: 'ticketing.left',
      keys: ['left', 'h'],
      description: 'Previous column (from the first: back to the sections)',
      hint: 'column',
      when: onSettings,
      run: () => (isRules && column > 0 ? setColumn((c) => Math.min(c, ruleColumns.length - 1) - 1) : setFocus('sections')),
    },
    { id: 'ticketing.right', keys: ['right', 'l'], description: 'Next column', when: () => onSettings() && isRules, run: () => setColumn((c) => Math.min(ruleColumns.length - 1, c + 1)) },
    { id: 'ticketing.toggle', keys: ['o'], description: 'Create ticket on/off for the marked rows (or this row)', hint: 'on/off', when: () => onSettings() && isRules, run: toggleEnabled },
    { id: 'ticketing.bulk', keys: ['e'], description: 'Bulk edit the marked rows (or this row): on/off, lifetime, queue, priority, due, work type, issue type, subtype', hint: 'bulk edit', when: () => onSettings() && isRules, run: bulkEdit },
    { id: 'ticketing.save', keys: ['ctrl+s'], description: 'Save changes', hint: 'save', when: () => dirty && !saving, run: save },
    { id: 'ticketing.cancel', keys: ['x'], description: 'Cancel changes (restore the last save)', hint: 'cancel changes', when: () => dirty && !saving, run: () => void cancelChanges() },
    { id: 'ticketing.reset', keys: ['R'], description: 'Reset this section to the defaults', hint: 'reset section', when: () => !saving, run: () => void resetSection() },
    { id: 'ticketing.reload', keys: ['r'], description: 'Reload the Autotask picklists and the ticketing settings saved in the config file (your unsaved changes stay)', hint: 'reload', when: () => !saving, run: reload },
  ];
  useCommands('Ticketing', commands, { active, priority: 1 });

  // Drawing ----------------------------------------------------------------------
  const top = `Ticketing of “${integration.name}” → Autotask${dirty ? ` · ${plural(changed.size, 'unsaved change')}` : ''}${problems.length ? ` · ${plural(problems.length, 'problem')}` : ''}`;

  const detail: Line[] = [];
  if (refusal) detail.push({ text: `Not saved: ${refusal}`, tone: 'danger' });
  const cursorId = isRules ? rule?.id : generalTable.cursorRow ? `general:${generalTable.cursorRow.id}` : undefined;
  // The chosen cell's problem first.
  const atCell = (p: Problem) => (isRules && p.field.startsWith(selected) ? 0 : 1);
  const here = cursorId ? [...problemsOf(cursorId)].sort((a, b) => atCell(a) - atCell(b)) : [];
  for (const p of here) detail.push({ text: p.message, tone: 'warning' });
  const needs = rule ? switchOnNeeds(rule, lists) : [];
  if (needs.length > 0) detail.push({ text: `Off, so not used: switching on needs ${needs.join(', ')}.`, tone: 'muted' });
  if (rule) {
    const extra = (label: string, c: PsaChoice | null, values: TicketPicklists[keyof TicketPicklists] | undefined) => `${label}: ${c ? (stale(c, values) ? BLANK : (live(c, values)?.label ?? c.label)) : '(none)'}`;
    detail.push({
      text: `${extra('Work type', rule.workType, lists?.workTypes)} · ${extra('Issue type', rule.issueType, lists?.issueTypes)} · ${extra('Issue subtype', rule.subIssueType, lists?.subIssueTypes)} (e edits)`,
      tone: 'muted',
    });
  } else if (!isRules) detail.push({ text: 'Enter chooses from the live Autotask values; New and Closed ticket status are required.', tone: 'muted' });

  const status = ((): Line => {
    if (saving) return { text: 'Saving…', tone: 'accent' };
    if (picklists.error !== undefined && !picklists.loading) return { text: `Error: Autotask picklists: ${message(picklists.error)} (r retry)`, tone: 'danger' };
    if (!lists) return { text: 'Loading the Autotask picklists…', tone: 'muted' };
    const n = (v: readonly { active: boolean }[]) => v.filter((x) => x.active).length;
    return {
      text: `Active in Autotask: ${n(lists.queues)} queues · ${n(lists.priorities)} priorities · ${n(lists.statuses)} statuses · ${n(lists.sources)} sources · ${n(lists.issueTypes)} issue types · ${n(lists.workTypes)} work types${picklists.loading ? ' · reloading…' : ''}`,
      tone: 'muted',
    };
  })();

  const sectionMark = (id: SectionId) => {
    const prefix = id === 'general' ? 'general:' : `${id}:`;
    return `${[...changed].some((c) => c.startsWith(prefix)) ? ' *' : ''}${problems.some((p) => p.rowId.startsWith(prefix)) ? ' !' : ''}`;
  };
  const g = theme.glyphs;

  return (
    <Box flexDirection="column" width={width} height={height} overflow="hidden">
      <Text wrap="truncate-end">{truncate(` ${top}`, width)}</Text>
      <Box flexDirection="row" width={width} height={tableHeight} overflow="hidden">
        <Box flexDirection="column" width={LEFT_WIDTH} flexShrink={0}>
          <Text wrap="truncate-end" {...theme.style(focus === 'sections' ? 'title' : 'muted')}>
            {truncate(` Sections${focus === 'sections' ? ' (focus)' : ''}`, LEFT_WIDTH)}
          </Text>
          {SECTIONS.map((s) => (
            <Text key={s.id} wrap="truncate-end" {...theme.style(s.id === section ? (focus === 'sections' ? 'accent' : 'normal') : 'muted')}>
              {truncate(`${s.id === section ? g.cursor : g.noCursor} ${s.title}${sectionMark(s.id)}`, LEFT_WIDTH)}
            </Text>
          ))}
        </Box>
        <Box flexDirection="column" width={1} flexShrink={0}>
          {Array.from({ length: tableHeight }, (_, i) => (
            <Text key={i} {...theme.style('muted')}>
              │
            </Text>
          ))}
        </Box>
        <Box flexDirection="column" width={rightWidth} height={tableHeight} overflow="hidden">
          {isRules ? (
            <Table table={rulesTable} width={rightWidth} title={sectionTitle(section)} focused={focus === 'settings'} focusColumn={selected} marker={(r) => (changed.has(r.id) ? g.changed : undefined)} />
          ) : (
            <Table table={generalTable} width={rightWidth} title="General" focused={focus === 'settings'} marker={(r) => (changed.has(`general:${r.id}`) ? g.changed : undefined)} />
          )}
        </Box>
      </Box>
      <DetailLines width={width} height={bottomLines} lines={detail} status={status} />
    </Box>
  );
}
