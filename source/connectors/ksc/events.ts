// Security events of one virtual server since a cursor (protocols/kaspersky.md §3.5).
//
// The cursor is an opaque JSON string: the newest rise_time seen (whole seconds) and
// the event_db_ids seen at exactly that second. rise_time has second precision, so
// the next query starts at that second again and drops the ids already returned:
// two events in the same second, one registered after the first read, are each
// delivered exactly once.
//
// [U] Whether KLEVP_EVENT_RISE_TIME_LEAST means ≥ or > is not documented. The query
// starts one second before the cursor, which returns the cursor's second under
// either reading; events older than the cursor second are dropped locally.
//
// Known limit: the filter is on rise_time (when the host raised the event). An event
// that reaches the server long after it was raised (a host offline for days) with a
// rise_time older than the cursor is not delivered. KSC offers no documented filter
// on registration_time.
import { KmspError } from '../../domain/errors.js';
import type { EventPage, EventSeverity, SecurityEvent } from '../../domain/types.js';
import { missingOutParam } from './errors.js';
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
 * GNRL_EA_SEVERITY → SPEC severity. 4 Critical, 2 Warning, 1 Info [D]; 3 (Error) is
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

interface CursorState {
  v: 1;
  /** Newest rise_time seen, ISO, whole seconds. */
  t: string;
  /** event_db_ids seen at exactly `t`. */
  ids: string[];
}

function wholeSecond(date: Date): number {
  return Math.floor(date.getTime() / 1000) * 1000;
}

export function encodeCursor(time: number, ids: Iterable<string>): string {
  const state: CursorState = { v: 1, t: new Date(time).toISOString(), ids: [...new Set(ids)].sort() };
  return JSON.stringify(state);
}

export function decodeCursor(cursor: string): { time: number; ids: Set<string> } {
  let parsed: unknown;
  try {
    parsed = JSON.parse(cursor);
  } catch {
    parsed = null;
  }
  const state = parsed as Partial<CursorState> | null;
  const time = state && typeof state.t === 'string' ? Date.parse(state.t) : Number.NaN;
  if (!state || state.v !== 1 || Number.isNaN(time) || !Array.isArray(state.ids) || !state.ids.every((id) => typeof id === 'string')) {
    throw new KmspError('The stored position in the KSC event stream cannot be read', {
      kind: 'internal',
      cause: `the cursor is not one this connector wrote: ${cursor.slice(0, 80)}`,
      remedy: 'Reset the tenant’s event cursor in the ledger; events of the initial window are then read again (tickets already created are not duplicated).',
    });
  }
  return { time: wholeSecond(new Date(time)), ids: new Set(state.ids) };
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
    deviceId: read.string(record, 'hostname'),
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
}

export async function readEventsSince(call: KscCall, tenantId: string, cursor: string | null, options: EventReadOptions): Promise<EventPage> {
  const position = cursor
    ? decodeCursor(cursor)
    : { time: wholeSecond(new Date(options.now().getTime() - options.initialWindowDays * 86_400_000)), ids: new Set<string>() };

  const reply = await call('EventProcessingFactory.CreateEventProcessing2', {
    vecFieldsToReturn: [...EVENT_FIELDS],
    vecFieldsToOrder: [
      { Name: 'rise_time', Asc: true },
      { Name: 'event_db_id', Asc: true },
    ],
    lifetimeSec: options.lifetimeSec,
    // Inside pFilter the Date is sent as a typed datetime (params.ts).
    pFilter: { KLEVP_EVENT_RISE_TIME_LEAST: new Date(position.time - 1000) },
  });
  const iterator = read.string(reply, 'strIteratorId');
  if (!iterator) throw missingOutParam('EventProcessingFactory.CreateEventProcessing2', 'strIteratorId');
  const rows = await readEventIterator(call, iterator, options.step);

  const events: SecurityEvent[] = [];
  const returned = new Set<string>();
  let newest = position.time;
  let idsAtNewest = new Set(position.ids);
  for (const row of rows) {
    const event = toSecurityEvent(tenantId, row);
    if (!event) continue;
    const second = wholeSecond(event.raisedAt);
    if (second < position.time) continue;
    if (second === position.time && position.ids.has(event.id)) continue;
    if (returned.has(event.id)) continue;
    returned.add(event.id);
    events.push(event);
    if (second > newest) {
      newest = second;
      idsAtNewest = new Set([event.id]);
    } else if (second === newest) {
      idsAtNewest.add(event.id);
    }
  }
  // The server sorts (rise_time, event_db_id); sorting again keeps the contract if it does not.
  events.sort((a, b) => a.raisedAt.getTime() - b.raisedAt.getTime() || compareIds(a.id, b.id));
  return { events, cursor: encodeCursor(newest, idsAtNewest) };
}

function compareIds(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}
