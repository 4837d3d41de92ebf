// The Tigerpaw simulator's dataset (tigerpaw.json). See FIXTURE.md for the format.
// Records are written in Tigerpaw's wire form (PascalCase, as the REST API answers them), keyed
// by their numbers; a few links the API does not show as such (a charge's agreement, an order's
// lock) are plain fields. Datetimes may be ISO strings or relative to the moment the simulator
// starts ("startOfYear", "now-1d"; ../fixtureTime.ts).
import { readFileSync } from 'node:fs';

/** What the API rep's security role allows in one area: nothing, reading, or reading and writing. */
export type TpAccess = 'none' | 'read' | 'write';

/**
 * Areas of the API rep's security role the simulator checks (FIXTURE.md › Rights): accounts
 * (accounts, their External Product cross-references), customFields (account custom fields),
 * agreements (recurring agreements and their additional charges), priceBook (price book items),
 * masterTables (every /api/mastertables list), serviceOrders (service orders and their notes).
 */
export type TpArea = 'accounts' | 'customFields' | 'agreements' | 'priceBook' | 'masterTables' | 'serviceOrders';

export const TP_AREAS: readonly TpArea[] = ['accounts', 'customFields', 'agreements', 'priceBook', 'masterTables', 'serviceOrders'];

export interface TpApiRep {
  /** The rep the REST keys belong to (must be one of `reps`). */
  repNumber: number;
  publicKey: string;
  privateKey: string;
  /**
   * The External Product of the rep's integration: additional-charge writes run as it and need the
   * account cross-referenced to it (UNCONFIRMED stand-in for the ASMX user's product binding).
   */
  externalProduct: string;
  /** Security role per area; left out: everything allowed. An area left out of a given role: none. */
  rights?: Partial<Record<TpArea, TpAccess>>;
}

export type TpRecord = Record<string, unknown>;

export interface TigerpawFixture {
  description?: string;
  apiRep: TpApiRep;
  /** What /api/diagnostics/productInformation answers (fields of ProductInformation). */
  product?: TpRecord;
  /** RepSummary records: RepNumber, FirstName, LastName, DisplayName, EmailAddress, Inactive, Status. */
  reps?: TpRecord[];
  /** Account types and statuses: plain names, or {Id, Value, IsSystemEntry, IsSystemDefault}. */
  accountTypes?: Array<string | TpRecord>;
  accountStatuses?: Array<string | TpRecord>;
  /** Account custom fields: {CustomFieldId, Label, Category, Description}; every account shows each. */
  customFields?: TpRecord[];
  /** AccountSummary records {AccountNumber, Account{…}, …}; `CustomFields` may be {Label: value}. */
  accounts?: TpRecord[];
  /** ExternalProduct records {ExternalProductId, Product, ProductType, SystemEntry, Active}. */
  externalProducts?: TpRecord[];
  /** AccountExternalProduct records plus `AccountNumber`; the product by ExternalProductId or name (ExternalProduct). */
  accountExternalProducts?: TpRecord[];
  /** PriceLevel records {PriceLevelId, Description, …}. */
  priceLevels?: TpRecord[];
  /** PriceBookItemDetail records {PriceBookItemNumber, ItemId, Item{ItemDescription, Inactive, …}, Pricing[]}. */
  priceBookItems?: TpRecord[];
  /** AgreementSummary records {AgreementNumber, Agreement{AccountNumber, ExternalProduct, Type, StartDate, EndDate, …}}. */
  agreements?: TpRecord[];
  /** AgreementAdditionalCharge records plus `AgreementNumber`; Price and descriptions default from the price book. */
  additionalCharges?: TpRecord[];
  /** ServiceOrderStatus records {Status, TicketChange, SystemEntry, SystemDefault, Rank, Color}. */
  statuses?: TpRecord[];
  /** ServiceOrderPriority records {Priority, ResponseTime, Rank, SystemDefault, …}. */
  priorities?: TpRecord[];
  /** ServiceOrderType records {Type, SystemDefault, …}. */
  types?: TpRecord[];
  /** DispatchBoard records {DispatchBoardId, Description}. */
  dispatchBoards?: TpRecord[];
  /** ServiceOrderSummary-like records {ServiceOrderNumber, ServiceOrder{…}, ServiceOrderLock?: {LockingRepNumber}}. */
  serviceOrders?: TpRecord[];
  /** ServiceOrderNote records plus `ServiceOrderNumber`. */
  notes?: TpRecord[];
}

export function loadTigerpawFixture(path: string): TigerpawFixture {
  const text = readFileSync(path, 'utf8').replace(/^\uFEFF/, '');
  const fixture = JSON.parse(text) as TigerpawFixture;
  checkFixture(fixture, path);
  return fixture;
}

export function checkFixture(fixture: TigerpawFixture, where = 'fixture'): void {
  const r = fixture.apiRep;
  if (!r || typeof r.repNumber !== 'number' || !r.publicKey || !r.privateKey || !r.externalProduct) {
    throw new Error(`${where}: apiRep needs repNumber, publicKey, privateKey and externalProduct`);
  }
  if (!(fixture.reps ?? []).some((rep) => rep.RepNumber === r.repNumber)) throw new Error(`${where}: apiRep.repNumber ${r.repNumber} is not one of reps`);
  for (const [area, access] of Object.entries(r.rights ?? {})) {
    if (!TP_AREAS.includes(area as TpArea)) throw new Error(`${where}: apiRep.rights: unknown area ${area} (${TP_AREAS.join(', ')})`);
    if (!['none', 'read', 'write'].includes(access as string)) throw new Error(`${where}: apiRep.rights.${area}: "${String(access)}" is not none, read or write`);
  }
}
