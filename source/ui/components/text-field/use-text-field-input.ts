// Routes typing to a focused field: registered in the "input" tier, above the
// commands of its layer, so letters (q, j, k, /) are typed, never run.
import { useKeyCapture } from '../../keys/index.js';
import type { TextFieldModel } from './use-text-field-state.js';

export function useTextFieldInput(field: TextFieldModel, options: { active: boolean; scope?: string }): void {
  useKeyCapture(options.scope ?? 'Text field', field.handleKey, { active: options.active, kind: 'input' });
}
