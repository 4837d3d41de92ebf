// kmsp keeps PSA ids and picklist values as strings (domain/types.ts); Autotask
// wants integers on the wire. A value that is not a plain integer never reaches
// Autotask: it is a stale or hand-edited configuration value.
import { KmspError } from '../../domain/errors.js';

export function toInt(value: string, what: string): number {
  const trimmed = value.trim();
  if (!/^\d{1,15}$/.test(trimmed)) {
    throw new KmspError(`"${value}" is not a valid Autotask ${what}`, {
      kind: 'config',
      cause: `Autotask ${what}s are whole numbers`,
      remedy: `Choose the ${what} again from the list kmsp reads from Autotask.`,
    });
  }
  return Number(trimmed);
}

/** A nullable picklist choice as the integer Autotask expects, or undefined to leave the field out. */
export function optInt(value: string | null, what: string): number | undefined {
  return value === null || value.trim() === '' ? undefined : toInt(value, what);
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function checkDate(date: string, what: string): string {
  if (!DATE.test(date) || Number.isNaN(Date.parse(`${date}T00:00:00Z`))) {
    throw new KmspError(`"${date}" is not a calendar date (${what})`, { kind: 'internal', remedy: 'Report this to the kmsp maintainers.' });
  }
  return date;
}

/** Cuts text to Autotask's field length, marking the cut. */
export function fit(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
