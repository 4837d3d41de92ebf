// The simulated Tigerpaw database: the fixture's records, and the rules the REST API applies when
// it reads and writes them (FIXTURE.md › Behaviour). Records are kept in wire form (PascalCase)
// with the few links the API does not show (a charge's AgreementNumber, an account's custom field
// values, an order's lock); `render*` gives what the API answers.
import { resolveTime } from '../fixtureTime.js';
import type { TigerpawFixture, TpRecord } from './fixture.js';

export type Rec = Record<string, unknown>;

/** An unknown record named in the URL: 404 {"Message"} (UNCONFIRMED shape: ASP.NET's). */
export class TpNotFound extends Error {}

/** A business refusal: HTTP 200 with Success:false and this Message. */
export class TpRefusal extends Error {}

/** The refusal of an API edit to a service order a rep has open in the GUI (UNCONFIRMED wording). */
export function lockedMessage(serviceOrderNumber: number, repName: string): string {
  return `Service order ${serviceOrderNumber} is locked by ${repName}`;
}

/** The tables of the simulated database, by the names of the fixture and the control API. */
export const TABLES = [
  'reps',
  'accountTypes',
  'accountStatuses',
  'customFields',
  'accounts',
  'externalProducts',
  'accountExternalProducts',
  'priceLevels',
  'priceBookItems',
  'agreements',
  'additionalCharges',
  'statuses',
  'priorities',
  'types',
  'dispatchBoards',
  'serviceOrders',
  'notes',
] as const;
export type TpTable = (typeof TABLES)[number];

/** The number field that identifies a record of each table. */
export const KEYS: Record<TpTable, string> = {
  reps: 'RepNumber',
  accountTypes: 'Id',
  accountStatuses: 'Id',
  customFields: 'CustomFieldId',
  accounts: 'AccountNumber',
  externalProducts: 'ExternalProductId',
  accountExternalProducts: 'AccountExternalProductId',
  priceLevels: 'PriceLevelId',
  priceBookItems: 'PriceBookItemNumber',
  agreements: 'AgreementNumber',
  additionalCharges: 'DetailId',
  statuses: 'Status',
  priorities: 'Priority',
  types: 'Type',
  dispatchBoards: 'DispatchBoardId',
  serviceOrders: 'ServiceOrderNumber',
  notes: 'ServiceOrderNoteNumber',
};

export function tableName(name: string): TpTable {
  const hit = TABLES.find((t) => t.toLowerCase() === name.toLowerCase());
  if (!hit) throw new Error(`unknown table ${name} (${TABLES.join(', ')})`);
  return hit;
}

/**
 * Field lengths the simulator enforces on service orders. Tigerpaw publishes none; these are the
 * limits kmsp's profile assumes (UNCONFIRMED).
 */
export const SERVICE_ORDER_LIMITS = { Reference: 50, BriefDescription: 100, WorkRequested: 8000 } as const;

const RELATIVE = /^(now|today|startOfMonth|startOfYear)((?:\s*[+-]\s*\d+\s*(?:mo|m|h|d|y))*)$/i;
const DAY = 86_400_000;

/** ISO-8601 UTC to the second. */
export function isoSecond(d: Date): string {
  return d.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

/** Fixture dates (keys naming a date or time) from relative form to ISO, everywhere in a record. */
function resolveDates(value: unknown, now: Date, key = ''): unknown {
  if (Array.isArray(value)) return value.map((v) => resolveDates(v, now));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, resolveDates(v, now, k)]));
  if (typeof value === 'string' && /date|time/i.test(key)) {
    if (RELATIVE.test(value.trim()) || /^\d{4}-\d{2}-\d{2}/.test(value)) {
      const d = resolveTime(value, now);
      if (d) return isoSecond(d);
    }
  }
  return value;
}

const same = (a: unknown, b: unknown) => String(a ?? '').trim().toLowerCase() === String(b ?? '').trim().toLowerCase();
const num = (v: unknown): number | null => (v === null || v === undefined || v === '' || !Number.isFinite(Number(v)) ? null : Number(v));

function masterEntries(list: Array<string | TpRecord> | undefined): Rec[] {
  return (list ?? []).map((e, i) => (typeof e === 'string' ? { Id: i + 1, Value: e, IsSystemEntry: false, IsSystemDefault: i === 0 } : { Id: i + 1, IsSystemEntry: false, IsSystemDefault: false, ...e }));
}

/** The date part of a value in a JSON body: a string, or Tigerpaw's {DateTime} wrapper. */
function bodyDate(value: unknown, field: string): string | null {
  const raw = value && typeof value === 'object' && !Array.isArray(value) ? (value as Rec).DateTime : value;
  if (raw === null || raw === undefined || raw === '') return null;
  const ms = Date.parse(String(raw));
  if (Number.isNaN(ms)) throw new TpRefusal(`${field} is not a valid date ("${String(raw)}").`);
  return isoSecond(new Date(ms));
}

export class TigerpawState {
  private readonly t: Record<TpTable, Rec[]>;

