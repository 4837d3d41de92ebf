// Security events of one virtual server since a cursor (README §3.5).
//
// KSC filters events by rise_time only (KLEVP_EVENT_RISE_TIME_LEAST; no filter on
// registration_time is documented). An event can reach the server long after it was
// raised — Network Agent sync delay, a host offline for a while, a host clock behind —
// so "everything raised after the newest event seen" loses it. Instead:
//
// - The cursor's anchor is the newest registration_time seen (the server's clock, not
//   the host's; rise_time when an event has none), never later than the local clock,
//   so a host whose clock runs ahead cannot push the window into the future.
// - Each poll reads every event raised at or after (anchor − lookback), the lookback
//   being `eventLookbackSeconds` (default one hour): how late an event may reach the
//   server and still be delivered.
// - Events are deduplicated by event_db_id: the cursor keeps the ids of the events of
//   that window. Every event the server holds in the next poll's window is also in
//   this poll's answer, so the ids kept are exactly those the next poll can return
//   again; older ones fall out of the cursor by themselves.
// - The cursor also keeps a floor: nothing raised before it is delivered. It starts at
//   the initial window's start (a later poll never reaches further back than the first)
//   and rises when the id set exceeds its cap (`eventCursorMaxIds`, default 10,000): the
//   oldest ids are dropped and the floor moves just past them, so they are never
//   delivered twice. A late event raised before the floor is then not delivered: past
//   the cap the effective lookback shrinks to what the cap holds.
//
// Each event is delivered once as long as it reaches the server within the lookback of
// the anchor. Later than that it is not delivered (documented in README.md).
//
// A poll with nothing new need not read the window again: the cursor also keeps how many
// events the next poll's query will count if none arrived (those raised at or after its start,
// as this poll read them). When GetRecordCount says exactly that, the rows are not read and the
// cursor stays as it was. Events never change, so the same count means the same events unless
// some were deleted from the window while as many arrived; a full read at least every
// FULL_READ_EVERY_MS (10 minutes) delivers such an event then, well within the lookback.
//
// [U] Whether KLEVP_EVENT_RISE_TIME_LEAST means ≥ or > is not documented. The query
// starts one second before the window, which returns the window's first second under
// either reading; events before the window are dropped locally.
//
// The cursor is opaque JSON: {"v":2,"t":anchor,"f":floor,"ids":"<compact id list>",
// "s":{"l":query start,"n":count,"r":last full read}?}.
// Cursors of the previous format ({"v":1,"t":newest rise_time,"ids":[ids at t]}) are
// read with t as both anchor and floor: nothing at or before them is delivered again.
import { KmspError } from '../../domain/errors.js';
import type { EventPage, EventSeverity, SecurityEvent } from '../../domain/types.js';
import { KSC_SERVICE, missingOutParam } from './errors.js';
import { readEventIterator } from './iterators.js';
import { read, type KscParams } from './params.js';
import type { KscCall } from './session.js';

export const EVENT_FIELDS = [
  'event_db_id',
  'event_type',
  'event_type_display_name',
  'GNRL_EA_DESCRIPTION',
  'GNRL_EA_SEVERITY',
  'rise_time',
  'registration_time',
  'hostname',
  'hostdn',
  'product_name',
  'product_displ_version',
  'task_display_name',
] as const;

/**
 * GNRL_EA_SEVERITY → kmsp's severity (domain/types.ts). 4 Critical, 2 Warning, 1 Info [D]; 3 (Error) is
 * the UI's "Functional failure" ([U] §3.5, consistent with the UI order). 0 ("invalid")
 * and unknown values are treated as info: they never open tickets by themselves.
 */
export function severityOf(code: number | null): EventSeverity {
  switch (code) {
    case 4:
      return 'critical';
    case 3:
      return 'functional-failure';
    case 2:
      return 'warning';
    default:
      return 'info';
  }
}

/** Default lookback (eventLookbackSeconds): how late an event may reach the server. */
export const DEFAULT_EVENT_LOOKBACK_SEC = 3600;
/** Default cap of the cursor's id set (eventCursorMaxIds). */
export const DEFAULT_CURSOR_MAX_IDS = 10_000;

/** How long the count alone may stand for "nothing new" before the window is read again in full. */
export const FULL_READ_EVERY_MS = 10 * 60_000;

export interface CursorState {
  /** Newest registration_time seen (at most the local clock), epoch ms, whole seconds. */
  anchor: number;
  /** Nothing raised before this is delivered; epoch ms, whole seconds. */
  floor: number;
  /** event_db_ids of the events raised within the window that the next poll reads. */
  ids: Set<string>;
  /**
   * What the next poll's query counts when nothing arrived: its start (KLEVP_EVENT_RISE_TIME_LEAST,
   * epoch ms), the rows of this poll's answer from that start on, and when the window was last read in full.
   */
  seen?: { low: number; count: number; fullAt: number };
}

function wholeSecond(ms: number): number {
  return Math.floor(ms / 1000) * 1000;
}

