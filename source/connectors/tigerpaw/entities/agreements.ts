// Agreements, their additional charges, the price book and price levels (README › Billing rules;
// README §4.3–§4.5 here). Tigerpaw keeps a licence count as an additional charge of a recurring
// agreement: one charge per agreement and price book item, whose quantity kmsp sets at the
// account's price level (the profile's posting mode 'set'); there are no service periods.
import { KmspError } from '../../../domain/errors.js';
import type { BillingItem, ItemQuantity, PriceLevel, PsaContract, UsagePosting } from '../../../domain/types.js';
import { createCharge, updateCharge } from '../additionalChargeWrite.js';
import { MATCH_ALL_CRITERIA, isRecurringPriceLevel, sameItem } from '../assumptions.js';
import type { TigerpawClient } from '../client.js';
import { isRecordNotFound } from '../errors.js';
import { checkDate, toInt } from '../ids.js';
import { checkSetPosting } from '../../wireValues.js';
import { asArray, calendarPart, flag, num, optNum, optRecord, optStr, protocolError, type WireRecord } from '../wire.js';

interface Charge {
  detailId: number;
  itemId: string | null;
  quantity: number;
  priceLevel: number | null;
}

function toCharge(r: WireRecord, what: string): Charge {
  return {
    detailId: num(r, 'DetailId', what),
    itemId: optStr(r, 'SpecialItemId', what),
    quantity: optNum(r, 'Quantity', what) ?? 0,
    priceLevel: optNum(r, 'PriceLevel', what),
  };
}

export class Agreements {
  constructor(
    private readonly client: TigerpawClient,
    private readonly now: () => Date,
  ) {}

  /**
   * An account's agreements (GET /api/agreements/account/{n}?activeOnly=false), or every
   * agreement (advanced search without criteria, paged) — README §4.3.
   */
  async list(accountId?: string): Promise<PsaContract[]> {
    if (accountId === undefined) {
      const what = 'list agreements';
      const rows = await this.client.advancedSearch('/api/agreements/search', 'Agreements', MATCH_ALL_CRITERIA, what, 'agreements');
      return rows.map((r) => toContract(r, null, what));
    }
    const n = toInt(accountId, 'account number');
    const what = `list the agreements of account ${n}`;
    const rows = await this.client.pagedGet(`/api/agreements/account/${n}`, 'Agreements', { activeOnly: false }, what, 'agreements');
    return rows.map((r) => toContract(r, n, what));
  }

  /** Active price book items (README §4.5): advanced search without criteria; id = ItemId. */
  async billingItems(): Promise<BillingItem[]> {
    const what = 'list price book items';
    const rows = await this.client.advancedSearch('/api/pricebook/items/search', 'PriceBookItems', MATCH_ALL_CRITERIA, what, 'priceBook');
    const items = new Map<string, BillingItem>();
    for (const r of rows) {
      const itemId = (optStr(r, 'ItemId', what) ?? '').trim();
      const item = optRecord(r, 'Item', what);
      if (!itemId || items.has(itemId) || (item && flag(item, 'Inactive', what))) continue;
      const description = (item ? optStr(item, 'ItemDescription', what) : null)?.trim() ?? '';
      items.set(itemId, { id: itemId, name: description && description !== itemId ? `${itemId} — ${description}` : itemId, active: true });
    }
    return [...items.values()];
  }

  /** GET /api/mastertables/pricelevels (README §4.5): id = PriceLevelId, name = Description; repair levels left out. */
  async priceLevels(): Promise<PriceLevel[]> {
    const what = 'list price levels';
    const rows = await this.client.getList('/api/mastertables/pricelevels', what, 'masterTables');
    return rows.filter(isRecurringPriceLevel).map((r) => {
      const id = num(r, 'PriceLevelId', what);
      return { id: String(id), name: optStr(r, 'Description', what)?.trim() || `Price level ${id}` };
    });
  }

