// The simulated ConnectWise Manage database: records per entity in wire form, how the
// API renders them (references expanded with current names, `_info`), and the rules of
// the writes kmsp makes (FIXTURE.md › Writes): agreement additions, service tickets and
// their notes, company custom fields. What ConnectWise does not document is decided
// here, once, with a comment saying so (FIXTURE.md › Assumptions).
import { resolveTime } from '../fixtureTime.js';
import type { ConnectWiseFixture, CwCustomFieldDefinition, CwMember, CwRecord } from './fixture.js';

export type Rec = Record<string, unknown>;

export interface CwErrorItem {
  code: string;
  message: string;
  resource: string;
  field: string;
}

/** A request ConnectWise refuses: answered as {code, message, errors}. */
export class CwFault extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly errors: CwErrorItem[] | null = null,
  ) {
    super(message);
  }
}

/**
 * The sub-code of a field that has the wrong type, is too long or names a record that
 * cannot be used (UNCONFIRMED: ConnectWise documents MissingRequiredField, ObjectExists
 * and OutOfRange; the others' codes are not documented).
 */
export const INVALID_FIELD = 'InvalidField';

export const ENTITY_NAMES = [
  'companyStatuses',
  'companyTypes',
  'companies',
  'agreementTypes',
  'agreements',
  'catalog',
  'additions',
  'boards',
  'statuses',
  'types',
  'subtypes',
  'items',
  'priorities',
  'sources',
  'tickets',
  'notes',
] as const;
export type CwEntity = (typeof ENTITY_NAMES)[number];

type Kind = 'int' | 'string' | 'number' | 'bool' | 'date' | 'object' | 'array' | 'custom' | { ref: CwEntity } | { refs: CwEntity };

/** Fields per entity, as the API returns them (names from the vendor's models; every one is present, null when unset). */
const FIELDS: Record<CwEntity, Record<string, Kind>> = {
  companyStatuses: {
    id: 'int', name: 'string', defaultFlag: 'bool', inactiveFlag: 'bool', notifyFlag: 'bool', disallowSavingFlag: 'bool',
    notificationMessage: 'string', customNoteFlag: 'bool', cancelOpenTracksFlag: 'bool',
  },
  companyTypes: { id: 'int', name: 'string', defaultFlag: 'bool', vendorFlag: 'bool', serviceAlertFlag: 'bool', serviceAlertMessage: 'string' },
  companies: {
    id: 'int', identifier: 'string', name: 'string', status: { ref: 'companyStatuses' }, types: { refs: 'companyTypes' },
    addressLine1: 'string', addressLine2: 'string', city: 'string', state: 'string', zip: 'string', phoneNumber: 'string', website: 'string',
    parentCompany: { ref: 'companies' }, dateAcquired: 'date', leadFlag: 'bool', isVendorFlag: 'bool',
    deletedFlag: 'bool', dateDeleted: 'date', deletedBy: 'string', customFields: 'custom',
  },
  agreementTypes: { id: 'int', name: 'string', defaultFlag: 'bool', inactiveFlag: 'bool', prorateFlag: 'bool', invoiceDescription: 'string' },
  agreements: {
    id: 'int', name: 'string', type: { ref: 'agreementTypes' }, company: { ref: 'companies' }, parentAgreement: { ref: 'agreements' },
    startDate: 'date', endDate: 'date', noEndingDateFlag: 'bool', cancelledFlag: 'bool', dateCancelled: 'date', reasonCancelled: 'string',
    billingCycle: 'object', billAmount: 'number', prorateFlag: 'bool', invoiceProratedAdditionsFlag: 'bool', billStartDate: 'date',
    nextInvoiceDate: 'string', invoiceDescription: 'string', internalNotes: 'string', oneTimeFlag: 'bool', taxable: 'bool', agreementStatus: 'string',
  },
  catalog: {
    id: 'int', identifier: 'string', description: 'string', inactiveFlag: 'bool', subcategory: 'object', type: 'object', productClass: 'string',
    serializedFlag: 'bool', unitOfMeasure: 'object', price: 'number', cost: 'number', taxableFlag: 'bool', customerDescription: 'string',
    manufacturer: 'object', category: 'object', recurringFlag: 'bool', recurringRevenue: 'number', recurringCost: 'number', recurringBillCycle: 'object',
    integrationXRef: 'string',
  },
  additions: {
    id: 'int', product: { ref: 'catalog' }, quantity: 'number', lessIncluded: 'number', unitPrice: 'number', unitCost: 'number', billCustomer: 'string',
    effectiveDate: 'date', cancelledDate: 'date', taxableFlag: 'bool', serialNumber: 'string', invoiceDescription: 'string', purchaseItemFlag: 'bool',
    specialOrderFlag: 'bool', agreementId: 'int', description: 'string', billedQuantity: 'number', uom: 'string', extPrice: 'number', extCost: 'number',
    sequenceNumber: 'number', margin: 'number', prorateCost: 'number', proratePrice: 'number', extendedProrateCost: 'number', extendedProratePrice: 'number',
    prorateCurrentPeriodFlag: 'bool', agreementStatus: 'string',
  },
  boards: { id: 'int', name: 'string', location: 'object', department: 'object', inactiveFlag: 'bool', projectFlag: 'bool' },
  statuses: {
    id: 'int', name: 'string', board: { ref: 'boards' }, sortOrder: 'int', displayOnBoard: 'bool', inactive: 'bool', closedStatus: 'bool',
    timeEntryNotAllowed: 'bool', defaultFlag: 'bool', escalationStatus: 'string', customerPortalDescription: 'string', customerPortalFlag: 'bool',
  },
  types: {
    id: 'int', name: 'string', category: 'string', defaultFlag: 'bool', inactiveFlag: 'bool', requestForChangeFlag: 'bool', integrationXref: 'string',
    board: { ref: 'boards' },
  },
  subtypes: { id: 'int', name: 'string', inactiveFlag: 'bool', typeAssociationIds: 'array', addAllTypesFlag: 'bool', board: { ref: 'boards' } },
  items: { id: 'int', name: 'string', inactiveFlag: 'bool', board: { ref: 'boards' } },
  priorities: { id: 'int', name: 'string', color: 'string', sortOrder: 'int', defaultFlag: 'bool', level: 'string' },
  sources: { id: 'int', name: 'string', defaultFlag: 'bool', enteredBy: 'string', dateEntered: 'date' },
  tickets: {
    id: 'int', summary: 'string', recordType: 'string', board: { ref: 'boards' }, status: { ref: 'statuses' }, company: { ref: 'companies' },
    contactName: 'string', type: { ref: 'types' }, subType: { ref: 'subtypes' }, item: { ref: 'items' }, owner: 'object',
    priority: { ref: 'priorities' }, source: { ref: 'sources' }, requiredDate: 'date', budgetHours: 'number', agreement: { ref: 'agreements' },
    severity: 'string', impact: 'string', externalXRef: 'string', customerUpdatedFlag: 'bool', closedDate: 'date', closedBy: 'string',
    closedFlag: 'bool', parentTicketId: 'int', hasChildTicket: 'bool',
  },
  notes: {
    id: 'int', ticketId: 'int', text: 'string', detailDescriptionFlag: 'bool', internalAnalysisFlag: 'bool', resolutionFlag: 'bool', issueFlag: 'bool',
    member: 'object', contact: 'object', customerUpdatedFlag: 'bool', processNotifications: 'bool', dateCreated: 'date', createdBy: 'string',
    internalFlag: 'bool', externalFlag: 'bool',
  },
};

