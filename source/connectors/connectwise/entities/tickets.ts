// Service tickets, their notes and the Ticketing tab's picklists (README › The console,
// Ticketing; Ticket rules; README §4.5–§4.6 here).
//
// Every ticket kmsp opens carries its stable key in externalXRef (README › Ticket rules), so a
// crash between "created" and "recorded" is found again by findByTag instead of creating the
// ticket twice.
import pLimit from 'p-limit';
import { KmspError } from '../../../domain/errors.js';
import type { CloseOutcome, NewTicket, PicklistValue, PsaTicket, TicketPicklists } from '../../../domain/types.js';
import { CLOSE_DEFERRED_STATUSES, NOTE_FLAGS, NOTE_TEXT_MAX, TICKET_DESCRIPTION_MAX, TAG_LIST_URL_CHARS, TICKET_SUMMARY_MAX, TICKET_TAG_MAX } from '../assumptions.js';
import { mapLimit } from '../../mapLimit.js';
import { replace, type ConnectWiseClient } from '../client.js';
import { c } from '../conditions.js';
import { describeBody, errorBody } from '../errors.js';
import { fit, optInt, toInt } from '../ids.js';
import { checkTicketTag, splitNoteText } from '../../wireValues.js';
import { flag, info, num, numList, optNum, optRef, optStr, parseUtc, ref, str, toUtc, type WireRecord } from '../wire.js';

const TICKETS = 'service/tickets';
const BOARDS = 'service/boards';

/**
 * The ticket fields of the ConnectWise profile (domain/profiles/connectwise.ts) → the ticket's
 * reference fields. The profile's per-board statuses are not ticket fields: the new status
 * arrives as NewTicket.status, the closed one in closeTicket.
 */
const TICKET_REFERENCES: Readonly<Record<string, string>> = {
  board: 'board',
  priority: 'priority',
  type: 'type',
  subType: 'subType',
  item: 'item',
  source: 'source',
};
const NOT_TICKET_FIELDS = new Set(['newStatus', 'closedStatus']);

/** Boards read at once while the picklists are gathered (each board costs four requests). */
const BOARDS_AT_ONCE = 3;

function toTicket(r: WireRecord, what: string): PsaTicket {
  const id = num(r, 'id', what);
  const status = optRef(r, 'status', what);
  const board = optRef(r, 'board', what);
  return {
    id: String(id),
    // ConnectWise shows a ticket by its id ("#12345"); there is no separate number.
    number: String(id),
    accountId: String(ref(r, 'company', what).id),
    title: optStr(r, 'summary', what) ?? '',
    status: status ? String(status.id) : '',
    tag: optStr(r, 'externalXRef', what) || null,
    createdAt: parseUtc(info(r, 'dateEntered')),
    // closedFlag says whether it is closed (a reopened ticket may keep its old closedDate); a
    // closed ticket without closedDate counts as closed when it was last changed.
    completedAt: flag(r, 'closedFlag', what) ? (parseUtc(optStr(r, 'closedDate', what)) ?? parseUtc(info(r, 'lastUpdated')) ?? new Date()) : null,
    scope: board ? String(board.id) : null,
  };
}

const pick = (value: string, label: string, extra: Partial<PicklistValue> = {}): PicklistValue => ({ value, label, active: true, parentValue: null, isDefault: false, ...extra });

export class Tickets {
  constructor(private readonly client: ConnectWiseClient) {}