  /** The agreement's additional charges (a documented REST read), with a clear error for an agreement that is gone. */
  private async charges(agreement: number, what: string): Promise<Charge[]> {
    const response = await this.client.send({ method: 'GET', path: `/api/agreements/${agreement}/additionalcharges`, action: what, area: 'charges', item: true, accept: [404] });
    if (response.status === 404) {
      if (!isRecordNotFound(response, this.client.http.redactor)) throw this.client.failure(response, { action: what, area: 'charges', item: true });
      throw new KmspError(`Agreement ${agreement} does not exist in Tigerpaw`, {
        kind: 'not-found',
        cause: `Tigerpaw answered 404 for agreement ${agreement}'s additional charges`,
        remedy: 'The agreement may have been deleted in Tigerpaw; choose the agreement again in kmsp.',
      });
    }
    return asArray(this.client.json(response), what).map((r) => toCharge(r, what));
  }

  /**
   * Units per price book item (README §4.4): the quantities of the agreement's charges of each
   * item, summed, with the price level they are priced at (null when charges of one item are at
   * different levels). Tigerpaw has no periods, so periodStart and periodEnd are null and the
   * date only has to be one. Two charges of one item are read as their sum, not refused: a
   * product kmsp does not bill must not stop the billing of the others; postUsage refuses to
   * write an item that has two.
   */
  async currentQuantities(contractId: string, date: string): Promise<ItemQuantity[]> {
    const agreement = toInt(contractId, 'agreement number');
    checkDate(date, 'quantity date');
    const byItem = new Map<string, { units: number; levels: Set<number | null>; charges: Charge[] }>();
    for (const c of await this.charges(agreement, `read the additional charges of agreement ${agreement}`)) {
      if (c.itemId === null || c.itemId.trim() === '') continue;
      const key = c.itemId.trim();
      const entry = byItem.get(key) ?? { units: 0, levels: new Set(), charges: [] };
      entry.units += c.quantity;
      entry.levels.add(c.priceLevel);
      entry.charges.push(c);
      byItem.set(key, entry);
    }
    return [...byItem].map(([billingItemId, e]) => {
      const [level] = [...e.levels];
      // The one charge postUsage would set, where this read already tells (a second one: it reads and refuses).
      const one = e.charges.length === 1 ? e.charges[0]! : null;
      return {
        billingItemId,
        units: e.units,
        periodStart: null,
        periodEnd: null,
        priceLevel: e.levels.size === 1 && level !== null && level !== undefined ? String(level) : null,
        ...(one ? { writeRef: JSON.stringify({ detailId: one.detailId, quantity: one.quantity, priceLevel: one.priceLevel }) } : {}),
      };
    });
  }

