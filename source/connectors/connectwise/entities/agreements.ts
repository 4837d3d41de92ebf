// Agreements, their additions and the product catalog (README › Billing rules; README §4.2–§4.4
// here). ConnectWise keeps a licence count as an agreement addition: one addition per agreement
// and product, whose quantity kmsp sets (the profile's posting mode 'set'); there are no
// service periods.
import { KmspError, isKmspError } from '../../../domain/errors.js';
import type { BillingItem, ItemQuantity, PsaContract, UsagePosting } from '../../../domain/types.js';
import { ADDITION_WITHOUT_EFFECTIVE_DATE_IS_IN_EFFECT, ENDED_AGREEMENT_STATUSES, NEW_ADDITION_BILL_CUSTOMER } from '../assumptions.js';
import { replace, type ConnectWiseClient } from '../client.js';
import { c } from '../conditions.js';
import { checkDate, toInt } from '../ids.js';
import { checkSetPosting } from '../../wireValues.js';
import { calendarPart, dateOnly, flag, num, optNum, optRef, optStr, ref, str, type WireRecord } from '../wire.js';

const AGREEMENTS = 'finance/agreements';
const AGREEMENT_FIELDS = ['id', 'name', 'company', 'type', 'startDate', 'endDate', 'noEndingDateFlag', 'cancelledFlag', 'agreementStatus'];
const ADDITION_FIELDS = ['id', 'product', 'quantity', 'effectiveDate', 'cancelledDate', 'agreementId'];

interface Addition {
  id: number;
  productId: number;
  product: string;
  quantity: number;
  /** YYYY-MM-DD or null */
  effective: string | null;
  cancelled: string | null;
}

function toAddition(r: WireRecord, what: string): Addition {
  const product = asProduct(r, what);
  return {
    id: num(r, 'id', what),
    productId: product.id,
    product: product.label,
    quantity: optNum(r, 'quantity', what) ?? 0,
    effective: calendarPart(optStr(r, 'effectiveDate', what)),
    cancelled: calendarPart(optStr(r, 'cancelledDate', what)),
  };
}

/** The product reference of an addition (IvItemReference: id, identifier). */
function asProduct(r: WireRecord, what: string): { id: number; label: string } {
  const product = ref(r, 'product', what);
  const raw = r.product as WireRecord;
  const identifier = typeof raw.identifier === 'string' ? raw.identifier : null;
  return { id: product.id, label: identifier ? `${product.id} (${identifier})` : String(product.id) };
}

/** Cancelled on or before `day` (README §4.3: cancelledDate ends an addition). */
function cancelledBy(a: Addition, day: string): boolean {
  return a.cancelled !== null && a.cancelled <= day;
}

/** In effect on `day`: started (effectiveDate ≤ day) and not cancelled on or before it. */
function inEffect(a: Addition, day: string): boolean {
  if (a.effective === null ? !ADDITION_WITHOUT_EFFECTIVE_DATE_IS_IN_EFFECT : a.effective > day) return false;
  return !cancelledBy(a, day);
}

/** The addition a writeRef of currentQuantities names (the product's only live one), or null to read them. */
function refAddition(ref: string | undefined, productId: number, day: string): Addition | null {
  if (ref === undefined) return null;
  try {
    const r = JSON.parse(ref) as { addition?: unknown; quantity?: unknown; product?: unknown };
    if (typeof r.addition !== 'number' || typeof r.quantity !== 'number') return null;
    return { id: r.addition, productId, product: typeof r.product === 'string' ? r.product : String(productId), quantity: r.quantity, effective: day, cancelled: null };
  } catch {
    return null;
  }
}

function twoAdditions(agreementId: number, product: string, additions: Addition[], day: string): KmspError {
  const list = additions.map((a) => `${a.id} (quantity ${a.quantity}${a.effective ? `, effective ${a.effective}` : ''}${a.cancelled ? `, cancelled ${a.cancelled}` : ''})`).join(' and ');
  return new KmspError(`Agreement ${agreementId} has ${additions.length} additions of product ${product} in effect on ${day}`, {
    kind: 'config',
    cause: `additions ${list}; kmsp sets the quantity of one addition per product and cannot tell which one to set`,
    remedy: `Open agreement ${agreementId} in ConnectWise (Additions tab) and leave one addition of product ${product} in effect (cancel the others), or map the application to another product. Billing skips this agreement's product meanwhile.`,
  });
}

export class Agreements {
  constructor(private readonly client: ConnectWiseClient) {}