  constructor(
    private readonly fixture: TigerpawFixture,
    private readonly clock: () => Date,
  ) {
    const now = clock();
    const copy = (list: unknown[] | undefined) => (resolveDates(structuredClone(list ?? []), now) as Rec[]);
    this.t = {
      reps: copy(fixture.reps),
      accountTypes: masterEntries(fixture.accountTypes),
      accountStatuses: masterEntries(fixture.accountStatuses ?? ['Active', 'Inactive']),
      customFields: copy(fixture.customFields).map((f, i) => ({ CustomFieldId: i + 1, Category: 'General', Description: '', ...f })),
      accounts: [],
      externalProducts: copy(fixture.externalProducts).map((p, i) => ({ ExternalProductId: i + 1, ProductType: 0, SystemEntry: false, Active: true, ...p })),
      accountExternalProducts: [],
      priceLevels: copy(fixture.priceLevels),
      priceBookItems: copy(fixture.priceBookItems),
      agreements: copy(fixture.agreements),
      additionalCharges: [],
      statuses: copy(fixture.statuses),
      priorities: copy(fixture.priorities),
      types: copy(fixture.types),
      dispatchBoards: copy(fixture.dispatchBoards),
      serviceOrders: [],
      notes: [],
    };
    for (const a of copy(fixture.accounts)) this.t.accounts.push(this.accountInput(a));
    for (const x of copy(fixture.accountExternalProducts)) this.t.accountExternalProducts.push(this.crossRefInput(x));
    for (const c of copy(fixture.additionalCharges)) this.t.additionalCharges.push(this.fixtureCharge(c));
    for (const o of copy(fixture.serviceOrders)) this.t.serviceOrders.push(this.fixtureOrder(o));
    for (const n of copy(fixture.notes)) {
      const order = this.needOrder(Number(n.ServiceOrderNumber));
      this.t.notes.push({ ServiceOrderNoteNumber: this.nextKey('notes'), Topic: null, StartTime: null, LastModified: n.DateCreated ?? isoSecond(now), RepNumber: null, ...n, ServiceOrderNumber: order.ServiceOrderNumber });
    }
  }

  now(): Date {
    return this.clock();
  }

  table(name: TpTable): Rec[] {
    return this.t[name];
  }

  nextKey(name: TpTable, floor = 1): number {
    const key = KEYS[name];
    return Math.max(floor - 1, ...this.t[name].map((r) => Number(r[key]) || 0)) + 1;
  }

  // ------------------------------------------------------------ reps and master tables

  apiRep(): Rec {
    return this.needRep(this.fixture.apiRep.repNumber);
  }

  repName(rep: Rec): string {
    return String(rep.DisplayName ?? `${String(rep.FirstName ?? '')} ${String(rep.LastName ?? '')}`.trim());
  }

  findRep(number: unknown): Rec | undefined {
    return this.t.reps.find((r) => Number(r.RepNumber) === Number(number));
  }

  needRep(number: unknown): Rec {
    const rep = this.findRep(number);
    if (!rep) throw new Error(`no rep ${String(number)}`);
    return rep;
  }

  renderRep(rep: Rec): Rec {
    return { Status: rep.Inactive === true ? 'Inactive' : 'Active', Inactive: false, ...rep, DisplayName: this.repName(rep) };
  }

  /** Whether a status closes an order: its TicketChange is "Close" (UNCONFIRMED meaning of TicketChange). */
  closes(status: Rec): boolean {
    return same(status.TicketChange, 'Close');
  }

  // ------------------------------------------------------------ accounts

  private accountInput(raw: Rec): Rec {
    const a = { ...raw };
    const values: Rec = {};
    const given = a.CustomFields;
    delete a.CustomFields;
    if (Array.isArray(given)) {
      for (const f of given as Rec[]) values[String(this.needCustomField(f.CustomFieldId ?? f.Label).CustomFieldId)] = f.Value ?? null;
    } else if (given && typeof given === 'object') {
      for (const [label, value] of Object.entries(given)) values[String(this.needCustomField(label).CustomFieldId)] = value ?? null;
    }
    if (num(a.AccountNumber) === null) a.AccountNumber = this.nextKey('accounts', 1000);
    a.Account = { Status: 'Active', AccountType: 'Customer', ...((a.Account as Rec | undefined) ?? {}) };
    return { ...a, CustomFieldValues: values };
  }

  private needCustomField(idOrLabel: unknown): Rec {
    const hit = this.t.customFields.find((f) => (typeof idOrLabel === 'number' ? Number(f.CustomFieldId) === idOrLabel : same(f.Label, idOrLabel)));
    if (!hit) throw new Error(`no account custom field ${String(idOrLabel)}`);
    return hit;
  }

  needAccount(number: number): Rec {
    const a = this.t.accounts.find((r) => Number(r.AccountNumber) === number);
    if (!a) throw new TpNotFound(`Account ${number} was not found.`);
    return a;
  }

  renderAccount(a: Rec): Rec {
    const { CustomFieldValues: _values, ...rest } = a;
    const account = a.Account as Rec;
    const rep = account.RepNumber === undefined ? undefined : this.findRep(account.RepNumber);
    const open = this.t.serviceOrders.filter((o) => Number((o.ServiceOrder as Rec).AccountNumber) === Number(a.AccountNumber) && !this.isClosed(o)).length;
    return { PhoneNumber: null, RepName: rep ? this.repName(rep) : null, PrimaryContactName: null, ParentAccountNumber: null, ...rest, OpenServiceOrders: open };
  }

