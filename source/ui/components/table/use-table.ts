// The table's state hook plus its key bindings (ink-ui split: state here,
// drawing in table.tsx). Filtering is memoised on (rows identity, columns,
// query) and narrows the previous result while a query grows, so a 10,000-row
// table stays instant; the view then draws only the visible window. The text
// searched in each row is kept per row object, so a new rows array after an
// edit (the same objects but one) does not lower-case 10,000 rows again.
import { useCallback, useMemo, useReducer, useRef } from 'react';
import { useCommands, useKeyCapture, type Command, type KeyPress } from '../../keys/index.js';
import { isEditingKey } from '../text-field/use-text-field-state.js';
import { normalize, type CursorTarget } from '../list-window.js';
import type { Column } from './columns.js';
import { initialTableState, matchIndexes, normalizeQuery, rowHaystack, tableReducer, type TableAction, type TableState } from './use-table-state.js';

export interface UseTableOptions<Row> {
  readonly rows: readonly Row[];
  readonly columns: readonly Column<Row>[];
  readonly getRowId: (row: Row) => string;
  /** Lines the whole table may use: title line + header + rows. */
  readonly height: number;
  /** Whether this table takes keys now (the screen's `active`, and its own focus within the screen). */
  readonly active: boolean;
  /** Space marks rows, `a` marks all matching the filter. */
  readonly markable?: boolean;
  /** `/` opens the filter (default true). */
  readonly filterable?: boolean;
  /** Enter on a row. */
  readonly onActivate?: (row: Row) => void;
  /** Footer label and help text for Enter (default 'open' / 'Open the row'). */
  readonly activateHint?: string;
  readonly activateDescription?: string;
  /** Heading in the help overlay (default 'Table'). */
  readonly group?: string;
  readonly initialFilter?: string;
}

export interface TableModel<Row> {
  readonly columns: readonly Column<Row>[];
  /** Rows after the filter, in order. */
  readonly rows: readonly Row[];
  /** Rows before the filter. */
  readonly total: number;
  readonly state: TableState;
  /** Body lines (rows per page). */
  readonly pageSize: number;
  /** -1 when there is no row. */
  readonly cursorIndex: number;
  readonly cursorRow: Row | undefined;
  readonly filter: string;
  readonly filterMode: boolean;
  readonly markable: boolean;
  /** Whether the table takes keys now, and the help heading of its keys (the view adds ←/→ for hidden columns). */
  readonly active: boolean;
  readonly group: string;
  readonly marks: ReadonlySet<string>;
  readonly getRowId: (row: Row) => string;
  /** Rows marked, in table order (all rows, not only the filtered ones). */
  readonly markedRows: () => Row[];
  readonly dispatch: (action: TableAction) => void;
  readonly moveTo: (index: number) => void;
  readonly setFilter: (text: string) => void;
  readonly clearMarks: () => void;
}

interface FilterCache {
  rows: readonly unknown[];
  signature: string;
  haystacks: string[] | null;
  query: string;
  indexes: number[] | null;
}

/** Haystacks by row object, per column signature: new rows arrays that keep most row objects (an edit) reuse them. */
interface HaystackCache {
  signature: string;
  byRow: WeakMap<object, string>;
}

export function tableBodyHeight(height: number): number {
  return Math.max(1, height - 2);
}

