// Draws a TableModel: a title line (title, filter field, position "41–60 of
// 1,234"), a header and only the rows in the window — O(visible rows) per frame.
// Without colour the cursor row still reads "›", marks "[x]"/"[ ]", and the
// caller's per-row marker (e.g. "*" for unsaved) has its own column.
//
// Per key, only what changed is drawn again: row lines are memoised components
// keyed by row id (moving the cursor redraws two lines, scrolling by one mounts
// one), the column layout is memoised on columns and width, and cells are cut
// and padded by length when they are plain ASCII (cells.ts).
//
// Columns that do not all fit scroll sideways (windowColumns): the first column (the
// row's name) and any `pinned` after it stay, "«"/"»" in the header say that columns are hidden on that side, and
// the window follows `focusColumn` (a screen's column cursor) or, without one, ←/→ page
// it (each press shows a column not shown before). How far the columns are scrolled is this view's state: it depends on the width,
// which only the view knows.
import { memo, useMemo, useState, type ReactElement } from 'react';
import { Box, Text } from 'ink';
import { useCommands } from '../../keys/index.js';
import { useTheme, type Theme } from '../../theme.js';
import { displayWidth, formatCount, truncate } from '../../text.js';
import { renderFieldText } from '../text-field/text-field.js';
import { visibleRange } from '../list-window.js';
import { cellText, COLUMN_GAP, pageColumns, SIGN_WIDTH, windowColumns, type ColumnLayout } from './columns.js';
import { fitCell } from './cells.js';
import type { TableModel } from './use-table.js';

export interface TableProps<Row> {
  readonly table: TableModel<Row>;
  readonly width: number;
  readonly title?: string;
  /** One-cell marker per row, e.g. '*' for a changed row, '!' for a problem. */
  readonly marker?: (row: Row) => string | undefined;
  /** Shown when there are no rows at all. */
  readonly emptyMessage?: string;
  /** Highlight the cursor row (off when another pane of the screen has focus). */
  readonly focused?: boolean;
  /**
   * Key of the column the screen's column cursor is on: when the columns scroll, it is
   * always shown. Without it, ←/→ (h/l) scroll the columns themselves.
   */
  readonly focusColumn?: string;
}

/** "41–60 of 1,234 (filtered from 10,000)". */
export function positionText(start: number, end: number, count: number, total: number, filtered: boolean): string {
  const range = count === 0 ? '0' : `${formatCount(start + 1)}–${formatCount(end)}`;
  return `${range} of ${formatCount(count)}${filtered ? ` (filtered from ${formatCount(total)})` : ''}`;
}

interface Prefix {
  readonly width: number;
  text(cursor: boolean, marked: boolean, marker: string | undefined): string;
}

function prefixFor(theme: Theme, markable: boolean, withMarker: boolean): Prefix {
  const g = theme.glyphs;
  const width = 2 + (markable ? displayWidth(g.marked) + 1 : 0) + (withMarker ? 2 : 0);
  return {
    width,
    text: (cursor, marked, marker) =>
      `${cursor ? g.cursor : g.noCursor} ` + (markable ? `${marked ? g.marked : g.unmarked} ` : '') + (withMarker ? `${fitCell(marker ?? '', 1)} ` : ''),
  };
}

const GAP = ' '.repeat(COLUMN_GAP);

