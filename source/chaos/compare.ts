// A chaos run's PSA state against the fault-free run's, in the words of the acceptance: postings
// equal, tickets equal, zero duplicates, nothing lost.
//
// - A posting is a contract's item and the quantity in force. Lost: expected and absent. Wrong:
//   present with another quantity, or present where the fault-free run has none.
// - A duplicate posting is a usage record more than the fault-free run made for an item (a
//   write applied twice, even if a later pass corrected the quantity).
// - Tickets are matched by the key kmsp wrote on them (else by account and title). A duplicate
//   is a second ticket for one key; lost is an expected ticket missing; wrong is a matched ticket
//   whose account, title, state or number of notes differs, or one the fault-free run never made.
import type { PsaSnapshot, SnapshotTicket } from '../simulators/snapshot.js';

export interface Difference {
  duplicates: { postings: number; tickets: number };
  lost: { postings: number; tickets: number };
  wrong: { postings: number; tickets: number };
  /** Up to a few lines saying what differs, for the report. */
  details: string[];
}

const DETAILS_MAX = 12;

/**
 * A title with the instants it carries left out: a status ticket says since when the pass that
 * opened it saw the status, an event's says when it was raised (relative to its simulator's
 * start), and the chaos run runs later than the fault-free run. A PSA that cuts long titles may
 * cut one inside its instant ("at 2026-12-06 20:…", "at 2026-12-0…"): the part left is an instant too.
 */
const INSTANT = /\b\d{4}-\d{1,2}(?:-\d{0,2}(?:[ T][\d:.]*)?)?(?: ?UTC|Z)?/g;
export const timeless = (title: string): string => title.replace(INSTANT, '(time)');

const ticketKey = (t: SnapshotTicket) => (t.tag ? `tag ${t.tag}` : `account ${t.account} “${timeless(t.title)}”`);
const ticketText = (t: SnapshotTicket) => `account ${t.account}, “${timeless(t.title)}”, ${t.open ? 'open' : 'closed'}, ${t.notes} notes`;

function group(tickets: readonly SnapshotTicket[]): Map<string, SnapshotTicket[]> {
  const out = new Map<string, SnapshotTicket[]>();
  for (const t of tickets) out.set(ticketKey(t), [...(out.get(ticketKey(t)) ?? []), t]);
  return out;
}

export function compareSnapshots(expected: PsaSnapshot, actual: PsaSnapshot): Difference {
  const d: Difference = { duplicates: { postings: 0, tickets: 0 }, lost: { postings: 0, tickets: 0 }, wrong: { postings: 0, tickets: 0 }, details: [] };
  const say = (line: string) => void (d.details.length < DETAILS_MAX && d.details.push(line));

  for (const key of new Set([...Object.keys(expected.postings), ...Object.keys(actual.postings)])) {
    const want = expected.postings[key];
    const got = actual.postings[key];
    if (want !== undefined && got === undefined) {
      d.lost.postings++;
      say(`posting ${key}: expected ${want}, missing`);
    } else if (got !== want) {
      d.wrong.postings++;
      say(`posting ${key}: expected ${want ?? 'none'}, found ${got}`);
    }
  }
  for (const key of new Set([...Object.keys(expected.records), ...Object.keys(actual.records)])) {
    const extra = (actual.records[key] ?? 0) - (expected.records[key] ?? 0);
    if (extra > 0) {
      d.duplicates.postings += extra;
      say(`posting ${key}: ${extra} usage record${extra === 1 ? '' : 's'} more than without faults`);
    }
  }

  const want = group(expected.tickets);
  const got = group(actual.tickets);
  for (const key of new Set([...want.keys(), ...got.keys()])) {
    const w = want.get(key) ?? [];
    const g = got.get(key) ?? [];
    if (w.length === 0) {
      // A ticket the fault-free run never opened: not a second one of anything, but wrong.
      d.wrong.tickets += g.length;
      say(`ticket ${key}: not opened without faults (${ticketText(g[0]!)})`);
      continue;
    }
    if (g.length > w.length) {
      d.duplicates.tickets += g.length - w.length;
      say(`ticket ${key}: ${g.length} tickets, expected ${w.length} (ids ${g.map((t) => t.id).join(', ')})`);
    }
    if (w.length > g.length) {
      d.lost.tickets += w.length - g.length;
      say(`ticket ${key}: ${w.length - g.length} missing (${ticketText(w[0]!)})`);
    }
    for (let i = 0; i < Math.min(w.length, g.length); i++) {
      if (ticketText(w[i]!) !== ticketText(g[i]!)) {
        d.wrong.tickets++;
        say(`ticket ${key}: expected ${ticketText(w[i]!)}, found ${ticketText(g[i]!)}`);
      }
    }
  }
  return d;
}

/** True when nothing differs. */
export function same(d: Difference): boolean {
  return [d.duplicates, d.lost, d.wrong].every((x) => x.postings === 0 && x.tickets === 0);
}
