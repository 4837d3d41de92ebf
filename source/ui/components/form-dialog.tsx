// A small form in a dialog: text, secret (masked), toggle and choice fields.
// Tab/↓ and Shift-Tab/↑ move between fields; typing goes to the focused text
// field; Space toggles; Enter on a choice opens a searchable list; Enter on the
// last field or Ctrl-S saves; Esc cancels. Problems show under each field and
// block saving (after the field is left, or as it is typed with validateAsYouType);
// notes under a field say more (a preview, a hint). Both are word-wrapped, never cut.
// A field whose value differs from the one it started with is marked changed (*).
import { useCallback, useReducer, useState } from 'react';
import { Box, Text } from 'ink';
import { useCommands, useKeyCapture, type KeyPress } from '../keys/index.js';
import { useConsole } from '../console-context.js';
import { useTheme } from '../theme.js';
import { displayWidth, fit, truncate, wrap } from '../text.js';
import { dialogWidth, Modal, useDialogBounds } from './modal.js';
import { SearchSelect } from './search-select/search-select.js';
import type { SelectOption } from './search-select/use-search-select-state.js';
import { TextField } from './text-field/text-field.js';
import { isEditingKey, textFieldReducer, type TextFieldState } from './text-field/use-text-field-state.js';

interface FieldBase {
  readonly id: string;
  readonly label: string;
}

export type FormField =
  | (FieldBase & { readonly kind: 'text'; readonly initial?: string; readonly placeholder?: string; readonly required?: boolean; readonly validate?: (value: string) => string | undefined })
  /** Never prefilled: a placeholder such as "(stored; type to replace)" says whether one exists. */
  | (FieldBase & { readonly kind: 'secret'; readonly placeholder?: string; readonly required?: boolean; readonly validate?: (value: string) => string | undefined })
  | (FieldBase & { readonly kind: 'toggle'; readonly initial?: boolean })
  | (FieldBase & { readonly kind: 'choice'; readonly options: readonly SelectOption<string>[]; readonly initial?: string | null; readonly allowNone?: boolean | string; readonly required?: boolean; readonly noun?: string });

export type FormValue = string | boolean | null;
export type FormValues = Readonly<Record<string, FormValue>>;

export interface FormDialogProps {
  readonly title: string;
  readonly fields: readonly FormField[];
  readonly onSubmit: (values: FormValues) => void;
  readonly onCancel: () => void;
  /** Checks across fields; returns problems by field id. */
  readonly validate?: (values: FormValues) => Readonly<Record<string, string | undefined>>;
  /** Show a field's problem as soon as its value differs from the initial one, not only once the field is left. */
  readonly validateAsYouType?: boolean;
  /** Lines under a field, recomputed as the admin types (a preview, a remedy, a warning); by field id. */
  readonly notes?: (values: FormValues) => Readonly<Record<string, readonly FormNote[] | undefined>>;
  /** Lines above the fields (what the form changes, where it is saved). */
  readonly intro?: readonly string[];
  /** Content width the dialog asks for (default 64), within the screen. */
  readonly preferredWidth?: number;
  /** What submitting does, in the footer and help ("test"); default "save". */
  readonly submitLabel?: string;
}

export interface FormNote {
  readonly text: string;
  readonly tone?: 'muted' | 'warning' | 'normal';
}

/** Notes and problems under a field: at most this many lines each, so the dialog keeps its size. */
const MAX_NOTE_LINES = 4;

type Value = TextFieldState | boolean | string | null;

interface State {
  readonly values: Readonly<Record<string, Value>>;
  readonly focus: number;
  readonly touched: ReadonlySet<string>;
  readonly submitted: boolean;
}

type Action =
  | { type: 'focus'; index: number; leaving: string }
  | { type: 'edit'; id: string; key: KeyPress }
  | { type: 'set'; id: string; value: Value }
  | { type: 'submitted' };

function reducer(state: State, action: Action): State {
  switch (action.type) {
    case 'focus':
      return { ...state, focus: action.index, touched: new Set([...state.touched, action.leaving]) };
    case 'edit':
      return { ...state, values: { ...state.values, [action.id]: textFieldReducer(state.values[action.id] as TextFieldState, { type: 'key', key: action.key }) } };
    case 'set':
      return { ...state, values: { ...state.values, [action.id]: action.value }, touched: new Set([...state.touched, action.id]) };
    case 'submitted':
      return { ...state, submitted: true };
  }
}