/** Resource names in error bodies (ConnectWise names the object, e.g. "ticket object is invalid"). */
const RESOURCE: Record<CwEntity, string> = {
  companyStatuses: 'companyStatus',
  companyTypes: 'companyType',
  companies: 'company',
  agreementTypes: 'agreementType',
  agreements: 'agreement',
  catalog: 'catalogItem',
  additions: 'agreementAddition',
  boards: 'board',
  statuses: 'boardStatus',
  types: 'boardType',
  subtypes: 'boardSubType',
  items: 'boardItem',
  priorities: 'priority',
  sources: 'source',
  tickets: 'ticket',
  notes: 'serviceNote',
};

/** Labels for "X ID n was not found". */
const LABEL: Record<CwEntity, string> = {
  companyStatuses: 'Company Status',
  companyTypes: 'Company Type',
  companies: 'Company',
  agreementTypes: 'Agreement Type',
  agreements: 'Agreement',
  catalog: 'Catalog Item',
  additions: 'Addition',
  boards: 'Board',
  statuses: 'Status',
  types: 'Type',
  subtypes: 'Subtype',
  items: 'Item',
  priorities: 'Priority',
  sources: 'Source',
  tickets: 'Ticket',
  notes: 'Note',
};

/** Fields a PATCH (or PUT) may change, per entity; the others are read-only (a patch of one is ignored, as ConnectWise ignores read-only fields). */
const WRITABLE: Partial<Record<CwEntity, Set<string>>> = {
  companies: new Set(['identifier', 'name', 'status', 'addressLine1', 'addressLine2', 'city', 'state', 'zip', 'phoneNumber', 'website', 'customFields']),
  additions: new Set([
    'product', 'quantity', 'lessIncluded', 'unitPrice', 'unitCost', 'billCustomer', 'effectiveDate', 'cancelledDate', 'taxableFlag', 'serialNumber',
    'invoiceDescription', 'purchaseItemFlag', 'specialOrderFlag', 'description', 'uom', 'prorateCurrentPeriodFlag',
  ]),
  tickets: new Set([
    'summary', 'board', 'status', 'company', 'contactName', 'type', 'subType', 'item', 'priority', 'source', 'requiredDate', 'budgetHours', 'agreement',
    'severity', 'impact', 'externalXRef', 'customerUpdatedFlag',
  ]),
};

const MAX_LENGTH: Partial<Record<CwEntity, Record<string, number>>> = {
  companies: { identifier: 25, name: 50, phoneNumber: 30, website: 255 },
  additions: { serialNumber: 50, invoiceDescription: 6000, description: 6000 },
  tickets: { summary: 100, externalXRef: 100, contactName: 62 },
};

const FIXTURE_KEY: Record<CwEntity, keyof ConnectWiseFixture> = {
  companyStatuses: 'companyStatuses',
  companyTypes: 'companyTypes',
  companies: 'companies',
  agreementTypes: 'agreementTypes',
  agreements: 'agreements',
  catalog: 'catalog',
  additions: 'additions',
  boards: 'boards',
  statuses: 'statuses',
  types: 'types',
  subtypes: 'subtypes',
  items: 'items',
  priorities: 'priorities',
  sources: 'sources',
  tickets: 'tickets',
  notes: 'notes',
};

const ID_BASE: Record<CwEntity, number> = {
  companyStatuses: 1,
  companyTypes: 1,
  companies: 19_300,
  agreementTypes: 1,
  agreements: 4_100,
  catalog: 600,
  additions: 88_000,
  boards: 1,
  statuses: 1,
  types: 1,
  subtypes: 1,
  items: 1,
  priorities: 1,
  sources: 1,
  tickets: 250_000,
  notes: 900_000,
};

