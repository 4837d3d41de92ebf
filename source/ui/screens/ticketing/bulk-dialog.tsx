// Bulk edit of the marked Ticketing rows (README › The console, Ticketing): On/Off, Lifetime (Events only),
// Queue, Priority, Due, Work type, Issue type and Issue subtype for all of them at once.
// Every field starts "(unchanged)": what is left so keeps each row's own value. The
// subtype list follows the Issue type chosen here (or the rows' common one).
import { useCallback, useReducer } from 'react';
import { Box, Text } from 'ink';
import type { PsaChoice } from '../../../domain/config.js';
import type { TicketPicklists } from '../../../domain/types.js';
import { useCommands, useKeyCapture, type KeyPress } from '../../keys/index.js';
import { useConsole } from '../../console-context.js';
import { useTheme } from '../../theme.js';
import { fit, truncate } from '../../text.js';
import { dialogWidth, Modal, useDialogBounds } from '../../components/modal.js';
import { SearchSelect } from '../../components/search-select/search-select.js';
import { TextField } from '../../components/text-field/text-field.js';
import { isEditingKey, textFieldReducer, type TextFieldState } from '../../components/text-field/use-text-field-state.js';
import { activeValues, type BulkChange, type ChoiceField, FIELD_LIST, parseNumber, type RuleRow } from './model.js';

const KEEP = '\u0000keep';

type FieldId = 'enabled' | 'lifetime' | ChoiceField | 'due';
interface FieldDef {
  id: FieldId;
  label: string;
  kind: 'onoff' | 'number' | 'choice';
}

const FIELD_DEFS: readonly FieldDef[] = [
  { id: 'enabled', label: 'Create ticket', kind: 'onoff' },
  { id: 'lifetime', label: 'Lifetime (days)', kind: 'number' },
  { id: 'queue', label: 'Queue', kind: 'choice' },
  { id: 'priority', label: 'Priority', kind: 'choice' },
  { id: 'due', label: 'Due (hours)', kind: 'number' },
  { id: 'workType', label: 'Work type', kind: 'choice' },
  { id: 'issueType', label: 'Issue type', kind: 'choice' },
  { id: 'subIssueType', label: 'Issue subtype', kind: 'choice' },
];

/** Choice values: KEEP, null (cleared) or a picklist value. */
interface State {
  focus: number;
  enabled: boolean | undefined;
  numbers: Record<'lifetime' | 'due', TextFieldState>;
  choices: Record<ChoiceField, string | null>;
  problem: string | null;
}

type Action =
  | { type: 'focus'; index: number }
  | { type: 'enabled' }
  | { type: 'edit'; id: 'lifetime' | 'due'; key: KeyPress }
  | { type: 'choose'; id: ChoiceField; value: string | null }
  | { type: 'problem'; text: string | null };

function reducer(state: State, action: Action): State {
  switch (action.type) {
    case 'focus':
      return { ...state, focus: action.index };
    case 'enabled':
      return { ...state, enabled: state.enabled === undefined ? true : state.enabled ? false : undefined };
    case 'edit':
      return { ...state, problem: null, numbers: { ...state.numbers, [action.id]: textFieldReducer(state.numbers[action.id], { type: 'key', key: action.key }) } };
    case 'choose': {
      const choices = { ...state.choices, [action.id]: action.value };
      // A new issue type makes a chosen subtype of another type meaningless.
      if (action.id === 'issueType' && action.value !== state.choices.issueType) choices.subIssueType = KEEP;
      return { ...state, problem: null, choices };
    }
    case 'problem':
      return { ...state, problem: action.text };
  }
}

export interface BulkEditDialogProps {
  readonly rows: readonly RuleRow[];
  readonly picklists: TicketPicklists;
  readonly onSubmit: (change: BulkChange) => void;
  readonly onCancel: () => void;
}

