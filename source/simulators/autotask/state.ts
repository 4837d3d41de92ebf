// The simulated Autotask database: records per entity in wire form, picklists,
// UDF definitions, and the business rules of the entities kmsp writes to
// (connectors/autotask/README.md §4): ticket numbering and completion, contract services only on
// Recurring Service contracts, create-only adjustments that update
// ContractServiceUnits from the effective period on.
import { AutotaskFault, type Rec } from './queryEngine.js';
import { resolveTime, type AutotaskFixture, type FixtureContractService, type FixturePicklistValue, type FixtureRecord, type FixtureUdfDefinition } from './fixture.js';
import { addDays, contractPeriods, datePart, lastDayOf, type PeriodEnds } from './periods.js';
import { ENTITIES, entitySpec, fieldSpec, type EntitySpec, type FieldSpec } from './schema.js';

/** README §4.5: 1 New and 5 Complete are the same in every database. */
export const TICKET_STATUS_NEW = 1;
export const TICKET_STATUS_COMPLETE = 5;
/** README §4.2: 7 = Recurring Service. */
export const RECURRING_SERVICE = 7;
/** BillingCodes useType of work types (README §4.7: use type 1 = work types). */
export const USE_TYPE_WORK_TYPE = 1;

export interface SimPicklistValue {
  value: string;
  label: string;
  isDefaultValue: boolean;
  sortOrder: number;
  parentValue: string;
  isActive: boolean;
  isSystem: boolean;
}

export interface SimUdfDefinition {
  name: string;
  label: string;
  type: string;
  length: number;
  isRequired: boolean;
}

export interface WriteContext {
  /** The resource the write is attributed to (API user or impersonated resource). */
  resourceId: number | null;
}

const ID_BASE: Record<string, number> = {
  Companies: 29_683_500,
  Contracts: 29_684_100,
  Services: 29_684_600,
  ContractServices: 29_685_000,
  ContractServiceUnits: 29_686_000,
  ContractServiceAdjustments: 29_690_000,
  Tickets: 7_100,
  TicketNotes: 30_300_000,
  BillingCodes: 29_682_800,
  Resources: 29_682_880,
};

const FIXTURE_KEYS: Record<string, keyof AutotaskFixture> = {
  Companies: 'companies',
  Contracts: 'contracts',
  Services: 'services',
  BillingCodes: 'billingCodes',
  Resources: 'resources',
  Tickets: 'tickets',
  TicketNotes: 'ticketNotes',
};

/** Simulator-only keys a fixture record may carry besides wire fields. */
const SIM_KEYS = new Set(['postedThrough', 'periodsThrough']);

function iso(d: Date): string {
  return d.toISOString();
}

function spec(name: string): EntitySpec {
  const s = entitySpec(name);
  if (!s) throw new Error(`unknown entity ${name}`);
  return s;
}

export class AutotaskState {
  readonly tables = new Map<string, Rec[]>();
  readonly picklists = new Map<string, Map<string, SimPicklistValue[]>>();
  readonly udfDefinitions = new Map<string, SimUdfDefinition[]>();
  /** Contract id → last date of the approved and posted periods (sim-only). */
  readonly postedThrough = new Map<number, string>();
  /** Contract id → last start date of the periods that exist (sim-only: later periods "not created yet"). */
  readonly periodsThrough = new Map<number, string>();
  /** How ContractServiceUnits store endDate (fixture `periodEnds`). */
  readonly periodEnds: PeriodEnds;
  private readonly nextIds = new Map<string, number>();
  private readonly ticketSeq = new Map<string, number>();

  constructor(
    private readonly fixture: AutotaskFixture,
    readonly now: () => Date,
  ) {
    const start = now();
    this.periodEnds = fixture.periodEnds ?? 'last-day';
    for (const e of ENTITIES) this.tables.set(e.name, []);
    for (const [entity, fields] of Object.entries(fixture.picklists ?? {})) {
      const map = new Map<string, SimPicklistValue[]>();
      for (const [field, values] of Object.entries(fields)) map.set(field.toLowerCase(), values.map((v, i) => this.picklistValue(v, i)));
      this.picklists.set(entity.toLowerCase(), map);
    }
    for (const [entity, defs] of Object.entries(fixture.userDefinedFields ?? {})) {
      this.udfDefinitions.set(entity.toLowerCase(), defs.map((d) => this.udfDefinition(d)));
    }
    for (const [entity, key] of Object.entries(FIXTURE_KEYS)) {
      for (const raw of (fixture[key] as FixtureRecord[] | undefined) ?? []) this.insertFixtureRecord(entity, raw, start);
    }
    for (const cs of fixture.contractServices ?? []) this.seedContractService(cs);
  }

