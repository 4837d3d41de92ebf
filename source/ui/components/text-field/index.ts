export { TextField, renderFieldText } from './text-field.js';
export type { TextFieldProps } from './text-field.js';
export { useTextFieldState, textFieldReducer, editText, isEditingKey } from './use-text-field-state.js';
export type { TextFieldModel, TextFieldState, TextFieldAction } from './use-text-field-state.js';
export { useTextFieldInput } from './use-text-field-input.js';