  accountCustomFields(number: number): Rec[] {
    const values = this.needAccount(number).CustomFieldValues as Rec;
    return this.t.customFields.map((f) => ({
      Category: f.Category ?? null,
      CustomFieldId: f.CustomFieldId,
      Label: f.Label,
      Description: f.Description ?? null,
      Value: values[String(f.CustomFieldId)] ?? null,
    }));
  }

  /** PUT …/customfields: each field by CustomFieldId, else by Label (case-insensitive); fields left out keep their values. */
  putAccountCustomFields(number: number, body: unknown): Rec[] {
    const account = this.needAccount(number);
    if (!Array.isArray(body)) throw new TpRefusal('The request body must be a list of custom fields.');
    const updates: Array<[string, unknown]> = [];
    for (const raw of body as Rec[]) {
      const f = raw ?? {};
      const def = this.t.customFields.find((d) => (num(f.CustomFieldId) !== null ? Number(d.CustomFieldId) === Number(f.CustomFieldId) : same(d.Label, f.Label)));
      if (!def) throw new TpRefusal(`Custom field "${String(f.Label ?? f.CustomFieldId ?? '')}" was not found for accounts.`);
      updates.push([String(def.CustomFieldId), f.Value === null || f.Value === undefined ? null : String(f.Value)]);
    }
    const values = account.CustomFieldValues as Rec;
    for (const [id, value] of updates) values[id] = value;
    return this.accountCustomFields(number);
  }

  // ------------------------------------------------------------ external products

  private productOf(raw: Rec): Rec {
    const byId = num(raw.ExternalProductId);
    const hit = this.t.externalProducts.find((p) => (byId !== null ? Number(p.ExternalProductId) === byId : same(p.Product, raw.ExternalProduct)));
    if (!hit) throw new TpRefusal(`External Product "${String(raw.ExternalProduct ?? raw.ExternalProductId ?? '')}" was not found.`);
    return hit;
  }

  private crossRefInput(raw: Rec): Rec {
    const product = this.productOf(raw);
    this.needAccount(Number(raw.AccountNumber));
    return {
      AccountExternalProductId: num(raw.AccountExternalProductId) ?? this.nextKey('accountExternalProducts'),
      AccountNumber: Number(raw.AccountNumber),
      ExternalProductId: product.ExternalProductId,
      ExternalId: raw.ExternalId ?? '',
      ExternalSystemId: raw.ExternalSystemId ?? null,
      Comment: raw.Comment ?? null,
    };
  }

  renderCrossRef(x: Rec): Rec {
    const product = this.t.externalProducts.find((p) => p.ExternalProductId === x.ExternalProductId);
    const { AccountNumber: _a, ...rest } = x;
    return { ...rest, ExternalProduct: product?.Product ?? null };
  }

  crossRefs(number: number): Rec[] {
    this.needAccount(number);
    return this.t.accountExternalProducts.filter((x) => x.AccountNumber === number);
  }

  /** POST …/service/externalproducts: an active External Product by id or name, an ExternalId; one entry per product. */
  addCrossRef(number: number, body: unknown): Rec {
    this.needAccount(number);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new TpRefusal('The request body must be an account external product.');
    const b = body as Rec;
    const product = this.productOf(b);
    if (product.Active === false) throw new TpRefusal(`External Product "${String(product.Product)}" is inactive.`);
    if (typeof b.ExternalId !== 'string' || b.ExternalId.trim() === '') throw new TpRefusal('ExternalId is required.');
    if (this.crossRefs(number).some((x) => x.ExternalProductId === product.ExternalProductId)) {
      throw new TpRefusal(`Account ${number} is already cross-referenced to External Product "${String(product.Product)}".`);
    }
    const rec = this.crossRefInput({ ...b, AccountNumber: number, ExternalProductId: product.ExternalProductId, AccountExternalProductId: null });
    this.t.accountExternalProducts.push(rec);
    return rec;
  }

  removeCrossRef(number: number, id: number): void {
    const list = this.crossRefs(number);
    const hit = list.find((x) => Number(x.AccountExternalProductId) === id);
    if (!hit) throw new TpNotFound(`Account external product ${id} was not found on account ${number}.`);
    this.t.accountExternalProducts = this.t.accountExternalProducts.filter((x) => x !== hit);
  }

  /** Whether the account is cross-referenced to the named External Product (case-insensitive, trimmed). */
  crossReferenced(number: number, productName: string): boolean {
    return this.crossRefs(number).some((x) => same(this.renderCrossRef(x).ExternalProduct, productName));
  }

  // ------------------------------------------------------------ agreements and their charges

  needAgreement(number: number): Rec {
    const a = this.t.agreements.find((r) => Number(r.AgreementNumber) === number);
    if (!a) throw new TpNotFound(`Agreement ${number} was not found.`);
    return a;
  }

