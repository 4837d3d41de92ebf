// Contracts, the units they hold per service and usage postings (SPEC §3.1).
//
// Usage is posted as a ContractServiceAdjustment (create-only, brief §4): a signed
// unitChange for one service of a Recurring Service contract, effective on a date.
// Autotask creates the ContractService when missing and keeps per-period totals in
// ContractServiceUnits, which is where current quantities are read.
import type { BillingItem, ItemQuantity, PsaContract, UsagePosting } from '../../../domain/types.js';
import { KmspError } from '../../../domain/errors.js';
import {
  CONTRACT_STATUS_ACTIVE_FALLBACK,
  CONTRACT_STATUS_ACTIVE_LABEL,
  CONTRACT_TYPE_FALLBACK_LABELS,
  RECURRING_SERVICE_CONTRACT_TYPE,
  dateOnly,
} from '../assumptions.js';
import type { AutotaskClient } from '../client.js';
import { checkDate, toInt } from '../ids.js';
import { labelOf, type FieldCatalog } from '../picklists.js';
import { q } from '../query.js';
import { bool, calendarPart, num, optNum, optStr, str } from '../wire.js';

export class Contracts {
  constructor(
    private readonly client: AutotaskClient,
    private readonly catalog: FieldCatalog,
  ) {}

  async list(accountId?: string): Promise<PsaContract[]> {
    const what = accountId === undefined ? 'list contracts' : `list the contracts of company ${accountId}`;
    const filter = accountId === undefined ? [q.all()] : [q.eq('companyID', toInt(accountId, 'company id'))];
    const [records, types, statuses] = await Promise.all([
      this.client.query('Contracts', filter, what, ['id', 'companyID', 'contractName', 'contractType', 'status', 'startDate', 'endDate']),
      this.catalog.picklist('Contracts', 'contractType'),
      this.catalog.picklist('Contracts', 'status'),
    ]);
    const activeStatuses = statuses.filter((s) => CONTRACT_STATUS_ACTIVE_LABEL.test(s.label)).map((s) => s.value);
    const active = activeStatuses.length ? new Set(activeStatuses) : new Set([CONTRACT_STATUS_ACTIVE_FALLBACK]);
    return records.map((r) => {
      const type = optNum(r, 'contractType', what);
      const status = optNum(r, 'status', what);
      return {
        id: String(num(r, 'id', what)),
        accountId: String(num(r, 'companyID', what)),
        name: str(r, 'contractName', what),
        recurring: type === RECURRING_SERVICE_CONTRACT_TYPE,
        typeLabel: labelOf(types, type) ?? (type === null ? '' : (CONTRACT_TYPE_FALLBACK_LABELS[String(type)] ?? `Contract type ${type}`)),
        active: status !== null && active.has(String(status)),
        startDate: calendarPart(optStr(r, 'startDate', what)),
        endDate: calendarPart(optStr(r, 'endDate', what)),
      };
    });
  }

  /** Services (Autotask's billing items for recurring contracts), active or not. */
  async billingItems(): Promise<BillingItem[]> {
    const what = 'list services';
    const records = await this.client.query('Services', [q.all()], what, ['id', 'name', 'isActive']);
    return records.map((r) => ({ id: String(num(r, 'id', what)), name: str(r, 'name', what), active: bool(r, 'isActive', what) }));
  }

  /**
   * Units per service in the ContractServiceUnits period containing `date`:
   * contractID = contract, startDate ≤ date ≤ endDate (date-only values at midnight, brief §2.6).
   */
  async currentQuantities(contractId: string, date: string): Promise<ItemQuantity[]> {
    const id = toInt(contractId, 'contract id');
    const at = dateOnly(checkDate(date, 'quantity date'));
    const what = `read the units of contract ${id}`;
    const records = await this.client.query(
      'ContractServiceUnits',
      [q.eq('contractID', id), q.lte('startDate', at), q.gte('endDate', at)],
      what,
      ['contractID', 'serviceID', 'startDate', 'endDate', 'units'],
    );
    const byService = new Map<string, ItemQuantity>();
    for (const r of records) {
      const serviceId = String(num(r, 'serviceID', what));
      const units = optNum(r, 'units', what) ?? 0;
      const known = byService.get(serviceId);
      if (known) {
        // One row per service and period is expected; should a tenant have two, the contract holds their sum.
        known.units += units;
        continue;
      }
      byService.set(serviceId, {
        billingItemId: serviceId,
        units,
        periodStart: calendarPart(optStr(r, 'startDate', what)) ?? date,
        periodEnd: calendarPart(optStr(r, 'endDate', what)) ?? date,
      });
    }
    return [...byService.values()];
  }

  /** POST ContractServiceAdjustments {contractID, serviceID, unitChange, effectiveDate}. Never retried on failure. */
  async postUsage(posting: UsagePosting): Promise<{ id: string | null }> {
    const contractID = toInt(posting.contractId, 'contract id');
    const serviceID = toInt(posting.billingItemId, 'service id');
    if (!Number.isInteger(posting.unitChange) || posting.unitChange === 0) {
      throw new KmspError(`A usage posting needs a whole, non-zero unit change (got ${posting.unitChange})`, {
        kind: 'internal',
        remedy: 'Report this to the kmsp maintainers.',
      });
    }
    const effectiveDate = dateOnly(checkDate(posting.effectiveDate, 'effective date'));
    const id = await this.client.create(
      'ContractServiceAdjustments',
      { contractID, serviceID, unitChange: posting.unitChange, effectiveDate },
      `post ${posting.unitChange > 0 ? '+' : ''}${posting.unitChange} units of service ${serviceID} to contract ${contractID}`,
    );
    return { id: id > 0 ? String(id) : null };
  }
}
