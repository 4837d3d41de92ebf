// The Services tab (README › The console, Services): which PSA billing item (Autotask service)
// each licensed application writes; with "Bill devices by category" on, one item
// per category (Windows workstations, Windows servers, non-Windows devices) the
// device application installs on — a server product needs only its servers' — and
// one item may serve several categories of an application; per-user and per-mailbox
// applications keep one. A draft until Ctrl-S; rules in model.ts, one item for two
// applications refused by the domain on save.
import { platformProfile, psaProfile } from '../../../domain/profiles/index.js';
import { reloadedNotice } from '../reload-notice.js';
import { useMemo, useRef, useState } from 'react';
import { Box, Text } from 'ink';
import type { BillingSettings } from '../../../domain/config.js';
import { platformLabel, psaLabel } from '../../../domain/config.js';
import { rebaseOnTheirs } from '../../../domain/configMerge.js';
import { isKmspError } from '../../../domain/errors.js';
import type { BillingItem } from '../../../domain/types.js';
import { Table, useTable, useCommands, useDirty, useScreen, useTheme, formatCount, truncate, toSingleLine, displayWidth, windowColumns, type Column, type Command, type SelectOption, type Tone } from '../../index.js';
import { integrationScreen, type IntegrationEditorProps, type IntegrationScreenOptions } from '../integration-screen.js';
import { DetailLines } from '../detail-lines.js';
import { useLoad } from '../use-load.js';
import {
  buildRows,
  categorySlots,
  CATEGORY_SLOTS,
  notApplicable,
  slotWords,
  targetSlot,
  commonNamePrefix,
  rowStatus,
  shortName,
  changedApps,
  incomplete,
  itemLabel,
  normalize,
  saveBlockers,
  setItem,
  singleOnly,
  slotsFor,
  SLOT_TITLES,
  staleness,
  unitLabel,
  type ServiceRow,
  type Slot,
} from './model.js';

export type ServicesScreenOptions = IntegrationScreenOptions;

type Props = IntegrationEditorProps;

const screen = integrationScreen('services', { of: (i) => psaProfile(i.psa.kind).words.tabs.billingItems, fallback: 'Services' }, ServicesEditor);
export const createServicesScreen = screen.create;
export const ServicesScreen = screen.Screen;

function plural(n: number, one: string, many = `${one}s`): string {
  return `${formatCount(n)} ${n === 1 ? one : many}`;
}

function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

interface Line {
  text: string;
  tone: Tone;
}

/** Cells before the first column: cursor and the unsaved-change marker (table.tsx prefixFor). */
const TABLE_PREFIX = 4;

/** Category column titles where the full ones do not fit (80 columns). */
const SHORT_SLOT_TITLES: Record<Slot, string> = { single: 'Billing item', workstation: 'Workstations', server: 'Win servers', nonWindows: 'Non-Windows' };

/** The category columns' text for a row that keeps one item; short: under the short titles (80 columns), the line below the table says the rest. */
const ONE_ITEM: Record<'user' | 'mailbox', string> = { user: 'per user — one item', mailbox: 'per mailbox — one item' };
const ONE_ITEM_SHORT: Record<'user' | 'mailbox', string> = { user: 'per user', mailbox: 'per mailbox' };

/** The item column without billing by category: a module constant, so the columns (and every drawn row) are not rebuilt on each key. */
const SINGLE_SLOT: readonly Slot[] = ['single'];