  /** An agreement covers a moment when it has started and its end date (a whole day) has not passed. */
  agreementActive(a: Rec, at = this.now()): boolean {
    const ag = a.Agreement as Rec;
    const start = ag.StartDate ? Date.parse(String(ag.StartDate)) : null;
    const end = ag.EndDate ? Date.parse(String(ag.EndDate)) : null;
    return (start === null || start <= at.getTime()) && (end === null || at.getTime() < end + DAY);
  }

  private agreementEnded(a: Rec): boolean {
    const end = (a.Agreement as Rec).EndDate;
    return Boolean(end) && this.now().getTime() >= Date.parse(String(end)) + DAY;
  }

  renderAgreement(a: Rec): Rec {
    const ag = a.Agreement as Rec;
    const account = this.t.accounts.find((r) => Number(r.AccountNumber) === Number(ag.AccountNumber));
    return {
      AgreementNumber: a.AgreementNumber,
      AccountName: account ? (account.Account as Rec).Name : null,
      PrimaryPhone: account?.PhoneNumber ?? null,
      PrimaryFax: null,
      InternalComments: null,
      Invoices: 0,
      ...a,
      AdditionalCharges: this.t.additionalCharges.filter((c) => c.AgreementNumber === a.AgreementNumber).length,
    };
  }

  renderAgreementDetail(a: Rec): Rec {
    const summary = this.renderAgreement(a);
    const account = this.t.accounts.find((r) => Number(r.AccountNumber) === Number((a.Agreement as Rec).AccountNumber));
    return {
      AgreementNumber: a.AgreementNumber,
      Account: account?.Account ?? null,
      PrimaryPhone: summary.PrimaryPhone,
      PrimaryFax: null,
      Agreement: a.Agreement,
      AdditionalCharges: this.charges(Number(a.AgreementNumber)).map((c) => this.renderCharge(c)),
      CoveredAssetTypes: [],
      CustomerAssetTypes: [],
      InternalComments: summary.InternalComments,
      Invoices: summary.Invoices,
    };
  }

  charges(agreement: number): Rec[] {
    this.needAgreement(agreement);
    return this.t.additionalCharges.filter((c) => Number(c.AgreementNumber) === agreement);
  }

  renderCharge(c: Rec): Rec {
    const { AgreementNumber: _a, ...rest } = c;
    return rest;
  }

  needItemById(itemId: unknown): Rec | undefined {
    return this.t.priceBookItems.find((i) => same(i.ItemId, itemId));
  }

  needPriceLevel(level: unknown): Rec | undefined {
    return this.t.priceLevels.find((l) => Number(l.PriceLevelId) === Number(level));
  }

  /** The item's selling price at a price level (its Pricing entry for that level). */
  private priceAt(item: Rec, level: number): number | null {
    const hit = ((item.Pricing as Rec[] | undefined) ?? []).find((p) => Number(p.PriceLevel) === level);
    return hit ? Number(hit.SellingPrice ?? 0) : null;
  }

  private fixtureCharge(raw: Rec): Rec {
    this.needAgreement(Number(raw.AgreementNumber));
    const item = this.needItemById(raw.SpecialItemId);
    const level = num(raw.PriceLevel) ?? num(this.t.priceLevels[0]?.PriceLevelId) ?? 1;
    return {
      DetailId: num(raw.DetailId) ?? this.nextKey('additionalCharges', 1),
      SpecialItemId: raw.SpecialItemId,
      ItemDescription: ((item?.Item as Rec | undefined)?.ItemDescription as string | undefined) ?? null,
      Quantity: 0,
      Price: (item ? this.priceAt(item, level) : null) ?? 0,
      PriceLevel: level,
      PriceLevelDescription: this.needPriceLevel(level)?.Description ?? null,
      Source: 1,
      SourceDescription: 'Manual',
      PrintWhenQuantityZero: false,
      DeleteAfterInvoicing: false,
      DateAdded: isoSecond(this.now()),
      UseFlatPrice: false,
      ...raw,
      AgreementNumber: Number(raw.AgreementNumber),
    };
  }

  /**
   * The checks of an additional-charge write (UNCONFIRMED: a REST stand-in for the ASMX
   * SubmitAgreementAdditionalCharges), each a Success:false refusal: the agreement has ended; its
   * account is not cross-referenced to the API rep's External Product; an unknown or inactive item;
   * an unknown price level or one the item has no price at; a quantity that is not a whole number ≥ 0.
   */
  private checkChargeWrite(agreement: Rec, itemId: unknown, level: unknown, quantity: unknown): { item: Rec; level: number; price: number; quantity: number } {
    if (this.agreementEnded(agreement)) {
      throw new TpRefusal(`Agreement ${String(agreement.AgreementNumber)} ended on ${String((agreement.Agreement as Rec).EndDate).slice(0, 10)}: its additional charges cannot be changed.`);
    }
    const accountNumber = Number((agreement.Agreement as Rec).AccountNumber);
    const product = this.fixture.apiRep.externalProduct;
    if (!this.crossReferenced(accountNumber, product)) {
      throw new TpRefusal(`Account ${accountNumber} is not cross-referenced to the External Product "${product}".`);
    }
    const item = this.needItemById(itemId);
    if (!item) throw new TpRefusal(`Price book item "${String(itemId ?? '')}" was not found.`);
    if ((item.Item as Rec | undefined)?.Inactive === true) throw new TpRefusal(`Price book item "${String(item.ItemId)}" is inactive.`);
    const levelNo = num(level);
    const priceLevel = levelNo === null ? undefined : this.needPriceLevel(levelNo);
    if (!priceLevel) throw new TpRefusal(`Price level "${String(level ?? '')}" was not found.`);
    const price = this.priceAt(item, Number(priceLevel.PriceLevelId));
    if (price === null) throw new TpRefusal(`Price book item "${String(item.ItemId)}" has no price at price level "${String(priceLevel.Description)}".`);
    if (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 0) {
      throw new TpRefusal(`Quantity must be a whole number of 0 or more (got ${JSON.stringify(quantity ?? null)}).`);
    }
    return { item, level: Number(priceLevel.PriceLevelId), price, quantity };
  }

