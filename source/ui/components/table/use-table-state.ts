// Table state as a reducer: cursor and scroll window, marks (by row id, so
// they survive filtering and reloads), the filter text and whether the filter
// field has focus. Pure, so it is tested without rendering.
import { move, type CursorTarget, type Viewport } from '../list-window.js';
import { textFieldReducer, type TextFieldState } from '../text-field/use-text-field-state.js';
import type { KeyPress } from '../../keys/index.js';
import { toSingleLine } from '../../text.js';
import { matchesWords, queryWords, searchKey } from '../../../domain/search.js';
import { cellText, type Column } from './columns.js';

export interface TableState extends Viewport {
  readonly marks: ReadonlySet<string>;
  readonly filter: TextFieldState;
  /** The filter field has the keyboard. */
  readonly filterMode: boolean;
}

export type TableAction =
  | { type: 'move'; target: CursorTarget; count: number; pageSize: number }
  | { type: 'filterOpen' }
  | { type: 'filterKey'; key: KeyPress }
  | { type: 'filterSet'; text: string }
  /** keep=false clears the filter; `cursor` puts the cursor on the same row in the unfiltered list. */
  | { type: 'filterClose'; keep: boolean; cursor?: number }
  | { type: 'toggleMark'; id: string }
  /** Marks all given ids, or unmarks them when all are marked already. */
  | { type: 'toggleAll'; ids: readonly string[] }
  | { type: 'setMarks'; ids: readonly string[] }
  | { type: 'clearMarks' };

export function initialTableState(filter = ''): TableState {
  return { cursor: 0, scrollTop: 0, marks: new Set(), filter: { value: filter, caret: filter.length }, filterMode: false };
}

export function tableReducer(state: TableState, action: TableAction): TableState {
  switch (action.type) {
    case 'move':
      return { ...state, ...move(state, action.target, action.count, action.pageSize) };
    case 'filterOpen':
      return { ...state, filterMode: true, filter: { ...state.filter, caret: state.filter.value.length } };
    case 'filterKey': {
      const filter = textFieldReducer(state.filter, { type: 'key', key: action.key });
      // A new query starts at the first match, like k9s and lazygit.
      return filter.value === state.filter.value ? { ...state, filter } : { ...state, filter, cursor: 0, scrollTop: 0 };
    }
    case 'filterSet':
      if (action.text === state.filter.value) return state;
      return { ...state, filter: textFieldReducer(state.filter, { type: 'set', value: action.text }), cursor: 0, scrollTop: 0 };
    case 'filterClose':
      if (action.keep) return { ...state, filterMode: false };
      return {
        ...state,
        filterMode: false,
        filter: { value: '', caret: 0 },
        cursor: action.cursor ?? 0,
        scrollTop: state.filter.value === '' ? state.scrollTop : Math.max(0, (action.cursor ?? 0) - 1),
      };
    case 'toggleMark': {
      const marks = new Set(state.marks);
      if (marks.has(action.id)) marks.delete(action.id);
      else marks.add(action.id);
      return { ...state, marks };
    }
    case 'toggleAll': {
      const all = action.ids.length > 0 && action.ids.every((id) => state.marks.has(id));
      const marks = new Set(state.marks);
      for (const id of action.ids) {
        if (all) marks.delete(id);
        else marks.add(id);
      }
      return { ...state, marks };
    }
    case 'setMarks':
      return { ...state, marks: new Set(action.ids) };
    case 'clearMarks':
      return state.marks.size === 0 ? state : { ...state, marks: new Set() };
  }
}

/**
 * The searchable text of one item (a row's filterable columns, an option's label and detail):
 * each part folded as domain/search.ts folds it, joined by a separator no query word contains,
 * so a word never matches across two parts.
 */
export function haystackOf(parts: readonly string[]): string {
  return parts.map((part) => searchKey(toSingleLine(part))).join('\u0000');
}

/** Text the filter searches in one row: the filterable columns (see haystackOf). */
export function rowHaystack<Row>(row: Row, columns: readonly Column<Row>[]): string {
  return haystackOf(columns.filter((c) => c.filterable !== false).map((c) => (c.filterText ? c.filterText(row) : cellText(c, row))));
}

/**
 * A query as it is matched ('' = no query). Typing on at the end of a query only narrows what it
 * matches (each earlier word is part of a word now), which is what `within` relies on.
 */
export function normalizeQuery(query: string): string {
  return searchKey(query);
}

/**
 * Indexes of the items matching a query — every word of it, in any order, case- and
 * accent-insensitive (domain/search.ts) — or null when there is no query. `within` narrows the
 * search to an earlier result, which is how typing one more letter stays cheap on 10,000 rows.
 */
export function matchIndexes(haystacks: readonly string[], query: string, within?: readonly number[]): number[] | null {
  const words = queryWords(query);
  if (words.length === 0) return null;
  const out: number[] = [];
  if (within) {
    for (const i of within) if (matchesWords(haystacks[i]!, words)) out.push(i);
  } else {
    for (let i = 0; i < haystacks.length; i++) if (matchesWords(haystacks[i]!, words)) out.push(i);
  }
  return out;
}
