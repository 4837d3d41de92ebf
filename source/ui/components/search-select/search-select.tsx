// A searchable dropdown in a dialog: type to filter (thousands of PSA
// accounts), ↑↓ PgUp/PgDn to move, Enter to choose, Esc to cancel. Shows
// "12 of 4,000", an optional "(none)" entry and disabled options with the
// reason they cannot be chosen.
import { memo, useCallback, useState, type ReactElement } from 'react';
import { Text } from 'ink';
import { useCommands, useKeyCapture, type KeyPress } from '../../keys/index.js';
import { useTheme } from '../../theme.js';
import { displayWidth, fit, formatCount, truncate } from '../../text.js';
import { labelColumnWidth, visibleRange } from '../list-window.js';
import { dialogWidth, Modal, MODAL_CHROME_HEIGHT, useDialogBounds } from '../modal.js';
import { renderFieldText } from '../text-field/text-field.js';
import { isEditingKey } from '../text-field/use-text-field-state.js';
import { useSearchSelectState, type SelectItem, type SelectOption } from './use-search-select-state.js';

export interface SearchSelectProps<T> {
  readonly title: string;
  readonly options: readonly SelectOption<T>[];
  readonly allowNone?: boolean | string;
  readonly initialValue?: T | null;
  readonly isEqual?: (a: T, b: T) => boolean;
  /** null when "(none)" was chosen. */
  readonly onSubmit: (value: T | null) => void;
  readonly onCancel: () => void;
  /** What the options are, for the empty state ("PSA accounts"). */
  readonly noun?: string;
}

/** Lines besides the list: frame chrome, search line, message line. */
const CHROME = MODAL_CHROME_HEIGHT + 2;

export function SearchSelect<T>({ title, options, allowNone, initialValue, isEqual, onSubmit, onCancel, noun = 'options' }: SearchSelectProps<T>) {
  const theme = useTheme();
  const bounds = useDialogBounds();
  const pageSize = Math.max(3, bounds.height - CHROME);
  const select = useSearchSelectState({ options, allowNone, initialValue, isEqual, pageSize });
  const [message, setMessage] = useState('');
  const width = dialogWidth(bounds, 72);
  const inner = width - 4;

  const choose = useCallback(
    (item: SelectItem<T> | undefined) => {
      if (!item) return;
      if (item.kind === 'none') return onSubmit(null);
      if (item.option.disabled) {
        setMessage(`Cannot choose ${item.option.label}: ${item.option.disabled}`);
        return;
      }
      onSubmit(item.option.value);
    },
    [onSubmit],
  );

  useCommands('Select', [
    { id: 'select.up', keys: ['up', 'ctrl+p'], description: 'Previous option', hint: 'move', run: () => select.move('up') },
    { id: 'select.down', keys: ['down', 'ctrl+n'], description: 'Next option', hint: 'move', run: () => select.move('down') },
    { id: 'select.pageUp', keys: ['pageup'], description: 'Page up', run: () => select.move('pageUp') },
    { id: 'select.pageDown', keys: ['pagedown'], description: 'Page down', run: () => select.move('pageDown') },
    { id: 'select.choose', keys: ['enter'], description: 'Choose', hint: 'choose', run: () => choose(select.current) },
  ]);
  const onType = useCallback(
    (key: KeyPress) => {
      if (!isEditingKey(key)) return false;
      setMessage('');
      select.handleKey(key);
      return true;
    },
    [select.handleKey],
  );
  useKeyCapture('Select search', onType, { kind: 'input' });

  const count = select.query.value === '' ? `${formatCount(select.total)} ${noun}` : `${formatCount(select.matching)} of ${formatCount(select.total)}`;
  const label = 'Search: ';
  const fieldRoom = Math.max(4, inner - displayWidth(label) - displayWidth(count) - 2);
  const field = renderFieldText(select.query.value, select.query.caret, fieldRoom, { focused: true, mask: false, caretGlyph: theme.glyphs.caret, maskGlyph: theme.glyphs.mask });
  const fieldText = field.before + field.caret + field.after;
  const gap = ' '.repeat(Math.max(1, inner - displayWidth(label) - displayWidth(fieldText) - displayWidth(count)));

  const { start, end } = visibleRange(select.view, select.items.length, pageSize);
  const inView = select.items.slice(start, end);
  const listHeight = Math.min(pageSize, options.length + (allowNone ? 1 : 0));
  const labelWidth = labelColumnWidth(
    inner - 2,
    inView.map((item) => displayWidth(labelOf(item) + (select.isCurrentValue(item) ? CURRENT : ''))),
    inView.map((item) => displayWidth(extraOf(item))),
  );
  const lines = inView.map((item, offset) => (
    <OptionLine key={offset} item={item} cursor={start + offset === select.view.cursor} current={select.isCurrentValue(item)} width={inner} labelWidth={labelWidth} />
  ));

  return (
    <Modal title={title} width={width} onCancel={onCancel}>
      <Text wrap="truncate-end">
        {label}
        <Text {...theme.style('accent')}>{fieldText}</Text>
        {gap}
        <Text {...theme.style('muted')}>{count}</Text>
      </Text>
      {select.items.length === 0 ? (
        <Text wrap="truncate-end" {...theme.style('muted')}>
          {truncate(options.length === 0 ? `  No ${noun} to choose from.` : `  No ${noun} match "${select.query.value}".`, inner)}
        </Text>
      ) : (
        lines
      )}
      {/* Keep the dialog's height while the list narrows, so it does not jump as you type. */}
      {Array.from({ length: Math.max(0, listHeight - Math.max(1, lines.length)) }, (_, i) => (
        <Text key={`pad${i}`}> </Text>
      ))}
      {message ? (
        <Text wrap="truncate-end" {...theme.style('danger')}>
          {truncate(message, inner)}
        </Text>
      ) : null}
    </Modal>
  );
}

const CURRENT = ' (current)';

function labelOf<T>(item: SelectItem<T>): string {
  return item.kind === 'none' ? item.label : item.option.label;
}

function extraOf<T>(item: SelectItem<T>): string {
  if (item.kind === 'none') return '';
  return item.option.disabled ? `unavailable: ${item.option.disabled}` : (item.option.detail ?? '');
}

// Memoised on its props: the items keep their identity while the query stands, so a move
// redraws the two lines the cursor leaves and enters, not every line of the page.
const OptionLine = memo(function OptionLine<T>({ item, cursor, current, width, labelWidth }: { item: SelectItem<T>; cursor: boolean; current: boolean; width: number; labelWidth: number }) {
  const theme = useTheme();
  const g = theme.glyphs;
  const prefix = `${cursor ? g.cursor : g.noCursor} `;
  const room = width - displayWidth(prefix);
  const label = labelOf(item) + (current ? CURRENT : '');
  const extra = extraOf(item);
  const text = extra ? fit(label, labelWidth) + '  ' + fit(extra, Math.max(0, room - labelWidth - 2)) : fit(label, room);
  const tone = cursor ? 'selection' : item.kind === 'none' || (item.kind === 'option' && item.option.disabled) ? 'muted' : 'normal';
  return (
    <Text wrap="truncate-end" {...theme.style(tone)}>
      {prefix + text}
    </Text>
  );
}) as <T>(props: { item: SelectItem<T>; cursor: boolean; current: boolean; width: number; labelWidth: number }) => ReactElement;