  /** POST /api/agreements/{n}/additionalcharges {SpecialItemId, Quantity, PriceLevel, PrintWhenQuantityZero}. */
  createCharge(agreementNumber: number, body: unknown): Rec {
    const agreement = this.needAgreement(agreementNumber);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new TpRefusal('The request body must be an additional charge.');
    const b = body as Rec;
    const ok = this.checkChargeWrite(agreement, b.SpecialItemId, b.PriceLevel, b.Quantity);
    const rec: Rec = {
      DetailId: this.nextKey('additionalCharges', 1),
      SpecialItemId: ok.item.ItemId,
      ItemDescription: (ok.item.Item as Rec | undefined)?.ItemDescription ?? null,
      Quantity: ok.quantity,
      Price: ok.price,
      PriceLevel: ok.level,
      PriceLevelDescription: this.needPriceLevel(ok.level)?.Description ?? null,
      // UNCONFIRMED: how Tigerpaw labels a line written through the integration.
      Source: 2,
      SourceDescription: 'External Product',
      PrintWhenQuantityZero: b.PrintWhenQuantityZero === undefined ? true : b.PrintWhenQuantityZero === true,
      DeleteAfterInvoicing: b.DeleteAfterInvoicing === true,
      DateAdded: isoSecond(this.now()),
      UseFlatPrice: false,
      AgreementNumber: agreementNumber,
    };
    this.t.additionalCharges.push(rec);
    return rec;
  }

  needCharge(agreementNumber: number, detailId: number): Rec {
    const hit = this.charges(agreementNumber).find((c) => Number(c.DetailId) === detailId);
    if (!hit) throw new TpNotFound(`Additional charge ${detailId} was not found on agreement ${agreementNumber}.`);
    return hit;
  }

  /** PUT …/additionalcharges/{detailId} {Quantity, PriceLevel}: fields left out keep their values; the line is re-priced. */
  updateCharge(agreementNumber: number, detailId: number, body: unknown): Rec {
    const agreement = this.needAgreement(agreementNumber);
    const charge = this.needCharge(agreementNumber, detailId);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new TpRefusal('The request body must be an additional charge.');
    const b = body as Rec;
    const ok = this.checkChargeWrite(agreement, charge.SpecialItemId, b.PriceLevel ?? charge.PriceLevel, b.Quantity === undefined ? charge.Quantity : b.Quantity);
    Object.assign(charge, {
      Quantity: ok.quantity,
      PriceLevel: ok.level,
      PriceLevelDescription: this.needPriceLevel(ok.level)?.Description ?? null,
      Price: ok.price,
      ...(b.PrintWhenQuantityZero !== undefined ? { PrintWhenQuantityZero: b.PrintWhenQuantityZero === true } : {}),
    });
    return charge;
  }

  deleteCharge(agreementNumber: number, detailId: number): void {
    const agreement = this.needAgreement(agreementNumber);
    const charge = this.needCharge(agreementNumber, detailId);
    this.checkChargeWrite(agreement, charge.SpecialItemId, charge.PriceLevel, charge.Quantity);
    this.t.additionalCharges = this.t.additionalCharges.filter((c) => c !== charge);
  }

  // ------------------------------------------------------------ price book

  needPriceBookItem(number: number): Rec {
    const hit = this.t.priceBookItems.find((i) => Number(i.PriceBookItemNumber) === number);
    if (!hit) throw new TpNotFound(`Price book item ${number} was not found.`);
    return hit;
  }

  renderItemSummary(i: Rec): Rec {
    return { ItemId: i.ItemId, PriceBookItemNumber: i.PriceBookItemNumber, Item: i.Item ?? {}, Assembly: [], VendorPartNumbers: null, QuantityOnHand: 0, QuantityReserved: 0, QuantityOnOrder: 0, Available: 0 };
  }

  renderItemDetail(i: Rec): Rec {
    const pricing = ((i.Pricing as Rec[] | undefined) ?? []).map((p) => ({
      Description: this.needPriceLevel(p.PriceLevel)?.Description ?? null,
      PriceOverride: false,
      FlatPrice: null,
      ...p,
    }));
    return { ItemId: i.ItemId, PriceBookItemNumber: i.PriceBookItemNumber, Item: i.Item ?? {}, Pricing: pricing, Vendors: [], Assembly: [], Discounts: [], CustomFields: [] };
  }

