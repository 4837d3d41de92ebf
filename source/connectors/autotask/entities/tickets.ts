// Tickets, their notes and the Ticketing tab's picklists (README › The console, Ticketing; Ticket rules; README §4.5–§4.7 here).
//
// Every ticket kmsp opens carries its stable key in externalID (README › Ticket rules) so a
// crash between "created" and "recorded" is found again by findByTag instead of
// being created twice.
import { KmspError, isKmspError } from '../../../domain/errors.js';
import { autotaskProfile } from '../../../domain/profiles/autotask.js';
import type { CloseOutcome, NewTicket, PicklistValue, PsaTicket, TicketPicklists } from '../../../domain/types.js';
import {
  NOTE_DESCRIPTION_MAX,
  NOTE_PUBLISH_ALL_AUTOTASK_USERS,
  NOTE_TITLE_MAX,
  NOTE_TYPE_FALLBACK,
  IN_LIST_MAX,
  THREADS_PER_ENDPOINT,
  TICKET_DESCRIPTION_MAX,
  TICKET_TAG_FIELD,
  TICKET_TAG_MAX_FALLBACK,
  TICKET_TITLE_MAX,
  WORK_TYPE_USE_TYPE_FALLBACK,
  WORK_TYPE_USE_TYPE_LABEL,
} from '../assumptions.js';
import type { AutotaskClient } from '../client.js';
import { fit, optInt, toInt } from '../ids.js';
import { mapLimit } from '../../mapLimit.js';
import type { FieldCatalog } from '../picklists.js';
import { q } from '../query.js';
import { num, optNum, optStr, parseUtc, str, type WireFieldInfo, type WireRecord } from '../wire.js';

const ENTITY = 'Tickets';
const TICKET_FIELDS = ['id', 'ticketNumber', 'companyID', 'title', 'status', TICKET_TAG_FIELD, 'createDate', 'completedDate'];

function toTicket(r: WireRecord, what: string): PsaTicket {
  const status = optNum(r, 'status', what);
  return {
    id: String(num(r, 'id', what)),
    number: optStr(r, 'ticketNumber', what) ?? '',
    accountId: String(num(r, 'companyID', what)),
    title: str(r, 'title', what),
    status: status === null ? '' : String(status),
    tag: optStr(r, TICKET_TAG_FIELD, what) || null,
    createdAt: parseUtc(optStr(r, 'createDate', what)),
    completedAt: parseUtc(optStr(r, 'completedDate', what)),
    // Autotask's statuses are global: one closed status serves every queue.
    scope: null,
  };
}

/**
 * The Tickets field each ticket field of the Autotask profile (profiles/autotask.ts, by id) is
 * sent as, and what it is called in errors. Priority is required by Autotask; the others are
 * sent when set (README §4.5).
 */
const TICKET_FIELD_WIRE: Readonly<Record<string, { wire: string; what: string; required?: boolean }>> = {
  queue: { wire: 'queueID', what: 'queue' },
  priority: { wire: 'priority', what: 'ticket priority', required: true },
  source: { wire: 'source', what: 'ticket source' },
  workType: { wire: 'billingCodeID', what: 'work type' },
  issueType: { wire: 'issueType', what: 'issue type' },
  subIssueType: { wire: 'subIssueType', what: 'sub-issue type' },
};

/** Errors that mean "this metadata is unavailable", as opposed to "we may not talk to Autotask at all". */
function isSoftMetadataFailure(error: unknown): boolean {
  return isKmspError(error) && (error.kind === 'vendor' || error.kind === 'not-found' || error.kind === 'protocol');
}

export class Tickets {
  constructor(
    private readonly client: AutotaskClient,
    private readonly catalog: FieldCatalog,
  ) {}

  /**
   * The Ticketing tab's lists, keyed by the list names of the Autotask profile's ticket fields:
   * each read from the Tickets field list, work types from BillingCodes (README §4.7).
   */
  async picklists(): Promise<TicketPicklists> {
    const pick = (field: string) => () => this.catalog.picklist(ENTITY, field);
    const sources: Record<string, () => Promise<PicklistValue[]>> = {
      queues: pick('queueID'),
      priorities: pick('priority'),
      statuses: pick('status'),
      sources: pick('source'),
      issueTypes: pick('issueType'),
      subIssueTypes: pick('subIssueType'),
      workTypes: () => this.workTypes(),
    };
    const t = autotaskProfile.ticketing;
    const names = [...new Set([...t.general, ...t.row, ...(t.perScope?.fields ?? [])].map((f) => f.list))];
    const lists = await Promise.all(
      names.map((name) => {
        const read = sources[name];
        if (!read) {
          throw new KmspError(`The Autotask connector cannot read the ticket list "${name}"`, {
            kind: 'internal',
            cause: 'the Autotask profile names a list this connector has no Autotask field for',
            remedy: 'Report this to the kmsp maintainers.',
          });
        }
        return read();
      }),
    );
    return Object.fromEntries(names.map((name, i) => [name, lists[i]!]));
  }