function initialValue(field: FormField): Value {
  switch (field.kind) {
    case 'text':
      return { value: field.initial ?? '', caret: (field.initial ?? '').length };
    case 'secret':
      return { value: '', caret: 0 };
    case 'toggle':
      return field.initial ?? false;
    case 'choice':
      return field.initial ?? null;
  }
}

export function formValues(fields: readonly FormField[], values: Readonly<Record<string, Value>>): FormValues {
  const out: Record<string, FormValue> = {};
  for (const field of fields) {
    const value = values[field.id];
    out[field.id] = field.kind === 'text' || field.kind === 'secret' ? (value as TextFieldState).value : (value as boolean | string | null);
  }
  return out;
}

/** Problems by field id (only fields with one). */
export function validateForm(fields: readonly FormField[], values: FormValues, validate?: FormDialogProps['validate']): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const field of fields) {
    const value = values[field.id];
    if (field.kind === 'text' || field.kind === 'secret') {
      const text = value as string;
      if (field.required && text.trim() === '') problems[field.id] = `${field.label} is required.`;
      else {
        const problem = field.validate?.(text);
        if (problem) problems[field.id] = problem;
      }
    } else if (field.kind === 'choice' && field.required && value === null) {
      problems[field.id] = `Choose a ${field.label.toLowerCase()}.`;
    }
  }
  for (const [id, problem] of Object.entries(validate?.(values) ?? {})) if (problem && !problems[id]) problems[id] = problem;
  return problems;
}

