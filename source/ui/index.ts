// What screen authors import. The runner (run.tsx) is separate: the CLI
// imports it lazily, only for the interactive console.
export type { ScreenDefinition, ScreenProps } from './screen.js';
export { STANDARD_TABS, unavailableScreen, resolveScreens } from './screen.js';
export { useScreen, useConsole, useDirty } from './console-context.js';
export type { ConsoleApi, ScreenApi, Notice, NoticeKind, DialogControls, DialogHandle, SelectDialogOptions, ChecklistDialogOptions, FormDialogOptions } from './console-context.js';
export { ConsoleApp } from './app.js';
export type { ConsoleAppProps } from './app.js';
export * from './keys/index.js';
export { Table, useTable, layoutColumns, windowColumns, tableBodyHeight, positionText, COLUMN_GAP } from './components/table/index.js';
export type { Column, TableModel, UseTableOptions, TableState, TableAction } from './components/table/index.js';
export { SearchSelect } from './components/search-select/index.js';
export type { SelectOption, SearchSelectProps } from './components/search-select/index.js';
export { Checklist } from './components/checklist/index.js';
export type { ChecklistItem, ChecklistProps } from './components/checklist/index.js';
export { TextField, useTextFieldState, useTextFieldInput } from './components/text-field/index.js';
export type { TextFieldModel, TextFieldProps } from './components/text-field/index.js';
export { FormDialog } from './components/form-dialog.js';
export type { FormField, FormValues, FormDialogProps } from './components/form-dialog.js';
export { ConfirmDialog } from './components/confirm-dialog.js';
export type { ConfirmOptions } from './components/confirm-dialog.js';
export { Modal, useDialogBounds, dialogWidth } from './components/modal.js';
export { useTheme, colorTheme, monoTheme, chooseTheme, wantsColor } from './theme.js';
export type { Theme, Tone, TextStyle } from './theme.js';
export { useTerminalSize } from './hooks/use-terminal-size.js';
export { displayWidth, truncate, fit, pad, formatCount, toSingleLine } from './text.js';