  // ------------------------------------------------------------ service orders

  private fixtureOrder(raw: Rec): Rec {
    const so = { ...((raw.ServiceOrder as Rec | undefined) ?? {}) };
    this.needAccount(Number(so.AccountNumber));
    const lock = raw.ServiceOrderLock as Rec | null | undefined;
    return {
      ...raw,
      ServiceOrderNumber: num(raw.ServiceOrderNumber) ?? this.nextKey('serviceOrders', 1),
      ServiceOrder: { DateTimeOpened: isoSecond(this.now()), DateTimeClosed: null, TakenBy: this.fixture.apiRep.repNumber, ...so },
      ServiceOrderLock: lock && num(lock.LockingRepNumber) !== null ? this.lockOf(Number(lock.LockingRepNumber)) : null,
    };
  }

  private lockOf(repNumber: number): Rec {
    const rep = this.findRep(repNumber);
    if (!rep) throw new Error(`no rep ${repNumber} to lock with`);
    return { LockingRepNumber: repNumber, LockingRepName: this.repName(rep) };
  }

  needOrder(number: number): Rec {
    const hit = this.t.serviceOrders.find((o) => Number(o.ServiceOrderNumber) === number);
    if (!hit) throw new TpNotFound(`Service order ${number} was not found.`);
    return hit;
  }

  isClosed(order: Rec): boolean {
    const status = this.t.statuses.find((s) => same(s.Status, (order.ServiceOrder as Rec).Status));
    return status ? this.closes(status) : false;
  }

  private orderNames(order: Rec): Rec {
    const so = order.ServiceOrder as Rec;
    const account = this.t.accounts.find((a) => Number(a.AccountNumber) === Number(so.AccountNumber));
    const tech = so.TechnicianAssigned === null || so.TechnicianAssigned === undefined ? undefined : this.findRep(so.TechnicianAssigned);
    const takenBy = so.TakenBy === null || so.TakenBy === undefined ? undefined : this.findRep(so.TakenBy);
    return {
      AccountName: account ? (account.Account as Rec).Name : null,
      PrimaryTechnicianName: tech ? this.repName(tech) : null,
      PrimaryTechnicianEmailAddress: tech?.EmailAddress ?? null,
      TakenByName: takenBy ? this.repName(takenBy) : null,
      Notes: this.t.notes.filter((n) => n.ServiceOrderNumber === order.ServiceOrderNumber).length,
      OpenTasks: 0,
      ServiceOrderLock: order.ServiceOrderLock ?? null,
    };
  }

  renderOrderSummary(order: Rec): Rec {
    return { ServiceOrderNumber: order.ServiceOrderNumber, ServiceOrder: order.ServiceOrder, ...this.orderNames(order) };
  }

  renderOrderDetail(order: Rec): Rec {
    const so = order.ServiceOrder as Rec;
    const account = this.t.accounts.find((a) => Number(a.AccountNumber) === Number(so.AccountNumber));
    return {
      ServiceOrderNumber: order.ServiceOrderNumber,
      ServiceOrder: so,
      StatusInfo: this.t.statuses.find((s) => same(s.Status, so.Status)) ?? null,
      PriorityInfo: this.t.priorities.find((p) => same(p.Priority, so.Priority)) ?? null,
      Account: account?.Account ?? null,
      Technicians: so.TechnicianAssigned ? [{ RepNumber: so.TechnicianAssigned, Primary: true }] : [],
      CustomFields: [],
      ...this.orderNames(order),
    };
  }

  private masterName(list: TpTable, field: string, value: unknown, what: string): string {
    const hit = this.t[list].find((r) => same(r[field], value));
    if (!hit) throw new TpRefusal(`${what} "${String(value)}" was not found.`);
    return String(hit[field]);
  }

  private text(body: Rec, field: keyof typeof SERVICE_ORDER_LIMITS): string | undefined {
    const v = body[field];
    if (v === undefined || v === null) return undefined;
    if (typeof v !== 'string') throw new TpRefusal(`${field} must be text.`);
    if (v.length > SERVICE_ORDER_LIMITS[field]) throw new TpRefusal(`${field} is longer than ${SERVICE_ORDER_LIMITS[field]} characters.`);
    return v;
  }