function TableView<Row>({ table, width, title, marker, emptyMessage, focused = true, focusColumn }: TableProps<Row>) {
  const theme = useTheme();
  const withMarker = marker !== undefined;
  const prefix = useMemo(() => prefixFor(theme, table.markable, withMarker), [theme, table.markable, withMarker]);
  const layoutWidth = Math.max(1, width - prefix.width);
  const focus = focusColumn === undefined ? -1 : table.columns.findIndex((c) => c.key === focusColumn);
  const [columnStart, setColumnStart] = useState(1);
  const view = useMemo(() => windowColumns(table.columns, layoutWidth, { start: columnStart, ...(focus >= 0 ? { focus } : {}) }), [table.columns, layoutWidth, columnStart, focus]);
  // The window moved to show the focused column: remember where it starts, so the next move
  // starts from there (React re-renders at once; windowColumns gives the same window again).
  if (view.scrolled && view.start !== columnStart) setColumnStart(view.start);
  const layout = view.layout;
  const scroll = view.scrolled ? { left: view.hiddenLeft, right: view.hiddenRight } : null;

  // Only while columns are hidden, so the help of a table that fits does not list them.
  const ownScroll = view.scrolled && focusColumn === undefined;
  const canScroll = ownScroll && !table.filterMode;
  useCommands(
    table.group,
    !ownScroll ? [] : [
      { id: 'table.columnsLeft', keys: ['left', 'h'], description: 'Scroll the columns left (« in the header: columns hidden there)', hint: 'columns', group: table.group, when: () => canScroll && view.hiddenLeft > 0, run: () => setColumnStart(pageColumns(table.columns, layoutWidth, view, 'left')) },
      { id: 'table.columnsRight', keys: ['right', 'l'], description: 'Scroll the columns right (» in the header: columns hidden there)', hint: 'columns', group: table.group, when: () => canScroll && view.hiddenRight > 0, run: () => setColumnStart(pageColumns(table.columns, layoutWidth, view, 'right')) },
    ],
    { active: table.active && ownScroll },
  );
  const count = table.rows.length;
  const { start, end } = visibleRange(table.state, count, table.pageSize);
  const filtered = table.filter !== '';

  // Title line: title and filter on the left, position and marks on the right.
  const marks = table.marks.size > 0 ? `  ${formatCount(table.marks.size)} marked` : '';
  const right = positionText(start, end, count, table.total, filtered) + marks;
  const leftRoom = Math.max(0, width - displayWidth(right) - 1);
  const titleText = truncate(title ?? '', leftRoom);
  let filterPart: { before: string; caret: string; after: string } | null = null;
  if (table.filterMode || filtered) {
    const room = Math.max(0, leftRoom - displayWidth(titleText) - (titleText ? 3 : 1));
    filterPart = renderFieldText(table.state.filter.value, table.state.filter.caret, room, {
      focused: table.filterMode,
      mask: false,
      caretGlyph: theme.glyphs.caret,
      maskGlyph: theme.glyphs.mask,
    });
  }
  const leftWidth = displayWidth(titleText) + (filterPart ? (titleText ? 3 : 1) + displayWidth(filterPart.before + filterPart.caret + filterPart.after) : 0);
  const spacer = ' '.repeat(Math.max(1, width - leftWidth - displayWidth(right)));

  const header = useMemo(() => {
    const titles = layout.map(({ column, width: w }) => fitCell(column.title, w, column.align));
    const g = theme.glyphs;
    const text = scroll ? withSigns(titles, view.pinned, scroll.left > 0 ? `${g.moreLeft} ` : '', scroll.right > 0 ? ` ${g.moreRight}` : '') : titles.join(GAP);
    return truncate(' '.repeat(prefix.width) + text, width);
  }, [prefix.width, layout, width, scroll?.left, scroll?.right, view.pinned, theme]);

  const lines = [];
  for (let index = start; index < end; index++) {
    const row = table.rows[index]!;
    const id = table.getRowId(row);
    const isCursor = index === table.cursorIndex;
    const isMarked = table.markable && table.marks.has(id);
    lines.push(
      <RowLine key={id} row={row} layout={layout} scrolled={view.scrolled ? view.pinned : 0} prefix={prefix.text(isCursor, isMarked, marker?.(row))} prefixWidth={prefix.width} cursor={isCursor && focused} theme={theme} width={width} />,
    );
  }

  return (
    <Box flexDirection="column" width={width}>
      <Text wrap="truncate-end">
        <Text {...theme.style('title')}>{titleText}</Text>
        {filterPart ? (
          <Text {...theme.style(table.filterMode ? 'accent' : 'normal')}>
            {titleText ? '  /' : '/'}
            {filterPart.before}
            {filterPart.caret}
            {filterPart.after}
          </Text>
        ) : null}
        {spacer}
        <Text {...theme.style('muted')}>{right}</Text>
      </Text>
      <Text wrap="truncate-end" {...theme.style('muted')}>
        {header}
      </Text>
      {count === 0 ? (
        <Text wrap="truncate-end" {...theme.style('muted')}>
          {/* Cut here, in cells as the table measures them: Ink's own cut measured some pasted
              characters differently and left the line a cell wider than the table. */}
          {truncate('  ' + (filtered ? `No rows match "${table.filter}".` : (emptyMessage ?? 'Nothing to show.')), width)}
        </Text>
      ) : (
        lines
      )}
    </Box>
  );
}

