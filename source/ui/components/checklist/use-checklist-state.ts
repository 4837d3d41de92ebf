// State of a checklist: checked ids, a `/` filter and a windowed cursor.
import { useCallback, useMemo, useReducer } from 'react';
import { move, normalize, type CursorTarget, type Viewport } from '../list-window.js';
import { textFieldReducer, type TextFieldState } from '../text-field/use-text-field-state.js';
import { haystackOf, matchIndexes } from '../table/use-table-state.js';
import type { KeyPress } from '../../keys/index.js';

export interface ChecklistItem {
  readonly id: string;
  readonly label: string;
  readonly detail?: string;
  /** Why it cannot be toggled; shown next to it. */
  readonly disabled?: string;
}

export interface ChecklistState {
  readonly checked: ReadonlySet<string>;
  readonly filter: TextFieldState;
  readonly filterMode: boolean;
  readonly view: Viewport;
}

export type ChecklistAction =
  | { type: 'toggle'; id: string }
  | { type: 'toggleAll'; ids: readonly string[] }
  | { type: 'move'; target: CursorTarget; count: number; size: number }
  | { type: 'filterOpen' }
  | { type: 'filterKey'; key: KeyPress }
  | { type: 'filterClose'; keep: boolean };

export function checklistReducer(state: ChecklistState, action: ChecklistAction): ChecklistState {
  switch (action.type) {
    case 'toggle': {
      const checked = new Set(state.checked);
      if (checked.has(action.id)) checked.delete(action.id);
      else checked.add(action.id);
      return { ...state, checked };
    }
    case 'toggleAll': {
      const all = action.ids.length > 0 && action.ids.every((id) => state.checked.has(id));
      const checked = new Set(state.checked);
      for (const id of action.ids) {
        if (all) checked.delete(id);
        else checked.add(id);
      }
      return { ...state, checked };
    }
    case 'move':
      return { ...state, view: move(state.view, action.target, action.count, action.size) };
    case 'filterOpen':
      return { ...state, filterMode: true };
    case 'filterKey': {
      const filter = textFieldReducer(state.filter, { type: 'key', key: action.key });
      return filter.value === state.filter.value ? { ...state, filter } : { ...state, filter, view: { cursor: 0, scrollTop: 0 } };
    }
    case 'filterClose':
      return action.keep ? { ...state, filterMode: false } : { ...state, filterMode: false, filter: { value: '', caret: 0 }, view: { cursor: 0, scrollTop: 0 } };
  }
}

export interface ChecklistModel {
  readonly state: ChecklistState;
  readonly visible: readonly ChecklistItem[];
  readonly view: Viewport;
  readonly current: ChecklistItem | undefined;
  readonly dispatch: (action: ChecklistAction) => void;
  readonly go: (target: CursorTarget) => void;
  /** Checked ids in item order. */
  readonly checkedIds: () => string[];
}

export function useChecklistState(items: readonly ChecklistItem[], initialChecked: readonly string[], pageSize: number): ChecklistModel {
  const [state, dispatch] = useReducer(checklistReducer, undefined, () => ({
    checked: new Set(initialChecked),
    filter: { value: '', caret: 0 },
    filterMode: false,
    view: { cursor: 0, scrollTop: 0 },
  }));
  const haystacks = useMemo(() => items.map((i) => haystackOf([i.label, i.detail ?? ''])), [items]);
  const visible = useMemo(() => {
    const indexes = matchIndexes(haystacks, state.filter.value);
    return indexes ? indexes.map((i) => items[i]!) : items;
  }, [haystacks, items, state.filter.value]);
  const view = normalize(state.view, visible.length, pageSize);
  const go = useCallback((target: CursorTarget) => dispatch({ type: 'move', target, count: visible.length, size: pageSize }), [visible.length, pageSize]);
  const checkedIds = useCallback(() => items.filter((i) => state.checked.has(i.id)).map((i) => i.id), [items, state.checked]);
  return { state, visible, view, current: view.cursor >= 0 ? visible[view.cursor] : undefined, dispatch, go, checkedIds };
}