  async list(accountId?: string): Promise<PsaContract[]> {
    const what = accountId === undefined ? 'list agreements' : `list the agreements of company ${accountId}`;
    const conditions = accountId === undefined ? undefined : c.eq('company/id', toInt(accountId, 'company id'));
    const records = await this.client.list(AGREEMENTS, { ...(conditions ? { conditions } : {}), fields: AGREEMENT_FIELDS }, what, 'agreements');
    return records.map((r) => {
      const cancelled = flag(r, 'cancelledFlag', what);
      const status = (optStr(r, 'agreementStatus', what) ?? '').toLowerCase();
      const noEnd = flag(r, 'noEndingDateFlag', what);
      return {
        id: String(num(r, 'id', what)),
        accountId: String(ref(r, 'company', what).id),
        name: str(r, 'name', what),
        // README §4.2: every agreement type takes additions; a cancelled or ended one is
        // reported as inactive (active below), which is the check that names the cause.
        recurring: true,
        typeLabel: optRef(r, 'type', what)?.name ?? '',
        active: !cancelled && !ENDED_AGREEMENT_STATUSES.has(status),
        startDate: calendarPart(optStr(r, 'startDate', what)),
        endDate: noEnd ? null : calendarPart(optStr(r, 'endDate', what)),
      };
    });
  }

  /** Catalog products (README §4.4), active or not; named "identifier — description". */
  async billingItems(): Promise<BillingItem[]> {
    const what = 'list catalog products';
    const records = await this.client.list('procurement/catalog', { fields: ['id', 'identifier', 'description', 'inactiveFlag'] }, what, 'catalog');
    return records.map((r) => {
      const identifier = (optStr(r, 'identifier', what) ?? '').trim();
      const description = (optStr(r, 'description', what) ?? '').trim();
      const name = identifier && description && description !== identifier ? `${identifier} — ${description}` : identifier || description || `Product ${num(r, 'id', what)}`;
      return { id: String(num(r, 'id', what)), name, active: !flag(r, 'inactiveFlag', what) };
    });
  }

  /** The agreement's additions (all, or of one product), with a clear error for an agreement that is gone. */
  private async additions(agreementId: number, productId: number | null, what: string): Promise<Addition[]> {
    const conditions = productId === null ? undefined : c.eq('product/id', productId);
    let records: WireRecord[];
    try {
      records = await this.client.list(`${AGREEMENTS}/${agreementId}/additions`, { ...(conditions ? { conditions } : {}), fields: ADDITION_FIELDS }, what, 'additions');
    } catch (error) {
      if (isKmspError(error) && error.code === 404 && !(await this.client.getItem(`${AGREEMENTS}/${agreementId}`, `read agreement ${agreementId}`, 'agreements', ['id']))) {
        throw new KmspError(`Agreement ${agreementId} does not exist in ConnectWise`, {
          kind: 'not-found',
          cause: `GET ${AGREEMENTS}/${agreementId} found nothing`,
          remedy: 'The agreement may have been deleted in ConnectWise; choose the agreement again in kmsp.',
        });
      }
      throw error;
    }
    const all = records.map((r) => toAddition(r, what));
    return productId === null ? all : all.filter((a) => a.productId === productId);
  }

  /**
   * Units per product on `date` (README §4.3): the additions in effect that day (effectiveDate
   * ≤ date, not cancelled on or before it), summed per product — what the agreement bills for
   * it. ConnectWise has no periods, so periodStart/periodEnd are null. Two additions of one
   * product in effect are not an error here: the agreement may hold products kmsp does not bill
   * (labour, other vendors' licences) added several times, and the units are read for a whole
   * agreement, so refusing here would stop billing of every product on it. postUsage, which
   * writes one product, refuses a product with two additions, naming both.
   */
  async currentQuantities(agreementId: string, date: string): Promise<ItemQuantity[]> {
    const id = toInt(agreementId, 'agreement id');
    const day = checkDate(date, 'quantity date');
    const all = await this.additions(id, null, `read the additions of agreement ${id}`);
    const byProduct = new Map<number, number>();
    for (const a of all.filter((x) => inEffect(x, day))) byProduct.set(a.productId, (byProduct.get(a.productId) ?? 0) + a.quantity);
    return [...byProduct].map(([productId, units]) => {
      // The one addition postUsage would set, where this read already tells (none later, no second one).
      const live = all.filter((a) => a.productId === productId && !cancelledBy(a, day));
      const one = live.length === 1 && !(live[0]!.effective !== null && live[0]!.effective > day) ? live[0]! : null;
      return { billingItemId: String(productId), units, periodStart: null, periodEnd: null, ...(one ? { writeRef: JSON.stringify({ addition: one.id, quantity: one.quantity, product: one.product }) } : {}) };
    });
  }