export function useTable<Row>(options: UseTableOptions<Row>): TableModel<Row> {
  const { rows, columns, getRowId, height, active, markable = false, filterable = true, onActivate } = options;
  const [state, dispatch] = useReducer(tableReducer, options.initialFilter ?? '', initialTableState);
  const pageSize = tableBodyHeight(height);

  // Filtering -----------------------------------------------------------
  const signature = columns
    .filter((c) => c.filterable !== false)
    .map((c) => c.key)
    .join('\u0000');
  const cache = useRef<FilterCache | null>(null);
  const haystackCache = useRef<HaystackCache | null>(null);
  const query = normalizeQuery(state.filter.value);
  const visible = useMemo(() => {
    let entry = cache.current;
    if (!entry || entry.rows !== rows || entry.signature !== signature) {
      entry = { rows, signature, haystacks: null, query: '', indexes: null };
      cache.current = entry;
    }
    if (query === '') {
      entry.query = '';
      entry.indexes = null;
      return rows;
    }
    if (!entry.haystacks) {
      if (haystackCache.current?.signature !== signature) haystackCache.current = { signature, byRow: new WeakMap() };
      const byRow = haystackCache.current.byRow;
      entry.haystacks = rows.map((row) => {
        if (typeof row !== 'object' || row === null) return rowHaystack(row, columns);
        let haystack = byRow.get(row);
        if (haystack === undefined) {
          haystack = rowHaystack(row, columns);
          byRow.set(row, haystack);
        }
        return haystack;
      });
    }
    const narrowing = entry.indexes && entry.query !== '' && query.startsWith(entry.query);
    const indexes = matchIndexes(entry.haystacks, query, narrowing ? entry.indexes! : undefined)!;
    entry.query = query;
    entry.indexes = indexes;
    return indexes.map((i) => rows[i]!);
    // columns is covered by `signature`: callers often build column arrays inline.
  }, [rows, signature, query]);

  const view = normalize(state, visible.length, pageSize);
  const cursorRow = view.cursor >= 0 ? visible[view.cursor] : undefined;

  const go = useCallback((target: CursorTarget) => dispatch({ type: 'move', target, count: visible.length, pageSize }), [visible.length, pageSize]);
  const moveTo = useCallback((index: number) => go({ index }), [go]);
  const setFilter = useCallback((text: string) => dispatch({ type: 'filterSet', text }), []);
  const clearMarks = useCallback(() => dispatch({ type: 'clearMarks' }), []);
  const markedRows = useCallback(() => rows.filter((row) => state.marks.has(getRowId(row))), [rows, state.marks, getRowId]);

  // Keys ----------------------------------------------------------------
  const filterMode = state.filterMode;
  const hasFilter = state.filter.value !== '';
  const group = options.group ?? 'Table';
  const commands: Command[] = [
    { id: 'table.up', keys: ['up', 'k'], description: 'Move up', hint: 'move', group, run: () => go('up') },
    { id: 'table.down', keys: ['down', 'j'], description: 'Move down', hint: 'move', group, run: () => go('down') },
    { id: 'table.pageUp', keys: ['pageup'], description: 'Page up', group, run: () => go('pageUp') },
    { id: 'table.pageDown', keys: ['pagedown'], description: 'Page down', group, run: () => go('pageDown') },
    { id: 'table.halfUp', keys: ['ctrl+u'], description: 'Half a page up', group, run: () => go('halfUp') },
    { id: 'table.halfDown', keys: ['ctrl+d'], description: 'Half a page down', group, run: () => go('halfDown') },
    { id: 'table.top', keys: ['g', 'home'], description: 'First row', group, when: () => !filterMode, run: () => go('top') },
    { id: 'table.bottom', keys: ['G', 'end'], description: 'Last row', group, when: () => !filterMode, run: () => go('bottom') },
  ];
  if (onActivate) {
    commands.push({
      id: 'table.activate',
      keys: ['enter'],
      description: options.activateDescription ?? 'Open the row',
      hint: options.activateHint ?? 'open',
      group,
      when: () => !filterMode && cursorRow !== undefined,
      run: () => onActivate(cursorRow!),
    });
  }
  if (markable) {
    commands.push(
      { id: 'table.mark', keys: ['space'], description: 'Mark or unmark the row', hint: 'mark', group, when: () => !filterMode && cursorRow !== undefined, run: () => dispatch({ type: 'toggleMark', id: getRowId(cursorRow!) }) },
      { id: 'table.markAll', keys: ['a'], description: 'Mark all rows matching the filter (again: unmark)', group, when: () => !filterMode, run: () => dispatch({ type: 'toggleAll', ids: visible.map(getRowId) }) },
    );
  }
  if (filterable) {
    commands.push(
      { id: 'table.filter', keys: ['/'], description: 'Filter rows (every word, any order, any case)', hint: 'filter', group, when: () => !filterMode, run: () => dispatch({ type: 'filterOpen' }) },
      { id: 'table.filterKeep', keys: ['enter'], description: 'Keep the filter and return to the rows', hint: 'keep filter', group: `${group} filter`, when: () => filterMode, run: () => dispatch({ type: 'filterClose', keep: true }) },
      {
        id: 'table.filterCancel',
        keys: ['escape'],
        description: 'Clear the filter',
        hint: 'clear filter',
        group: `${group} filter`,
        when: () => filterMode || hasFilter,
        run: () => dispatch({ type: 'filterClose', keep: false, cursor: cursorRow === undefined ? 0 : Math.max(0, rows.indexOf(cursorRow)) }),
      },
    );
  }
  if (markable) {
    commands.push({ id: 'table.clearMarks', keys: ['escape'], description: 'Clear the marks', group, when: () => !filterMode && !hasFilter && state.marks.size > 0, run: () => dispatch({ type: 'clearMarks' }) });
  }
  useCommands(group, commands, { active });
  const onFilterKey = useCallback((key: KeyPress) => {
    if (!isEditingKey(key)) return false;
    dispatch({ type: 'filterKey', key });
    return true;
  }, []);
  useKeyCapture(`${group} filter`, onFilterKey, { active: active && filterMode, kind: 'input' });

  return {
    columns,
    rows: visible,
    total: rows.length,
    state: { ...state, ...view },
    pageSize,
    cursorIndex: view.cursor,
    cursorRow,
    filter: state.filter.value,
    filterMode,
    markable,
    active,
    group,
    marks: state.marks,
    getRowId,
    markedRows,
    dispatch,
    moveTo,
    setFilter,
    clearMarks,
  };
}
