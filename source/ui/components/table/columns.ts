// Column definitions and width layout, in display cells (a CJK name takes two
// cells per character). Layout never looks at the rows: measuring 10,000 rows
// on every keypress would make the table slow and make columns jump while
// scrolling. Fixed widths are exact; 'auto' columns share what is left.
import type { Tone } from '../../theme.js';
import { displayWidth, type Align } from '../../text.js';

export interface Column<Row> {
  /** Field read when there is no `render`, and the column's identity. */
  readonly key: string;
  readonly title: string;
  /** Cells, or 'auto' (default) to share the remaining width. */
  readonly width?: number | 'auto';
  /** Narrowest an 'auto' column gets before trailing columns are hidden (default: title width, 4–12). */
  readonly minWidth?: number;
  /** Widest an 'auto' column grows. */
  readonly maxWidth?: number;
  /** Share of the free width relative to other 'auto' columns (default 1). */
  readonly grow?: number;
  readonly align?: Align;
  /** Cell text. Default: String(row[key]). */
  readonly render?: (row: Row) => string;
  /** Colour of the cell (decoration only: the text must say the same). */
  readonly tone?: (row: Row) => Tone | undefined;
  /**
   * How a cell too long for the column is cut: 'end' (default, "Kaspersky Endpoint Secur…") or
   * 'middle' (word-aware, "Endpoint … Business Advanced") for names that differ at the end.
   */
  readonly ellipsis?: 'end' | 'middle';
  /** Text the `/` filter searches in this column when it is not the cell text (e.g. the full name of a shortened one). */
  readonly filterText?: (row: Row) => string;
  /** Whether the `/` filter searches this column (default true). */
  readonly filterable?: boolean;
  /**
   * Stays in view when the columns scroll sideways (windowColumns), like the first column
   * always does: for leading columns that name the row together (account and item).
   */
  readonly pinned?: boolean;
}

export interface ColumnLayout<Row> {
  readonly column: Column<Row>;
  readonly width: number;
}

export const COLUMN_GAP = 2;

export function cellText<Row>(column: Column<Row>, row: Row): string {
  if (column.render) return column.render(row);
  const value = (row as Record<string, unknown>)[column.key];
  return value === undefined || value === null ? '' : String(value);
}

function minimum<Row>(column: Column<Row>): number {
  if (typeof column.width === 'number') return column.width;
  return column.minWidth ?? Math.max(4, Math.min(12, displayWidth(column.title)));
}

/**
 * Widths for `width` cells. Columns that do not fit even at their minimum are
 * dropped from the right (the first column always stays, squeezed if need be).
 */
export function layoutColumns<Row>(columns: readonly Column<Row>[], width: number, gap: number = COLUMN_GAP): ColumnLayout<Row>[] {
  const kept = [...columns];
  const needed = () => kept.reduce((sum, c) => sum + minimum(c), 0) + gap * Math.max(0, kept.length - 1);
  while (kept.length > 1 && needed() > width) kept.pop();
  if (kept.length === 0) return [];
  if (needed() > width) return [{ column: kept[0]!, width: Math.max(0, width) }];

  const widths = kept.map(minimum);
  let free = width - needed();
  // Hand out the free cells one share at a time, honouring maxWidth; a column that is full stops growing.
  const isAuto = (c: Column<Row>) => c.width === undefined || c.width === 'auto';
  const growing = () => kept.flatMap((c, i) => (isAuto(c) && widths[i]! < (c.maxWidth ?? Infinity) ? [i] : []));
  let candidates = growing();
  while (free > 0 && candidates.length > 0) {
    const totalGrow = candidates.reduce((sum, i) => sum + (kept[i]!.grow ?? 1), 0);
    let given = 0;
    for (const i of candidates) {
      const share = Math.max(1, Math.floor((free * (kept[i]!.grow ?? 1)) / totalGrow));
      const room = (kept[i]!.maxWidth ?? Infinity) - widths[i]!;
      const add = Math.min(share, room, free - given);
      if (add <= 0) continue;
      widths[i] = widths[i]! + add;
      given += add;
    }
    if (given === 0) break;
    free -= given;
    candidates = growing();
  }
  return kept.map((column, i) => ({ column, width: widths[i]! }));
}

/**
 * Cells kept on each side of a scrolled window for its sign: "« " before the first scrolled
 * column, " »" after the last (blank on a side with nothing hidden, so the columns stay put).
 */
export const SIGN_WIDTH = 2;

export interface ColumnWindow<Row> {
  /** The columns drawn, with widths: the pinned ones, then the window. */
  readonly layout: ColumnLayout<Row>[];
  /** How many of `layout` are pinned (the window's sign comes after them). */
  readonly pinned: number;
  /** Whether the columns are scrolled: not all fit, so the signs' cells are kept (SIGN_WIDTH). */
  readonly scrolled: boolean;
  /** Index in `columns` of the first column of the window. */
  readonly start: number;
  /** Columns hidden before and after the window. */
  readonly hiddenLeft: number;
  readonly hiddenRight: number;
}