export function BulkEditDialog({ rows, picklists, onSubmit, onCancel }: BulkEditDialogProps) {
  const theme = useTheme();
  const bounds = useDialogBounds();
  const ui = useConsole();
  const hasLifetime = rows.some((r) => r.lifetime !== undefined);
  const defs = FIELD_DEFS.filter((f) => f.id !== 'lifetime' || hasLifetime);
  const [state, dispatch] = useReducer(reducer, undefined, (): State => ({
    focus: 0,
    enabled: undefined,
    numbers: { lifetime: { value: '', caret: 0 }, due: { value: '', caret: 0 } },
    choices: { queue: KEEP, priority: KEEP, workType: KEEP, issueType: KEEP, subIssueType: KEEP },
    problem: null,
  }));
  const focused = defs[state.focus]!;
  const width = dialogWidth(bounds, 66);
  const inner = width - 4;
  const labelWidth = 16;
  const controlWidth = Math.max(8, inner - labelWidth - 4);

  // The issue type the subtypes belong to: the one chosen here, or the rows' common one.
  const common = new Set(rows.map((r) => r.issueType?.value ?? ''));
  const parent: string | null | undefined =
    state.choices.issueType !== KEEP ? state.choices.issueType : common.size === 1 ? [...common][0] || null : undefined;

  function optionsOf(id: ChoiceField) {
    const list = id === 'subIssueType' ? (parent ? activeValues(picklists.subIssueTypes, parent) : []) : activeValues(picklists[FIELD_LIST[id]]);
    return list.map((v) => ({ value: v.value, label: v.label }));
  }

  function choiceText(id: ChoiceField): string {
    const value = state.choices[id];
    if (value === KEEP) return id === 'subIssueType' && parent === undefined ? '(unchanged — rows differ in Issue type)' : '(unchanged)';
    if (value === null) return '(none)';
    return picklists[FIELD_LIST[id]].find((v) => v.value === value)?.label ?? value;
  }

  const openChoice = (id: ChoiceField, label: string) => {
    if (id === 'subIssueType' && !parent) {
      dispatch({ type: 'problem', text: parent === null ? 'Choose an Issue type first: subtypes belong to one.' : 'The marked rows have different Issue types: choose one here first.' });
      return;
    }
    const options = [{ value: KEEP, label: '(unchanged)' }, ...optionsOf(id)];
    ui.openDialog(({ close }) => (
      <SearchSelect<string>
        title={label}
        options={options}
        {...(id === 'queue' || id === 'priority' ? {} : { allowNone: '(none)' })}
        initialValue={state.choices[id]}
        noun={`active ${label.toLowerCase()} values`}
        onSubmit={(value) => {
          dispatch({ type: 'choose', id, value });
          close();
        }}
        onCancel={close}
      />
    ));
  };

  const numberProblem = (id: 'lifetime' | 'due'): string | undefined => {
    const text = state.numbers[id].value.trim();
    if (text === '') return undefined;
    const n = parseNumber(text);
    const [min, max, unit] = id === 'lifetime' ? [1, 365, 'days'] : [1, 8760, 'hours'];
    if (Number.isNaN(n)) return `"${text}" is not a number (${min}–${max} ${unit}).`;
    if (!Number.isInteger(n) || n < min || n > max) return `Must be a whole number of ${unit} from ${min} to ${max}.`;
    return undefined;
  };

  const submit = () => {
    const bad = (['lifetime', 'due'] as const).map((id) => numberProblem(id)).find(Boolean);
    if (bad) {
      dispatch({ type: 'problem', text: bad });
      return;
    }
    const change: BulkChange = {};
    if (state.enabled !== undefined) change.enabled = state.enabled;
    if (state.numbers.lifetime.value.trim()) change.lifetime = state.numbers.lifetime.value.trim();
    if (state.numbers.due.value.trim()) change.due = state.numbers.due.value.trim();
    const pick = (id: ChoiceField): PsaChoice | null => {
      const v = state.choices[id]!;
      const hit = picklists[FIELD_LIST[id]].find((p) => p.value === v);
      return hit ? { value: hit.value, label: hit.label } : null;
    };
    if (state.choices.queue !== KEEP && state.choices.queue !== null) change.queue = pick('queue')!;
    if (state.choices.priority !== KEEP && state.choices.priority !== null) change.priority = pick('priority')!;
    for (const id of ['workType', 'issueType', 'subIssueType'] as const) if (state.choices[id] !== KEEP) change[id] = state.choices[id] === null ? null : pick(id);
    onSubmit(change);
  };

  const isNumber = focused.kind === 'number';
  const focusTo = (index: number) => dispatch({ type: 'focus', index: (index + defs.length) % defs.length });
  const activate = () => {
    if (focused.kind === 'onoff') dispatch({ type: 'enabled' });
    else if (focused.kind === 'choice') openChoice(focused.id as ChoiceField, focused.label);
    else focusTo(state.focus + 1);
  };
  useCommands('Bulk edit', [
    { id: 'bulk.next', keys: ['tab', 'down'], description: 'Next field', hint: 'next field', run: () => focusTo(state.focus + 1) },
    { id: 'bulk.previous', keys: ['shift+tab', 'up'], description: 'Previous field', run: () => focusTo(state.focus - 1) },
    { id: 'bulk.toggle', keys: ['space'], description: 'Cycle (unchanged)/on/off, or choose', hint: focused.kind === 'choice' ? 'choose' : 'change', when: () => !isNumber, run: activate },
    { id: 'bulk.enter', keys: ['enter'], description: 'Change the field (numbers: next field)', run: activate },
    { id: 'bulk.apply', keys: ['ctrl+s'], description: 'Apply to the marked rows', hint: 'apply', run: submit },
  ]);
  const onType = useCallback(
    (key: KeyPress) => {
      if (!isEditingKey(key) || (focused.id !== 'lifetime' && focused.id !== 'due')) return false;
      dispatch({ type: 'edit', id: focused.id, key });
      return true;
    },
    [focused.id],
  );
  useKeyCapture('Bulk edit field', onType, { kind: 'input', active: isNumber });

  const g = theme.glyphs;
  const count = rows.length;
  return (
    <Modal title={`Edit ${count} row${count === 1 ? '' : 's'} — unchanged fields keep each row's value`} width={width} onCancel={onCancel}>
      {defs.map((f, index) => {
        const isFocused = index === state.focus;
        const label = `${isFocused ? g.cursor : g.noCursor} ${fit(f.label, labelWidth)}  `;
        let control;
        let problem: string | undefined;
        if (f.kind === 'onoff') control = <Text>{state.enabled === undefined ? '(unchanged)' : state.enabled ? 'on' : 'off'}</Text>;
        else if (f.kind === 'number') {
          const id = f.id as 'lifetime' | 'due';
          problem = numberProblem(id);
          control = <TextField field={state.numbers[id]} width={controlWidth} focused={isFocused} placeholder="(unchanged)" />;
        } else control = <Text wrap="truncate-end">{truncate(`${choiceText(f.id as ChoiceField)} ▾`, controlWidth)}</Text>;
        return (
          <Box key={f.id} flexDirection="column">
            <Box>
              <Text {...theme.style(isFocused ? 'accent' : 'normal')}>{label}</Text>
              {control}
            </Box>
            {problem ? (
              <Text wrap="truncate-end" {...theme.style('danger')}>
                {truncate(`${' '.repeat(labelWidth + 4)}! ${problem}`, inner)}
              </Text>
            ) : null}
          </Box>
        );
      })}
      {state.problem ? (
        <Text wrap="truncate-end" {...theme.style('danger')}>
          {truncate(`Error: ${state.problem}`, inner)}
        </Text>
      ) : null}
      <Text wrap="truncate-end" {...theme.style('muted')}>
        {truncate(`Marked: ${rows.map((r) => r.label).join(', ')}`, inner)}
      </Text>
    </Modal>
  );
}