/** Cells joined with the gap, the scrolled window (after `pinned` cells) framed by its signs' cells (SIGN_WIDTH each side). */
function withSigns(cells: readonly string[], pinned: number, left: string, right: string): string {
  return `${cells.slice(0, pinned).join(GAP)}${GAP}${left.padEnd(SIGN_WIDTH)}${cells.slice(pinned).join(GAP)}${right.padStart(SIGN_WIDTH)}`;
}

interface RowLineProps<Row> {
  readonly row: Row;
  readonly layout: readonly ColumnLayout<Row>[];
  /** When the columns are scrolled, how many are pinned (SIGN_WIDTH cells follow them, and the last column); else 0. */
  readonly scrolled: number;
  readonly prefix: string;
  /** Cells the prefix takes (prefix.width): with the layout, the line's width without measuring it. */
  readonly prefixWidth: number;
  readonly cursor: boolean;
  readonly theme: Theme;
  readonly width: number;
}

// Memoised on its props: a row object, the layout and the prefix string are the
// same between keys unless that row, the columns or its cursor/mark state changed.
//
// Cells are boxes of their column's width holding the unpadded text: Ink measures
// and tokenises every character of every line on every frame, and padding is half
// of a table's characters (a box costs less than the spaces it replaces). The
// cursor row is one padded line, so its highlight spans the whole width.
const RowLine = memo(function RowLine<Row>({ row, layout, scrolled, prefix, prefixWidth, cursor, theme, width }: RowLineProps<Row>) {
  const fits = lineWidth(layout, prefixWidth, scrolled) <= width;
  if (cursor || !fits) {
    // Every cell is exactly its column's width, so the line is as wide as the layout;
    // it needs cutting only when even the prefix does not fit (a very narrow table).
    const cells = layout.map(({ column, width: w }) => fitCell(cellText(column, row), w, column.align, column.ellipsis));
    const joined = prefix + (scrolled ? withSigns(cells, scrolled, '', '') : cells.join(GAP));
    const line = fits ? joined : truncate(joined, width);
    return (
      <Text wrap="truncate-end" {...(cursor ? theme.style('selection') : {})}>
        {cursor ? line : line.trimEnd()}
      </Text>
    );
  }
  const lead = prefix.trimEnd();
  return (
    <Box height={1} flexShrink={0}>
      <Box width={prefixWidth} flexShrink={0}>
        {lead ? <Text>{lead}</Text> : null}
      </Box>
      {layout.map(({ column, width: w }, i) => {
        const text = fitCell(cellText(column, row), w, column.align, column.ellipsis).trimEnd();
        const tone = column.tone?.(row);
        return (
          <Box key={column.key} width={w} marginLeft={i === 0 ? 0 : scrolled && i === scrolled ? COLUMN_GAP + SIGN_WIDTH : COLUMN_GAP} flexShrink={0}>
            {text ? (
              <Text wrap="truncate-end" {...(tone ? theme.style(tone) : {})}>
                {text}
              </Text>
            ) : null}
          </Box>
        );
      })}
    </Box>
  );
}) as <Row>(props: RowLineProps<Row>) => ReactElement;

function lineWidth<Row>(layout: readonly ColumnLayout<Row>[], prefixWidth: number, scrolled: number): number {
  let total = prefixWidth + COLUMN_GAP * Math.max(0, layout.length - 1) + (scrolled > 0 ? 2 * SIGN_WIDTH : 0);
  for (const { width } of layout) total += width;
  return total;
}

/** The table view (generic over the row type). */
export const Table = TableView;
