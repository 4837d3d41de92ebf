// Bulk edit of the marked Ticketing rows (README › The console, Ticketing): On/Off, Lifetime (where
// the section has one), every row field of the PSA profile and Due, for all of them at once.
// Every field starts "(unchanged)": what is left so keeps each row's own value. A field whose
// values belong to another's (a subtype to a type, a type to a board) offers the values of the
// scope chosen here, or of the rows' common one, and is reset when that scope is chosen anew.
import { useCallback, useReducer } from 'react';
import { Box, Text } from 'ink';
import type { PsaChoice } from '../../../domain/config.js';
import { TICKET_LIMITS as LIMITS } from '../../../domain/ticketSchema.js';
import type { PsaProfile, TicketFieldSpec } from '../../../domain/profiles/index.js';
import type { TicketPicklists } from '../../../domain/types.js';
import { useCommands, useKeyCapture, type KeyPress } from '../../keys/index.js';
import { useConsole } from '../../console-context.js';
import { useTheme } from '../../theme.js';
import { displayWidth, fit, truncate } from '../../text.js';
import { dialogWidth, Modal, useDialogBounds } from '../../components/modal.js';
import { SearchSelect } from '../../components/search-select/search-select.js';
import { TextField } from '../../components/text-field/text-field.js';
import { isEditingKey, textFieldReducer, type TextFieldState } from '../../components/text-field/use-text-field-state.js';
import { bulkFields, bulkOptions, bulkValueAfter, dependents, fallbackSpec, parseNumber, scopeSpec, type BulkChange, type BulkFields, type Draft, type RuleColumn, type RuleRow, type TicketingSchema } from './model.js';

const KEEP = '\u0000keep';

type NumberId = 'lifetime' | 'due';

/** Choice values by field id: KEEP, null (cleared, or the General fallback) or a picklist value. */
interface State {
  focus: number;
  enabled: boolean | undefined;
  numbers: Record<NumberId, TextFieldState>;
  choices: Record<string, string | null>;
  problem: string | null;
}

type Action =
  | { type: 'focus'; index: number }
  | { type: 'enabled' }
  | { type: 'edit'; id: NumberId; key: KeyPress }
  | { type: 'choose'; id: string; value: string | null; psa: PsaProfile }
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
      // A new scope makes a value chosen here for another scope meaningless.
      if (action.value !== state.choices[action.id]) for (const d of dependents(action.psa, action.id)) choices[d] = KEEP;
      return { ...state, problem: null, choices };
    }
    case 'problem':
      return { ...state, problem: action.text };
  }
}

export interface BulkEditDialogProps {
  readonly rows: readonly RuleRow[];
  /** The tab's draft: the General values rows fall back to. */
  readonly draft: Draft;
  readonly schema: TicketingSchema;
  readonly picklists: TicketPicklists;
  readonly onSubmit: (change: BulkChange) => void;
  readonly onCancel: () => void;
}

