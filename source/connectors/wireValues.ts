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

/**
 * A note read back from a PSA that keeps one text per note, where addTicketNote joined the title
 * and the description with a blank line: split at the first one (kmsp's titles are one line).
 */
export function splitNoteText(text: string): { title: string; description: string } {
  const at = text.indexOf('\n\n');
  return at < 0 ? { title: '', description: text } : { title: text.slice(0, at), description: text.slice(at + 2) };
}

/**
 * A PSA whose records hold a quantity kmsp sets (posting mode "set") refuses a delta posting
 * before anything is sent: it would be a bug in kmsp, and writing it would bill the change as
 * the quantity. `record` says what holds the quantity ("agreement additions").
 */
export function checkSetPosting(mode: string, vendor: string, record: string): void {
  if (mode === 'set') return;
  throw new KmspError(`${vendor} takes a billing item's quantity, not a change of it (posting mode "${mode}")`, {
    kind: 'internal',
    cause: `${vendor} ${record} hold a quantity that kmsp sets; kmsp sent a delta posting`,
    remedy: 'Nothing was written. Report this to the kmsp maintainers.',
  });
}

/**
 * A ticket's stable tag must reach the PSA whole: a cut tag never finds its ticket again, and
 * the next cycle would create a duplicate. `field` names where the PSA keeps it ("externalXRef"),
 * `ticket` what a ticket is called there.
 */
export function checkTicketTag(tag: string, max: number, where: { vendor: string; field: string; ticket: string }): void {
  if (tag.length > 0 && tag.length <= max) return;
  throw new KmspError(`The ticket tag "${tag.slice(0, 80)}${tag.length > 80 ? '…' : ''}" does not fit ${where.vendor}'s ${where.field} field`, {
    kind: 'internal',
    cause: tag.length === 0 ? 'the tag is empty' : `the tag has ${tag.length} characters; ${where.field} holds at most ${max}`,
    remedy: `No ${where.ticket} was created. Report this to the kmsp maintainers (long keys must be fitted to the profile's tag length).`,
  });
}