  /** The fields of a create or update body, checked (UNCONFIRMED: unknown names and numbers are Success:false). */
  private orderFields(body: Rec): Rec {
    const out: Rec = {};
    if (body.Status !== undefined && body.Status !== null) out.Status = this.masterName('statuses', 'Status', body.Status, 'Service order status');
    if (body.Priority !== undefined && body.Priority !== null) out.Priority = this.masterName('priorities', 'Priority', body.Priority, 'Priority');
    if (body.ServiceOrderType !== undefined && body.ServiceOrderType !== null) out.ServiceOrderType = this.masterName('types', 'Type', body.ServiceOrderType, 'Service order type');
    if (body.DispatchBoardNumber !== undefined && body.DispatchBoardNumber !== null) {
      if (!this.t.dispatchBoards.some((d) => Number(d.DispatchBoardId) === Number(body.DispatchBoardNumber))) throw new TpRefusal(`Dispatch board ${String(body.DispatchBoardNumber)} was not found.`);
      out.DispatchBoardNumber = Number(body.DispatchBoardNumber);
    }
    for (const field of ['TechnicianAssigned', 'TakenBy', 'RepToCredit'] as const) {
      if (body[field] === undefined || body[field] === null) continue;
      const rep = this.findRep(body[field]);
      if (!rep) throw new TpRefusal(`Rep ${String(body[field])} (${field}) was not found.`);
      if (rep.Inactive === true) throw new TpRefusal(`Rep ${String(body[field])} (${field}) is inactive.`);
      out[field] = Number(body[field]);
    }
    for (const field of Object.keys(SERVICE_ORDER_LIMITS) as Array<keyof typeof SERVICE_ORDER_LIMITS>) {
      const v = this.text(body, field);
      if (v !== undefined) out[field] = v;
    }
    for (const field of ['WorkPerformed', 'InternalComments', 'RequestedBy', 'CustomerPurchaseOrder'] as const) {
      if (typeof body[field] === 'string') out[field] = body[field];
    }
    for (const field of ['DateTimeOpened', 'DateTimeClosed'] as const) {
      if (body[field] !== undefined && body[field] !== null) out[field] = bodyDate(body[field], field);
    }
    return out;
  }

  private systemDefault(list: TpTable, field: string): string | null {
    const hit = this.t[list].find((r) => r.SystemDefault === true);
    return hit ? String(hit[field]) : null;
  }

  /** A closing status sets DateTimeClosed (the given one, else now); an open one clears it (UNCONFIRMED). */
  private applyStatusDates(so: Rec, given: Rec, statusChanged: boolean): void {
    const status = this.t.statuses.find((s) => same(s.Status, so.Status));
    if (status && this.closes(status)) {
      if (given.DateTimeClosed) so.DateTimeClosed = given.DateTimeClosed;
      else if (statusChanged || !so.DateTimeClosed) so.DateTimeClosed = isoSecond(this.now());
    } else if (statusChanged) {
      so.DateTimeClosed = null;
    }
    if (statusChanged) so.StatusChangeDate = isoSecond(this.now());
  }

  /** POST /api/ServiceOrders (CreateServiceOrderModel). */
  createOrder(body: unknown): Rec {
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new TpRefusal('The request body must be a service order.');
    const b = body as Rec;
    const accountNumber = num(b.AccountNumber);
    if (accountNumber === null) throw new TpRefusal('AccountNumber is required.');
    if (!this.t.accounts.some((a) => Number(a.AccountNumber) === accountNumber)) throw new TpRefusal(`Account ${accountNumber} was not found.`);
    const fields = this.orderFields(b);
    if (typeof fields.BriefDescription !== 'string' || fields.BriefDescription.trim() === '') throw new TpRefusal('BriefDescription is required.');
    const now = isoSecond(this.now());
    const so: Rec = {
      AccountNumber: accountNumber,
      Status: this.systemDefault('statuses', 'Status'),
      Priority: this.systemDefault('priorities', 'Priority'),
      ServiceOrderType: null,
      DispatchBoardNumber: null,
      TechnicianAssigned: null,
      TakenBy: this.fixture.apiRep.repNumber,
      Reference: null,
      BriefDescription: null,
      WorkRequested: null,
      DateTimeReceived: now,
      DateCreated: now,
      ...fields,
      DateTimeOpened: fields.DateTimeOpened ?? now,
      DateTimeClosed: fields.DateTimeClosed ?? null,
      StatusChangeDate: now,
    };
    if (so.Status === null) throw new TpRefusal('Status is required (no service order status is the system default).');
    if (so.Priority === null) throw new TpRefusal('Priority is required (no priority is the system default).');
    this.applyStatusDates(so, fields, false);
    const order: Rec = { ServiceOrderNumber: this.nextKey('serviceOrders', 1), ServiceOrder: so, ServiceOrderLock: null };
    this.t.serviceOrders.push(order);
    return order;
  }

  /** PUT /api/serviceorders/{n} (UpdateServiceOrderModel): fields left out (or null) keep their values (UNCONFIRMED). */
  updateOrder(number: number, body: unknown): Rec {
    const order = this.needOrder(number);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new TpRefusal('The request body must be a service order.');
    const lock = order.ServiceOrderLock as Rec | null;
    // UNCONFIRMED shape: an order open in the Tigerpaw GUI refuses API edits as a business answer.
    if (lock) throw new TpRefusal(lockedMessage(number, String(lock.LockingRepName)));
    const fields = this.orderFields(body as Rec);
    const so = order.ServiceOrder as Rec;
    const statusChanged = fields.Status !== undefined && !same(fields.Status, so.Status);
    Object.assign(so, fields);
    this.applyStatusDates(so, fields, statusChanged);
    return order;
  }

  lock(number: number, repNumber: number): void {
    this.needOrder(number).ServiceOrderLock = this.lockOf(repNumber);
  }

  unlock(number: number): void {
    this.needOrder(number).ServiceOrderLock = null;
  }