  /**
   * The lists named by the ConnectWise profile's ticket fields (README §4.5): boards, every
   * board's statuses, types, subtypes and items (parentValue: the board; a subtype's
   * parentValues: the types it is associated with), priorities and sources. Values are ids.
   * Project boards are left out: their tickets are project tickets, another resource.
   */
  async picklists(): Promise<TicketPicklists> {
    const what = 'list service boards';
    const [boardRecords, priorities, sources] = await Promise.all([
      this.client.list(BOARDS, { fields: ['id', 'name', 'inactiveFlag', 'projectFlag'] }, what, 'boards'),
      this.priorities(),
      this.sources(),
    ]);
    const boards = boardRecords.filter((b) => !flag(b, 'projectFlag', what));
    const limit = pLimit(BOARDS_AT_ONCE);
    const perBoard = await Promise.all(boards.map((b) => limit(() => this.boardLists(num(b, 'id', what), str(b, 'name', what)))));
    return {
      boards: boards.map((b) => pick(String(num(b, 'id', what)), str(b, 'name', what), { active: !flag(b, 'inactiveFlag', what) })),
      statuses: perBoard.flatMap((p) => p.statuses),
      types: perBoard.flatMap((p) => p.types),
      subtypes: perBoard.flatMap((p) => p.subtypes),
      items: perBoard.flatMap((p) => p.items),
      priorities,
      sources,
    };
  }

  private async boardLists(boardId: number, boardName: string): Promise<{ statuses: PicklistValue[]; types: PicklistValue[]; subtypes: PicklistValue[]; items: PicklistValue[] }> {
    const board = String(boardId);
    const path = `${BOARDS}/${boardId}`;
    const of = (list: string) => `list the ${list} of board "${boardName}"`;
    const [statuses, types, subtypes, items] = await Promise.all([
      this.client.list(`${path}/statuses`, { fields: ['id', 'name', 'closedStatus', 'inactive', 'defaultFlag', 'sortOrder'] }, of('statuses'), 'boards'),
      this.client.list(`${path}/types`, { fields: ['id', 'name', 'inactiveFlag', 'defaultFlag'] }, of('types'), 'boards'),
      this.client.list(`${path}/subtypes`, { fields: ['id', 'name', 'inactiveFlag', 'typeAssociationIds'] }, of('subtypes'), 'boards'),
      this.client.list(`${path}/items`, { fields: ['id', 'name', 'inactiveFlag'] }, of('items'), 'boards'),
    ]);
    const bySort = (what: string) => (a: WireRecord, b: WireRecord) => (optNum(a, 'sortOrder', what) ?? 0) - (optNum(b, 'sortOrder', what) ?? 0);
    return {
      statuses: [...statuses].sort(bySort(of('statuses'))).map((s) =>
        pick(String(num(s, 'id', of('statuses'))), str(s, 'name', of('statuses')), {
          parentValue: board,
          active: !flag(s, 'inactive', of('statuses')),
          closed: flag(s, 'closedStatus', of('statuses')),
          isDefault: flag(s, 'defaultFlag', of('statuses')),
        }),
      ),
      types: types.map((t) =>
        pick(String(num(t, 'id', of('types'))), str(t, 'name', of('types')), {
          parentValue: board,
          active: !flag(t, 'inactiveFlag', of('types')),
          isDefault: flag(t, 'defaultFlag', of('types')),
        }),
      ),
      subtypes: subtypes.map((s) => {
        const parents = numList(s, 'typeAssociationIds', of('subtypes')).map(String);
        return pick(String(num(s, 'id', of('subtypes'))), str(s, 'name', of('subtypes')), {
          parentValue: parents[0] ?? null,
          parentValues: parents,
          active: !flag(s, 'inactiveFlag', of('subtypes')),
        });
      }),
      items: items.map((i) => pick(String(num(i, 'id', of('items'))), str(i, 'name', of('items')), { parentValue: board, active: !flag(i, 'inactiveFlag', of('items')) })),
    };
  }

  private async priorities(): Promise<PicklistValue[]> {
    const what = 'list ticket priorities';
    const records = await this.client.list('service/priorities', { fields: ['id', 'name', 'sortOrder', 'defaultFlag'] }, what, 'boards');
    return [...records]
      .sort((a, b) => (optNum(a, 'sortOrder', what) ?? 0) - (optNum(b, 'sortOrder', what) ?? 0))
      .map((p) => pick(String(num(p, 'id', what)), str(p, 'name', what), { isDefault: flag(p, 'defaultFlag', what) }));
  }

