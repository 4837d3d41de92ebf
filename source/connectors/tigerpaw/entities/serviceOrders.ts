// Service orders (Tigerpaw's tickets), their notes and the Ticketing tab's picklists (README ›
// The console, Ticketing; Ticket rules; README §4.6–§4.7 here).
//
// Every service order kmsp opens carries its stable key in Reference (README › Ticket rules), so
// a crash between "created" and "recorded" is found again by findByTag instead of opening the
// order twice. Master-table values go on the wire by name (status, priority, type) or by number
// (rep, dispatch board), so the picklists' values are exactly what is sent.
import { KmspError } from '../../../domain/errors.js';
import type { CloseOutcome, NewTicket, PicklistValue, PsaTicket, TicketPicklists } from '../../../domain/types.js';
import { BRIEF_DESCRIPTION_MAX, LOCKED_BY, LOCKED_MESSAGE, NOTE_MAX, REFERENCE_MAX, REFERENCES_PER_SEARCH, WORK_REQUESTED_MAX, closesOrder } from '../assumptions.js';
import { mapLimit } from '../../mapLimit.js';
import { messageOf, type TigerpawClient } from '../client.js';
import { refusalError } from '../errors.js';
import { fit, optInt, toInt } from '../ids.js';
import { checkTicketTag, splitNoteText } from '../../wireValues.js';
import { asArray, asRecord, flag, num, optNum, optRecord, optStr, optionalDateTime, parseDateTime, protocolError, record, toDateTime, type WireRecord } from '../wire.js';

/** The profile's ticket fields (domain/profiles/tigerpaw.ts) that are fields of a service order. */
const ORDER_FIELDS = new Set(['rep', 'board', 'priority', 'type']);
/** The profile's General statuses: the new one arrives as NewTicket.status, the closed one in closeTicket. */
const NOT_ORDER_FIELDS = new Set(['newStatus', 'closedStatus']);

const pick = (value: string, label: string, extra: Partial<PicklistValue> = {}): PicklistValue => ({ value, label, active: true, parentValue: null, isDefault: false, ...extra });

const byRank = (what: string) => (a: WireRecord, b: WireRecord) => (optNum(a, 'Rank', what) ?? 0) - (optNum(b, 'Rank', what) ?? 0);

/** A ServiceOrderSummary (or Detail) as a ticket. */
export function toTicket(r: WireRecord, what: string): PsaTicket {
  const n = num(r, 'ServiceOrderNumber', what);
  const order = record(r, 'ServiceOrder', what);
  const closed = parseDateTime(optStr(order, 'DateTimeClosed', what));
  return {
    id: String(n),
    number: String(n),
    accountId: String(num(order, 'AccountNumber', what)),
    title: optStr(order, 'BriefDescription', what) ?? '',
    status: optStr(order, 'Status', what) ?? '',
    tag: optStr(order, 'Reference', what) || null,
    createdAt: parseDateTime(optStr(order, 'DateTimeOpened', what)) ?? parseDateTime(optStr(order, 'DateTimeReceived', what)),
    completedAt: closed,
    // Statuses are one list for every board.
    scope: null,
  };
}

export class ServiceOrders {
  constructor(
    private readonly client: TigerpawClient,
    private readonly now: () => Date,
  ) {}

  /**
   * The lists named by the profile's ticket fields (README §4.6): reps (value RepNumber), boards
   * (value DispatchBoardId), priorities, types and statuses (value: the name, as sent), the
   * statuses with `closed` from TicketChange.
   */
  async picklists(): Promise<TicketPicklists> {
    const [reps, boards, priorities, types, statuses] = await Promise.all([this.reps(), this.boards(), this.priorities(), this.types(), this.statuses()]);
    return { reps, boards, priorities, types, statuses };
  }

  private async reps(): Promise<PicklistValue[]> {
    const what = 'list reps';
    const rows = await this.client.getList('/api/mastertables/reps', what, 'masterTables');
    return rows.map((r) => {
      const n = num(r, 'RepNumber', what);
      const name = optStr(r, 'DisplayName', what)?.trim() || [optStr(r, 'FirstName', what), optStr(r, 'LastName', what)].filter(Boolean).join(' ').trim() || `Rep ${n}`;
      return pick(String(n), name, { active: !flag(r, 'Inactive', what) });
    });
  }

  private async boards(): Promise<PicklistValue[]> {
    const what = 'list dispatch boards';
    const rows = await this.client.getList('/api/mastertables/dispatchboards', what, 'masterTables');
    return rows.map((r) => {
      const n = num(r, 'DispatchBoardId', what);
      return pick(String(n), optStr(r, 'Description', what)?.trim() || `Board ${n}`);
    });
  }

  private async priorities(): Promise<PicklistValue[]> {
    const what = 'list service order priorities';
    const rows = await this.client.getList('/api/mastertables/priorities', what, 'masterTables');
    return named([...rows].sort(byRank(what)), 'Priority', what).map(({ name, r }) => pick(name, name, { isDefault: flag(r, 'SystemDefault', what) }));
  }

