// A company's position in its events (README §4 › Events): one entry per workspace, the highest
// `sequence` read — or, for a workspace none of whose events has been read yet, the instant its
// first read started from. A workspace that is not in the cursor (the first pass, or one added to
// the company since) is read from the initial window. That instant stays with the workspace as its
// floor: an event raised before it is never delivered, even when it reaches the hub (and gets a
// sequence) later — the first read left such events out on purpose. Entries of workspaces that
// went away are kept, so one that comes back carries on where it was instead of starting over.
//
// The cursor is opaque JSON:
// {"v":1,"w":{"<workspace id>":{"s":<sequence>,"f":"<floor, ISO>"}|{"t":"<ISO instant>"}}}.
import { KmspError } from '../../domain/errors.js';
import { KBH_SERVICE } from './errors.js';

export type EventPosition = { afterSequence: number; floor: Date } | { raisedSince: Date };

export type CursorState = Map<string, EventPosition>;

function badCursor(cursor: string, why: string): KmspError {
  return new KmspError(`${KBH_SERVICE}: the event cursor of this company cannot be read`, {
    kind: 'internal',
    cause: `${why}: ${cursor.slice(0, 80)}`,
    remedy: 'Reset the company’s event cursor in the ledger; events of the initial window are then read again (tickets already created are not duplicated).',
  });
}

export function decodeCursor(cursor: string): CursorState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    throw badCursor(cursor, 'it is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) throw badCursor(cursor, 'it is not an object');
  const { v, w } = parsed as { v?: unknown; w?: unknown };
  if (v !== 1 || typeof w !== 'object' || w === null || Array.isArray(w)) throw badCursor(cursor, 'it is not a cursor this connector wrote');
  const state: CursorState = new Map();
  for (const [id, raw] of Object.entries(w as Record<string, unknown>)) {
    const entry = (typeof raw === 'object' && raw !== null ? raw : {}) as { s?: unknown; f?: unknown; t?: unknown };
    const instant = (v: unknown) => (typeof v === 'string' && !Number.isNaN(Date.parse(v)) ? new Date(v) : null);
    const floor = instant(entry.f);
    if (typeof entry.s === 'number' && Number.isSafeInteger(entry.s) && entry.s >= 0 && floor) state.set(id, { afterSequence: entry.s, floor });
    else if (typeof entry.t === 'string' && !Number.isNaN(Date.parse(entry.t))) state.set(id, { raisedSince: new Date(entry.t) });
    else throw badCursor(cursor, `the position of workspace ${id} is not one this connector wrote`);
  }
  return state;
}

export function encodeCursor(state: CursorState): string {
  const w: Record<string, { s: number; f: string } | { t: string }> = {};
  for (const id of [...state.keys()].sort()) {
    const p = state.get(id)!;
    w[id] = 'afterSequence' in p ? { s: p.afterSequence, f: p.floor.toISOString() } : { t: p.raisedSince.toISOString() };
  }
  return JSON.stringify({ v: 1, w });
}

/**
 * The position after reading events (their sequences, delivered or not) from `from`: the highest
 * sequence seen with the floor kept, or `from` unchanged when none came.
 */
export function advance(from: EventPosition, sequences: readonly number[]): EventPosition {
  if (sequences.length === 0) return from;
  const highest = sequences.reduce((a, b) => Math.max(a, b));
  if ('afterSequence' in from) return { afterSequence: Math.max(from.afterSequence, highest), floor: from.floor };
  return { afterSequence: highest, floor: from.raisedSince };
}

/**
 * Whether an event read from `from` is delivered: after the position (the hub is asked for
 * exactly these; this guards a hub that answers more) and not raised before the floor.
 */
export function isDelivered(from: EventPosition, event: { sequence: number; raisedAt: Date }): boolean {
  if ('afterSequence' in from) return event.sequence > from.afterSequence && event.raisedAt.getTime() >= from.floor.getTime();
  return event.raisedAt.getTime() >= from.raisedSince.getTime();
}