  private async sources(): Promise<PicklistValue[]> {
    const what = 'list ticket sources';
    const records = await this.client.list('service/sources', { fields: ['id', 'name', 'defaultFlag'] }, what, 'boards');
    return records.map((s) => pick(String(num(s, 'id', what)), str(s, 'name', what), { isDefault: flag(s, 'defaultFlag', what) }));
  }

  /** POST service/tickets (README §4.5). The answer is the ticket; its tag must have come back whole. */
  async create(ticket: NewTicket): Promise<PsaTicket> {
    const companyId = toInt(ticket.accountId, 'company id');
    checkTicketTag(ticket.tag, TICKET_TAG_MAX, { vendor: 'ConnectWise', field: 'externalXRef', ticket: 'ticket' });
    const body: Record<string, unknown> = {
      summary: fit(ticket.title, TICKET_SUMMARY_MAX),
      company: { id: companyId },
      externalXRef: ticket.tag,
      initialDescription: fit(ticket.description, TICKET_DESCRIPTION_MAX),
    };
    for (const [key, value] of Object.entries(ticket.fields)) {
      if (NOT_TICKET_FIELDS.has(key)) continue;
      const field = TICKET_REFERENCES[key];
      if (!field) {
        throw new KmspError(`kmsp asked for a ticket field ConnectWise tickets do not have ("${key}")`, {
          kind: 'internal',
          cause: `the ConnectWise connector knows the fields ${Object.keys(TICKET_REFERENCES).join(', ')}`,
          remedy: 'No ticket was created. Report this to the kmsp maintainers (the profile and the connector disagree).',
        });
      }
      const id = optInt(value, `ticket ${key}`);
      if (id !== undefined) body[field] = { id };
    }
    const status = optInt(ticket.status, 'ticket status');
    if (status !== undefined) body.status = { id: status };
    if (ticket.dueAt) body.requiredDate = toUtc(ticket.dueAt);

    const record = await this.client.create(TICKETS, body, {
      action: `create a ticket for company ${companyId}`,
      area: 'tickets',
      check: `Search ConnectWise's service tickets for the external reference "${ticket.tag}" (company ${companyId}): kmsp looks for that tag before it opens the ticket again, so it is not created twice.`,
    });
    const created = toTicket(record, 'the new ticket');
    if (created.tag !== ticket.tag) {
      throw new KmspError(`ConnectWise created ticket #${created.id} but changed its kmsp tag`, {
        kind: 'vendor',
        cause: `kmsp sent externalXRef "${ticket.tag}" (${ticket.tag.length} characters); ConnectWise stored ${created.tag === null ? 'nothing' : `"${created.tag}"`}`,
        remedy: `kmsp cannot find ticket #${created.id} again by its tag and could open it a second time: close it by hand if it is a duplicate, and report this to the kmsp maintainers.`,
        detail: `ticket id ${created.id}`,
      });
    }
    return created;
  }

  async get(id: string): Promise<PsaTicket | null> {
    const n = toInt(id, 'ticket id');
    const what = `read ticket ${n}`;
    const record = await this.client.getItem(`${TICKETS}/${n}`, what, 'tickets');
    return record ? toTicket(record, what) : null;
  }