export function FormDialog({ title, fields, onSubmit, onCancel, validate, validateAsYouType = false, notes, intro = [], preferredWidth = 64, submitLabel = 'save' }: FormDialogProps) {
  const theme = useTheme();
  const bounds = useDialogBounds();
  const ui = useConsole();
  const [initial] = useState(() => formValues(fields, Object.fromEntries(fields.map((f) => [f.id, initialValue(f)]))));
  const [state, dispatch] = useReducer(reducer, undefined, () => ({
    values: Object.fromEntries(fields.map((f) => [f.id, initialValue(f)])),
    focus: 0,
    touched: new Set<string>(),
    submitted: false,
  }));
  const width = dialogWidth(bounds, preferredWidth);
  const inner = width - 4;
  // "› Label      value": cursor (2), label column, gap (2), control.
  const labelWidth = Math.min(24, Math.max(...fields.map((f) => displayWidth(f.label))));
  const controlColumn = labelWidth + 4;
  const fieldWidth = Math.max(8, inner - controlColumn);
  const focused = fields[state.focus];
  const values = formValues(fields, state.values);
  const problems = validateForm(fields, values, validate);
  const fieldNotes = notes?.(values) ?? {};
  // Under the control where there is room for a readable line; else from the label's column.
  const noteIndent = inner - controlColumn >= 40 ? controlColumn : 2;
  const noteLines = (text: string, prefix = '') => {
    const all = wrap(prefix + text, inner - noteIndent, prefix.length);
    if (all.length <= MAX_NOTE_LINES) return all;
    // Cut, and say so: the rest is not lost, it is just more than the dialog has room for.
    const kept = all.slice(0, MAX_NOTE_LINES);
    kept[MAX_NOTE_LINES - 1] = truncate(kept[MAX_NOTE_LINES - 1]! + ` ${theme.glyphs.ellipsis}`, inner - noteIndent);
    return kept;
  };
  const focusTo = (index: number) => dispatch({ type: 'focus', index: (index + fields.length) % fields.length, leaving: focused?.id ?? '' });
  const submit = () => {
    dispatch({ type: 'submitted' });
    if (Object.keys(problems).length === 0) onSubmit(values);
  };
  const openChoice = (field: Extract<FormField, { kind: 'choice' }>) => {
    const handle = ui.openDialog(({ close }) => (
      <SearchSelect
        title={field.label}
        options={field.options}
        allowNone={field.allowNone}
        {...(field.noun ? { noun: field.noun } : {})}
        initialValue={state.values[field.id] as string | null}
        onSubmit={(value) => {
          dispatch({ type: 'set', id: field.id, value });
          close();
        }}
        onCancel={close}
      />
    ));
    return handle;
  };

  const isText = focused?.kind === 'text' || focused?.kind === 'secret';
  useCommands('Form', [
    // One field: there is no next one to offer.
    { id: 'form.next', keys: ['tab', 'down'], description: 'Next field', ...(fields.length > 1 ? { hint: 'next field' } : {}), run: () => focusTo(state.focus + 1) },
    { id: 'form.previous', keys: ['shift+tab', 'up'], description: 'Previous field', run: () => focusTo(state.focus - 1) },
    {
      id: 'form.toggle',
      keys: ['space'],
      description: 'Switch on or off / choose',
      hint: focused?.kind === 'choice' ? 'choose' : 'toggle',
      when: () => focused?.kind === 'toggle' || focused?.kind === 'choice',
      run: () => {
        if (focused?.kind === 'toggle') dispatch({ type: 'set', id: focused.id, value: !state.values[focused.id] });
        else if (focused?.kind === 'choice') openChoice(focused);
      },
    },
    {
      id: 'form.enter',
      keys: ['enter'],
      description: `Choose (on a list field), next field, or ${submitLabel} on the last field`,
      // Tab already says "next field"; Enter is worth a hint where it does something else.
      hint: focused?.kind === 'choice' ? 'choose' : state.focus === fields.length - 1 ? submitLabel : undefined,
      run: () => {
        if (focused?.kind === 'choice') openChoice(focused);
        else if (state.focus === fields.length - 1) submit();
        else focusTo(state.focus + 1);
      },
    },
    { id: 'form.save', keys: ['ctrl+s'], description: submitLabel.charAt(0).toUpperCase() + submitLabel.slice(1), hint: submitLabel, run: submit },
  ]);
  const onType = useCallback(
    (key: KeyPress) => {
      if (!focused || !isEditingKey(key)) return false;
      dispatch({ type: 'edit', id: focused.id, key });
      return true;
    },
    [focused],
  );
  useKeyCapture('Form field', onType, { kind: 'input', active: isText });

  const g = theme.glyphs;
  return (
    <Modal title={title} width={width} onCancel={onCancel}>
      {intro.flatMap((line) => wrap(line, inner)).map((line, i) => (
        <Text key={`intro${i}`} wrap="truncate-end" {...theme.style('muted')}>
          {line}
        </Text>
      ))}
      {fields.map((field, index) => {
        const isFocused = index === state.focus;
        const changed = field.kind !== 'secret' && values[field.id] !== initial[field.id];
        const label = `${isFocused ? g.cursor : g.noCursor} ${fit(field.label, labelWidth)}${changed ? g.changed : ' '} `;
        const showProblem = (state.submitted || state.touched.has(field.id) || (validateAsYouType && changed)) && problems[field.id];
        const indent = ' '.repeat(noteIndent);
        const value = state.values[field.id];
        let control;
        if (field.kind === 'text' || field.kind === 'secret') {
          control = <TextField field={value as TextFieldState} width={fieldWidth} focused={isFocused} mask={field.kind === 'secret'} placeholder={field.placeholder} />;
        } else if (field.kind === 'toggle') {
          control = <Text>{`${value ? g.marked : g.unmarked} ${value ? 'on' : 'off'}`}</Text>;
        } else {
          const chosen = field.options.find((o) => o.value === value);
          const text = chosen ? chosen.label : value === null ? (typeof field.allowNone === 'string' ? field.allowNone : '(none)') : String(value);
          control = <Text wrap="truncate-end">{truncate(`${text} ▾`, fieldWidth)}</Text>;
        }
        return (
          <Box key={field.id} flexDirection="column">
            <Box>
              <Text {...theme.style(isFocused ? 'accent' : 'normal')}>{label}</Text>
              {control}
            </Box>
            {showProblem
              ? noteLines(problems[field.id]!, '! ').map((line, i) => (
                  <Text key={`p${i}`} wrap="truncate-end" {...theme.style('danger')}>
                    {indent + line}
                  </Text>
                ))
              : null}
            {(fieldNotes[field.id] ?? []).flatMap((note, n) =>
              noteLines(note.text).map((line, i) => (
                <Text key={`n${n}.${i}`} wrap="truncate-end" {...theme.style(note.tone ?? 'muted')}>
                  {indent + line}
                </Text>
              )),
            )}
          </Box>
        );
      })}
    </Modal>
  );
}