  /** Adds a record as a person would in the UI: fixture rules, no API validation. Relative times resolve against now. */
  insert(entityName: string, raw: FixtureRecord): Rec {
    return this.insertFixtureRecord(entityName, raw, this.now());
  }

  /** A contract service with `units` in every period (fixture `contractServices` entries). */
  seedContractService(cs: FixtureContractService): Rec {
    const contract = this.find('Contracts', cs.contractID);
    if (!contract) throw new Error(`contractServices: contract ${cs.contractID} does not exist`);
    const service = this.find('Services', cs.serviceID);
    if (!service) throw new Error(`contractServices: service ${cs.serviceID} does not exist`);
    if (this.table('ContractServices').some((r) => r.contractID === contract.id && r.serviceID === service.id)) {
      throw new Error(`contractServices: service ${cs.serviceID} is already on contract ${cs.contractID}`);
    }
    const row = this.attachService(contract, service, { unitPrice: cs.unitPrice, unitCost: cs.unitCost });
    if (cs.units) for (const unit of this.unitsOf(row)) this.setUnits(unit, cs.units, row);
    return row;
  }

  // ------------------------------------------------------------ basics

  table(entity: string): Rec[] {
    const t = this.tables.get(spec(entity).name);
    if (!t) throw new Error(`no table ${entity}`);
    return t;
  }

  find(entity: string, id: unknown): Rec | undefined {
    const n = typeof id === 'string' && /^\d+$/.test(id) ? Number(id) : id;
    return this.table(entity).find((r) => r.id === n);
  }

  allocateId(entity: string): number {
    const name = spec(entity).name;
    const next = this.nextIds.get(name) ?? Math.max(ID_BASE[name] ?? 1, ...this.table(name).map((r) => Number(r.id) + 1));
    this.nextIds.set(name, next + 1);
    return next;
  }

  /** A string field's length: the fixture's override (fieldLengths), else the schema's. */
  lengthOf(entity: EntitySpec, f: FieldSpec): number | null {
    const overrides = Object.entries(this.fixture.fieldLengths ?? {}).find(([e]) => e.toLowerCase() === entity.name.toLowerCase())?.[1];
    const hit = overrides && Object.entries(overrides).find(([name]) => name.toLowerCase() === f.name.toLowerCase());
    return hit ? hit[1] : f.length;
  }

  picklist(entity: string, field: string): SimPicklistValue[] | undefined {
    return this.picklists.get(entity.toLowerCase())?.get(field.toLowerCase());
  }

  udfs(entity: string): SimUdfDefinition[] {
    return this.udfDefinitions.get(entity.toLowerCase()) ?? [];
  }

  addUdfDefinition(entity: string, def: FixtureUdfDefinition): void {
    const list = this.udfs(entity).filter((d) => d.name.toLowerCase() !== def.name.toLowerCase());
    list.push(this.udfDefinition(def));
    this.udfDefinitions.set(entity.toLowerCase(), list);
    for (const r of this.table(entity)) {
      const values = r.userDefinedFields as Array<{ name: string; value: unknown }>;
      if (!values.some((u) => u.name === def.name)) values.push({ name: def.name, value: null });
    }
  }

  removeUdfDefinition(entity: string, name: string): void {
    this.udfDefinitions.set(
      entity.toLowerCase(),
      this.udfs(entity).filter((d) => d.name.toLowerCase() !== name.toLowerCase()),
    );
    for (const r of this.table(entity)) {
      r.userDefinedFields = (r.userDefinedFields as Array<{ name: string }>).filter((u) => u.name.toLowerCase() !== name.toLowerCase());
    }
  }

