// Cursor and scroll arithmetic shared by every windowed list (table, search
// select, checklist, help). Pure functions: the reducers call them, tests can too.

export interface Viewport {
  /** Index of the highlighted item, -1 when the list is empty. */
  readonly cursor: number;
  /** Index of the first item drawn. */
  readonly scrollTop: number;
}

export type CursorTarget = 'up' | 'down' | 'pageUp' | 'pageDown' | 'halfUp' | 'halfDown' | 'top' | 'bottom' | { index: number };

export function clamp(value: number, min: number, max: number): number {
  return Math.max(min, Math.min(max, value));
}

/** The scroll offset that shows the cursor, moving as little as possible, with no empty space at the end. */
export function scrollFor(cursor: number, scrollTop: number, count: number, size: number): number {
  if (count <= 0 || size <= 0) return 0;
  let top = scrollTop;
  if (cursor < top) top = cursor;
  if (cursor >= top + size) top = cursor - size + 1;
  return clamp(top, 0, Math.max(0, count - size));
}

/** A viewport valid for this count and size (after rows, filter or terminal height changed). */
export function normalize(view: Viewport, count: number, size: number): Viewport {
  if (count <= 0) return { cursor: -1, scrollTop: 0 };
  const cursor = clamp(view.cursor < 0 ? 0 : view.cursor, 0, count - 1);
  return { cursor, scrollTop: scrollFor(cursor, view.scrollTop, count, size) };
}

/**
 * Move the cursor. Paging moves the window along with the cursor (as less and
 * htop do) so PgDn shows the next page rather than just moving to the bottom line.
 */
export function move(view: Viewport, target: CursorTarget, count: number, size: number): Viewport {
  if (count <= 0) return { cursor: -1, scrollTop: 0 };
  const current = normalize(view, count, size);
  const page = Math.max(1, size);
  const half = Math.max(1, Math.floor(page / 2));
  let step = 0;
  let cursor = current.cursor;
  if (typeof target === 'object') cursor = target.index;
  else if (target === 'top') cursor = 0;
  else if (target === 'bottom') cursor = count - 1;
  else {
    step = { up: -1, down: 1, pageUp: -page, pageDown: page, halfUp: -half, halfDown: half }[target];
    cursor += step;
  }
  cursor = clamp(cursor, 0, count - 1);
  const scrollTop = Math.abs(step) > 1 ? clamp(current.scrollTop + step, 0, Math.max(0, count - size)) : current.scrollTop;
  return { cursor, scrollTop: scrollFor(cursor, scrollTop, count, size) };
}

/** [start, end) of the items to draw. */
export function visibleRange(view: Viewport, count: number, size: number): { start: number; end: number } {
  const { scrollTop } = normalize(view, count, size);
  return { start: scrollTop, end: Math.min(count, scrollTop + Math.max(0, size)) };
}

/**
 * Width of the label column in a two-column list (label, then detail), shared
 * by the rows in view so details line up: labels get their natural width when
 * the details fit beside them, and at least 40% of the room otherwise.
 */
export function labelColumnWidth(room: number, labelWidths: readonly number[], extraWidths: readonly number[]): number {
  const longestExtra = Math.max(0, ...extraWidths);
  const longestLabel = Math.max(0, ...labelWidths);
  if (longestExtra === 0) return room;
  return Math.max(1, Math.min(longestLabel, Math.max(Math.floor(room * 0.4), room - longestExtra - 2)));
}