  /**
   * Tickets whose externalXRef is one of the tags: `externalXRef in ("…", …)` lists sized so each
   * URL stays under ConnectWise's advised length (README §2.2), compared exactly after its search.
   */
  async findByTags(tags: readonly string[]): Promise<PsaTicket[]> {
    const what = 'find tickets by their kmsp tags';
    const wanted = new Set(tags);
    const chunks: string[][] = [];
    let chunk: string[] = [];
    let length = 0;
    for (const tag of wanted) {
      const cost = encodeURIComponent(`"${tag}",`).length;
      if (chunk.length > 0 && length + cost > TAG_LIST_URL_CHARS) {
        chunks.push(chunk);
        chunk = [];
        length = 0;
      }
      chunk.push(tag);
      length += cost;
    }
    if (chunk.length) chunks.push(chunk);
    const found = await mapLimit(chunks, 2, (list) => this.client.list(TICKETS, { conditions: c.in('externalXRef', list) }, what, 'tickets'));
    return found.flat().map((r) => toTicket(r, what)).filter((t) => t.tag !== null && wanted.has(t.tag));
  }

  /** Tickets whose externalXRef is the tag (README §4.5), compared exactly after ConnectWise's search. */
  async findByTag(tag: string): Promise<PsaTicket[]> {
    const what = 'find tickets by their kmsp tag';
    const records = await this.client.list(TICKETS, { conditions: c.eq('externalXRef', tag) }, what, 'tickets');
    return records.map((r) => toTicket(r, what)).filter((t) => t.tag === tag);
  }

  /**
   * PATCH the status, replaced whole (README §2.6, §4.5); ConnectWise sets closedFlag and
   * closedDate for a closed status. A 409 (the ticket is in use) defers the close to a later pass.
   */
  async close(id: string, statusId: string): Promise<CloseOutcome> {
    const n = toInt(id, 'ticket id');
    const status = toInt(statusId, 'ticket status');
    const action = `close ticket ${n}`;
    const check = `Look at ticket #${n}'s status in ConnectWise.`;
    const response = await this.client.patch(`${TICKETS}/${n}`, [replace('status', { id: status })], { action, area: 'tickets', check, accept: [...CLOSE_DEFERRED_STATUSES] });
    if (CLOSE_DEFERRED_STATUSES.has(response.status)) {
      const why = describeBody(errorBody(response), this.client.http.redactor);
      return { closed: false, deferred: `ConnectWise answered HTTP ${response.status}${why ? ` (${why})` : ''}: the ticket is in use; kmsp tries again on its next pass` };
    }
    const record = this.client.writeAnswer(response, { action, check, area: 'tickets' });
    const now = optRef(record, 'status', action);
    if (!now || now.id !== status) {
      throw new KmspError(`ConnectWise answered the close of ticket #${n} without changing its status`, {
        kind: 'vendor',
        cause: `kmsp set status ${status}; the ticket answered with status ${now ? `${now.id}${now.name ? ` (${now.name})` : ''}` : 'none'}`,
        remedy: `Check that status ${status} belongs to the ticket's board in ConnectWise (Ticketing › General, the board's Closed status); kmsp tries again on its next pass.`,
      });
    }
    return { closed: true };
  }

  /** POST service/tickets/{id}/notes: an internal analysis note (README §4.6). */
  async addNote(id: string, note: { title: string; description: string }): Promise<void> {
    const n = toInt(id, 'ticket id');
    const text = fit([note.title.trim(), note.description].filter(Boolean).join('\n\n'), NOTE_TEXT_MAX);
    await this.client.create(`${TICKETS}/${n}/notes`, { text, ...NOTE_FLAGS }, {
      action: `add a note to ticket ${n}`,
      area: 'tickets',
      check: `Look at ticket #${n}'s notes in ConnectWise for "${fit(note.title, 80)}" before adding it again.`,
    });
  }

  /** GET service/tickets/{id}/notes (paged forward-only, ascending id): each text split back into title and description. */
  async notes(id: string): Promise<Array<{ title: string; description: string }>> {
    const n = toInt(id, 'ticket id');
    const what = `read the notes of ticket ${n}`;
    const records = await this.client.list(`${TICKETS}/${n}/notes`, { fields: ['text'] }, what, 'tickets');
    return records.map((r) => splitNoteText(optStr(r, 'text', what) ?? ''));
  }
}
