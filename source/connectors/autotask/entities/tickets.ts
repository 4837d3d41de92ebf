// Tickets, their notes and the Ticketing tab's picklists (README › The console, Ticketing; Ticket rules; README §4.5–§4.7 here).
//
// Every ticket kmsp opens carries its stable key in externalID (README › Ticket rules) so a
// crash between "created" and "recorded" is found again by findByTag instead of
// being created twice.
import { createHash } from 'node:crypto';
import { KmspError, isKmspError } from '../../../domain/errors.js';
import type { NewTicket, PicklistValue, PsaTicket, TicketPicklists } from '../../../domain/types.js';
import {
  NOTE_DESCRIPTION_MAX,
  NOTE_PUBLISH_ALL_AUTOTASK_USERS,
  NOTE_TITLE_MAX,
  NOTE_TYPE_FALLBACK,
  TAG_HASH_CHARS,
  TICKET_DESCRIPTION_MAX,
  TICKET_TAG_FIELD,
  TICKET_TAG_MAX_FALLBACK,
  TICKET_TITLE_MAX,
  WORK_TYPE_USE_TYPE_FALLBACK,
  WORK_TYPE_USE_TYPE_LABEL,
} from '../assumptions.js';
import type { AutotaskClient } from '../client.js';
import { fit, optInt, toInt } from '../ids.js';
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
  };
}

/**
 * A ticket tag of at most `maxLength` characters for `key`: the key itself when it fits,
 * else a readable prefix of it, "~" and the first TAG_HASH_CHARS hex digits of its sha256.
 * Deterministic, so the same key always finds the same ticket.
 */
export function fitTag(key: string, maxLength: number = TICKET_TAG_MAX_FALLBACK): string {
  if (!Number.isInteger(maxLength) || maxLength < 8) {
    throw new KmspError(`A ticket tag cannot be fitted into ${maxLength} characters`, { kind: 'internal', remedy: 'Report this to the kmsp maintainers.' });
  }
  if (key.length <= maxLength) return key;
  const hash = createHash('sha256').update(key, 'utf8').digest('hex');
  const hashChars = Math.min(TAG_HASH_CHARS, maxLength);
  const prefixLength = maxLength - hashChars - 1;
  if (prefixLength <= 0) return hash.slice(0, maxLength);
  let prefix = key.slice(0, prefixLength);
  // Never end on half of a surrogate pair (it would not survive JSON and Autotask intact).
  if (/[\uD800-\uDBFF]$/.test(prefix)) prefix = prefix.slice(0, -1);
  return `${prefix}~${hash.slice(0, hashChars)}`;
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
        remedy: 'No ticket was created. Report this to the kmsp maintainers (long keys must be shortened with fitTag).',
      });
    }
    const body: Record<string, unknown> = {
      companyID,
      title: fit(ticket.title, TICKET_TITLE_MAX),
      description: fit(ticket.description, TICKET_DESCRIPTION_MAX),
      status: toInt(ticket.status, 'ticket status'),
      priority: toInt(ticket.priority, 'ticket priority'),
      // README §4.5: always send dueDateTime; UTC (README §2.6).
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
    const id = await this.client.create(
      ENTITY,
      body,
      `create a ticket for company ${companyID}`,
      `Search Autotask's tickets for External ID "${ticket.tag}" (company ${companyID}): kmsp looks for that tag before it opens the ticket again, so it is not created twice.`,
    );
    let created: PsaTicket | null = null;
    try {
      created = await this.get(String(id));
    } catch {
      // The create succeeded (we hold its id); failing to read it back must not lose that id.
      created = null;
    }
    if (!created) {
      // Built from what was sent: the number and creation time are unknown until read again.
      return {
        id: String(id),
        number: '',
        accountId: String(companyID),
        title: String(body.title),
        status: String(body.status),
        tag: ticket.tag,
        createdAt: null,
        completedAt: null,
      };
    }
    if (created.tag !== ticket.tag) {
      throw new KmspError(`Autotask created ticket ${created.number || id} but changed its kmsp tag`, {
        kind: 'vendor',
        cause: `kmsp sent ${TICKET_TAG_FIELD} "${ticket.tag}" (${ticket.tag.length} characters); Autotask stored ${created.tag === null ? 'nothing' : `"${created.tag}"`}`,
        remedy: `kmsp cannot find ticket ${created.number || id} (id ${id}) again by its tag and could open it a second time: close it by hand if it is a duplicate, and report this to the kmsp maintainers (the tag length Autotask keeps is lower than kmsp assumed).`,
        detail: `ticket id ${id}`,
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

  /** PATCH Tickets {id, status}; Autotask sets completedDate for Complete (README §4.5). */
  async close(id: string, status: string): Promise<void> {
    const n = toInt(id, 'ticket id');
    await this.client.update(ENTITY, { id: n, status: toInt(status, 'ticket status') }, `close ticket ${n}`, `Look at ticket ${n}'s status in Autotask.`);
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
