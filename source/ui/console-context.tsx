// What a screen can ask of the console: report unsaved changes, show a notice
// or an error, ask for confirmation, open dialogs. The shell (app.tsx)
// provides it; screens use useScreen() / useConsole().
import { createContext, useContext, useEffect, type ReactNode } from 'react';
import type { ConfirmOptions } from './components/confirm-dialog.js';
import type { SearchSelectProps } from './components/search-select/search-select.js';
import type { ChecklistProps } from './components/checklist/checklist.js';
import type { FormDialogProps, FormValues } from './components/form-dialog.js';

export type SelectDialogOptions<T> = Omit<SearchSelectProps<T>, 'onSubmit' | 'onCancel'>;
export type ChecklistDialogOptions = Omit<ChecklistProps, 'onSubmit' | 'onCancel'>;
export type FormDialogOptions = Omit<FormDialogProps, 'onSubmit' | 'onCancel'>;

export type NoticeKind = 'info' | 'success' | 'warning' | 'error';

export interface Notice {
  readonly kind: NoticeKind;
  readonly text: string;
  /** Why it happened (errors). */
  readonly cause?: string;
  /** What the user can do (errors). */
  readonly remedy?: string;
}

export interface DialogControls {
  /** Remove this dialog (idempotent). */
  close(): void;
}

export interface DialogHandle extends DialogControls {
  /** Settles when the dialog is closed, by whatever means. */
  readonly closed: Promise<void>;
}

export interface ConsoleApi {
  /**
   * Show a line in the status area. A string is a notice ('info' unless `kind`
   * says otherwise); an Error (KmspError included) is shown as an error with
   * its cause and remedy. Info and success notices fade after a few seconds;
   * warnings and errors stay until replaced, dismissed or the tab changes.
   * Anything else (a rejection reason from a catch) is shown as an error.
   * Returns the notice shown, for clearNotice(notice) and isShowing(notice).
   */
  notify(message: string | Notice | Error | unknown, kind?: NoticeKind): Notice;
  /**
   * Clear the status line; with a notice (from notify), only while that one is shown, so a
   * message about a condition that no longer holds goes without taking a later one with it.
   */
  clearNotice(only?: Notice): void;
  /** Whether this notice (from notify) is the one on the status line now. */
  isShowing(notice: Notice): boolean;
  /** Open a modal dialog; keys go to the newest dialog only. */
  openDialog(render: (controls: DialogControls) => ReactNode): DialogHandle;
  /** y/N question; resolves true for yes. */
  confirm(options: ConfirmOptions | string): Promise<boolean>;
  /** Searchable list; resolves the chosen value, null for "(none)", undefined when cancelled. */
  select<T>(options: SelectDialogOptions<T>): Promise<T | null | undefined>;
  /** Checklist; resolves the checked ids, undefined when cancelled. */
  checklist(options: ChecklistDialogOptions): Promise<string[] | undefined>;
  /** Small form; resolves the values by field id, undefined when cancelled. */
  form(options: FormDialogOptions): Promise<FormValues | undefined>;
}

export interface ScreenApi extends ConsoleApi {
  readonly id: string;
  /** This screen is the visible tab (and may take keys). */
  readonly active: boolean;
  /** Unsaved changes: leaving the tab or quitting will ask first. */
  setDirty(dirty: boolean): void;
}

export const ConsoleContext = createContext<ConsoleApi | null>(null);
export const ScreenContext = createContext<ScreenApi | null>(null);

export function useConsole(): ConsoleApi {
  const api = useContext(ConsoleContext);
  if (!api) throw new Error('useConsole() must be used inside the console shell.');
  return api;
}

export function useScreen(): ScreenApi {
  const api = useContext(ScreenContext);
  if (!api) throw new Error('useScreen() must be used inside a screen rendered by the console shell.');
  return api;
}

/** Report this screen's dirty state whenever it changes (and clean on unmount). */
export function useDirty(dirty: boolean): void {
  const { setDirty } = useScreen();
  useEffect(() => {
    setDirty(dirty);
  }, [dirty, setDirty]);
  useEffect(() => () => setDirty(false), [setDirty]);
}