  private picklistValue(v: FixturePicklistValue, index: number): SimPicklistValue {
    return {
      value: String(v.value),
      label: v.label,
      isDefaultValue: v.isDefaultValue ?? false,
      sortOrder: v.sortOrder ?? index + 1,
      parentValue: v.parentValue === undefined ? '' : String(v.parentValue),
      isActive: v.isActive ?? true,
      isSystem: v.isSystem ?? false,
    };
  }

  private udfDefinition(d: FixtureUdfDefinition): SimUdfDefinition {
    return { name: d.name, label: d.label ?? d.name, type: d.type ?? 'string', length: d.length ?? 100, isRequired: d.isRequired ?? false };
  }

  private blank(entity: EntitySpec): Rec {
    const r: Rec = {};
    for (const f of entity.fields) r[f.name] = null;
    r.userDefinedFields = this.udfs(entity.name).map((d) => ({ name: d.name, value: null }));
    return r;
  }

  /** Fixture records are trusted but checked: unknown fields are fixture mistakes. */
  private insertFixtureRecord(entityName: string, raw: FixtureRecord, start: Date): Rec {
    const entity = spec(entityName);
    const r = this.blank(entity);
    for (const [k, v] of Object.entries(raw)) {
      if (SIM_KEYS.has(k)) continue;
      if (k === 'userDefinedFields') {
        this.applyUdfs(entity, r, v, true);
        continue;
      }
      const f = fieldSpec(entity, k);
      if (!f) throw new Error(`fixture ${entityName}: unknown field ${k}`);
      r[f.name] = f.type === 'datetime' && typeof v === 'string' ? this.fixtureTime(v, start, `${entityName}.${k}`) : v;
    }
    r.id = typeof raw.id === 'number' ? raw.id : this.allocateId(entityName);
    if (this.find(entityName, r.id)) throw new Error(`fixture ${entityName}: duplicate id ${String(r.id)}`);
    this.defaults(entity, r, start);
    if (entityName === 'Contracts' && typeof raw.postedThrough === 'string') {
      const through = datePart(this.fixtureTime(raw.postedThrough, start, 'Contracts.postedThrough'));
      if (through) this.postedThrough.set(r.id as number, through);
    }
    if (entityName === 'Contracts' && typeof raw.periodsThrough === 'string') {
      const through = datePart(this.fixtureTime(raw.periodsThrough, start, 'Contracts.periodsThrough'));
      if (through) this.periodsThrough.set(r.id as number, through);
    }
    this.table(entityName).push(r);
    this.nextIds.delete(entity.name);
    return r;
  }

  private fixtureTime(value: string, start: Date, where: string): string {
    const d = resolveTime(value, start);
    if (!d) throw new Error(`fixture ${where}: "${value}" is neither an ISO time nor a relative one (now-2d, startOfYear+1y-1d …)`);
    return iso(d);
  }

  /** Values Autotask fills in itself on create. */
  private defaults(entity: EntitySpec, r: Rec, at: Date): void {
    const now = iso(at);
    switch (entity.name) {
      case 'Companies':
        r.isActive ??= true;
        r.createDate ??= now;
        r.lastActivityDate ??= now;
        r.lastTrackedModifiedDateTime ??= now;
        break;
      case 'Services':
      case 'BillingCodes':
      case 'Resources':
        r.isActive ??= true;
        break;
      case 'Contracts':
        r.timeReportingRequiresStartAndStopTimes ??= 0;
        break;
      case 'Tickets':
        r.createDate ??= now;
        r.lastActivityDate ??= now;
        r.lastTrackedModificationDateTime ??= now;
        r.ticketNumber ??= this.ticketNumber(new Date(String(r.createDate)));
        if (r.status === TICKET_STATUS_COMPLETE) r.completedDate ??= now;
        break;
      case 'TicketNotes':
        r.createDateTime ??= now;
        r.lastActivityDate ??= now;
        break;
    }
  }

  /** Ticket numbers look like T20120604.0002 (README §4.5): date plus a per-day sequence. */
  private ticketNumber(created: Date): string {
    const day = iso(created).slice(0, 10).replace(/-/g, '');
    const seq = (this.ticketSeq.get(day) ?? 0) + 1;
    this.ticketSeq.set(day, seq);
    return `T${day}.${String(seq).padStart(4, '0')}`;
  }