function ServicesEditor({ session, integrationName, integration, width, height, active }: Props) {
  const screen = useScreen();
  const theme = useTheme();
  const psaName = psaLabel(integration.psa.kind);
  const platformName = platformProfile(integration.platform.kind).words.short;
  const itemWord = psaProfile(integration.psa.kind).words.billingItems;
  // The PSA's own word for one ("service", "product", "price book item").
  const oneItem = psaProfile(integration.psa.kind).words.billingItem;
  const tabTitle = psaProfile(integration.psa.kind).words.tabs.billingItems;

  // Draft ------------------------------------------------------------------
  const [saved, setSaved] = useState<BillingSettings>(() => integration.billing);
  const [draft, setDraft] = useState<BillingSettings>(() => integration.billing);
  const draftRef = useRef(draft);
  draftRef.current = draft;
  const [column, setColumn] = useState(0);
  const [saving, setSaving] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const byCategory = draft.byCategory;

  // Live data ----------------------------------------------------------------
  const apps = useLoad(async () => (await session.platform(integrationName)).listApplications(), [session, integrationName]);
  const items = useLoad((refresh) => session.billingItems(integrationName, refresh), [session, integrationName]);
  const itemById = useMemo(() => (items.data ? new Map<string, BillingItem>(items.data.map((i) => [i.id, i])) : null), [items.data]);
  const activeItems = useMemo(() => (items.data ?? []).filter((i) => i.active).sort((a, b) => a.name.localeCompare(b.name)), [items.data]);

  // Derived ------------------------------------------------------------------
  const rows = useMemo(() => buildRows(apps.data ?? [], draft), [apps.data, draft]);
  const savedNormal = useMemo(() => normalize(saved), [saved]);
  const changed = useMemo(() => changedApps(savedNormal, normalize(draft)), [savedNormal, draft]);
  const toggleChanged = draft.byCategory !== saved.byCategory;
  const dirty = toggleChanged || changed.size > 0;
  useDirty(dirty);
  const blockers = useMemo(() => saveBlockers(rows, byCategory, itemById), [rows, byCategory, itemById]);

  // Table --------------------------------------------------------------------
  const commands: Command[] = [];
  useCommands(tabTitle, commands, { active, priority: 1 });
  const cursorRef = useRef<string | undefined>(undefined);
  const itemSlots: readonly Slot[] = byCategory ? CATEGORY_SLOTS : SINGLE_SLOT;
  const selectedSlot = itemSlots[Math.min(column, itemSlots.length - 1)]!;
  const namePrefix = useMemo(() => commonNamePrefix(rows.map((r) => r.name)), [rows]);
  const nameWidths = useMemo(
    () => ({ full: Math.max(0, ...rows.map((r) => displayWidth(r.name))), short: Math.max(0, ...rows.map((r) => displayWidth(shortName(r.name, namePrefix)))) }),
    [rows, namePrefix],
  );
  const nameWidth = (prefix: string) => (prefix ? nameWidths.short : nameWidths.full);
  const anyStatus = useMemo(() => rows.some((r) => rowStatus(r, byCategory, itemById) !== ''), [rows, byCategory, itemById]);
  const columns = useMemo<Column<ServiceRow>[]>(() => {
    const cell = (row: ServiceRow, slot: Slot, short: boolean): string => {
      let text: string;
      if (byCategory && singleOnly(row)) text = slot === 'workstation' ? itemLabel(row.items.single, itemById) : (short ? ONE_ITEM_SHORT : ONE_ITEM)[row.unit as 'user' | 'mailbox'];
      // A category the application is not installed on needs no item ("n/a"); one stored there is flagged.
      else if (notApplicable(row, byCategory).includes(slot)) text = row.items[slot] ? `! n/a: ${itemLabel(row.items[slot], itemById)}` : 'n/a';
      else text = itemLabel(row.items[slot], itemById);
      // The chosen cell of the cursor row is bracketed (Enter picks its item).
      const chosenCell = byCategory && singleOnly(row) ? slot === 'workstation' : slot === targetSlot(row, byCategory, selectedSlot);
      return row.appId === cursorRef.current && chosenCell ? `[${text}]` : text;
    };
    const itemColumns = (short: boolean) =>
      itemSlots.map(
        (slot): Column<ServiceRow> => ({
          key: slot,
          title: `${slot === selectedSlot && itemSlots.length > 1 ? '›' : ''}${short ? SHORT_SLOT_TITLES[slot] : SLOT_TITLES[slot]}`,
          minWidth: byCategory ? 12 : 14,
          grow: 2,
          filterable: false,
          render: (r) => cell(r, slot, short),
          ...(theme.colored
            ? {
                tone: (r: ServiceRow): Tone | undefined => {
                  if (notApplicable(r, byCategory).includes(slot)) return r.items[slot] ? 'danger' : 'muted';
                  return staleness(byCategory && singleOnly(r) ? (slot === 'workstation' ? r.items.single : null) : r.items[slot], itemById) ? 'danger' : undefined;
                },
              }
            : {}),
        }),
      );
    const build = (short: boolean, prefix: string, withStatus = anyStatus): Column<ServiceRow>[] => [
      // Names without the prefix all share ("Kaspersky "), cut in the middle when still too long:
      // the words that tell "… for Business Advanced" from "… for Business Select" stay visible.
      {
        key: 'name',
        title: prefix ? `Application (${prefix.trim()} …)` : 'Application',
        minWidth: 26,
        // No wider than the longest name: the rest goes to the item columns.
        maxWidth: Math.max(26, nameWidth(prefix)),
        grow: 4,
        ellipsis: 'middle',
        render: (r) => shortName(r.name, prefix),
        filterText: (r) => r.name,
      },
      // By category, the item cells say the unit already ("per user — one item"); the column would only take room.
      ...(byCategory ? [] : [{ key: 'unit', title: 'Unit', width: 11, filterable: false, render: unitLabel } satisfies Column<ServiceRow>]),
      ...itemColumns(short),
      // Left out while no row has a status: an empty column would take the names' room.
      ...(withStatus
        ? [
            {
              key: 'status',
              title: 'Status',
              minWidth: 19,
              grow: 1,
              filterable: false,
              render: (r: ServiceRow) => rowStatus(r, byCategory, itemById),
              ...(theme.colored ? { tone: (r: ServiceRow) => (incomplete(r, byCategory) ? ('danger' as Tone) : r.unit === null ? ('muted' as Tone) : undefined) } : {}),
            } satisfies Column<ServiceRow>,
          ]
        : []),
    ];
    // Full names and titles where every column is wide enough for them; else names without the
    // prefix they all share, then short category titles. Where even those leave no room for the
    // Status column (80 columns), it is left out rather than scrolled to (the column cursor moves
    // over the categories only): the cursor row's problems and "not licensed now" are spelled out
    // in the lines below, and the top line counts the problems. Narrower still, the columns scroll
    // sideways with the category cursor (Table focusColumn).
    const room = Math.max(1, width - TABLE_PREFIX);
    const fits = (list: Column<ServiceRow>[], prefix: string) => {
      const fitted = windowColumns(list, room);
      return !fitted.scrolled && fitted.layout.every(({ column, width: w }) => displayWidth(column.title) <= w && (column.key !== 'name' || nameWidth(prefix) <= w));
    };
    for (const withStatus of anyStatus ? [true, false] : [false]) {
      const full = build(false, '', withStatus);
      if (fits(full, '')) return full;
      const shortened = build(false, namePrefix, withStatus);
      if (fits(shortened, namePrefix)) return shortened;
      const short = build(true, namePrefix, withStatus);
      if (fits(short, namePrefix)) return short;
    }
    return build(true, namePrefix, false);
  }, [byCategory, itemById, selectedSlot, itemSlots, theme.colored, namePrefix, nameWidths, anyStatus, width]);

  const bottomLines = height >= 12 ? 3 : 1;
  const tableHeight = Math.max(3, height - 1 - bottomLines);
  const table = useTable({ rows, columns, getRowId: (r) => r.appId, height: tableHeight, active: active && apps.data !== undefined, group: 'Table' });
  const row = table.cursorRow;
  cursorRef.current = row?.appId;
  const filterMode = table.filterMode;

  // Actions ------------------------------------------------------------------
  async function chooseItem(target: ServiceRow) {
    const slot = targetSlot(target, draftRef.current.byCategory, selectedSlot);
    if (slot === null) {
      screen.notify(`${target.name} is installed on ${slotWords(categorySlots(target))} only: it needs no ${oneItem} for ${SLOT_TITLES[selectedSlot]} (←/→ chooses the column).`);
      return;
    }
    if (!items.data) {
      if (items.loading) screen.notify(`Still loading the ${psaName} ${itemWord}…`);
      else screen.notify({ kind: 'error', text: `The ${psaName} ${itemWord} could not be loaded: ${message(items.error)}`, remedy: 'Press r to try again.' });
      return;
    }
    const current = target.items[slot];
    // Where else each item is chosen: allowed here; another application's is refused at Save with
    // both names, another category of this one is fine (their quantities add up).
    const users = new Map<string, string[]>();
    for (const r of rows) {
      for (const s of slotsFor(r, draftRef.current.byCategory)) {
        const c = r.items[s];
        if (!c || (r.appId === target.appId && s === slot)) continue;
        users.set(c.value, [...(users.get(c.value) ?? []), s === 'single' ? r.name : `${r.name} (${SLOT_TITLES[s]})`]);
      }
    }
    const options: SelectOption<string>[] = activeItems.map((i) => ({ value: i.id, label: i.name, ...(users.has(i.id) ? { detail: `also chosen for ${users.get(i.id)!.join(', ')}` } : {}) }));
    const where = slot === 'single' ? target.name : `${target.name} — ${SLOT_TITLES[slot]}`;
    const chosen = await screen.select<string>({
      title: `${psaName} ${oneItem} for ${toSingleLine(where)}`,
      options,
      allowNone: '(none)',
      initialValue: current?.value ?? null,
      noun: `active ${psaName} ${itemWord}`,
    });
    if (chosen === undefined) return;
    const item = chosen === null ? null : activeItems.find((i) => i.id === chosen);
    if (chosen !== null && !item) return;
    setRefusal(null);
    setDraft((d) => setItem(d, target, slot, item ? { value: item.id, label: item.name } : null));
  }

  function toggleCategory() {
    setRefusal(null);
    setDraft((d) => ({ ...d, byCategory: !d.byCategory }));
    setColumn(0);
  }

  async function save() {
    if (saving) return;
    if (blockers.length > 0) {
      const first = table.rows.findIndex((r) => r.appId === blockers[0]!.appId);
      if (first >= 0) table.moveTo(first);
      setRefusal(blockers[0]!.message);
      screen.notify({ kind: 'error', text: 'Not saved: fix the rows named below first', cause: blockers.map((b) => b.message).join(' '), remedy: 'Choose the missing or replacement items (Enter), or clear them with (none).' });
      return;
    }
    const next = normalize(draftRef.current, rows);
    setSaving(true);
    try {
      session.updateIntegration(integrationName, (i) => ({ ...i, billing: next }), `${tabTitle}: billing items`);
      setSaved(next);
      setDraft(next);
      setRefusal(null);
      screen.notify(`Saved the ${itemWord} (${plural(next.applications.length, 'application')}; by category ${next.byCategory ? 'on' : 'off'}).`, 'success');
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
    screen.notify(`Restored the last saved ${itemWord}.`);
  }

  function reload() {
    apps.reload(true);
    items.reload(true);
    // Billing items saved by another console since this one loaded them (e.g. after a save
    // clash): shown, with this tab's unsaved edits carried over; an edit of a part they
    // changed too gives way to theirs, and is named.
    const theirs = session.reloadPart(integrationName, 'billing');
    if (!theirs) return;
    const { value, replaced } = rebaseOnTheirs(saved, draftRef.current, theirs, ['billing']);
    setSaved(theirs);
    setDraft(value);
    draftRef.current = value;
    setRefusal(null);
    const parts = [...new Set(replaced.map((c) => c.path.split(', ')[0]!))];
    const notice = reloadedNotice('billing items', parts, 'setting');
    screen.notify(notice, typeof notice === 'string' ? 'success' : undefined);
  }

  const editable = () => !filterMode && !saving;
  const onRow = () => editable() && row !== undefined;
  const multi = () => itemSlots.length > 1;
  commands.push(
    { id: 'services.choose', keys: ['enter'], description: `Choose the ${oneItem} of this cell (searchable list of active ${psaName} ${itemWord}; (none) clears)`, hint: 'choose', when: onRow, run: () => void chooseItem(row!) },
    { id: 'services.left', keys: ['left', 'h'], description: 'Previous category column', hint: 'column', when: () => editable() && multi(), run: () => setColumn((c) => Math.max(0, Math.min(c, itemSlots.length - 1) - 1)) },
    { id: 'services.right', keys: ['right', 'l'], description: 'Next category column', when: () => editable() && multi(), run: () => setColumn((c) => Math.min(itemSlots.length - 1, c + 1)) },
    { id: 'services.category', keys: ['t'], description: 'Bill devices by category on/off', hint: 'by category', when: editable, run: toggleCategory },
    { id: 'services.save', keys: ['ctrl+s'], description: 'Save changes', hint: 'save', when: () => dirty && editable(), run: () => void save() },
    { id: 'services.cancel', keys: ['x'], description: 'Cancel changes (restore the last save)', hint: 'cancel changes', when: () => dirty && editable(), run: () => void cancelChanges() },
    { id: 'services.reload', keys: ['r'], description: `Reload the applications from ${platformName}, the ${itemWord} from ${psaName}, and the billing items saved in the config file (your unsaved changes stay)`, hint: 'reload', when: () => !filterMode, run: reload },
  );

  // Drawing --------------------------------------------------------------------
  const top = `Bill devices by category: ${byCategory ? 'on' : 'off'}${toggleChanged ? ' *' : ''} (t)${dirty ? ` · ${plural(changed.size + (toggleChanged ? 1 : 0), 'unsaved change')}` : ''}${blockers.length ? ` · ${plural(blockers.length, 'problem')}` : ''}`;

  const detail: Line[] = [];
  if (refusal && bottomLines > 1) detail.push({ text: refusal, tone: 'danger' });
  const rowProblem = row ? blockers.find((b) => b.appId === row.appId) : undefined;
  if (rowProblem && rowProblem.message !== refusal) detail.push({ text: rowProblem.message, tone: 'warning' });
  if (row && bottomLines > 1) {
    const slot = targetSlot(row, byCategory, selectedSlot);
    const own = categorySlots(row);
    const help =
      byCategory && singleOnly(row)
        ? `${row.name} is licensed ${unitLabel(row)}: one ${oneItem} whatever the category setting.`
        : slot === 'single'
          ? `Enter chooses the ${oneItem} of ${row.name}.`
          : slot === null || (notApplicable(row, byCategory).length > 0 && !own.includes(slot))
            ? `${row.name} is installed on ${slotWords(own)} only: no ${oneItem} for ${SLOT_TITLES[selectedSlot]}${slot === null ? '' : ' (Enter clears it)'}.`
            : own.length < CATEGORY_SLOTS.length
              ? `Installed on ${slotWords(own)} only · column: ${SLOT_TITLES[slot]}${row.items[slot] ? ` = ${itemLabel(row.items[slot], itemById)}` : ''} · Enter chooses its ${oneItem}.`
              : `Column: ${SLOT_TITLES[slot]}${row.items[slot] ? ` = ${itemLabel(row.items[slot], itemById)}` : ''} (←/→ changes) · Enter chooses its ${oneItem}.`;
    detail.push({ text: row.unit === null ? `${help} Not licensed in ${platformName} now: clear it, or keep it for when it returns.` : help, tone: 'muted' });
  }

  const status = ((): Line => {
    if (saving) return { text: 'Saving…', tone: 'accent' };
    const parts: string[] = [];
    let tone: Tone = 'muted';
    if (apps.error !== undefined && !apps.loading) {
      parts.push(`Error: applications: ${message(apps.error)} (r retry)`);
      tone = 'danger';
    } else if (apps.data) parts.push(plural(apps.data.length, `application in ${platformName}`, `applications in ${platformName}`));
    else parts.push(`Loading the applications from ${platformName}…`);
    if (items.error !== undefined && !items.loading) {
      parts.push(`Error: ${itemWord}: ${message(items.error)} (r retry)`);
      tone = 'danger';
    } else if (items.data) parts.push(`${formatCount(activeItems.length)} active ${psaName} ${itemWord}`);
    else parts.push(`Loading the ${psaName} ${itemWord}…`);
    if ((apps.loading && apps.data) || (items.loading && items.data)) parts.push('reloading…');
    return { text: parts.join(' · '), tone };
  })();

  // Applications not loaded (yet, or at all): what happened, why, and what to do.
  if (apps.data === undefined) {
    const lines: Line[] = [];
    if (apps.error !== undefined && !apps.loading) {
      lines.push({ text: `Could not load the applications from ${platformName}: ${message(apps.error)}`, tone: 'danger' });
      if (isKmspError(apps.error) && apps.error.why) lines.push({ text: `  Cause: ${apps.error.why}`, tone: 'normal' });
      if (isKmspError(apps.error) && apps.error.remedy) lines.push({ text: `  Remedy: ${apps.error.remedy}`, tone: 'normal' });
      lines.push({ text: 'r tries again · the Connections tab tests the connection', tone: 'muted' });
    } else lines.push({ text: `Loading the applications from ${platformName}…`, tone: 'muted' });
    return (
      <Box flexDirection="column" width={width} height={height} overflowY="hidden">
        <Text wrap="truncate-end">{truncate(` ${top}`, width)}</Text>
        {lines.map((l, i) => (
          <Text key={i} wrap="truncate-end" {...theme.style(l.tone)}>
            {truncate(` ${toSingleLine(l.text)}`, width)}
          </Text>
        ))}
      </Box>
    );
  }

  return (
    <Box flexDirection="column" width={width} height={height} overflowY="hidden">
      <Text wrap="truncate-end" {...theme.style(toggleChanged ? 'accent' : 'normal')}>
        {truncate(` ${top}`, width)}
      </Text>
      <Box flexDirection="column" width={width} height={tableHeight} overflowY="hidden">
        <Table
          table={table}
          width={width}
          title={`Applications of “${integration.name}” → ${psaName} ${itemWord}`}
          focusColumn={selectedSlot}
          marker={(r) => (changed.has(r.appId) ? theme.glyphs.changed : undefined)}
          emptyMessage={`${platformName} lists no licensed applications.`}
        />
      </Box>
      <DetailLines width={width} height={bottomLines} lines={detail} status={status} />
    </Box>
  );
}