/** event_db_ids (int64 decimal text) as ascending hex deltas: "1f4,1,1,3" — a few bytes each. */
export function packIds(ids: Iterable<string>): string {
  const sorted = [...new Set(ids)].map((id) => BigInt(id)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: string[] = [];
  let previous: bigint | null = null;
  for (const id of sorted) {
    const value: bigint = previous === null ? id : id - previous;
    out.push(value < 0n ? `-${(-value).toString(16)}` : value.toString(16));
    previous = id;
  }
  return out.join(',');
}

export function unpackIds(text: string): Set<string> {
  const ids = new Set<string>();
  if (text === '') return ids;
  let previous: bigint | null = null;
  for (const part of text.split(',')) {
    if (!/^-?[0-9a-f]+$/.test(part)) throw new Error(`not a packed id: ${part}`);
    const value = part.startsWith('-') ? -BigInt(`0x${part.slice(1)}`) : BigInt(`0x${part}`);
    if (previous !== null && value < 0n) throw new Error('packed ids are not ascending');
    const id: bigint = previous === null ? value : previous + value;
    ids.add(id.toString());
    previous = id;
  }
  return ids;
}

export function encodeCursor(state: CursorState): string {
  const seen = state.seen ? { s: { l: new Date(state.seen.low).toISOString(), n: state.seen.count, r: new Date(state.seen.fullAt).toISOString() } } : {};
  return JSON.stringify({ v: 2, t: new Date(state.anchor).toISOString(), f: new Date(state.floor).toISOString(), ids: packIds(state.ids), ...seen });
}

/** The cursor's count of the next query, when it has a readable one; anything else only means a full read. */
function seenOf(value: unknown): CursorState['seen'] {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const { l, n, r } = value as Record<string, unknown>;
  const low = typeof l === 'string' ? Date.parse(l) : Number.NaN;
  const fullAt = typeof r === 'string' ? Date.parse(r) : Number.NaN;
  if (Number.isNaN(low) || Number.isNaN(fullAt) || typeof n !== 'number' || !Number.isInteger(n) || n < 0) return undefined;
  return { low, count: n, fullAt };
}

function badCursor(cursor: string): KmspError {
  return new KmspError('The stored position in the KSC event stream cannot be read', {
    kind: 'internal',
    cause: `the cursor is not one this connector wrote: ${cursor.slice(0, 80)}`,
    remedy: 'Reset the tenant’s event cursor in the ledger; events of the initial window are then read again (tickets already created are not duplicated).',
  });
}

export function decodeCursor(cursor: string): CursorState {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    throw badCursor(cursor);
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) throw badCursor(cursor);
  const state = parsed as Record<string, unknown>;
  const time = (value: unknown) => (typeof value === 'string' ? Date.parse(value) : Number.NaN);
  if (state.v === 1) {
    // The previous format: the newest rise_time seen and the ids seen at that second.
    const t = time(state.t);
    if (Number.isNaN(t) || !Array.isArray(state.ids) || !state.ids.every((id) => typeof id === 'string' && /^-?\d+$/.test(id))) throw badCursor(cursor);
    return { anchor: wholeSecond(t), floor: wholeSecond(t), ids: new Set(state.ids as string[]) };
  }
  if (state.v === 2) {
    const anchor = time(state.t);
    const floor = time(state.f);
    if (Number.isNaN(anchor) || Number.isNaN(floor) || typeof state.ids !== 'string') throw badCursor(cursor);
    let ids: Set<string>;
    try {
      ids = unpackIds(state.ids);
    } catch {
      throw badCursor(cursor);
    }
    const seen = seenOf(state.s);
    return { anchor: wholeSecond(anchor), floor: wholeSecond(floor), ids, ...(seen ? { seen } : {}) };
  }
  throw badCursor(cursor);
}

export function toSecurityEvent(tenantId: string, record: KscParams): SecurityEvent | null {
  const id = read.integerText(record, 'event_db_id');
  const raisedAt = read.date(record, 'rise_time') ?? read.date(record, 'registration_time');
  if (!id || !raisedAt) return null;
  const type = read.string(record, 'event_type') ?? '';
  return {
    id,
    tenantId,
    severity: severityOf(read.number(record, 'GNRL_EA_SEVERITY')),
    type,
    typeName: read.string(record, 'event_type_display_name') ?? type,
    description: read.string(record, 'GNRL_EA_DESCRIPTION') ?? '',
    // An empty host id is no host: never a device named "".
    deviceId: read.string(record, 'hostname') || null,
    deviceName: read.string(record, 'hostdn'),
    product: read.string(record, 'product_name'),
    raisedAt,
  };
}

export interface EventReadOptions {
  initialWindowDays: number;
  /** Rows per GetRecordRange call. */
  step: number;
  /** lifetimeSec of the event iterator. */
  lifetimeSec: number;
  now: () => Date;
  /** How late (seconds) an event may reach the server and still be delivered. */
  lookbackSec: number;
  /** Cap of the cursor's id set. */
  maxIds: number;
  /** Told each event left out because it cannot be read (no id or no time). */
  onSkip?: (message: string) => void;
}