  // ------------------------------------------------------------ writes

  private coerce(entity: EntitySpec, f: FieldSpec, value: unknown): unknown {
    if (value === null) return null;
    const bad = () => new AutotaskFault(`Invalid value for field ${f.name} of the ${entity.label} Entity: ${JSON.stringify(value)}`);
    switch (f.type) {
      case 'int':
      case 'long': {
        const n = typeof value === 'number' ? value : typeof value === 'string' && /^-?\d+$/.test(value.trim()) ? Number(value) : NaN;
        if (!Number.isInteger(n)) throw bad();
        return n;
      }
      case 'double': {
        const n = typeof value === 'number' ? value : typeof value === 'string' && value.trim() !== '' ? Number(value) : NaN;
        if (!Number.isFinite(n)) throw bad();
        return n;
      }
      case 'bool':
        if (typeof value !== 'boolean') throw bad();
        return value;
      case 'datetime': {
        // The API takes ISO datetimes; relative times ("now-2d") are a fixture convenience only.
        if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}/.test(value)) throw bad();
        const d = resolveTime(value, this.now());
        if (!d) throw bad();
        return iso(d);
      }
      case 'string': {
        if (typeof value !== 'string' && typeof value !== 'number') throw bad();
        const s = String(value);
        const length = this.lengthOf(entity, f);
        if (length !== null && s.length > length) {
          // UNCONFIRMED whether Autotask refuses or cuts: the fixture chooses (overlongStrings).
          if (this.fixture.overlongStrings === 'truncate') return s.slice(0, length);
          throw new AutotaskFault(`The value for field ${f.name} exceeds the maximum length of ${length} characters`);
        }
        return s;
      }
    }
  }

  private applyUdfs(entity: EntitySpec, r: Rec, value: unknown, fromFixture: boolean): void {
    const list = r.userDefinedFields as Array<{ name: string; value: unknown }>;
    let entries: Array<{ name: string; value: unknown }>;
    if (Array.isArray(value)) entries = value as Array<{ name: string; value: unknown }>;
    else if (fromFixture && value && typeof value === 'object') entries = Object.entries(value).map(([name, v]) => ({ name, value: v }));
    else throw new AutotaskFault('userDefinedFields must be an array of {name, value}');
    for (const entry of entries) {
      if (!entry || typeof entry.name !== 'string') throw new AutotaskFault('Each user-defined field needs a name');
      const def = this.udfs(entity.name).find((d) => d.name.toLowerCase() === entry.name.toLowerCase());
      if (!def) {
        if (fromFixture) throw new Error(`fixture ${entity.name}: UDF "${entry.name}" is not defined in userDefinedFields`);
        throw new AutotaskFault(`Unable to find ${entry.name} in the ${entity.label} Entity user-defined fields`);
      }
      const v = entry.value === null || entry.value === undefined ? null : String(entry.value);
      if (v !== null && v.length > def.length) throw new AutotaskFault(`The value for user-defined field ${def.name} exceeds the maximum length of ${def.length} characters`);
      const slot = list.find((u) => u.name === def.name);
      if (slot) slot.value = v;
      else list.push({ name: def.name, value: v });
    }
  }

  /**
   * Applies a create (POST), partial update (PATCH: only the fields sent) or replace
   * (PUT: writable fields left out become null, README §2.1) and checks the result.
   */
  write(entityName: string, body: unknown, mode: 'create' | 'patch' | 'put', ctx: WriteContext): Rec {
    const entity = spec(entityName);
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AutotaskFault('Value cannot be null.\r\nParameter name: restModelInput');
    const input = body as Rec;
    let existing: Rec | undefined;
    if (mode !== 'create') {
      const idKey = Object.keys(input).find((k) => k.toLowerCase() === 'id');
      // PATCH/PUT carry the id in the body, not in the URL (README §2.1).
      if (idKey === undefined || input[idKey] === null) throw new AutotaskFault(`An id is required to update a ${entity.label}`);
      existing = this.find(entityName, input[idKey]);
      if (!existing) throw new AutotaskFault(`No matching records found. The ${entity.label} with id ${String(input[idKey])} does not exist.`);
    }
    let next: Rec;
    if (mode === 'patch') next = structuredClone(existing!);
    else {
      next = this.blank(entity);
      if (mode === 'put') for (const f of entity.fields) if (f.readOnly) next[f.name] = existing![f.name];
      if (mode === 'put') next.userDefinedFields = structuredClone(existing!.userDefinedFields);
    }
    for (const [k, v] of Object.entries(input)) {
      if (k.toLowerCase() === 'userdefinedfields') {
        this.applyUdfs(entity, next, v, false);
        continue;
      }
      const f = fieldSpec(entity, k);
      if (!f) throw new AutotaskFault(`Unable to find ${k} in the ${entity.label} Entity`);
      if (f.readOnly) continue; // Autotask ignores read-only fields in writes
      next[f.name] = this.coerce(entity, f, v);
    }
    this.validate(entity, next, existing ?? null, mode);
    const at = this.now();
    if (mode === 'create') {
      next.id = this.allocateId(entityName);
      this.beforeCreate(entity, next, ctx, at);
      this.defaults(entity, next, at);
      this.table(entityName).push(next);
    } else {
      this.beforeUpdate(entity, next, existing!, ctx, at);
      Object.assign(existing!, next);
    }
    return mode === 'create' ? next : existing!;
  }

  private validate(entity: EntitySpec, r: Rec, before: Rec | null, mode: 'create' | 'patch' | 'put'): void {
    for (const f of entity.fields) {
      if (f.required && !f.readOnly && (r[f.name] === null || r[f.name] === '')) {
        if (mode !== 'patch' || before?.[f.name] !== r[f.name]) throw new AutotaskFault(`${f.name} is required for the ${entity.label} Entity`);
      }
      const value = r[f.name];
      if (value === null || value === undefined) continue;
      const changed = !before || before[f.name] !== value;
      if (f.picklist && changed) {
        const values = this.picklist(entity.name, f.name);
        if (values) {
          const hit = values.find((p) => p.value === String(value));
          if (!hit) throw new AutotaskFault(`The value ${String(value)} is not a valid ${f.name} for the ${entity.label} Entity`);
          if (!hit.isActive) throw new AutotaskFault(`The ${f.name} value ${String(value)} (${hit.label}) is inactive`);
          if (f.parentField) {
            const parent = r[f.parentField];
            if (hit.parentValue !== '' && String(parent) !== hit.parentValue) {
              throw new AutotaskFault(`The ${f.name} value ${String(value)} does not belong to ${f.parentField} ${String(parent)}`);
            }
          }
        }
      }
      if (f.reference && changed && this.tables.has(f.reference) && !this.find(f.reference, value)) {
        throw new AutotaskFault(`The ${f.name} ${String(value)} does not reference an existing ${spec(f.reference).label}`);
      }
    }
  }

  private beforeCreate(entity: EntitySpec, r: Rec, ctx: WriteContext, at: Date): void {
    if (entity.name === 'Tickets') {
      this.checkTicket(r);
      r.creatorResourceID = ctx.resourceId;
      // README §4.5: creatorType / lastActivityPersonType; 2 = API (UNCONFIRMED numbering).
      r.creatorType = 2;
      r.lastActivityPersonType = 2;
      r.lastActivityResourceID = ctx.resourceId;
      r.ticketNumber = this.ticketNumber(at);
      if (r.status === TICKET_STATUS_COMPLETE) {
        r.completedDate = iso(at);
        r.completedByResourceID = ctx.resourceId;
      }
    }
    if (entity.name === 'Companies') r.createdByResourceID = ctx.resourceId;
    if (entity.name === 'Contracts') this.checkContractDates(r);
  }

  private beforeUpdate(entity: EntitySpec, next: Rec, before: Rec, ctx: WriteContext, at: Date): void {
    if (entity.name === 'Tickets') {
      this.checkTicket(next);
      next.lastActivityDate = iso(at);
      next.lastTrackedModificationDateTime = iso(at);
      next.lastActivityResourceID = ctx.resourceId;
      next.lastActivityPersonType = 2;
      if (next.status === TICKET_STATUS_COMPLETE && before.status !== TICKET_STATUS_COMPLETE) {
        // README §4.5: the server sets completedDate.
        next.completedDate = iso(at);
        next.completedByResourceID = ctx.resourceId;
      } else if (next.status !== TICKET_STATUS_COMPLETE) {
        next.completedDate = null;
        next.completedByResourceID = null;
      }
    }
    if (entity.name === 'Companies') next.lastTrackedModifiedDateTime = iso(at);
    if (entity.name === 'Contracts') this.checkContractDates(next);
  }

  private checkTicket(r: Rec): void {
    const company = this.find('Companies', r.companyID);
    // UNCONFIRMED: Autotask refusing tickets for inactive accounts; kmsp never tries (README › Ticket rules).
    if (company && company.isActive === false) throw new AutotaskFault(`Tickets cannot be created or updated for the inactive Account ${String(company.companyName)}`);
    if (r.billingCodeID !== null) {
      const code = this.find('BillingCodes', r.billingCodeID);
      if (!code || code.useType !== USE_TYPE_WORK_TYPE || code.isActive === false) {
        throw new AutotaskFault(`The billingCodeID ${String(r.billingCodeID)} is not an active work type`);
      }
    }
  }

  private checkContractDates(r: Rec): void {
    const start = datePart(r.startDate);
    const end = datePart(r.endDate);
    if (start && end && end < start) throw new AutotaskFault('The contract end date must be after its start date');
  }

  // ------------------------------------------------------------ contracts, services, units

  /** Contracts/{id}/Services POST: a ContractService, only on Recurring Service contracts (README §4.4). */
  addContractService(contractId: number, body: unknown): Rec {
    const contract = this.find('Contracts', contractId);
    if (!contract) throw new AutotaskFault(`No matching records found. The Contract with id ${contractId} does not exist.`);
    if (typeof body !== 'object' || body === null) throw new AutotaskFault('Value cannot be null.\r\nParameter name: restModelInput');
    const input = body as Rec;
    const entity = spec('ContractServices');
    const values: Rec = {};
    for (const [k, v] of Object.entries(input)) {
      const f = fieldSpec(entity, k);
      if (!f) throw new AutotaskFault(`Unable to find ${k} in the ${entity.label} Entity`);
      if (!f.readOnly) values[f.name] = this.coerce(entity, f, v);
    }
    if (values.contractID !== undefined && values.contractID !== contractId) throw new AutotaskFault('The contractID in the body does not match the parent contract');
    if (contract.contractType !== RECURRING_SERVICE) {
      throw new AutotaskFault('Services can only be added to Recurring Service contracts.');
    }
    const service = this.find('Services', values.serviceID);
    if (!service) throw new AutotaskFault(`serviceID is required and must reference an existing Service`);
    if (this.table('ContractServices').some((cs) => cs.contractID === contractId && cs.serviceID === service.id)) {
      throw new AutotaskFault('This service is already part of the contract.');
    }
    return this.attachService(contract, service, values);
  }

  /** Contracts/{id}/Services PATCH: only adjustedPrice and invoiceDescription are writable (README §4.4). */
  updateContractService(contractId: number, body: unknown): Rec {
    if (typeof body !== 'object' || body === null) throw new AutotaskFault('Value cannot be null.\r\nParameter name: restModelInput');
    const input = body as Rec;
    const row = this.find('ContractServices', input.id);
    if (!row || row.contractID !== contractId) throw new AutotaskFault(`No matching records found. The ContractService with id ${String(input.id)} does not exist.`);
    const entity = spec('ContractServices');
    for (const [k, v] of Object.entries(input)) {
      if (k.toLowerCase() === 'id') continue;
      const f = fieldSpec(entity, k);
      if (!f) throw new AutotaskFault(`Unable to find ${k} in the ${entity.label} Entity`);
      if (f.name !== 'adjustedPrice' && f.name !== 'invoiceDescription') throw new AutotaskFault(`Only adjustedPrice and invoiceDescription can be updated on a ContractService (not ${f.name})`);
      row[f.name] = this.coerce(entity, f, v);
    }
    return row;
  }

  private attachService(contract: Rec, service: Rec, values: { unitPrice?: unknown; unitCost?: unknown; [k: string]: unknown }): Rec {
    const entity = spec('ContractServices');
    const row = this.blank(entity);
    Object.assign(row, values);
    row.id = this.allocateId('ContractServices');
    row.contractID = contract.id;
    row.serviceID = service.id;
    row.unitPrice = (values.unitPrice as number | undefined) ?? service.unitPrice ?? 0;
    row.unitCost = (values.unitCost as number | undefined) ?? service.unitCost ?? 0;
    row.internalCurrencyUnitPrice = row.unitPrice;
    this.table('ContractServices').push(row);
    const start = datePart(contract.startDate);
    const end = datePart(contract.endDate);
    if (start && end) {
      const posted = this.postedThrough.get(contract.id as number);
      const through = this.periodsThrough.get(contract.id as number);
      for (const p of contractPeriods(start, end, this.periodEnds)) {
        if (through !== undefined && p.start > through) break;
        const unit = this.blank(spec('ContractServiceUnits'));
        Object.assign(unit, {
          id: this.allocateId('ContractServiceUnits'),
          contractID: contract.id,
          contractServiceID: row.id,
          serviceID: service.id,
          startDate: `${p.start}T00:00:00.000Z`,
          endDate: `${p.end}T00:00:00.000Z`,
          units: 0,
          price: 0,
          cost: 0,
          internalCurrencyPrice: 0,
          approveAndPostDate: posted && p.last <= posted ? `${addDays(p.last, 1)}T00:00:00.000Z` : null,
          vendorCompanyID: service.vendorCompanyID ?? null,
        });
        this.table('ContractServiceUnits').push(unit);
      }
    }
    return row;
  }

  private unitsOf(contractService: Rec): Rec[] {
    return this.table('ContractServiceUnits')
      .filter((u) => u.contractServiceID === contractService.id)
      .sort((a, b) => String(a.startDate).localeCompare(String(b.startDate)));
  }

  private setUnits(unit: Rec, units: number, contractService: Rec): void {
    unit.units = units;
    unit.price = units * Number(contractService.unitPrice ?? 0);
    unit.internalCurrencyPrice = unit.price;
    unit.cost = units * Number(contractService.unitCost ?? 0);
  }

  /** Marks a contract's periods ending on or before `through` as approved and posted (they lock). */
  postPeriods(contractId: number, through: string): void {
    this.postedThrough.set(contractId, through);
    for (const u of this.table('ContractServiceUnits')) {
      if (u.contractID === contractId) {
        const last = lastDayOf(datePart(u.endDate)!, this.periodEnds);
        u.approveAndPostDate = last <= through ? `${addDays(last, 1)}T00:00:00.000Z` : null;
      }
    }
  }

  /**
   * ContractServiceAdjustments POST (README §4.4): create-only; needs contractServiceID or
   * contractID + serviceID; creates the ContractService when missing; changes the units of
   * the period containing effectiveDate and of every later period of the contract.
   * UNCONFIRMED rules simulated as 500s (README §4.4): effectiveDate outside the contract,
   * inside an approved-and-posted period, units going negative, inactive services.
   */
  adjust(body: unknown, parentContractId: number | null): Rec {
    const entity = spec('ContractServiceAdjustments');
    if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new AutotaskFault('Value cannot be null.\r\nParameter name: restModelInput');
    const values: Rec = {};
    for (const [k, v] of Object.entries(body as Rec)) {
      const f = fieldSpec(entity, k);
      if (!f) throw new AutotaskFault(`Unable to find ${k} in the ${entity.label} Entity`);
      if (!f.readOnly) values[f.name] = this.coerce(entity, f, v);
    }
    if (parentContractId !== null) {
      if (values.contractID !== undefined && values.contractID !== null && values.contractID !== parentContractId) throw new AutotaskFault('The contractID in the body does not match the parent contract');
      values.contractID = parentContractId;
    }
    if (values.effectiveDate === undefined || values.effectiveDate === null) throw new AutotaskFault('effectiveDate is required for the ContractServiceAdjustment Entity');
    const unitChange = values.unitChange ?? 0;
    let contractService: Rec | undefined;
    let contract: Rec | undefined;
    let service: Rec | undefined;
    if (values.contractServiceID !== undefined && values.contractServiceID !== null) {
      contractService = this.find('ContractServices', values.contractServiceID);
      if (!contractService) throw new AutotaskFault(`The contractServiceID ${String(values.contractServiceID)} does not exist`);
      contract = this.find('Contracts', contractService.contractID);
      service = this.find('Services', contractService.serviceID);
    } else {
      if (values.contractID === undefined || values.contractID === null || values.serviceID === undefined || values.serviceID === null) {
        throw new AutotaskFault('Either contractServiceID, or both contractID and serviceID, are required');
      }
      contract = this.find('Contracts', values.contractID);
      if (!contract) throw new AutotaskFault(`The contractID ${String(values.contractID)} does not exist`);
      service = this.find('Services', values.serviceID);
      if (!service) throw new AutotaskFault(`The serviceID ${String(values.serviceID)} does not exist`);
    }
    if (!contract || !service) throw new AutotaskFault('The contract service references a missing contract or service');
    if (contract.contractType !== RECURRING_SERVICE) {
      throw new AutotaskFault(`Contract Service Adjustments can only be made to Recurring Service contracts (contract ${String(contract.id)} is not one).`);
    }
    if (service.isActive === false) throw new AutotaskFault(`The service ${String(service.name)} is inactive`);
    const effective = datePart(values.effectiveDate)!;
    const start = datePart(contract.startDate);
    const end = datePart(contract.endDate);
    if (!start || !end || effective < start || effective > end) {
      throw new AutotaskFault(`The effective date ${effective} is outside the contract period (${start ?? '?'} to ${end ?? '?'}).`);
    }
    contractService ??= this.table('ContractServices').find((cs) => cs.contractID === contract!.id && cs.serviceID === service!.id);
    contractService ??= this.attachService(contract, service, {});
    const units = this.unitsOf(contractService);
    const from = units.findIndex((u) => datePart(u.startDate)! <= effective && effective <= lastDayOf(datePart(u.endDate)!, this.periodEnds));
    if (from < 0) throw new AutotaskFault(`No contract period contains the effective date ${effective}`);
    if (units[from]!.approveAndPostDate) {
      throw new AutotaskFault('Unable to make changes as it would result in the deletion/modification of an already approved and posted contract period.');
    }
    const affected = units.slice(from);
    for (const u of affected) {
      if (Number(u.units) + Number(unitChange) < 0) throw new AutotaskFault(`The adjustment would leave ${Number(u.units) + Number(unitChange)} units in the period starting ${datePart(u.startDate)}`);
    }
    for (const u of affected) this.setUnits(u, Number(u.units) + Number(unitChange), contractService);
    const row = this.blank(entity);
    Object.assign(row, values, {
      id: this.allocateId('ContractServiceAdjustments'),
      contractID: contract.id,
      serviceID: service.id,
      contractServiceID: contractService.id,
      unitChange,
      effectiveDate: `${effective}T00:00:00.000Z`,
    });
    this.table('ContractServiceAdjustments').push(row);
    return row;
  }

  // ------------------------------------------------------------ notes

  /** Tickets/{id}/Notes POST (README §4.6: ticketID, description, noteType, publish required). */
  addTicketNote(ticketId: number, body: unknown, ctx: WriteContext): Rec {
    const ticket = this.find('Tickets', ticketId);
    if (!ticket) throw new AutotaskFault(`No matching records found. The Ticket with id ${ticketId} does not exist.`);
    if (typeof body === 'object' && body !== null && !Array.isArray(body)) {
      const input = body as Rec;
      const key = Object.keys(input).find((k) => k.toLowerCase() === 'ticketid');
      if (key !== undefined && input[key] !== null && Number(input[key]) !== ticketId) throw new AutotaskFault('The ticketID in the body does not match the parent ticket');
      const note = this.write('TicketNotes', { ...input, ticketID: ticketId }, 'create', ctx);
      note.creatorResourceID = ctx.resourceId;
      ticket.lastActivityDate = note.createDateTime;
      return note;
    }
    throw new AutotaskFault('Value cannot be null.\r\nParameter name: restModelInput');
  }
}

