// Single-line editing as a reducer: readline-like keys, caret counted in
// graphemes so Backspace removes a whole emoji or CJK character.
import { useCallback, useMemo, useReducer } from 'react';
import { graphemes } from '../../text.js';
import { isTyping, matches, type KeyPress } from '../../keys/index.js';

export interface TextFieldState {
  readonly value: string;
  /** Caret position in graphemes, 0…length. */
  readonly caret: number;
}

export type TextFieldAction = { type: 'key'; key: KeyPress } | { type: 'set'; value: string };

/** Keys a focused field uses; everything else (Enter, Esc, Tab, ↑↓) is left to the component around it. */
export function isEditingKey(key: KeyPress): boolean {
  return (
    isTyping(key) ||
    ['backspace', 'left', 'right', 'home', 'end'].some((binding) => matches(binding, key)) ||
    ['ctrl+a', 'ctrl+e', 'ctrl+u', 'ctrl+k', 'ctrl+w'].some((binding) => matches(binding, key))
  );
}

/**
 * The most a field holds, in graphemes. No value kmsp asks for comes near it (a host name is at
 * most 253 characters, a schedule a few dozen); a paste of 10,000 characters was taken key by
 * key, each key copying the whole value, and the console did not answer for seconds to minutes.
 * What goes past it is not typed.
 */
export const MAX_FIELD_GRAPHEMES = 1000;

function sanitize(text: string): string {
  // A single-line field: pasted line breaks become spaces; control bytes never get in.
  return text.replace(/[\r\n\t]+/g, ' ').replace(/[\u0000-\u001F\u007F]/g, '');
}

export function editText(state: TextFieldState, key: KeyPress): TextFieldState {
  const parts = graphemes(state.value);
  const caret = Math.min(state.caret, parts.length);
  const make = (next: string[], at: number): TextFieldState => ({ value: next.join(''), caret: at });
  if (isTyping(key)) {
    const inserted = graphemes(sanitize(key.text)).slice(0, Math.max(0, MAX_FIELD_GRAPHEMES - parts.length));
    if (inserted.length === 0) return state;
    return make([...parts.slice(0, caret), ...inserted, ...parts.slice(caret)], caret + inserted.length);
  }
  if (matches('backspace', key)) {
    if (caret === 0) return state;
    return make([...parts.slice(0, caret - 1), ...parts.slice(caret)], caret - 1);
  }
  if (matches('left', key)) return { ...state, caret: Math.max(0, caret - 1) };
  if (matches('right', key)) return { ...state, caret: Math.min(parts.length, caret + 1) };
  if (matches('home', key) || matches('ctrl+a', key)) return { ...state, caret: 0 };
  if (matches('end', key) || matches('ctrl+e', key)) return { ...state, caret: parts.length };
  if (matches('ctrl+u', key)) return make(parts.slice(caret), 0);
  if (matches('ctrl+k', key)) return make(parts.slice(0, caret), caret);
  if (matches('ctrl+w', key)) {
    let start = caret;
    while (start > 0 && parts[start - 1] === ' ') start--;
    while (start > 0 && parts[start - 1] !== ' ') start--;
    return make([...parts.slice(0, start), ...parts.slice(caret)], start);
  }
  return state;
}

export function textFieldReducer(state: TextFieldState, action: TextFieldAction): TextFieldState {
  if (action.type === 'set') {
    // A value set from the config is kept whole, however long: only typing is held to the maximum.
    const value = sanitize(action.value);
    return { value, caret: graphemes(value).length };
  }
  return editText(state, action.key);
}

export interface TextFieldModel {
  readonly value: string;
  readonly caret: number;
  /** Apply a key if it is an editing key; returns whether it was used. Safe for several keys before a render. */
  readonly handleKey: (key: KeyPress) => boolean;
  readonly setValue: (value: string) => void;
}

export function useTextFieldState(initialValue = ''): TextFieldModel {
  const [state, dispatch] = useReducer(textFieldReducer, initialValue, (value) => ({ value, caret: graphemes(value).length }));
  const handleKey = useCallback((key: KeyPress) => {
    if (!isEditingKey(key)) return false;
    dispatch({ type: 'key', key });
    return true;
  }, []);
  const setValue = useCallback((value: string) => dispatch({ type: 'set', value }), []);
  return useMemo(() => ({ value: state.value, caret: state.caret, handleKey, setValue }), [state, handleKey, setValue]);
}