  private async types(): Promise<PicklistValue[]> {
    const what = 'list service order types';
    const rows = await this.client.getList('/api/mastertables/serviceOrders/types', what, 'masterTables');
    return named(rows, 'Type', what).map(({ name, r }) => pick(name, name, { isDefault: flag(r, 'SystemDefault', what) }));
  }

  private async statuses(): Promise<PicklistValue[]> {
    const what = 'list service order statuses';
    const body = await this.client.get('/api/mastertables/serviceorders/statuses', what, 'masterTables');
    // The swagger declares one object; servers answer a list (assumptions.ts closesOrder).
    const rows = Array.isArray(body) ? asArray(body, what) : [asRecord(body, what)];
    return named([...rows].sort(byRank(what)), 'Status', what).map(({ name, r }) =>
      pick(name, name, { closed: closesOrder(optStr(r, 'TicketChange', what)), isDefault: flag(r, 'SystemDefault', what) }),
    );
  }

  /** POST /api/ServiceOrders (README §4.6). The answer is the order; its Reference must have come back whole. */
  async create(ticket: NewTicket): Promise<PsaTicket> {
    const account = toInt(ticket.accountId, 'account number');
    checkTicketTag(ticket.tag, REFERENCE_MAX, { vendor: 'Tigerpaw', field: 'Reference', ticket: 'service order' });
    for (const key of Object.keys(ticket.fields)) {
      if (ORDER_FIELDS.has(key) || NOT_ORDER_FIELDS.has(key)) continue;
      throw new KmspError(`kmsp asked for a service order field Tigerpaw orders do not have ("${key}")`, {
        kind: 'internal',
        cause: `the Tigerpaw connector knows the fields ${[...ORDER_FIELDS].join(', ')}`,
        remedy: 'No service order was created. Report this to the kmsp maintainers (the profile and the connector disagree).',
      });
    }
    const text = (key: string): string | undefined => {
      const v = ticket.fields[key];
      return v === null || v === undefined || v.trim() === '' ? undefined : v;
    };
    const rep = optInt(ticket.fields.rep, 'rep number');
    const board = optInt(ticket.fields.board, 'dispatch board number');
    const priority = text('priority');
    const type = text('type');
    const body: Record<string, unknown> = {
      AccountNumber: account,
      ...(rep !== undefined ? { TechnicianAssigned: rep } : {}),
      ...(board !== undefined ? { DispatchBoardNumber: board } : {}),
      ...(priority !== undefined ? { Priority: priority } : {}),
      ...(type !== undefined ? { ServiceOrderType: type } : {}),
      Status: ticket.status,
      BriefDescription: fit(ticket.title, BRIEF_DESCRIPTION_MAX),
      WorkRequested: fit(ticket.description, WORK_REQUESTED_MAX),
      Reference: ticket.tag,
      DateTimeOpened: optionalDateTime(this.now()),
    };
    const action = `create a service order for account ${account}`;
    const answer = await this.client.write({
      method: 'POST',
      path: '/api/ServiceOrders',
      body,
      action,
      area: 'serviceOrders',
      check: `Search Tigerpaw's service orders for the Reference "${ticket.tag}" (account ${account}): kmsp looks for that reference before it opens the order again, so it is not created twice.`,
    });
    const created = toTicket(record(answer, 'ServiceOrderSummary', action), 'the new service order');
    if (created.tag !== ticket.tag) {
      throw new KmspError(`Tigerpaw created service order ${created.number} but changed its kmsp reference`, {
        kind: 'vendor',
        cause: `kmsp sent Reference "${ticket.tag}" (${ticket.tag.length} characters); Tigerpaw stored ${created.tag === null ? 'nothing' : `"${created.tag}"`}`,
        remedy: `kmsp cannot find service order ${created.number} again by its reference and could open it a second time: close it by hand if it is a duplicate, and report this to the kmsp maintainers.`,
        detail: `service order ${created.number}`,
      });
    }
    return created;
  }

  /** GET /api/serviceorders/{n}; null when Tigerpaw answers 404. */
  async get(id: string): Promise<PsaTicket | null> {
    const n = toInt(id, 'service order number');
    const what = `read service order ${n}`;
    const summary = await this.client.getItem(`/api/serviceorders/${n}`, what, 'serviceOrders');
    return summary ? toTicket(summary, what) : null;
  }

  /**
   * Orders whose Reference is one of the tags: an advanced search with one Reference criterion
   * per tag (criteria of one SearchType are ORed, README §2.3), REFERENCES_PER_SEARCH at a time,
   * compared exactly.
   */
  async findByTags(tags: readonly string[]): Promise<PsaTicket[]> {
    const what = 'find service orders by their kmsp references';
    const wanted = new Set(tags);
    const all = [...wanted];
    const chunks: string[][] = [];
    for (let i = 0; i < all.length; i += REFERENCES_PER_SEARCH) chunks.push(all.slice(i, i + REFERENCES_PER_SEARCH));
    const found = await mapLimit(chunks, 1, (list) =>
      this.client.advancedSearch('/api/serviceorders/search', 'ServiceOrders', list.map((tag) => ({ SearchType: 'Reference', MatchType: 'Equal', Criteria: tag })), what, 'serviceOrders'),
    );
    return found.flat().map((r) => toTicket(r, what)).filter((t) => t.tag !== null && wanted.has(t.tag));
  }