  /**
   * Sets the item's quantity on the agreement at the account's price level (README §4.4; posting
   * mode 'set'): the agreement's charges are read right before writing; none → a new charge
   * (none and 0 units: nothing to write); one → its quantity and price level set in place (it is
   * never deleted: 0 stays a charge of 0); one that already holds both → nothing written, so a
   * posting repeated after an unknown outcome writes nothing; two or more → a config error.
   */
  async postUsage(posting: UsagePosting): Promise<{ id: string | null }> {
    checkSetPosting(posting.mode, 'Tigerpaw', 'additional charges');
    const agreement = toInt(posting.contractId, 'agreement number');
    const itemId = posting.billingItemId.trim();
    checkDate(posting.effectiveDate, 'effective date');
    if (!itemId) throw new KmspError('A usage posting names no price book item', { kind: 'internal', remedy: 'Nothing was written. Report this to the kmsp maintainers.' });
    if (!Number.isInteger(posting.after) || posting.after < 0) {
      throw new KmspError(`A usage posting needs a whole, non-negative quantity (got ${posting.after})`, { kind: 'internal', remedy: 'Nothing was written. Report this to the kmsp maintainers (Tigerpaw quantities are whole numbers).' });
    }
    if (posting.priceLevel === undefined || posting.priceLevel === null || posting.priceLevel.trim() === '') {
      throw new KmspError(`No price level is chosen for the account of agreement ${agreement}`, {
        kind: 'config',
        cause: 'Tigerpaw prices an additional charge at a price level, and kmsp sends the one chosen for the account',
        remedy: 'Choose a price level for the account on the Accounts tab. Nothing was written.',
      });
    }
    const level = toInt(posting.priceLevel, 'price level');

    const what = `read agreement ${agreement}'s additional charges of item ${itemId}`;
    // The units read this posting is made against already found the one charge to set.
    const known = refCharge(posting.writeRef, itemId);
    const mine = known ? [known] : (await this.charges(agreement, what)).filter((c) => sameItem(c.itemId, itemId));
    if (mine.length > 1) {
      const list = mine.map((c) => `${c.detailId} (quantity ${c.quantity})`).join(' and ');
      throw new KmspError(`Agreement ${agreement} has ${mine.length} additional charges of item ${itemId}`, {
        kind: 'config',
        cause: `charges ${list}; kmsp sets the quantity of one charge per item and cannot tell which one to set`,
        remedy: `Open agreement ${agreement} in Tigerpaw (Additional Charges) and leave one charge of item ${itemId}, or map the application to another item. Billing skips this agreement's item meanwhile.`,
      });
    }
    const existing = mine[0];
    if (!existing) {
      // Nothing to hold 0 units: no charge is the same as a charge of 0.
      if (posting.after === 0) return { id: null };
      const created = await createCharge(this.client, agreement, itemId, posting.after, level);
      checkWritten(created.quantity, posting.after, `the new charge ${created.detailId} of agreement ${agreement}`);
      return { id: String(created.detailId) };
    }
    if (existing.quantity === posting.after && existing.priceLevel === level) return { id: String(existing.detailId) };
    const updated = await updateCharge(this.client, agreement, existing.detailId, itemId, posting.after, level);
    checkWritten(updated.quantity, posting.after, `charge ${existing.detailId} of agreement ${agreement}`);
    return { id: String(existing.detailId) };
  }
}

/** The charge a writeRef of currentQuantities names (the item's only one), or null to read them. */
function refCharge(ref: string | undefined, itemId: string): Charge | null {
  if (ref === undefined) return null;
  try {
    const r = JSON.parse(ref) as { detailId?: unknown; quantity?: unknown; priceLevel?: unknown };
    if (typeof r.detailId !== 'number' || typeof r.quantity !== 'number') return null;
    return { detailId: r.detailId, itemId, quantity: r.quantity, priceLevel: typeof r.priceLevel === 'number' ? r.priceLevel : null };
  } catch {
    return null;
  }
}

function checkWritten(answered: number | null, wanted: number, what: string): void {
  if (answered === wanted) return;
  throw new KmspError(`Tigerpaw answered the write of ${what} without the quantity kmsp set`, {
    kind: 'vendor',
    cause: `kmsp set quantity ${wanted}; Tigerpaw answered quantity ${answered ?? 'none'}`,
    remedy: `Look at ${what} in Tigerpaw; kmsp reads it again before its next posting.`,
  });
}

/** An AgreementSummary as a contract: number and start date, "1042 · 2026-01-01" (README §4.3). */
function toContract(r: WireRecord, accountNumber: number | null, what: string): PsaContract {
  const n = num(r, 'AgreementNumber', what);
  const agreement = optRecord(r, 'Agreement', what) ?? {};
  const account = optNum(agreement, 'AccountNumber', what) ?? accountNumber;
  if (account === null) throw protocolError(what, `agreement ${n} names no AccountNumber`);
  const start = calendarPart(optStr(agreement, 'StartDate', what));
  const end = calendarPart(optStr(agreement, 'EndDate', what));
  return {
    id: String(n),
    accountId: String(account),
    name: start ? `${n} · ${start}` : String(n),
    // Every agreement takes additional charges. Tigerpaw agreements have no status: whether one
    // runs on the billing day (in the configured time zone) is the billing check's, by its dates,
    // which names an ended or not yet started agreement with the right remedy.
    recurring: true,
    typeLabel: optStr(agreement, 'Type', what) ?? '',
    active: true,
    startDate: start,
    endDate: end,
  };
}