  /** Active BillingCodes whose useType is "Work Type" (README §4.7; see assumptions.ts). */
  private async workTypes(): Promise<PicklistValue[]> {
    const what = 'list work types';
    const useTypes = await this.catalog.picklist('BillingCodes', 'useType');
    const useType = useTypes.find((v) => WORK_TYPE_USE_TYPE_LABEL.test(v.label))?.value ?? WORK_TYPE_USE_TYPE_FALLBACK;
    const records = await this.client.query('BillingCodes', [q.eq('useType', Number(useType)), q.eq('isActive', true)], what, ['id', 'name', 'isActive', 'useType']);
    return records
      .map((r) => ({ value: String(num(r, 'id', what)), label: str(r, 'name', what), active: true, parentValue: null, isDefault: false }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }

  /** The longest tag Autotask keeps: externalID's length from the field list, else the fallback (assumptions.ts). */
  async tagLimit(): Promise<number> {
    let fields: WireFieldInfo[] = [];
    try {
      fields = await this.catalog.entityFields(ENTITY);
    } catch (error) {
      if (!isSoftMetadataFailure(error)) throw error;
    }
    const wanted = TICKET_TAG_FIELD.toLowerCase();
    const length = fields.find((f) => String(f.name).toLowerCase() === wanted)?.length;
    return typeof length === 'number' && Number.isInteger(length) && length > 0 ? length : TICKET_TAG_MAX_FALLBACK;
  }

  async create(ticket: NewTicket): Promise<PsaTicket> {
    const companyID = toInt(ticket.accountId, 'company id');
    const limit = await this.tagLimit();
    if (ticket.tag.length === 0 || ticket.tag.length > limit) {
      // Autotask could refuse or cut it; a cut tag never finds its ticket again (a duplicate next cycle).
      throw new KmspError(`The ticket tag "${ticket.tag.slice(0, 80)}${ticket.tag.length > 80 ? '…' : ''}" does not fit Autotask's ${TICKET_TAG_FIELD} field`, {
        kind: 'internal',
        cause: ticket.tag.length === 0 ? 'the tag is empty' : `the tag has ${ticket.tag.length} characters; ${TICKET_TAG_FIELD} holds at most ${limit}`,
        remedy: 'No ticket was created. Report this to the kmsp maintainers (long keys must be shortened with fitTag, domain/ticketKeys.ts).',
      });
    }
    if (ticket.dueAt === null) {
      throw new KmspError('A ticket without a due time cannot be sent to Autotask', {
        kind: 'internal',
        cause: 'Autotask tickets always carry dueDateTime (connectors/autotask/README.md §4.5); the ticket job gave none',
        remedy: 'No ticket was created. Report this to the kmsp maintainers.',
      });
    }
    const body: Record<string, unknown> = {
      companyID,
      title: fit(ticket.title, TICKET_TITLE_MAX),
      description: fit(ticket.description, TICKET_DESCRIPTION_MAX),
      status: toInt(ticket.status, 'ticket status'),
    };
    const fields = Object.entries(TICKET_FIELD_WIRE);
    for (const [id, field] of fields) if (field.required) body[field.wire] = toInt(ticket.fields[id] ?? '', field.what);
    // README §4.5: always send dueDateTime; UTC (README §2.6).
    body.dueDateTime = ticket.dueAt.toISOString();
    body[TICKET_TAG_FIELD] = ticket.tag;
    for (const [id, field] of fields) {
      if (field.required) continue;
      const n = optInt(ticket.fields[id] ?? null, field.what);
      if (n !== undefined) body[field.wire] = n;
    }
    const id = await this.client.create(
      ENTITY,
      body,
      `create a ticket for company ${companyID}`,
      `Search Autotask's tickets for External ID "${ticket.tag}" (company ${companyID}): kmsp looks for that tag before it opens the ticket again, so it is not created twice.`,
    );
    // Autotask answers a create with the id alone (README §2.1). Reading the ticket back for its
    // number and stored tag costs a request per ticket: the ticket job reads the tickets of a
    // pass back by their tags, many in one query, and so learns both (run.ts, readBackCreated).
    return {
      id: String(id),
      number: '',
      accountId: String(companyID),
      title: String(body.title),
      status: String(body.status),
      tag: ticket.tag,
      createdAt: null,
      completedAt: null,
      scope: null,
    };
  }

  async get(id: string): Promise<PsaTicket | null> {
    const n = toInt(id, 'ticket id');
    const what = `read ticket ${n}`;
    const record = await this.client.getItem(ENTITY, n, what);
    return record ? toTicket(record, what) : null;
  }

  /** Tickets whose externalID is one of the tags: `in` queries of at most IN_LIST_MAX tags, compared exactly after Autotask's case-blind match. */
  async findByTags(tags: readonly string[]): Promise<PsaTicket[]> {
    const what = 'find tickets by their kmsp tags';
    const wanted = new Set(tags);
    const all = [...wanted];
    const chunks: string[][] = [];
    for (let i = 0; i < all.length; i += IN_LIST_MAX) chunks.push(all.slice(i, i + IN_LIST_MAX));
    const found = await mapLimit(chunks, THREADS_PER_ENDPOINT, (chunk) => this.client.query(ENTITY, [q.in(TICKET_TAG_FIELD, chunk)], what, TICKET_FIELDS));
    return found.flat().map((r) => toTicket(r, what)).filter((t) => t.tag !== null && wanted.has(t.tag));
  }

  async findByTag(tag: string): Promise<PsaTicket[]> {
    const what = 'find tickets by their kmsp tag';
    const records = await this.client.query(ENTITY, [q.eq(TICKET_TAG_FIELD, tag)], what, TICKET_FIELDS);
    // Autotask string comparisons ignore case; tags are exact.
    return records.map((r) => toTicket(r, what)).filter((t) => t.tag === tag);
  }

  /**
   * PATCH Tickets {id, status}; Autotask sets completedDate for Complete (README §4.5). Autotask
   * has no "not now" answer to a status update: it applies it or refuses it (an error), so the
   * close is never deferred.
   */
  async close(id: string, status: string): Promise<CloseOutcome> {
    const n = toInt(id, 'ticket id');
    await this.client.update(ENTITY, { id: n, status: toInt(status, 'ticket status') }, `close ticket ${n}`, `Look at ticket ${n}'s status in Autotask.`);
    return { closed: true };
  }

  /** POST Tickets/{id}/Notes (child creates use the parent URL, README §2.1). */
  async addNote(id: string, note: { title: string; description: string }): Promise<void> {
    const ticketID = toInt(id, 'ticket id');
    await this.client.create(
      `${ENTITY}/${ticketID}/Notes`,
      {
        ticketID,
        title: fit(note.title, NOTE_TITLE_MAX),
        description: fit(note.description, NOTE_DESCRIPTION_MAX),
        noteType: await this.noteType(),
        publish: NOTE_PUBLISH_ALL_AUTOTASK_USERS,
      },
      `add a note to ticket ${ticketID}`,
      `Look at ticket ${ticketID}'s notes in Autotask for "${fit(note.title, 80)}" before adding it again.`,
    );
  }

  /** TicketNotes query by ticketID (paged like every query, README §2.3), oldest first. */
  async notes(id: string): Promise<Array<{ title: string; description: string }>> {
    const ticketID = toInt(id, 'ticket id');
    const what = `read the notes of ticket ${ticketID}`;
    const records = await this.client.query('TicketNotes', [q.eq('ticketID', ticketID)], what, ['id', 'ticketID', 'title', 'description']);
    return records
      .map((r) => ({ id: num(r, 'id', what), title: optStr(r, 'title', what) ?? '', description: optStr(r, 'description', what) ?? '' }))
      .sort((a, b) => a.id - b.id)
      .map(({ title, description }) => ({ title, description }));
  }

  /** The tenant's default active note type, else its first active one, else the fallback (assumptions.ts). */
  private async noteType(): Promise<number> {
    let values: PicklistValue[] = [];
    try {
      values = await this.catalog.picklist('TicketNotes', 'noteType');
    } catch (error) {
      if (!isSoftMetadataFailure(error)) throw error;
    }
    const active = values.filter((v) => v.active && /^\d+$/.test(v.value));
    const chosen = active.find((v) => v.isDefault) ?? active[0];
    return chosen ? Number(chosen.value) : NOTE_TYPE_FALLBACK;
  }
}
