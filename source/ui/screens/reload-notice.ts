// What a tab says after `r` loaded settings saved from another console (a save clash, or just
// to see them): a success when this tab's unsaved edits all survived, else a warning naming each
// edit that gave way to theirs, so the admin can make it again. One wording for every tab, short
// enough for one status line at 100 columns.
import type { Notice } from '../console-context.js';

export function reloadedNotice(what: string, clashes: readonly string[], unit: string): Notice | string {
  if (clashes.length === 0) return `Loaded the ${what} saved by another console since this one loaded them.`;
  const n = clashes.length;
  return {
    kind: 'warning',
    text: `Loaded ${what} saved by another console; ${n} unsaved ${n === 1 ? unit : `${unit}s`} now show${n === 1 ? 's' : ''} theirs.`,
    cause: `Make these again if still needed: ${clashes.join('; ')}.`,
  };
}