  /**
   * Sets the product's quantity on the agreement (README §4.3; posting mode 'set'): the
   * agreement's additions of the product are read right before writing; none → POST an
   * addition with quantity = after, effective on the posting's date; one → PATCH its quantity
   * in place (an addition is never deleted; 0 stays an addition of 0). An addition already
   * holding `after` is left alone (a posting repeated after an unknown outcome writes nothing).
   */
  async postUsage(posting: UsagePosting): Promise<{ id: string | null }> {
    checkSetPosting(posting.mode, 'ConnectWise', 'agreement additions');
    const agreementId = toInt(posting.contractId, 'agreement id');
    const productId = toInt(posting.billingItemId, 'product id');
    const day = checkDate(posting.effectiveDate, 'effective date');
    if (!Number.isInteger(posting.after) || posting.after < 0) {
      throw new KmspError(`A usage posting needs a whole, non-negative quantity (got ${posting.after})`, { kind: 'internal', remedy: 'Nothing was written. Report this to the kmsp maintainers.' });
    }
    const what = `read agreement ${agreementId}'s additions of product ${productId}`;
    // The units read this posting is made against already found the one addition to set.
    const known = refAddition(posting.writeRef, productId, day);
    const live = known ? [known] : (await this.additions(agreementId, productId, what)).filter((a) => !cancelledBy(a, day));
    const later = live.filter((a) => a.effective !== null && a.effective > day);
    if (later.length > 0) {
      const a = later[0]!;
      throw new KmspError(`Agreement ${agreementId} has an addition of product ${a.product} that takes effect after ${day}`, {
        kind: 'config',
        cause: `addition ${a.id} (quantity ${a.quantity}) is effective from ${a.effective}; setting it would change a future quantity, and adding another would leave two`,
        remedy: `Open agreement ${agreementId} in ConnectWise (Additions tab) and decide about addition ${a.id} (make it effective now, or cancel it). Billing skips this agreement's product meanwhile.`,
      });
    }
    if (live.length > 1) throw twoAdditions(agreementId, live[0]!.product, live, day);

    const existing = live[0];
    if (!existing) {
      // Nothing to hold 0 units: no addition is the same as an addition of 0.
      if (posting.after === 0) return { id: null };
      const created = await this.client.create(
        `${AGREEMENTS}/${agreementId}/additions`,
        { product: { id: productId }, quantity: posting.after, effectiveDate: dateOnly(day), billCustomer: NEW_ADDITION_BILL_CUSTOMER },
        {
          action: `add product ${productId} with quantity ${posting.after} to agreement ${agreementId}`,
          area: 'additions',
          check: `Look at agreement ${agreementId}'s additions in ConnectWise for product ${productId} with quantity ${posting.after} effective ${day}; kmsp reads the additions before its next posting and does not add a second one when it is there.`,
        },
      );
      return { id: String(num(created, 'id', 'the new addition')) };
    }
    if (existing.quantity === posting.after) return { id: String(existing.id) };
    const action = `set the quantity of addition ${existing.id} (product ${productId}, agreement ${agreementId}) from ${existing.quantity} to ${posting.after}`;
    const check = `Look at addition ${existing.id} of agreement ${agreementId} in ConnectWise: if its quantity is ${posting.after}, the change was made; setting it again is harmless.`;
    const response = await this.client.patch(`${AGREEMENTS}/${agreementId}/additions/${existing.id}`, [replace('quantity', posting.after)], { action, area: 'additions', check });
    const updated = this.client.writeAnswer(response, { action, check, area: 'additions' });
    const quantity = optNum(updated, 'quantity', action);
    if (quantity !== posting.after) {
      throw new KmspError(`ConnectWise answered the quantity change of addition ${existing.id} without applying it`, {
        kind: 'vendor',
        cause: `kmsp set quantity ${posting.after}; ConnectWise answered HTTP ${response.status} with quantity ${quantity ?? 'none'}`,
        remedy: `Look at addition ${existing.id} of agreement ${agreementId} in ConnectWise; kmsp tries again on its next run.`,
      });
    }
    return { id: String(existing.id) };
  }
}
