// Tickets, their notes and the Ticketing tab's picklists (SPEC §2.3, §3.2).
//
// Every ticket kmsp opens carries its stable key in externalID (SPEC §3.2) so a
// crash between "created" and "recorded" is found again by findByTag instead of
// being created twice.
import { KmspError, isKmspError } from '../../../domain/errors.js';
import type { NewTicket, PicklistValue, PsaTicket, TicketPicklists } from '../../../domain/types.js';
import {
  NOTE_DESCRIPTION_MAX,
  NOTE_PUBLISH_ALL_AUTOTASK_USERS,
  NOTE_TITLE_MAX,
  NOTE_TYPE_FALLBACK,
  TICKET_DESCRIPTION_MAX,
  TICKET_TAG_FIELD,
  TICKET_TITLE_MAX,
  WORK_TYPE_USE_TYPE_FALLBACK,
  WORK_TYPE_USE_TYPE_LABEL,
} from '../assumptions.js';
import type { AutotaskClient } from '../client.js';
import { fit, optInt, toInt } from '../ids.js';
import type { FieldCatalog } from '../picklists.js';
import { q } from '../query.js';
import { num, optNum, optStr, parseUtc, str, type WireRecord } from '../wire.js';

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
  };
}

/** Errors that mean "this metadata is unavailable", as opposed to "we may not talk to Autotask at all". */
function isSoftMetadataFailure(error: unknown): boolean {
  return isKmspError(error) && (error.kind === 'vendor' || error.kind === 'not-found' || error.kind === 'protocol');
}

export class Tickets {
  constructor(
    private readonly client: AutotaskClient,
    private readonly catalog: FieldCatalog,
  ) {}

  async picklists(): Promise<TicketPicklists> {
    const pick = (field: string) => this.catalog.picklist(ENTITY, field);
    const [queues, priorities, statuses, sources, issueTypes, subIssueTypes, workTypes] = await Promise.all([
      pick('queueID'),
      pick('priority'),
      pick('status'),
      pick('source'),
      pick('issueType'),
      pick('subIssueType'),
      this.workTypes(),
    ]);
    return { queues, priorities, statuses, sources, issueTypes, subIssueTypes, workTypes };
  }

  /** Active BillingCodes whose useType is "Work Type" (brief §4 BillingCodes; see assumptions.ts). */
  private async workTypes(): Promise<PicklistValue[]> {
    const what = 'list work types';
    const useTypes = await this.catalog.picklist('BillingCodes', 'useType');
    const useType = useTypes.find((v) => WORK_TYPE_USE_TYPE_LABEL.test(v.label))?.value ?? WORK_TYPE_USE_TYPE_FALLBACK;
    const records = await this.client.query('BillingCodes', [q.eq('useType', Number(useType)), q.eq('isActive', true)], what, ['id', 'name', 'isActive', 'useType']);
    return records
      .map((r) => ({ value: String(num(r, 'id', what)), label: str(r, 'name', what), active: true, parentValue: null, isDefault: false }))
      .sort((a, b) => a.label.localeCompare(b.label));
  }

  async create(ticket: NewTicket): Promise<PsaTicket> {
    const companyID = toInt(ticket.accountId, 'company id');
    const body: Record<string, unknown> = {
      companyID,
      title: fit(ticket.title, TICKET_TITLE_MAX),
      description: fit(ticket.description, TICKET_DESCRIPTION_MAX),
      status: toInt(ticket.status, 'ticket status'),
      priority: toInt(ticket.priority, 'ticket priority'),
      // Brief §4: dueDateTime "Always send it"; UTC (brief §2.6).
      dueDateTime: ticket.dueAt.toISOString(),
      [TICKET_TAG_FIELD]: ticket.tag,
    };
    const optional: Array<[string, string | null, string]> = [
      ['queueID', ticket.queue, 'queue'],
      ['source', ticket.source, 'ticket source'],
      ['billingCodeID', ticket.workType, 'work type'],
      ['issueType', ticket.issueType, 'issue type'],
      ['subIssueType', ticket.subIssueType, 'sub-issue type'],
    ];
    for (const [name, value, what] of optional) {
      const n = optInt(value, what);
      if (n !== undefined) body[name] = n;
    }
    const id = await this.client.create(ENTITY, body, `create a ticket for company ${companyID}`);
    const created = await this.get(String(id));
    if (!created) {
      throw new KmspError(`Autotask created ticket ${id} but does not return it`, {
        kind: 'protocol',
        cause: `GET Tickets/${id} found nothing right after the create`,
        remedy: `The ticket exists in Autotask (id ${id}, tagged ${ticket.tag}); kmsp finds it again by its tag on the next cycle.`,
      });
    }
    return created;
  }

  async get(id: string): Promise<PsaTicket | null> {
    const n = toInt(id, 'ticket id');
    const what = `read ticket ${n}`;
    const record = await this.client.getItem(ENTITY, n, what);
    return record ? toTicket(record, what) : null;
  }

  async findByTag(tag: string): Promise<PsaTicket[]> {
    const what = 'find tickets by their kmsp tag';
    const records = await this.client.query(ENTITY, [q.eq(TICKET_TAG_FIELD, tag)], what, TICKET_FIELDS);
    // Autotask string comparisons ignore case; tags are exact.
    return records.map((r) => toTicket(r, what)).filter((t) => t.tag === tag);
  }

  /** PATCH Tickets {id, status}; Autotask sets completedDate for Complete (brief §4). */
  async close(id: string, status: string): Promise<void> {
    const n = toInt(id, 'ticket id');
    await this.client.update(ENTITY, { id: n, status: toInt(status, 'ticket status') }, `close ticket ${n}`);
  }

  /** POST Tickets/{id}/Notes (child creates use the parent URL, brief §2.1). */
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
    );
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