  /** Orders whose Reference is the tag: the reference search matches by prefix, so kmsp compares exactly (README §4.6). */
  async findByTag(tag: string): Promise<PsaTicket[]> {
    const what = 'find service orders by their kmsp reference';
    const rows = await this.client.simpleSearch('/api/serviceorders/search/reference', 'ServiceOrders', tag, what, 'serviceOrders');
    return rows.map((r) => toTicket(r, what)).filter((t) => t.tag === tag);
  }

  /**
   * PUT the closed status, the closing time and CompleteOpenTasks (README §4.6). An order open in
   * Tigerpaw's GUI is locked: the refusal defers the close to a later pass, naming the rep who
   * holds it (from the message, or else from the order's ServiceOrderLock).
   */
  async close(id: string, status: string): Promise<CloseOutcome> {
    const n = toInt(id, 'service order number');
    const action = `close service order ${n}`;
    const answer = await this.client.write({
      method: 'PUT',
      path: `/api/serviceorders/${n}`,
      body: { Status: status, DateTimeClosed: optionalDateTime(this.now()), CompleteOpenTasks: true },
      action,
      area: 'serviceOrders',
      item: true,
      check: `Look at service order ${n}'s status in Tigerpaw.`,
      acceptRefusal: true,
    });
    if (answer.Success === false) {
      const message = messageOf(answer, this.client.http.redactor);
      if (message && LOCKED_MESSAGE.test(message)) return { closed: false, deferred: `locked by ${LOCKED_BY.exec(message)?.[1]?.trim() || (await this.lockingRep(n))}` };
      throw refusalError(action, message);
    }
    const summary = optRecord(answer, 'ServiceOrderSummary', action);
    const now = summary ? optStr(record(summary, 'ServiceOrder', action), 'Status', action) : null;
    if (summary && (now ?? '').trim().toLowerCase() !== status.trim().toLowerCase()) {
      throw new KmspError(`Tigerpaw answered the close of service order ${n} without changing its status`, {
        kind: 'vendor',
        cause: `kmsp set status "${status}"; the order answered with status ${now === null ? 'none' : `"${now}"`}`,
        remedy: `Check that "${status}" is a closing status in Tigerpaw (Edit › Master Tables › Service Order › Statuses) and is the Closed service order status on the Service orders tab; kmsp tries again on its next pass.`,
      });
    }
    return { closed: true };
  }

  /** The rep holding an order's lock, from GET /api/serviceorders/{n}/details (ServiceOrderLock). */
  private async lockingRep(n: number): Promise<string> {
    const what = `read who holds service order ${n}`;
    const detail = await this.client.getItem(`/api/serviceorders/${n}/details`, what, 'serviceOrders');
    const lock = detail ? optRecord(detail, 'ServiceOrderLock', what) : null;
    if (!lock) return 'a Tigerpaw user';
    const name = optStr(lock, 'LockingRepName', what)?.trim();
    const rep = optNum(lock, 'LockingRepNumber', what);
    return name || (rep !== null ? `rep ${rep}` : 'a Tigerpaw user');
  }

  /** POST /api/serviceorders/{n}/notes (README §4.7): title and description in one note. */
  async addNote(id: string, note: { title: string; description: string }): Promise<void> {
    const n = toInt(id, 'service order number');
    const text = fit([note.title.trim(), note.description].filter(Boolean).join('\n\n'), NOTE_MAX);
    await this.client.write({
      method: 'POST',
      path: `/api/serviceorders/${n}/notes`,
      body: { Note: text, DateCreated: toDateTime(this.now()) },
      action: `add a note to service order ${n}`,
      area: 'serviceOrders',
      item: true,
      check: `Look at service order ${n}'s notes in Tigerpaw for "${fit(note.title, 80)}" before adding it again.`,
    });
  }

  /** GET /api/serviceorders/{n}/notes (a paged envelope of Notes): each Note split back into title and description. */
  async notes(id: string): Promise<Array<{ title: string; description: string }>> {
    const n = toInt(id, 'service order number');
    const what = `read the notes of service order ${n}`;
    const rows = await this.client.pagedGet(`/api/serviceorders/${n}/notes`, 'Notes', {}, what, 'serviceOrders');
    return rows.map((r) => splitNoteText(optStr(r, 'Note', what) ?? ''));
  }
}

/** Master-table rows by their name field, nameless rows left out. */
function named(rows: WireRecord[], field: string, what: string): Array<{ name: string; r: WireRecord }> {
  const out: Array<{ name: string; r: WireRecord }> = [];
  for (const r of rows) {
    const name = optStr(r, field, what)?.trim();
    if (name) out.push({ name, r });
  }
  if (rows.length > 0 && out.length === 0) throw protocolError(what, `no row has a ${field}`);
  return out;
}