export function BulkEditDialog({ rows, draft, schema, picklists, onSubmit, onCancel }: BulkEditDialogProps) {
  const theme = useTheme();
  const bounds = useDialogBounds();
  const ui = useConsole();
  const { psa } = schema;
  const defs = bulkFields(psa, rows.some((r) => r.lifetime !== undefined));
  const specs = psa.ticketing.row;
  const [state, dispatch] = useReducer(reducer, undefined, (): State => ({
    focus: 0,
    enabled: undefined,
    numbers: { lifetime: { value: '', caret: 0 }, due: { value: '', caret: 0 } },
    choices: Object.fromEntries(specs.map((s) => [s.id, KEEP])),
    problem: null,
  }));
  const focused = defs[state.focus]!;
  const width = dialogWidth(bounds, 66);
  const inner = width - 4;
  const labelWidth = Math.max(16, ...defs.map((d) => displayWidth(d.title) + 1));
  const controlWidth = Math.max(8, inner - labelWidth - 4);

  const choiceOf = (s: TicketFieldSpec, value: string): PsaChoice => {
    const hit = (picklists[s.list] ?? []).find((v) => v.value === value);
    return hit ? { value: hit.value, label: hit.label } : { value, label: value };
  };
  /** The choices made so far, as the model takes them (absent: unchanged). */
  const chosen = (): BulkFields => {
    const out: Record<string, PsaChoice | null> = {};
    for (const s of specs) {
      const v = state.choices[s.id];
      if (v !== KEEP && v !== undefined) out[s.id] = v === null ? null : choiceOf(s, v);
    }
    return out;
  };

  function choiceText(s: TicketFieldSpec): string {
    const value = state.choices[s.id];
    const scope = scopeSpec(psa, s);
    if (value === KEEP) return scope && bulkValueAfter(scope.id, rows, chosen(), draft, psa) === 'differs' ? `(unchanged — rows differ in ${scope.label})` : '(unchanged)';
    if (value === null || value === undefined) {
      const fb = fallbackSpec(psa, s);
      return fb ? `(${fb.label})` : '(none)';
    }
    return (picklists[s.list] ?? []).find((v) => v.value === value)?.label ?? value;
  }

  const openChoice = (s: TicketFieldSpec) => {
    const offered = bulkOptions(s, rows, chosen(), draft, psa, picklists);
    if ('problem' in offered) {
      dispatch({ type: 'problem', text: offered.problem });
      return;
    }
    const fb = fallbackSpec(psa, s);
    const none = fb ? `(${fb.label})` : s.required ? undefined : '(none)';
    const options = [{ value: KEEP, label: '(unchanged)' }, ...offered.values.map((v) => ({ value: v.value, label: v.label }))];
    ui.openDialog(({ close }) => (
      <SearchSelect<string>
        title={s.label}
        options={options}
        {...(none ? { allowNone: none } : {})}
        initialValue={state.choices[s.id] ?? KEEP}
        noun={`active ${s.label.toLowerCase()} values`}
        onSubmit={(value) => {
          dispatch({ type: 'choose', id: s.id, value, psa });
          close();
        }}
        onCancel={close}
      />
    ));
  };

  const numberProblem = (id: NumberId): string | undefined => {
    const text = state.numbers[id].value.trim();
    if (text === '') return undefined;
    const n = parseNumber(text);
    const [range, unit] = id === 'lifetime' ? [LIMITS.lifetimeDays, 'days'] : [LIMITS.dueHours, 'hours'];
    if (Number.isNaN(n)) return `"${text}" is not a number (${range.min}–${range.max} ${unit}).`;
    if (!Number.isInteger(n) || n < range.min || n > range.max) return `Must be a whole number of ${unit} from ${range.min} to ${range.max}.`;
    return undefined;
  };

  const submit = () => {
    const bad = (['lifetime', 'due'] as const).map((id) => numberProblem(id)).find(Boolean);
    if (bad) {
      dispatch({ type: 'problem', text: bad });
      return;
    }
    const change: BulkChange = { fields: {} };
    if (state.enabled !== undefined) change.enabled = state.enabled;
    if (state.numbers.lifetime.value.trim()) change.lifetime = state.numbers.lifetime.value.trim();
    if (state.numbers.due.value.trim()) change.due = state.numbers.due.value.trim();
    change.fields = { ...chosen() };
    onSubmit(change);
  };

  const numberId = (c: RuleColumn): NumberId | undefined => (c.kind === 'lifetime' ? 'lifetime' : c.kind === 'due' ? 'due' : undefined);
  const focusedNumber = numberId(focused);
  const focusTo = (index: number) => dispatch({ type: 'focus', index: (index + defs.length) % defs.length });
  const activate = () => {
    if (focused.kind === 'enabled') dispatch({ type: 'enabled' });
    else if (focused.kind === 'field') openChoice(focused.spec!);
    else focusTo(state.focus + 1);
  };
  useCommands('Bulk edit', [
    { id: 'bulk.next', keys: ['tab', 'down'], description: 'Next field', hint: 'next field', run: () => focusTo(state.focus + 1) },
    { id: 'bulk.previous', keys: ['shift+tab', 'up'], description: 'Previous field', run: () => focusTo(state.focus - 1) },
    { id: 'bulk.toggle', keys: ['space'], description: 'Cycle (unchanged)/on/off, or choose', hint: focused.kind === 'field' ? 'choose' : 'change', when: () => focusedNumber === undefined, run: activate },
    { id: 'bulk.enter', keys: ['enter'], description: 'Change the field (numbers: next field)', run: activate },
    { id: 'bulk.apply', keys: ['ctrl+s'], description: 'Apply to the marked rows', hint: 'apply', run: submit },
  ]);
  const onType = useCallback(
    (key: KeyPress) => {
      if (!isEditingKey(key) || focusedNumber === undefined) return false;
      dispatch({ type: 'edit', id: focusedNumber, key });
      return true;
    },
    [focusedNumber],
  );
  useKeyCapture('Bulk edit field', onType, { kind: 'input', active: focusedNumber !== undefined });

  const g = theme.glyphs;
  const count = rows.length;
  return (
    <Modal title={`Edit ${count} row${count === 1 ? '' : 's'} — unchanged fields keep each row's value`} width={width} onCancel={onCancel}>
      {defs.map((f, index) => {
        const isFocused = index === state.focus;
        const label = `${isFocused ? g.cursor : g.noCursor} ${fit(f.title, labelWidth)}  `;
        const id = numberId(f);
        let control;
        let problem: string | undefined;
        if (f.kind === 'enabled') control = <Text>{state.enabled === undefined ? '(unchanged)' : state.enabled ? 'on' : 'off'}</Text>;
        else if (id) {
          problem = numberProblem(id);
          control = <TextField field={state.numbers[id]} width={controlWidth} focused={isFocused} placeholder="(unchanged)" />;
        } else control = <Text wrap="truncate-end">{truncate(`${choiceText(f.spec!)} ▾`, controlWidth)}</Text>;
        return (
          <Box key={f.key} flexDirection="column">
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
