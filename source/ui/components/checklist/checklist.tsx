// A checklist dialog (e.g. "Add / remove virtual servers"): Space toggles,
// `a` toggles all shown, `/` filters, Enter applies, Esc cancels. Items whose
// state differs from the start carry the changed marker "*".
import { useCallback } from 'react';
import { Text } from 'ink';
import { useCommands, useKeyCapture, type KeyPress } from '../../keys/index.js';
import { useTheme } from '../../theme.js';
import { displayWidth, fit, formatCount, truncate } from '../../text.js';
import { labelColumnWidth, visibleRange } from '../list-window.js';
import { dialogWidth, Modal, MODAL_CHROME_HEIGHT, useDialogBounds } from '../modal.js';
import { renderFieldText } from '../text-field/text-field.js';
import { isEditingKey } from '../text-field/use-text-field-state.js';
import { useChecklistState, type ChecklistItem } from './use-checklist-state.js';

export interface ChecklistProps {
  readonly title: string;
  readonly items: readonly ChecklistItem[];
  readonly initialChecked: readonly string[];
  /** Checked ids, in item order. */
  readonly onSubmit: (checked: string[]) => void;
  readonly onCancel: () => void;
  /** A line under the title explaining what checking does. */
  readonly description?: string;
}

export function Checklist({ title, items, initialChecked, onSubmit, onCancel, description }: ChecklistProps) {
  const theme = useTheme();
  const bounds = useDialogBounds();
  const chrome = MODAL_CHROME_HEIGHT + 1 + (description ? 1 : 0);
  const pageSize = Math.max(3, bounds.height - chrome);
  const list = useChecklistState(items, initialChecked, pageSize);
  const { state, visible, view, current, dispatch, go } = list;
  const width = dialogWidth(bounds, 72);
  const inner = width - 4;
  const initial = new Set(initialChecked);
  const filterMode = state.filterMode;

  useCommands('Checklist', [
    { id: 'checklist.up', keys: ['up', 'k'], description: 'Move up', hint: 'move', run: () => go('up') },
    { id: 'checklist.down', keys: ['down', 'j'], description: 'Move down', hint: 'move', run: () => go('down') },
    { id: 'checklist.pageUp', keys: ['pageup'], description: 'Page up', run: () => go('pageUp') },
    { id: 'checklist.pageDown', keys: ['pagedown'], description: 'Page down', run: () => go('pageDown') },
    { id: 'checklist.top', keys: ['g', 'home'], description: 'First item', when: () => !filterMode, run: () => go('top') },
    { id: 'checklist.bottom', keys: ['G', 'end'], description: 'Last item', when: () => !filterMode, run: () => go('bottom') },
    {
      id: 'checklist.toggle',
      keys: ['space'],
      description: 'Check or uncheck',
      hint: 'toggle',
      when: () => !filterMode && current !== undefined && !current.disabled,
      run: () => dispatch({ type: 'toggle', id: current!.id }),
    },
    {
      id: 'checklist.toggleAll',
      keys: ['a'],
      description: 'Check all shown (again: uncheck)',
      hint: 'all',
      when: () => !filterMode,
      run: () => dispatch({ type: 'toggleAll', ids: visible.filter((i) => !i.disabled).map((i) => i.id) }),
    },
    { id: 'checklist.filter', keys: ['/'], description: 'Filter', hint: 'filter', when: () => !filterMode, run: () => dispatch({ type: 'filterOpen' }) },
    { id: 'checklist.filterKeep', keys: ['enter'], description: 'Keep the filter', hint: 'keep filter', when: () => filterMode, run: () => dispatch({ type: 'filterClose', keep: true }) },
    { id: 'checklist.filterClear', keys: ['escape'], description: 'Clear the filter', hint: 'clear filter', when: () => filterMode, run: () => dispatch({ type: 'filterClose', keep: false }) },
    { id: 'checklist.apply', keys: ['enter'], description: 'Apply', hint: 'apply', when: () => !filterMode, run: () => onSubmit(list.checkedIds()) },
  ]);
  const onType = useCallback(
    (key: KeyPress) => {
      if (!isEditingKey(key)) return false;
      dispatch({ type: 'filterKey', key });
      return true;
    },
    [dispatch],
  );
  useKeyCapture('Checklist filter', onType, { kind: 'input', active: filterMode });

  const g = theme.glyphs;
  const changedCount = items.filter((i) => state.checked.has(i.id) !== initial.has(i.id)).length;
  const status = `${formatCount(state.checked.size)} checked${changedCount ? `, ${formatCount(changedCount)} changed` : ''} · ${
    state.filter.value ? `${formatCount(visible.length)} of ${formatCount(items.length)}` : formatCount(items.length)
  }`;
  let filterText = '';
  if (filterMode || state.filter.value) {
    const f = renderFieldText(state.filter.value, state.filter.caret, Math.max(4, inner - displayWidth(status) - 4), { focused: filterMode, mask: false, caretGlyph: g.caret, maskGlyph: g.mask });
    filterText = '/' + f.before + f.caret + f.after;
  }
  const gap = ' '.repeat(Math.max(1, inner - displayWidth(filterText) - displayWidth(status)));

  const { start, end } = visibleRange(view, visible.length, pageSize);
  const inView = visible.slice(start, end);
  const extraOf = (item: ChecklistItem) => (item.disabled ? `unavailable: ${item.disabled}` : (item.detail ?? ''));
  const room = inner - 6 - displayWidth(g.marked);
  const labelWidth = labelColumnWidth(room, inView.map((i) => displayWidth(i.label)), inView.map((i) => displayWidth(extraOf(i))));
  const lines = [];
  for (let i = start; i < end; i++) {
    const item = visible[i]!;
    const isCursor = i === view.cursor;
    const checked = state.checked.has(item.id);
    const changed = checked !== initial.has(item.id);
    const prefix = `${isCursor ? g.cursor : g.noCursor} ${checked ? g.marked : g.unmarked} ${changed ? g.changed : ' '} `;
    const extra = extraOf(item);
    const text = prefix + fit(item.label, extra ? labelWidth : room) + (extra ? '  ' + fit(extra, Math.max(0, room - labelWidth - 2)) : '');
    lines.push(
      <Text key={i - start} wrap="truncate-end" {...theme.style(isCursor ? 'selection' : item.disabled ? 'muted' : 'normal')}>
        {text}
      </Text>,
    );
  }

  return (
    <Modal title={title} width={width} onCancel={onCancel}>
      {description ? (
        <Text wrap="truncate-end" {...theme.style('muted')}>
          {truncate(description, inner)}
        </Text>
      ) : null}
      <Text wrap="truncate-end">
        <Text {...theme.style('accent')}>{filterText}</Text>
        {gap}
        <Text {...theme.style('muted')}>{status}</Text>
      </Text>
      {visible.length === 0 ? (
        <Text wrap="truncate-end" {...theme.style('muted')}>
          {truncate(items.length === 0 ? '  Nothing to choose from.' : `  Nothing matches "${state.filter.value}".`, inner)}
        </Text>
      ) : (
        lines
      )}
      {/* Same height while filtering: the dialog does not jump. */}
      {Array.from({ length: Math.max(0, Math.min(pageSize, items.length) - Math.max(1, lines.length)) }, (_, i) => (
        <Text key={`pad${i}`}> </Text>
      ))}
    </Modal>
  );
}
