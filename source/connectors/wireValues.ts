// Values on their way to a vendor's wire, checked the same way for every connector. kmsp keeps
// PSA ids and picklist values as strings (domain/types.ts); PSAs with integer ids want integers.
// A value that is not a plain integer never reaches the vendor: it is a stale or hand-edited
// configuration value, and the message names the vendor and where to choose it again.
import { KmspError } from '../domain/errors.js';

/** The integer id checks of one vendor ("Autotask", "ConnectWise"). */
export function integerIds(vendor: string) {
  const toInt = (value: string, what: string): number => {
    const trimmed = value.trim();
    if (!/^\d{1,15}$/.test(trimmed)) {
      throw new KmspError(`"${value}" is not a valid ${vendor} ${what}`, {
        kind: 'config',
        cause: `${vendor} ${what}s are whole numbers`,
        remedy: `Choose the ${what} again from the list kmsp reads from ${vendor}.`,
      });
    }
    return Number(trimmed);
  };
  /** A nullable choice as the integer the vendor expects, or undefined to leave the field out. */
  const optInt = (value: string | null | undefined, what: string): number | undefined =>
    value === null || value === undefined || value.trim() === '' ? undefined : toInt(value, what);
  return { toInt, optInt };
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function checkDate(date: string, what: string): string {
  if (!DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new KmspError(`"${date}" is not a calendar date (${what})`, { kind: 'internal', remedy: 'Report this to the kmsp maintainers.' });
  }
  return date;
}

/** Cuts text to a field's length, marking the cut. */
export function fit(text: string, max: number): string {
  if (text.length <= max) return text;
  let cut = text.slice(0, max - 1);
  // Never end on half of a surrogate pair (it would not survive JSON intact).
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${cut}…`;
}
