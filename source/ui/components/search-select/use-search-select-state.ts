// State of a searchable dropdown: the query, the filtered options (memoised
// per options list and query, narrowing while the query grows: thousands of
// PSA accounts stay instant) and a windowed cursor.
import { useCallback, useMemo, useReducer, useRef } from 'react';
import { move, normalize, type CursorTarget, type Viewport } from '../list-window.js';
import { textFieldReducer, type TextFieldState } from '../text-field/use-text-field-state.js';
import { haystackOf, matchIndexes, normalizeQuery } from '../table/use-table-state.js';
import type { KeyPress } from '../../keys/index.js';

export interface SelectOption<T> {
  readonly value: T;
  readonly label: string;
  /** Secondary text (account type, contract dates…); searched too. */
  readonly detail?: string;
  /** Why this option cannot be chosen ("mapped to Contoso Ltd"); shown, and Enter on it is refused. */
  readonly disabled?: string;
}

export type SelectItem<T> = { readonly kind: 'none'; readonly label: string } | { readonly kind: 'option'; readonly option: SelectOption<T> };

interface State {
  readonly query: TextFieldState;
  readonly view: Viewport;
}

type Action = { type: 'key'; key: KeyPress } | { type: 'move'; target: CursorTarget; count: number; size: number };

function reducer(state: State, action: Action): State {
  if (action.type === 'move') return { ...state, view: move(state.view, action.target, action.count, action.size) };
  const query = textFieldReducer(state.query, { type: 'key', key: action.key });
  return query.value === state.query.value ? { ...state, query } : { query, view: { cursor: 0, scrollTop: 0 } };
}

export interface UseSearchSelectStateOptions<T> {
  readonly options: readonly SelectOption<T>[];
  /** Offer a "(none)" entry first (while the query is empty). A string is its label. */
  readonly allowNone?: boolean | string;
  /** Put the cursor on this value at first (undefined = first option; null = "(none)"). */
  readonly initialValue?: T | null;
  readonly isEqual?: (a: T, b: T) => boolean;
  /** Lines for the list. */
  readonly pageSize: number;
}

export interface SearchSelectModel<T> {
  readonly query: TextFieldState;
  readonly items: readonly SelectItem<T>[];
  /** Options in total (without "(none)"). */
  readonly total: number;
  /** Options matching the query (without "(none)"). */
  readonly matching: number;
  readonly view: Viewport;
  readonly pageSize: number;
  readonly current: SelectItem<T> | undefined;
  readonly isCurrentValue: (item: SelectItem<T>) => boolean;
  readonly handleKey: (key: KeyPress) => void;
  readonly move: (target: CursorTarget) => void;
}

interface Cache<T> {
  options: readonly SelectOption<T>[];
  haystacks: string[] | null;
  query: string;
  indexes: number[] | null;
}

export function useSearchSelectState<T>({ options, allowNone = false, initialValue, isEqual = Object.is, pageSize }: UseSearchSelectStateOptions<T>): SearchSelectModel<T> {
  const noneLabel = typeof allowNone === 'string' ? allowNone : '(none)';
  const [state, dispatch] = useReducer(reducer, undefined, (): State => {
    // Start on the current value, centred ("(none)" is the first entry when offered).
    const found = initialValue === undefined || initialValue === null ? -1 : options.findIndex((o) => isEqual(o.value, initialValue));
    const cursor = found < 0 ? 0 : found + (allowNone ? 1 : 0);
    return { query: { value: '', caret: 0 }, view: { cursor, scrollTop: Math.max(0, cursor - Math.floor(pageSize / 2)) } };
  });

  const cache = useRef<Cache<T> | null>(null);
  const query = normalizeQuery(state.query.value);
  const matches = useMemo(() => {
    let entry = cache.current;
    if (!entry || entry.options !== options) {
      entry = { options, haystacks: null, query: '', indexes: null };
      cache.current = entry;
    }
    if (query === '') {
      entry.query = '';
      entry.indexes = null;
      return options;
    }
    entry.haystacks ??= options.map((o) => haystackOf([o.label, o.detail ?? '']));
    const narrowing = entry.indexes && entry.query !== '' && query.startsWith(entry.query);
    const indexes = matchIndexes(entry.haystacks, query, narrowing ? entry.indexes! : undefined)!;
    entry.query = query;
    entry.indexes = indexes;
    return indexes.map((i) => options[i]!);
  }, [options, query]);

  const items = useMemo<SelectItem<T>[]>(() => {
    const list: SelectItem<T>[] = matches.map((option) => ({ kind: 'option', option }));
    // "(none)" only while not searching: after typing, Enter should pick the first match.
    return allowNone && query === '' ? [{ kind: 'none', label: noneLabel }, ...list] : list;
  }, [matches, allowNone, noneLabel, query]);

  const view = normalize(state.view, items.length, pageSize);
  const handleKey = useCallback((key: KeyPress) => dispatch({ type: 'key', key }), []);
  const moveTo = useCallback((target: CursorTarget) => dispatch({ type: 'move', target, count: items.length, size: pageSize }), [items.length, pageSize]);
  const isCurrentValue = useCallback(
    (item: SelectItem<T>) => (item.kind === 'none' ? initialValue === null : initialValue !== undefined && initialValue !== null && isEqual(item.option.value, initialValue)),
    [initialValue, isEqual],
  );

  return {
    query: state.query,
    items,
    total: options.length,
    matching: matches.length,
    view,
    pageSize,
    current: view.cursor >= 0 ? items[view.cursor] : undefined,
    isCurrentValue,
    handleKey,
    move: moveTo,
  };
}