/** ConnectWise datetimes: ISO-8601 UTC to the second. */
export function cwDate(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** The entity name for a control-API or fixture name, case-insensitive ("Tickets", "tickets"). */
export function entityName(name: string): CwEntity {
  const hit = ENTITY_NAMES.find((e) => e.toLowerCase() === name.toLowerCase());
  if (!hit) throw new Error(`unknown entity "${name}" (one of ${ENTITY_NAMES.join(', ')})`);
  return hit;
}

function refEntity(kind: Kind): CwEntity | null {
  return typeof kind === 'object' ? ('ref' in kind ? kind.ref : kind.refs) : null;
}

function invalid(entity: CwEntity, errors: CwErrorItem[]): CwFault {
  return new CwFault(400, 'InvalidObject', `${RESOURCE[entity]} object is invalid`, errors);
}

function fieldError(entity: CwEntity, field: string, code: string, message: string): CwErrorItem {
  return { code, message, resource: RESOURCE[entity], field };
}

export interface PatchOperation {
  op: string;
  path: string;
  value?: unknown;
}

export class ConnectWiseState {
  readonly tables = new Map<CwEntity, Rec[]>();
  customFieldDefinitions: Array<Required<CwCustomFieldDefinition>>;
  private readonly nextIds = new Map<CwEntity, number>();

  constructor(
    private readonly fixture: ConnectWiseFixture,
    readonly now: () => Date,
  ) {
    const start = now();
    for (const e of ENTITY_NAMES) this.tables.set(e, []);
    this.customFieldDefinitions = (fixture.customFieldDefinitions ?? []).map((d) => ({
      id: d.id,
      caption: d.caption,
      type: d.type ?? 'Text',
      entryMethod: d.entryMethod ?? 'EntryField',
      numberOfDecimals: d.numberOfDecimals ?? 0,
    }));
    for (const e of ENTITY_NAMES) {
      for (const raw of (fixture[FIXTURE_KEY[e]] as CwRecord[] | undefined) ?? []) this.insertAt(e, raw, start, this.person().identifier);
    }
  }

  // ------------------------------------------------------------ basics

  table(entity: CwEntity): Rec[] {
    return this.tables.get(entity)!;
  }

  find(entity: CwEntity, id: unknown): Rec | undefined {
    const n = typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id;
    return this.table(entity).find((r) => r.id === n);
  }

  need(entity: CwEntity, id: unknown): Rec {
    const r = this.find(entity, id);
    if (!r) throw new CwFault(404, 'NotFound', `${LABEL[entity]} ID ${String(id)} was not found.`);
    return r;
  }

  fields(entity: CwEntity): string[] {
    return Object.keys(FIELDS[entity]);
  }

  private allocateId(entity: CwEntity): number {
    const next = this.nextIds.get(entity) ?? Math.max(ID_BASE[entity], ...this.table(entity).map((r) => Number(r.id) + 1));
    this.nextIds.set(entity, next + 1);
    return next;
  }

  /** The API member as a note's `member` and as createdBy / updatedBy. */
  apiMember(): CwMember {
    const m = this.fixture.apiMember;
    return { id: m.memberId ?? 1, identifier: m.memberIdentifier ?? 'APIMember', name: m.memberName ?? 'API Member' };
  }

  /** The person a UI edit is attributed to. */
  person(): CwMember {
    const api = this.apiMember();
    return this.fixture.members?.find((m) => m.identifier !== api.identifier) ?? { id: 2, identifier: 'admin', name: 'Admin' };
  }

  private stamp(r: Rec, by: string, created: boolean): void {
    const at = cwDate(this.now());
    const info = (typeof r._info === 'object' && r._info !== null ? r._info : {}) as Rec;
    info.lastUpdated = at;
    info.updatedBy = by;
    if (created) {
      info.dateEntered = at;
      info.enteredBy = by;
    }
    r._info = info;
  }

  // ------------------------------------------------------------ fixture records (no API rules)

  /** Adds a record as a person would in the UI: fixture form, no API validation. Relative times resolve against now. */
  insert(entity: CwEntity, raw: CwRecord): Rec {
    return this.insertAt(entity, raw, this.now(), this.person().identifier);
  }

  /** A person edits a record in the UI: fields set as given (fixture form), no API rules. */
  update(entity: CwEntity, id: number, fields: CwRecord): Rec {
    const r = this.find(entity, id);
    if (!r) throw new Error(`no ${entity} record ${id}`);
    const normal = this.normalize(entity, fields, this.now(), `${entity} ${id}`);
    delete normal.id;
    // Custom fields given as {caption: value} change those fields only, as an edit in the UI does.
    if (Array.isArray(normal.customFields) && typeof fields.customFields === 'object' && fields.customFields !== null && !Array.isArray(fields.customFields)) {
      const changed = normal.customFields as Rec[];
      const kept = ((r.customFields as Rec[] | null) ?? []).filter((v) => !changed.some((c) => c.id === v.id));
      normal.customFields = [...kept, ...changed];
    }
    Object.assign(r, normal);
    if (entity === 'tickets' && ('status' in fields || 'board' in fields)) this.applyClosed(r, this.person().identifier, 'status' in fields);
    this.stamp(r, this.person().identifier, false);
    return r;
  }

  private insertAt(entity: CwEntity, raw: CwRecord, start: Date, by: string): Rec {
    const where = `${entity}${raw.id !== undefined ? ` ${String(raw.id)}` : ''}`;
    const r = this.normalize(entity, raw, start, where);
    for (const f of Object.keys(FIELDS[entity])) if (!(f in r)) r[f] = FIELDS[entity][f] === 'custom' || (typeof FIELDS[entity][f] === 'object' && 'refs' in (FIELDS[entity][f] as object)) ? [] : null;
    r.id = typeof raw.id === 'number' ? raw.id : this.allocateId(entity);
    if (this.find(entity, r.id)) throw new Error(`fixture ${entity}: duplicate id ${String(r.id)}`);
    const at = cwDate(start);
    const info = (raw._info ?? {}) as Rec;
    r._info = {
      lastUpdated: typeof info.lastUpdated === 'string' ? this.fixtureTime(info.lastUpdated, start, `${where}._info.lastUpdated`) : at,
      updatedBy: typeof info.updatedBy === 'string' ? info.updatedBy : by,
      dateEntered: typeof info.dateEntered === 'string' ? this.fixtureTime(info.dateEntered, start, `${where}._info.dateEntered`) : at,
      enteredBy: typeof info.enteredBy === 'string' ? info.enteredBy : by,
    };
    this.fixtureDefaults(entity, r);
    this.table(entity).push(r);
    this.nextIds.delete(entity);
    return r;
  }

  private fixtureTime(value: string, start: Date, where: string): string {
    const d = resolveTime(value, start);
    if (!d) throw new Error(`fixture ${where}: "${value}" is neither an ISO time nor a relative one (now-2d, startOfYear+1y-1d …)`);
    return cwDate(d);
  }

  /** Fixture form → stored form: known fields only, times resolved, references `{id}` (or a bare id) expanded. */
  private normalize(entity: CwEntity, raw: CwRecord, start: Date, where: string): Rec {
    const out: Rec = {};
    for (const [key, value] of Object.entries(raw)) {
      if (key === '_info') continue;
      const kind = FIELDS[entity][key];
      if (kind === undefined) throw new Error(`fixture ${where}: unknown field ${key}`);
      if (value === null || value === undefined) {
        out[key] = kind === 'custom' ? [] : null;
        continue;
      }
      if (kind === 'date') out[key] = typeof value === 'string' ? this.fixtureTime(value, start, `${where}.${key}`) : value;
      else if (kind === 'custom') out[key] = this.customFieldsFrom(value, where);
      else if (typeof kind === 'object' && 'ref' in kind) out[key] = this.storedRef(kind.ref, value);
      else if (typeof kind === 'object' && 'refs' in kind) {
        if (!Array.isArray(value)) throw new Error(`fixture ${where}: ${key} is a list`);
        out[key] = value.map((v) => this.storedRef(kind.refs, v));
      } else out[key] = value;
    }
    return out;
  }

  private storedRef(entity: CwEntity, value: unknown): Rec {
    const id = typeof value === 'number' ? value : typeof value === 'object' && value !== null ? (value as Rec).id : undefined;
    if (typeof id !== 'number') return value as Rec;
    const target = this.find(entity, id);
    return target ? this.reference(entity, target) : { id };
  }

  private customFieldsFrom(value: unknown, where: string): Rec[] {
    const entries: Array<[CwCustomFieldDefinition, unknown]> = [];
    if (Array.isArray(value)) {
      for (const v of value as Rec[]) {
        const def = this.customFieldDefinitions.find((d) => d.id === v.id || (typeof v.caption === 'string' && d.caption.toLowerCase() === v.caption.toLowerCase()));
        if (!def) throw new Error(`fixture ${where}: custom field ${JSON.stringify(v.caption ?? v.id)} is not defined (customFieldDefinitions)`);
        entries.push([def, v.value ?? null]);
      }
    } else if (typeof value === 'object' && value !== null) {
      for (const [caption, v] of Object.entries(value)) {
        const def = this.customFieldDefinitions.find((d) => d.caption.toLowerCase() === caption.toLowerCase());
        if (!def) throw new Error(`fixture ${where}: custom field "${caption}" is not defined (customFieldDefinitions)`);
        entries.push([def, v ?? null]);
      }
    }
    return entries.map(([def, v]) => ({ id: def.id, value: v }));
  }

  /** Values ConnectWise fills in itself. */
  private fixtureDefaults(entity: CwEntity, r: Rec): void {
    switch (entity) {
      case 'companies':
        r.deletedFlag ??= false;
        r.leadFlag ??= false;
        r.isVendorFlag ??= false;
        r.identifier ??= String(r.name ?? `Company${String(r.id)}`).replace(/[^A-Za-z0-9]/g, '').slice(0, 25);
        r.status ??= this.defaultOf('companyStatuses');
        break;
      case 'agreements':
        r.cancelledFlag ??= false;
        r.noEndingDateFlag ??= false;
        r.prorateFlag ??= false;
        break;
      case 'catalog':
        r.inactiveFlag ??= false;
        r.productClass ??= 'NonInventory';
        r.recurringFlag ??= false;
        r.serializedFlag ??= false;
        r.taxableFlag ??= false;
        break;
      case 'additions':
        this.additionDefaults(r);
        break;
      case 'boards':
        r.inactiveFlag ??= false;
        r.projectFlag ??= false;
        break;
      case 'statuses':
        r.inactive ??= false;
        r.closedStatus ??= false;
        r.defaultFlag ??= false;
        r.displayOnBoard ??= true;
        r.timeEntryNotAllowed ??= false;
        r.sortOrder ??= 0;
        r.escalationStatus ??= r.closedStatus ? 'Resolved' : 'NoEscalation';
        break;
      case 'types':
      case 'subtypes':
      case 'items':
        r.inactiveFlag ??= false;
        if (entity === 'types') r.category ??= 'Reactive';
        if (entity === 'types') r.defaultFlag ??= false;
        if (entity === 'subtypes') {
          r.typeAssociationIds ??= [];
          r.addAllTypesFlag ??= false;
        }
        break;
      case 'priorities':
        r.defaultFlag ??= false;
        break;
      case 'sources':
        r.defaultFlag ??= false;
        break;
      case 'tickets':
        r.recordType ??= 'ServiceTicket';
        r.severity ??= 'Medium';
        r.impact ??= 'Medium';
        r.customerUpdatedFlag ??= false;
        r.hasChildTicket ??= false;
        if (r.closedFlag === null) {
          const status = this.find('statuses', (r.status as Rec | null)?.id);
          r.closedFlag = status?.closedStatus === true;
          if (r.closedFlag) {
            r.closedDate ??= (r._info as Rec).lastUpdated;
            r.closedBy ??= this.person().identifier;
          }
        }
        break;
      case 'notes':
        r.detailDescriptionFlag ??= false;
        r.internalAnalysisFlag ??= false;
        r.resolutionFlag ??= false;
        r.issueFlag ??= false;
        r.internalFlag ??= r.internalAnalysisFlag === true;
        r.externalFlag ??= r.internalAnalysisFlag !== true;
        r.customerUpdatedFlag ??= false;
        r.processNotifications ??= false;
        r.dateCreated ??= (r._info as Rec).dateEntered;
        r.createdBy ??= (r._info as Rec).enteredBy;
        if (r.member === null) {
          const by = [this.apiMember(), ...(this.fixture.members ?? [])].find((m) => m.identifier === r.createdBy);
          if (by) r.member = { id: by.id, identifier: by.identifier, name: by.name };
        }
        break;
      default:
        break;
    }
  }

  private defaultOf(entity: 'companyStatuses' | 'priorities' | 'sources'): Rec | null {
    const hit = this.table(entity).find((r) => r.defaultFlag === true);
    return hit ? this.reference(entity, hit) : null;
  }

  // ------------------------------------------------------------ rendering

  /** A reference object to a record, as ConnectWise nests them. */
  reference(entity: CwEntity, r: Rec): Rec {
    switch (entity) {
      case 'companies':
        return { id: r.id, identifier: r.identifier, name: r.name };
      case 'catalog':
        return { id: r.id, identifier: r.identifier };
      case 'statuses':
        return { id: r.id, name: r.name, sort: r.sortOrder };
      case 'priorities':
        return { id: r.id, name: r.name, sort: r.sortOrder, level: r.level };
      default:
        return { id: r.id, name: r.name };
    }
  }

  private renderRef(entity: CwEntity, value: unknown): unknown {
    if (typeof value !== 'object' || value === null) return value ?? null;
    const target = this.find(entity, (value as Rec).id);
    return target ? this.reference(entity, target) : value;
  }

  /** A record as the API answers it: every field, references with current names, derived statuses. */
  render(entity: CwEntity, r: Rec): Rec {
    const out: Rec = {};
    for (const [field, kind] of Object.entries(FIELDS[entity])) {
      const value = r[field];
      const target = refEntity(kind);
      if (kind === 'custom') out[field] = this.renderCustomFields(value);
      else if (target && typeof kind === 'object' && 'refs' in kind) out[field] = Array.isArray(value) ? value.map((v) => this.renderRef(target, v)) : [];
      else if (target) out[field] = this.renderRef(target, value);
      else out[field] = value === undefined ? null : structuredClone(value);
    }
    if (entity === 'agreements') out.agreementStatus = this.agreementStatus(r);
    if (entity === 'additions') out.agreementStatus = this.additionStatus(r);
    out._info = structuredClone(r._info ?? {});
    return out;
  }

  /** A record of the entity with every field unset: what conditions and orderBy are checked against. */
  sample(entity: CwEntity): Rec {
    const out: Rec = {};
    for (const [field, kind] of Object.entries(FIELDS[entity])) out[field] = kind === 'custom' || kind === 'array' || (typeof kind === 'object' && 'refs' in kind) ? [] : null;
    out._info = { lastUpdated: null, updatedBy: null, dateEntered: null, enteredBy: null };
    return out;
  }

  private renderCustomFields(value: unknown): Rec[] {
    const values = new Map<number, unknown>();
    if (Array.isArray(value)) for (const v of value as Rec[]) values.set(Number(v.id), v.value ?? null);
    return this.customFieldDefinitions.map((d) => ({
      id: d.id,
      caption: d.caption,
      type: d.type,
      entryMethod: d.entryMethod,
      numberOfDecimals: d.numberOfDecimals,
      value: values.has(d.id) ? values.get(d.id) : null,
    }));
  }

  removeCustomFieldDefinition(caption: string): void {
    const def = this.customFieldDefinitions.find((d) => d.caption.toLowerCase() === caption.toLowerCase());
    if (!def) throw new Error(`no custom field "${caption}"`);
    this.customFieldDefinitions = this.customFieldDefinitions.filter((d) => d !== def);
    for (const c of this.table('companies')) c.customFields = (c.customFields as Rec[]).filter((v) => v.id !== def.id);
  }

  private today(): string {
    return cwDate(this.now()).slice(0, 10);
  }

  /**
   * Active, Cancelled, Expired or Inactive. Derived from the flags and dates (UNCONFIRMED how
   * ConnectWise derives it); a stored "Inactive" (set in the UI) stays.
   */
  agreementStatus(a: Rec): string {
    if (a.cancelledFlag === true) return 'Cancelled';
    if (a.noEndingDateFlag !== true && typeof a.endDate === 'string' && a.endDate.slice(0, 10) < this.today()) return 'Expired';
    if (a.agreementStatus === 'Inactive') return 'Inactive';
    return 'Active';
  }

  private additionStatus(addition: Rec): string {
    if (typeof addition.cancelledDate === 'string' && addition.cancelledDate.slice(0, 10) <= this.today()) return 'Cancelled';
    const agreement = this.find('agreements', addition.agreementId);
    return agreement ? this.agreementStatus(agreement) : 'Active';
  }

  // ------------------------------------------------------------ API writes: input checks

  /** A date field of a request: "YYYY-MM-DD" or an ISO datetime; stored as YYYY-MM-DDTHH:MM:SSZ. */
  private dateInput(entity: CwEntity, field: string, value: unknown, errors: CwErrorItem[]): string | null {
    if (value === null || value === undefined || value === '') return null;
    if (typeof value === 'string' && /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?([zZ]|[+-]\d{2}:?\d{2})?)?$/.test(value)) {
      const ms = Date.parse(/T/.test(value) && !/([zZ]|[+-]\d{2}:?\d{2})$/.test(value) ? `${value}Z` : value);
      if (!Number.isNaN(ms)) return cwDate(new Date(ms));
    }
    errors.push(fieldError(entity, field, INVALID_FIELD, `${field} must be a date (YYYY-MM-DDTHH:MM:SSZ).`));
    return null;
  }

  private stringInput(entity: CwEntity, field: string, value: unknown, errors: CwErrorItem[]): string | null {
    if (value === null || value === undefined) return null;
    if (typeof value !== 'string') {
      errors.push(fieldError(entity, field, INVALID_FIELD, `${field} must be a string.`));
      return null;
    }
    const max = MAX_LENGTH[entity]?.[field];
    if (max !== undefined && value.length > max) {
      errors.push(fieldError(entity, field, INVALID_FIELD, `${field} must be at most ${max} characters long.`));
      return null;
    }
    return value;
  }

  private numberInput(entity: CwEntity, field: string, value: unknown, errors: CwErrorItem[]): number | null {
    if (value === null || value === undefined) return null;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      errors.push(fieldError(entity, field, INVALID_FIELD, `${field} must be a number.`));
      return null;
    }
    return value;
  }

  private boolInput(entity: CwEntity, field: string, value: unknown, errors: CwErrorItem[]): boolean | null {
    if (value === null || value === undefined) return null;
    if (typeof value !== 'boolean') {
      errors.push(fieldError(entity, field, INVALID_FIELD, `${field} must be true or false.`));
      return null;
    }
    return value;
  }

  private enumInput(entity: CwEntity, field: string, value: unknown, allowed: string[], errors: CwErrorItem[]): string | null {
    if (value === null || value === undefined) return null;
    const hit = typeof value === 'string' ? allowed.find((a) => a.toLowerCase() === value.toLowerCase()) : undefined;
    if (!hit) {
      errors.push(fieldError(entity, field, INVALID_FIELD, `${field} must be one of ${allowed.join(', ')}.`));
      return null;
    }
    return hit;
  }

  /**
   * A reference in a request: `{id}`; a company also by `{identifier}`, a product by
   * `{identifier}` (UNCONFIRMED for products). Returns the record, or null (with an error when
   * it was given but is unusable).
   */
  private refInput(entity: CwEntity, field: string, target: CwEntity, value: unknown, errors: CwErrorItem[]): Rec | null {
    if (value === null || value === undefined) return null;
    if (typeof value !== 'object' || Array.isArray(value)) {
      errors.push(fieldError(entity, field, INVALID_FIELD, `${field} must be a reference object such as {"id": 1}.`));
      return null;
    }
    const v = value as Rec;
    let hit: Rec | undefined;
    if (typeof v.id === 'number') hit = this.find(target, v.id);
    else if ((target === 'companies' || target === 'catalog') && typeof v.identifier === 'string') {
      hit = this.table(target).find((r) => String(r.identifier).toLowerCase() === String(v.identifier).toLowerCase());
    } else {
      errors.push(fieldError(entity, field, INVALID_FIELD, `${field} needs an id.`));
      return null;
    }
    if (!hit) {
      errors.push(fieldError(entity, field, INVALID_FIELD, `${field} ${JSON.stringify(v.id ?? v.identifier)} was not found.`));
      return null;
    }
    return hit;
  }

  private required(entity: CwEntity, field: string, value: unknown, errors: CwErrorItem[]): void {
    if (value === null || value === undefined || value === '') errors.push(fieldError(entity, field, 'MissingRequiredField', `${field} is required.`));
  }

  // ------------------------------------------------------------ JSON Patch

  /**
   * Applies a JSON Patch array to a copy of the record's writable fields (FIXTURE.md › PATCH).
   * A path into a reference ("status/id") is ConnectWise's documented false success: that
   * operation changes nothing. A read-only field is ignored; an unknown one (paths are
   * case-sensitive) is refused (UNCONFIRMED).
   */
  private patched(entity: CwEntity, current: Rec, body: unknown): Rec {
    if (!Array.isArray(body)) throw new CwFault(400, 'InvalidObject', 'A PATCH body is a JSON array of operations: [{"op":"replace","path":"summary","value":"…"}]');
    const next: Rec = structuredClone(current);
    const errors: CwErrorItem[] = [];
    for (const raw of body as unknown[]) {
      const op = raw as PatchOperation;
      if (typeof raw !== 'object' || raw === null || typeof op.op !== 'string' || typeof op.path !== 'string') {
        throw new CwFault(400, 'InvalidObject', 'Each PATCH operation needs "op" and "path".');
      }
      const kind = op.op.toLowerCase();
      if (!['add', 'replace', 'remove'].includes(kind)) throw new CwFault(400, 'InvalidObject', `PATCH op "${op.op}" is not add, replace or remove.`);
      const path = op.path.replace(/^\//, '');
      const [head, ...rest] = path.split('/');
      const fieldKind = FIELDS[entity][head!];
      if (fieldKind === undefined) {
        errors.push(fieldError(entity, path, INVALID_FIELD, `${path} is not a field of ${RESOURCE[entity]} (paths are case-sensitive).`));
        continue;
      }
      if (rest.length > 0) {
        // References are replaced whole; ConnectWise answers 200 to "status/id" and changes nothing.
        continue;
      }
      if (!WRITABLE[entity]?.has(head!)) continue;
      next[head!] = kind === 'remove' ? null : structuredClone(op.value);
    }
    if (errors.length) throw invalid(entity, errors);
    return next;
  }

  // ------------------------------------------------------------ companies

  patchCompany(id: number, body: unknown): Rec {
    const company = this.need('companies', id);
    const next = this.patched('companies', this.render('companies', company), body);
    const errors: CwErrorItem[] = [];
    const out: Rec = {};
    for (const f of ['identifier', 'name', 'addressLine1', 'addressLine2', 'city', 'state', 'zip', 'phoneNumber', 'website']) out[f] = this.stringInput('companies', f, next[f], errors);
    this.required('companies', 'identifier', next.identifier, errors);
    this.required('companies', 'name', next.name, errors);
    if (typeof out.identifier === 'string' && this.table('companies').some((c) => c.id !== id && String(c.identifier).toLowerCase() === String(out.identifier).toLowerCase())) {
      errors.push(fieldError('companies', 'identifier', 'ObjectExists', `The identifier ${String(out.identifier)} is already in use.`));
    }
    const status = this.refInput('companies', 'status', 'companyStatuses', next.status, errors);
    this.required('companies', 'status', next.status, errors);
    out.customFields = this.customFieldsInput(next.customFields, errors);
    if (errors.length) throw invalid('companies', errors);
    Object.assign(company, out);
    if (status) company.status = this.reference('companyStatuses', status);
    this.stamp(company, this.apiMember().identifier, false);
    return company;
  }

  /**
   * customFields in a write: the whole array (ConnectWise's rule); each entry names its field
   * by id. A field left out of the array is cleared (UNCONFIRMED: the array replaces them all).
   */
  private customFieldsInput(value: unknown, errors: CwErrorItem[]): Rec[] {
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value)) {
      errors.push(fieldError('companies', 'customFields', INVALID_FIELD, 'customFields must be an array of {id, value}.'));
      return [];
    }
    const out: Rec[] = [];
    for (const entry of value as Rec[]) {
      const def = this.customFieldDefinitions.find((d) => d.id === entry?.id);
      if (!def) {
        errors.push(fieldError('companies', 'customFields', INVALID_FIELD, `Custom field id ${JSON.stringify(entry?.id)} does not exist.`));
        continue;
      }
      const v = entry.value ?? null;
      const ok =
        v === null ||
        (def.type === 'Checkbox' ? typeof v === 'boolean' : ['Number', 'Currency', 'Percent'].includes(def.type) ? typeof v === 'number' : typeof v === 'string');
      if (!ok) {
        errors.push(fieldError('companies', 'customFields', INVALID_FIELD, `Custom field "${def.caption}" (${def.type}) cannot hold ${JSON.stringify(v)}.`));
        continue;
      }
      out.push({ id: def.id, value: v });
    }
    return out;
  }

  // ------------------------------------------------------------ agreement additions

  private additionDefaults(r: Rec): void {
    const product = this.find('catalog', (r.product as Rec | null)?.id);
    r.quantity ??= 1;
    r.lessIncluded ??= 0;
    r.unitPrice ??= (product?.price as number | undefined) ?? 0;
    r.unitCost ??= (product?.cost as number | undefined) ?? 0;
    r.billCustomer ??= 'Billable';
    r.taxableFlag ??= (product?.taxableFlag as boolean | undefined) ?? false;
    r.purchaseItemFlag ??= false;
    r.specialOrderFlag ??= false;
    r.description ??= (product?.description as string | undefined) ?? null;
    r.invoiceDescription ??= (product?.customerDescription as string | undefined) ?? r.description;
    r.uom ??= 'Each';
    r.prorateCurrentPeriodFlag ??= false;
    if (r.sequenceNumber === null || r.sequenceNumber === undefined) {
      const siblings = this.table('additions').filter((a) => a.agreementId === r.agreementId && a !== r);
      r.sequenceNumber = Math.max(0, ...siblings.map((a) => Number(a.sequenceNumber) || 0)) + 1;
    }
    this.additionAmounts(r);
  }

  private additionAmounts(r: Rec): void {
    const round = (n: number) => Math.round(n * 100) / 100;
    const q = Number(r.quantity) || 0;
    r.billedQuantity = Math.max(0, q - (Number(r.lessIncluded) || 0));
    r.extPrice = round((r.billedQuantity as number) * (Number(r.unitPrice) || 0));
    r.extCost = round((r.billedQuantity as number) * (Number(r.unitCost) || 0));
    r.margin = round((r.extPrice as number) - (r.extCost as number));
    r.prorateCost ??= 0;
    r.proratePrice ??= 0;
    r.extendedProrateCost ??= 0;
    r.extendedProratePrice ??= 0;
  }

  /** The addition's writable fields from a request (POST, PUT, or a patched copy). */
  private additionInput(agreement: Rec, input: Rec, previous: Rec | null): Rec {
    const errors: CwErrorItem[] = [];
    const e = 'additions' as const;
    this.required(e, 'product', input.product, errors);
    this.required(e, 'billCustomer', input.billCustomer, errors);
    const product = this.refInput(e, 'product', 'catalog', input.product, errors);
    // UNCONFIRMED: an inactive product or a bundle cannot be added (bundles per the vendor's KB).
    if (product && product.inactiveFlag === true && (previous === null || (previous.product as Rec).id !== product.id)) {
      errors.push(fieldError(e, 'product', INVALID_FIELD, `Product ${String(product.identifier)} is inactive.`));
    }
    if (product && product.productClass === 'Bundle') errors.push(fieldError(e, 'product', INVALID_FIELD, `Product ${String(product.identifier)} is a bundle; bundles cannot be agreement additions.`));
    const out: Rec = {
      billCustomer: this.enumInput(e, 'billCustomer', input.billCustomer, ['Billable', 'DoNotBill', 'NoCharge'], errors),
      quantity: this.numberInput(e, 'quantity', input.quantity, errors),
      lessIncluded: this.numberInput(e, 'lessIncluded', input.lessIncluded, errors),
      unitPrice: this.numberInput(e, 'unitPrice', input.unitPrice, errors),
      unitCost: this.numberInput(e, 'unitCost', input.unitCost, errors),
      effectiveDate: this.dateInput(e, 'effectiveDate', input.effectiveDate, errors),
      cancelledDate: this.dateInput(e, 'cancelledDate', input.cancelledDate, errors),
      taxableFlag: this.boolInput(e, 'taxableFlag', input.taxableFlag, errors),
      serialNumber: this.stringInput(e, 'serialNumber', input.serialNumber, errors),
      invoiceDescription: this.stringInput(e, 'invoiceDescription', input.invoiceDescription, errors),
      description: this.stringInput(e, 'description', input.description, errors),
      purchaseItemFlag: this.boolInput(e, 'purchaseItemFlag', input.purchaseItemFlag, errors),
      specialOrderFlag: this.boolInput(e, 'specialOrderFlag', input.specialOrderFlag, errors),
      uom: this.stringInput(e, 'uom', input.uom, errors),
      prorateCurrentPeriodFlag: this.boolInput(e, 'prorateCurrentPeriodFlag', input.prorateCurrentPeriodFlag, errors),
    };
    // UNCONFIRMED: a negative quantity is refused.
    if (typeof out.quantity === 'number' && out.quantity < 0) errors.push(fieldError(e, 'quantity', 'OutOfRange', 'quantity cannot be negative.'));
    if (typeof out.effectiveDate === 'string' && typeof out.cancelledDate === 'string' && out.cancelledDate < out.effectiveDate) {
      errors.push(fieldError(e, 'cancelledDate', 'OutOfRange', 'cancelledDate cannot be before effectiveDate.'));
    }
    if (errors.length) throw invalid(e, errors);
    out.product = product ? this.reference('catalog', product) : null;
    out.agreementId = agreement.id;
    // UNCONFIRMED: an addition without effectiveDate takes effect today.
    out.effectiveDate ??= `${this.today()}T00:00:00Z`;
    return out;
  }

  /**
   * A cancelled or expired agreement takes no new additions (UNCONFIRMED: assumed from the
   * UI, where such an agreement is closed for changes).
   */
  private agreementOpen(agreement: Rec): void {
    const status = this.agreementStatus(agreement);
    if (status === 'Cancelled' || status === 'Expired') {
      throw invalid('additions', [fieldError('additions', 'agreementId', INVALID_FIELD, `Agreement ${String(agreement.id)} is ${status.toLowerCase()}; it takes no new additions.`)]);
    }
  }

  createAddition(agreementId: number, body: unknown): Rec {
    const agreement = this.need('agreements', agreementId);
    const input = this.bodyObject('additions', body);
    const values = this.additionInput(agreement, input, null);
    this.agreementOpen(agreement);
    const r: Rec = { id: this.allocateId('additions') };
    for (const f of Object.keys(FIELDS.additions)) if (!(f in r)) r[f] = null;
    Object.assign(r, values);
    this.additionDefaults(r);
    this.stamp(r, this.apiMember().identifier, true);
    this.table('additions').push(r);
    return r;
  }

  /** PUT: the whole addition; fields left out go back to their defaults. */
  replaceAddition(agreementId: number, id: number, body: unknown): Rec {
    const agreement = this.need('agreements', agreementId);
    const addition = this.childOf('additions', id, (a) => a.agreementId === agreementId);
    const values = this.additionInput(agreement, this.bodyObject('additions', body), addition);
    for (const f of WRITABLE.additions!) addition[f] = null;
    for (const f of ['billedQuantity', 'extPrice', 'extCost', 'margin']) addition[f] = null;
    Object.assign(addition, values);
    const seq = addition.sequenceNumber;
    this.additionDefaults(addition);
    addition.sequenceNumber = seq;
    this.stamp(addition, this.apiMember().identifier, false);
    return addition;
  }

  patchAddition(agreementId: number, id: number, body: unknown): Rec {
    const agreement = this.need('agreements', agreementId);
    const addition = this.childOf('additions', id, (a) => a.agreementId === agreementId);
    const next = this.patched('additions', addition, body);
    const values = this.additionInput(agreement, next, addition);
    Object.assign(addition, values);
    this.additionDefaults(addition);
    this.stamp(addition, this.apiMember().identifier, false);
    return addition;
  }

  deleteAddition(agreementId: number, id: number): void {
    this.need('agreements', agreementId);
    const addition = this.childOf('additions', id, (a) => a.agreementId === agreementId);
    const table = this.table('additions');
    table.splice(table.indexOf(addition), 1);
  }

  /** A record under its parent (an addition of that agreement, a note of that ticket); 404 otherwise. */
  childOf(entity: CwEntity, id: number, parent: (r: Rec) => boolean): Rec {
    const r = this.find(entity, id);
    if (!r || !parent(r)) throw new CwFault(404, 'NotFound', `${LABEL[entity]} ID ${id} was not found.`);
    return r;
  }

  private bodyObject(entity: CwEntity, body: unknown): Rec {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new CwFault(400, 'InvalidObject', `The request body must be a ${RESOURCE[entity]} object.`);
    }
    return body as Rec;
  }

  // ------------------------------------------------------------ service tickets

  /** The board a ticket POSTed without one lands on (UNCONFIRMED which board ConnectWise picks). */
  private defaultBoard(): Rec | undefined {
    if (this.fixture.defaultBoardId !== undefined) return this.find('boards', this.fixture.defaultBoardId);
    return [...this.table('boards')].filter((b) => b.inactiveFlag !== true && b.projectFlag !== true).sort((a, b) => Number(a.id) - Number(b.id))[0];
  }

  private boardDefaultStatus(boardId: unknown): Rec | undefined {
    const statuses = this.table('statuses').filter((s) => (s.board as Rec | null)?.id === boardId && s.inactive !== true);
    return statuses.find((s) => s.defaultFlag === true) ?? [...statuses].sort((a, b) => Number(a.sortOrder) - Number(b.sortOrder))[0];
  }

  /** Checks a ticket's fields (a POST body, or the ticket with a PATCH applied); the stored form. */
  private ticketInput(input: Rec, creating: boolean): Rec {
    const e = 'tickets' as const;
    const errors: CwErrorItem[] = [];
    this.required(e, 'summary', typeof input.summary === 'string' ? input.summary.trim() : input.summary, errors);
    this.required(e, 'company', input.company, errors);
    const company = this.refInput(e, 'company', 'companies', input.company, errors);
    if (company?.deletedFlag === true) errors.push(fieldError(e, 'company', INVALID_FIELD, `Company ${String(company.identifier)} is deleted.`));
    const companyStatus = company ? this.find('companyStatuses', (company.status as Rec | null)?.id) : undefined;
    // A company whose status disallows saving takes no new records (CompanyStatus.disallowSavingFlag).
    if (company && companyStatus?.disallowSavingFlag === true && creating) {
      errors.push(fieldError(e, 'company', INVALID_FIELD, String(companyStatus.notificationMessage ?? `Company ${String(company.identifier)} has status ${String(companyStatus.name)}: saving is not allowed.`)));
    }
    let board = input.board === null || input.board === undefined ? (creating ? this.defaultBoard() ?? null : null) : this.refInput(e, 'board', 'boards', input.board, errors);
    if (!creating && (input.board === null || input.board === undefined)) this.required(e, 'board', input.board, errors);
    if (board && (board.inactiveFlag === true || board.projectFlag === true)) {
      errors.push(fieldError(e, 'board', INVALID_FIELD, `Board ${String(board.name)} is ${board.inactiveFlag === true ? 'inactive' : 'a project board'}.`));
      board = null;
    }
    const onBoard = (r: Rec | null, field: string, what: string): Rec | null => {
      if (!r || !board) return r;
      if ((r.board as Rec | null)?.id !== board.id) {
        errors.push(fieldError(e, field, INVALID_FIELD, `${what} ${String(r.name)} (id ${String(r.id)}) does not belong to board ${String(board.name)}.`));
        return null;
      }
      if (r.inactive === true || r.inactiveFlag === true) {
        errors.push(fieldError(e, field, INVALID_FIELD, `${what} ${String(r.name)} is inactive.`));
        return null;
      }
      return r;
    };
    let status = input.status === null || input.status === undefined ? null : onBoard(this.refInput(e, 'status', 'statuses', input.status, errors), 'status', 'Status');
    if (!status && (input.status === null || input.status === undefined) && board) status = this.boardDefaultStatus(board.id) ?? null;
    const type = onBoard(this.refInput(e, 'type', 'types', input.type, errors), 'type', 'Type');
    const subType = onBoard(this.refInput(e, 'subType', 'subtypes', input.subType, errors), 'subType', 'Subtype');
    const item = onBoard(this.refInput(e, 'item', 'items', input.item, errors), 'item', 'Item');
    if (subType && type && subType.addAllTypesFlag !== true) {
      const ids = (subType.typeAssociationIds as number[] | null) ?? [];
      if (ids.length > 0 && !ids.includes(type.id as number)) {
        errors.push(fieldError(e, 'subType', INVALID_FIELD, `Subtype ${String(subType.name)} is not associated with type ${String(type.name)}.`));
      }
    }
    const priority = input.priority === null || input.priority === undefined ? (creating ? this.find('priorities', this.defaultOf('priorities')?.id) ?? null : null) : this.refInput(e, 'priority', 'priorities', input.priority, errors);
    const source = input.source === null || input.source === undefined ? (creating ? this.find('sources', this.defaultOf('sources')?.id) ?? null : null) : this.refInput(e, 'source', 'sources', input.source, errors);
    const agreement = this.refInput(e, 'agreement', 'agreements', input.agreement, errors);
    const out: Rec = {
      summary: this.stringInput(e, 'summary', input.summary, errors),
      contactName: this.stringInput(e, 'contactName', input.contactName, errors),
      externalXRef: this.stringInput(e, 'externalXRef', input.externalXRef, errors),
      requiredDate: this.dateInput(e, 'requiredDate', input.requiredDate, errors),
      budgetHours: this.numberInput(e, 'budgetHours', input.budgetHours, errors),
      severity: this.enumInput(e, 'severity', input.severity ?? 'Medium', ['Low', 'Medium', 'High'], errors),
      impact: this.enumInput(e, 'impact', input.impact ?? 'Medium', ['Low', 'Medium', 'High'], errors),
      customerUpdatedFlag: this.boolInput(e, 'customerUpdatedFlag', input.customerUpdatedFlag ?? false, errors),
    };
    if (creating) {
      for (const f of ['initialDescription', 'initialInternalAnalysis', 'initialResolution']) {
        if (input[f] !== undefined && input[f] !== null && typeof input[f] !== 'string') errors.push(fieldError(e, f, INVALID_FIELD, `${f} must be a string.`));
      }
    }
    if (board && !status && errors.length === 0) errors.push(fieldError(e, 'status', INVALID_FIELD, `Board ${String(board.name)} has no active status to start a ticket with.`));
    if (errors.length) throw invalid(e, errors);
    out.company = this.reference('companies', company!);
    out.board = board ? this.reference('boards', board) : null;
    out.status = status ? this.reference('statuses', status) : null;
    out.type = type ? this.reference('types', type) : null;
    out.subType = subType ? this.reference('subtypes', subType) : null;
    out.item = item ? this.reference('items', item) : null;
    out.priority = priority ? this.reference('priorities', priority) : null;
    out.source = source ? this.reference('sources', source) : null;
    out.agreement = agreement ? this.reference('agreements', agreement) : null;
    return out;
  }

  /** closedFlag, closedDate and closedBy follow the status: a closed status of the board closes the ticket. */
  private applyClosed(ticket: Rec, by: string, statusChanged: boolean): void {
    const status = this.find('statuses', (ticket.status as Rec | null)?.id);
    const closed = status?.closedStatus === true;
    if (closed && (ticket.closedFlag !== true || statusChanged)) {
      if (ticket.closedFlag !== true) {
        ticket.closedDate = cwDate(this.now());
        ticket.closedBy = by;
      }
      ticket.closedFlag = true;
    } else if (!closed) {
      ticket.closedFlag = false;
      ticket.closedDate = null;
      ticket.closedBy = null;
    }
  }

  createTicket(body: unknown): Rec {
    const input = this.bodyObject('tickets', body);
    const values = this.ticketInput(input, true);
    const by = this.apiMember().identifier;
    const ticket: Rec = { id: this.allocateId('tickets') };
    for (const f of Object.keys(FIELDS.tickets)) if (!(f in ticket)) ticket[f] = null;
    Object.assign(ticket, values, { recordType: 'ServiceTicket', hasChildTicket: false, closedFlag: false });
    this.stamp(ticket, by, true);
    this.applyClosed(ticket, by, true);
    this.table('tickets').push(ticket);
    // The initial texts are not returned on the ticket: they become its first notes.
    const initial: Array<[string, string]> = [
      ['initialDescription', 'detailDescriptionFlag'],
      ['initialInternalAnalysis', 'internalAnalysisFlag'],
      ['initialResolution', 'resolutionFlag'],
    ];
    for (const [field, flag] of initial) {
      const text = input[field];
      if (typeof text === 'string' && text.trim() !== '') this.storeNote(ticket.id as number, { text, [flag]: true }, by);
    }
    return ticket;
  }

  patchTicket(id: number, body: unknown): Rec {
    const ticket = this.need('tickets', id);
    const next = this.patched('tickets', ticket, body);
    const values = this.ticketInput(next, false);
    const statusChanged = (values.status as Rec | null)?.id !== (ticket.status as Rec | null)?.id;
    Object.assign(ticket, values);
    const by = this.apiMember().identifier;
    this.applyClosed(ticket, by, statusChanged);
    this.stamp(ticket, by, false);
    return ticket;
  }

  /** A person closes the ticket in the UI: a closed status of its board (the named one, or the first closed one). */
  closeTicket(id: number, statusName?: string): Rec {
    const ticket = this.find('tickets', id);
    if (!ticket) throw new Error(`no ticket ${id}`);
    const boardId = (ticket.board as Rec | null)?.id;
    const statuses = this.table('statuses')
      .filter((s) => (s.board as Rec | null)?.id === boardId)
      .sort((a, b) => Number(a.sortOrder) - Number(b.sortOrder));
    const status = statusName
      ? statuses.find((s) => String(s.name).toLowerCase() === statusName.toLowerCase())
      : statuses.find((s) => s.closedStatus === true && s.inactive !== true);
    if (!status) throw new Error(statusName ? `board ${String(boardId)} has no status "${statusName}"` : `board ${String(boardId)} has no closed status`);
    const by = this.person().identifier;
    ticket.status = this.reference('statuses', status);
    this.applyClosed(ticket, by, true);
    this.stamp(ticket, by, false);
    return ticket;
  }

  // ------------------------------------------------------------ notes

  createNote(ticketId: number, body: unknown): Rec {
    this.need('tickets', ticketId);
    const input = this.bodyObject('notes', body);
    const e = 'notes' as const;
    const errors: CwErrorItem[] = [];
    this.required(e, 'text', typeof input.text === 'string' ? input.text.trim() : input.text, errors);
    if (input.text !== undefined && input.text !== null && typeof input.text !== 'string') errors.push(fieldError(e, 'text', INVALID_FIELD, 'text must be a string.'));
    const flags: Rec = {};
    for (const f of ['detailDescriptionFlag', 'internalAnalysisFlag', 'resolutionFlag', 'issueFlag', 'internalFlag', 'externalFlag', 'customerUpdatedFlag', 'processNotifications']) {
      flags[f] = this.boolInput(e, f, input[f], errors);
    }
    // UNCONFIRMED: a note must be a detail, internal analysis or resolution note.
    if (flags.detailDescriptionFlag !== true && flags.internalAnalysisFlag !== true && flags.resolutionFlag !== true) {
      errors.push(fieldError(e, 'detailDescriptionFlag', 'MissingRequiredField', 'One of detailDescriptionFlag, internalAnalysisFlag or resolutionFlag must be true.'));
    }
    if (errors.length) throw invalid(e, errors);
    return this.storeNote(ticketId, { ...flags, text: input.text }, this.apiMember().identifier);
  }

  private storeNote(ticketId: number, values: Rec, by: string): Rec {
    const member = by === this.apiMember().identifier ? this.apiMember() : this.person();
    const note: Rec = { id: this.allocateId('notes') };
    for (const f of Object.keys(FIELDS.notes)) note[f] ??= null;
    for (const [k, v] of Object.entries(values)) if (v !== null && v !== undefined) note[k] = v;
    note.ticketId = ticketId;
    note.member = { id: member.id, identifier: member.identifier, name: member.name };
    this.stamp(note, by, true);
    note.dateCreated = (note._info as Rec).dateEntered;
    note.createdBy = by;
    note.detailDescriptionFlag ??= false;
    note.internalAnalysisFlag ??= false;
    note.resolutionFlag ??= false;
    note.issueFlag ??= false;
    note.internalFlag ??= note.internalAnalysisFlag === true;
    note.externalFlag ??= note.internalAnalysisFlag !== true;
    note.customerUpdatedFlag ??= false;
    note.processNotifications ??= true;
    this.table('notes').push(note);
    return note;
  }
}