  /** A person closes the order in the GUI: the named closing status, else the first closing one by Rank. */
  closeOrder(number: number, statusName?: string): void {
    const order = this.needOrder(number);
    const closing = this.t.statuses.filter((s) => this.closes(s)).sort((a, b) => Number(a.Rank ?? 0) - Number(b.Rank ?? 0));
    const status = statusName === undefined ? closing[0] : closing.find((s) => same(s.Status, statusName));
    if (!status) throw new Error(statusName === undefined ? 'no status closes an order' : `"${statusName}" is not a status that closes an order`);
    const so = order.ServiceOrder as Rec;
    const changed = !same(so.Status, status.Status);
    so.Status = status.Status;
    this.applyStatusDates(so, {}, changed);
  }

  notesOf(number: number): Rec[] {
    this.needOrder(number);
    return this.t.notes.filter((n) => Number(n.ServiceOrderNumber) === number);
  }

  renderNote(n: Rec): Rec {
    const { ServiceOrderNumber: _n, ...rest } = n;
    const rep = n.RepNumber === null || n.RepNumber === undefined ? undefined : this.findRep(n.RepNumber);
    return { EmailTo: null, EmailCarbonCopy: null, ...rest, RepName: rep ? this.repName(rep) : null };
  }

  /** POST …/notes (ServiceOrderNoteModel): a Note is required; the rep defaults to the API rep. Locked orders take notes (UNCONFIRMED). */
  addNote(number: number, body: unknown, defaultRep = this.fixture.apiRep.repNumber): Rec {
    const order = this.needOrder(number);
    if (!body || typeof body !== 'object' || Array.isArray(body)) throw new TpRefusal('The request body must be a service order note.');
    const b = body as Rec;
    if (typeof b.Note !== 'string' || b.Note.trim() === '') throw new TpRefusal('Note is required.');
    const repNumber = num(b.RepNumber) ?? defaultRep;
    if (!this.findRep(repNumber)) throw new TpRefusal(`Rep ${repNumber} was not found.`);
    const now = isoSecond(this.now());
    const note: Rec = {
      ServiceOrderNoteNumber: this.nextKey('notes', 1),
      Topic: typeof b.Topic === 'string' ? b.Topic : null,
      Note: b.Note,
      DateCreated: bodyDate(b.DateCreated, 'DateCreated') ?? now,
      StartTime: bodyDate(b.StartTime, 'StartTime'),
      LastModified: now,
      RepNumber: repNumber,
      ServiceOrderNumber: order.ServiceOrderNumber,
    };
    this.t.notes.push(note);
    return note;
  }

  // ------------------------------------------------------------ people in the GUI (control API)

  setAccountStatus(number: number, status: string): void {
    const known = this.t.accountStatuses.find((s) => same(s.Value, status));
    if (!known) throw new Error(`no account status ${status}`);
    (this.needAccount(number).Account as Rec).Status = known.Value;
  }

  renameAccount(number: number, name: string): void {
    (this.needAccount(number).Account as Rec).Name = name;
  }

  removeCustomField(label: string): void {
    const def = this.needCustomField(label);
    this.t.customFields = this.t.customFields.filter((f) => f !== def);
    for (const a of this.t.accounts) delete (a.CustomFieldValues as Rec)[String(def.CustomFieldId)];
  }

  /** Edits a record as a person would in the GUI: fields set as given, no API rules (dates may be relative). */
  updateRecord(table: TpTable, key: unknown, fields: Rec): Rec {
    const k = KEYS[table];
    const hit = this.t[table].find((r) => String(r[k]) === String(key));
    if (!hit) throw new Error(`no ${table} record ${String(key)}`);
    const resolved = resolveDates(fields, this.now()) as Rec;
    for (const [f, v] of Object.entries(resolved)) {
      if (v && typeof v === 'object' && !Array.isArray(v) && hit[f] && typeof hit[f] === 'object') Object.assign(hit[f] as Rec, v);
      else hit[f] = v;
    }
    return hit;
  }

  /** Adds a record as Tigerpaw's own data would hold it, in fixture form. Returns its key. */
  insertRecord(table: TpTable, record: Rec): unknown {
    const resolved = resolveDates(structuredClone(record), this.now()) as Rec;
    let rec: Rec;
    switch (table) {
      case 'accounts':
        rec = this.accountInput(resolved);
        break;
      case 'accountExternalProducts':
        rec = this.crossRefInput(resolved);
        break;
      case 'additionalCharges':
        rec = this.fixtureCharge(resolved);
        break;
      case 'serviceOrders':
        rec = this.fixtureOrder(resolved);
        break;
      default: {
        const k = KEYS[table];
        rec = { ...resolved };
        const byName = table === 'statuses' || table === 'priorities' || table === 'types';
        if (rec[k] === undefined && byName) throw new Error(`a ${table} record needs ${k}`);
        if (rec[k] === undefined) rec[k] = this.nextKey(table, 1);
      }
    }
    this.t[table].push(rec);
    return rec[KEYS[table]];
  }

  /** Removes a record as a person would in the GUI. */
  removeRecord(table: TpTable, key: unknown): void {
    const k = KEYS[table];
    const before = this.t[table].length;
    this.t[table] = this.t[table].filter((r) => String(r[k]) !== String(key));
    if (this.t[table].length === before) throw new Error(`no ${table} record ${String(key)}`);
  }
}