/** The leading columns that stay when the others scroll: the first one, and those marked `pinned` after it. */
function pinnedCount<Row>(columns: readonly Column<Row>[]): number {
  let n = 1;
  while (n < columns.length - 1 && columns[n]!.pinned) n++;
  return n;
}

/** Whether the pinned columns and columns from..to fit in `room` at their minimum widths. */
function fitter<Row>(columns: readonly Column<Row>[], room: number, gap: number): (from: number, to: number) => boolean {
  const pinned = pinnedCount(columns);
  const pinnedWidth = columns.slice(0, pinned).reduce((sum, c) => sum + minimum(c), 0) + gap * (pinned - 1);
  return (from, to) => {
    let used = pinnedWidth;
    for (let i = from; i <= to; i++) used += gap + minimum(columns[i]!);
    return used <= room;
  };
}

/**
 * Where the window starts after a page sideways (← / → on a table without a column cursor),
 * so that every press shows a column not shown before: right, the first column hidden on the
 * right; left, as many columns as fit ending with the last one hidden on the left.
 */
export function pageColumns<Row>(columns: readonly Column<Row>[], width: number, window: ColumnWindow<Row>, direction: 'left' | 'right', gap: number = COLUMN_GAP): number {
  if (!window.scrolled) return window.start;
  if (direction === 'right') return window.hiddenRight > 0 ? window.start + window.layout.length - window.pinned : window.start;
  if (window.hiddenLeft === 0) return window.start;
  const fits = fitter(columns, width - 2 * SIGN_WIDTH, gap);
  const end = window.start - 1;
  let start = end;
  while (start > pinnedCount(columns) && fits(start - 1, end)) start--;
  return start;
}

/**
 * The columns to draw in `width` cells, scrolled sideways when they do not all fit: the
 * first column (the row's name) and the `pinned` ones after it stay, and a window of the
 * others follows, starting at `start` (where the last frame's window started, so it does
 * not jump) and moved as little as needed to show `focus` (the index of the column a cursor
 * is on, if any). A window that reaches the last column starts as early as still fits: no
 * room is left blank while columns are hidden on the left. Calling it again with its own
 * `start` gives the same window, so a caller may keep `start` as state and update it while drawing.
 */
export function windowColumns<Row>(columns: readonly Column<Row>[], width: number, options: { start?: number; focus?: number } = {}, gap: number = COLUMN_GAP): ColumnWindow<Row> {
  const fitsAll = columns.reduce((sum, c) => sum + minimum(c), 0) + gap * Math.max(0, columns.length - 1) <= width;
  if (columns.length <= 1 || fitsAll) {
    const layout = layoutColumns(columns, width, gap);
    return { layout, pinned: Math.min(layout.length, pinnedCount(columns)), scrolled: false, start: pinnedCount(columns), hiddenLeft: 0, hiddenRight: 0 };
  }

  const pinned = pinnedCount(columns);
  const last = columns.length - 1;
  const room = width - 2 * SIGN_WIDTH;
  const fits = fitter(columns, room, gap);
  const focus = options.focus !== undefined && options.focus >= pinned && options.focus <= last ? options.focus : undefined;
  let start = Math.max(pinned, Math.min(last, options.start ?? pinned));
  if (focus !== undefined && focus < start) start = focus;
  const endFrom = (from: number) => {
    let end = from;
    while (end < last && fits(from, end + 1)) end++;
    return end;
  };
  let end = endFrom(start);
  if (focus !== undefined && focus > end) {
    start = focus;
    while (start > pinned && fits(start - 1, focus)) start--;
    end = endFrom(start);
  }
  if (end === last) while (start > pinned && fits(start - 1, end)) start--;

  let layout: ColumnLayout<Row>[];
  if (fits(start, end)) layout = layoutColumns([...columns.slice(0, pinned), ...columns.slice(start, end + 1)], room, gap);
  else {
    // Too narrow for even one column beside the pinned ones: the window's column keeps its
    // minimum (it is the one the cursor is on) and the pinned ones share what is left, each
    // cut in proportion to its minimum (all of them still name the row).
    const own = Math.min(minimum(columns[start]!), Math.max(1, room - gap - pinned));
    const names = columns.slice(0, pinned);
    const share = Math.max(names.length, room - gap - own - gap * (names.length - 1));
    const total = names.reduce((sum, c) => sum + minimum(c), 0);
    const widths = names.map((c) => Math.max(1, Math.floor((share * minimum(c)) / total)));
    widths[0] = widths[0]! + Math.max(0, share - widths.reduce((a, b) => a + b, 0));
    layout = [...names.map((column, i) => ({ column, width: widths[i]! })), { column: columns[start]!, width: own }];
  }
  return { layout, pinned, scrolled: true, start, hiddenLeft: start - pinned, hiddenRight: last - end };
}