export async function readEventsSince(call: KscCall, tenantId: string, cursor: string | null, options: EventReadOptions): Promise<EventPage> {
  const now = options.now().getTime();
  const lookback = Math.max(0, options.lookbackSec) * 1000;
  const maxIds = Math.max(1, options.maxIds);
  const start = wholeSecond(now - options.initialWindowDays * 86_400_000);
  const state: CursorState = cursor ? decodeCursor(cursor) : { anchor: start, floor: start, ids: new Set() };
  // Deliver events raised at or after `low`.
  const low = Math.max(state.floor, state.anchor - lookback);

  const queryStart = low - 1000;
  const reply = await call('EventProcessingFactory.CreateEventProcessing2', {
    vecFieldsToReturn: [...EVENT_FIELDS],
    vecFieldsToOrder: [
      { Name: 'rise_time', Asc: true },
      { Name: 'event_db_id', Asc: true },
    ],
    lifetimeSec: options.lifetimeSec,
    // One second early: `low` itself is returned whether LEAST means ≥ or > ([U]).
    // Inside pFilter the Date is sent as a typed datetime (params.ts).
    pFilter: { KLEVP_EVENT_RISE_TIME_LEAST: new Date(queryStart) },
  });
  const iterator = read.string(reply, 'strIteratorId');
  if (!iterator) throw missingOutParam('EventProcessingFactory.CreateEventProcessing2', 'strIteratorId');
  // Nothing new: the same query counts what the last poll left for it, and the window was read in full lately.
  const seen = cursor ? state.seen : undefined;
  const unchanged = (total: number) => seen !== undefined && seen.low === queryStart && seen.count === total && now >= seen.fullAt && now - seen.fullAt < FULL_READ_EVERY_MS;
  const rows = await readEventIterator(call, iterator, options.step, unchanged);
  if (rows === null) return { events: [], cursor: cursor! };

  const events: SecurityEvent[] = [];
  /** Every event of the answer within the window: delivered now or before. */
  const windowed = new Map<string, number>();
  let newestRegistration: number | null = null;
  for (const row of rows) {
    const event = toSecurityEvent(tenantId, row);
    if (!event) {
      // Without an id it could never be told apart from its next reading (one ticket per poll);
      // without a time it belongs to no window. Left out, but said.
      const what = read.string(row, 'event_type_display_name') ?? read.string(row, 'event_type') ?? 'an event';
      options.onSkip?.(`${KSC_SERVICE}: ${what} of ${read.string(row, 'hostdn') ?? 'a host'} has no ${read.integerText(row, 'event_db_id') ? 'time (rise_time)' : 'id (event_db_id)'}; it is left out of the tickets. Report this with the KSC version.`);
      continue;
    }
    const registered = wholeSecond((read.date(row, 'registration_time') ?? event.raisedAt).getTime());
    if (newestRegistration === null || registered > newestRegistration) newestRegistration = registered;
    const raised = wholeSecond(event.raisedAt.getTime());
    if (raised < low || windowed.has(event.id)) continue;
    windowed.set(event.id, raised);
    if (!state.ids.has(event.id)) events.push(event);
  }

  // The anchor never moves back, nor past the local clock (a server or host clock ahead).
  const anchor = newestRegistration === null ? state.anchor : Math.max(state.anchor, Math.min(wholeSecond(now), newestRegistration));
  let floor = state.floor;
  const nextLow = Math.max(floor, anchor - lookback);
  let kept = [...windowed].filter(([, raised]) => raised >= nextLow);
  if (kept.length > maxIds) {
    // Past the cap: forget the oldest ids, and never deliver anything that old again.
    kept.sort(([idA, a], [idB, b]) => a - b || compareIds(idA, idB));
    const evicted = kept.slice(0, kept.length - maxIds);
    floor = Math.max(floor, evicted[evicted.length - 1]![1] + 1000);
    kept = kept.slice(kept.length - maxIds).filter(([, raised]) => raised >= floor);
  }

  // What the next poll's query (from its own start) counts if nothing arrives: every row of this
  // answer from there on, readable or not, by the rise_time the server filters on.
  const nextStart = Math.max(floor, anchor - lookback) - 1000;
  const count = rows.filter((row) => {
    const rise = read.date(row, 'rise_time');
    return rise !== null && rise.getTime() >= nextStart;
  }).length;
  const seenNext = { low: nextStart, count, fullAt: now };

  // The server sorts (rise_time, event_db_id); sorting again keeps the contract if it does not.
  events.sort((a, b) => a.raisedAt.getTime() - b.raisedAt.getTime() || compareIds(a.id, b.id));
  return { events, cursor: encodeCursor({ anchor, floor, ids: new Set(kept.map(([id]) => id)), seen: seenNext }) };
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
