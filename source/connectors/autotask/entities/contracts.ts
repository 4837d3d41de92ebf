// Contracts, the units they hold per service and usage postings (README › Billing rules; README §4.2–§4.4 here).
//
// Usage is posted as a ContractServiceAdjustment (create-only, README §4.4): a signed
// unitChange for one service of a Recurring Service contract, effective on a date.
// Autotask creates the ContractService when missing and keeps per-period totals in
// ContractServiceUnits, which is where current quantities are read.
import type { BillingItem, ItemQuantity, PsaContract, UsagePosting } from '../../../domain/types.js';
import { KmspError } from '../../../domain/errors.js';
import {
  CONTRACT_STATUS_ACTIVE_FALLBACK,
  CONTRACT_STATUS_ACTIVE_LABEL,
  CONTRACT_TYPE_FALLBACK_LABELS,
  NO_SERVICE_PERIOD,
  RECURRING_SERVICE_CONTRACT_TYPE,
  THREADS_PER_ENDPOINT,
  UNITS_QUERY_CONTRACTS,
  dateOnly,
} from '../assumptions.js';
import type { AutotaskClient } from '../client.js';
import { checkDate, toInt } from '../ids.js';
import { labelOf, type FieldCatalog } from '../picklists.js';
import { q } from '../query.js';
import { bool, calendarPart, num, optNum, optStr, str, type WireRecord } from '../wire.js';
import { mapLimit } from '../../mapLimit.js';

const UNIT_FIELDS = ['contractID', 'contractServiceID', 'serviceID', 'startDate', 'endDate', 'units'];

interface UnitRow {
  id: number | null;
  serviceId: string;
  units: number;
  /** YYYY-MM-DD */
  start: string;
  /** YYYY-MM-DD, as Autotask stores it (the last day, or the next period's start). */
  end: string;
}

function periodProtocolError(contractId: number, detail: string): KmspError {
  return new KmspError(`Autotask answered the units of contract ${contractId} in an unexpected shape`, {
    kind: 'protocol',
    cause: detail,
    remedy: 'Report this to the kmsp maintainers with the detail; billing skips this contract meanwhile.',
  });
}

/** No ContractServiceUnits period contains the day: the contract must be skipped, not read as 0 units. */
function noServicePeriod(contractId: number, day: string, dates: string, why: string, remedy?: string): KmspError {
  return new KmspError(`Contract ${contractId} has no service period containing ${day} (${dates}); billing skips it`, {
    kind: 'config',
    cause: why,
    remedy: remedy ?? `Map the account to a contract that runs on ${day}, or extend or renew contract ${contractId} in Autotask.`,
    code: NO_SERVICE_PERIOD,
  });
}

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
   * Units per service in the ContractServiceUnits period containing `date` (date-only values
   * at midnight, README §2.6). Rows are asked for with startDate ≤ date ≤ endDate; per service
   * the period with the latest startDate wins, so a tenant that stores a period's endDate as
   * the next period's start never gets two periods summed (assumptions.ts,
   * "ContractServiceUnits period boundaries"). Two different rows left for one service are an error.
   *
   * When no period contains the date — the contract has ended or not started, or its periods
   * do not exist yet — this throws a config KmspError with code NO_SERVICE_PERIOD: the
   * contract must be skipped, never read as 0 units. A contract that is running but has no
   * services at all answers [] (its first posting creates the service, README §4.4).
   */
  async currentQuantities(contractId: string, date: string): Promise<ItemQuantity[]> {
    const id = toInt(contractId, 'contract id');
    const day = checkDate(date, 'quantity date');
    const at = dateOnly(day);
    const what = `read the units of contract ${id}`;
    const records = await this.client.query('ContractServiceUnits', [q.eq('contractID', id), q.lte('startDate', at), q.gte('endDate', at)], what, UNIT_FIELDS);
    return this.quantitiesFrom(id, day, records, what);
  }

  /**
   * currentQuantities of many contracts: one ContractServiceUnits query per chunk of contracts
   * (contractID in […], the same period conditions), its rows split per contract and judged as
   * currentQuantities judges them (a contract without a row for the day is looked at alone, as
   * there). Per contract its quantities or its error; a failed query rejects the whole.
   */
  async currentQuantitiesMany(contractIds: readonly string[], date: string): Promise<Map<string, ItemQuantity[] | Error>> {
    const day = checkDate(date, 'quantity date');
    const at = dateOnly(day);
    const out = new Map<string, ItemQuantity[] | Error>();
    const ids = new Map<number, string>();
    for (const contractId of new Set(contractIds)) {
      try {
        ids.set(toInt(contractId, 'contract id'), contractId);
      } catch (error) {
        out.set(contractId, error as Error);
      }
    }
    const chunks: number[][] = [];
    const all = [...ids.keys()];
    for (let i = 0; i < all.length; i += UNITS_QUERY_CONTRACTS) chunks.push(all.slice(i, i + UNITS_QUERY_CONTRACTS));
    await mapLimit(chunks, THREADS_PER_ENDPOINT, async (chunk) => {
      const what = `read the units of ${chunk.length} contracts`;
      const records = await this.client.query('ContractServiceUnits', [q.in('contractID', chunk), q.lte('startDate', at), q.gte('endDate', at)], what, UNIT_FIELDS);
      const rows = new Map<number, WireRecord[]>(chunk.map((id) => [id, []]));
      for (const r of records) rows.get(num(r, 'contractID', what))?.push(r);
      // The rare contract whose rows need a second look (none for the day, a period touching it by
      // its end) costs its own requests, in turn: the thread limit is shared with the other chunks.
      for (const id of chunk) {
        try {
          out.set(ids.get(id)!, await this.quantitiesFrom(id, day, rows.get(id)!, `read the units of contract ${id}`));
        } catch (error) {
          out.set(ids.get(id)!, error as Error);
        }
      }
    });
    return out;
  }

  private async quantitiesFrom(id: number, day: string, records: readonly WireRecord[], what: string): Promise<ItemQuantity[]> {
    const byService = new Map<string, UnitRow[]>();
    for (const r of records) {
      const start = calendarPart(optStr(r, 'startDate', what));
      const end = calendarPart(optStr(r, 'endDate', what));
      if (!start || !end) throw periodProtocolError(id, 'a ContractServiceUnits row without startDate or endDate');
      // Checked here too: an operator Autotask ignores silently would widen the query (README §5.1).
      if (start > day || end < day) continue;
      const row: UnitRow = {
        id: optNum(r, 'id', what),
        serviceId: String(num(r, 'serviceID', what)),
        units: optNum(r, 'units', what) ?? 0,
        start,
        end,
      };
      const rows = byService.get(row.serviceId) ?? [];
      rows.push(row);
      byService.set(row.serviceId, rows);
    }

    const chosen: UnitRow[] = [];
    let touchesOnlyByEnd: UnitRow | null = null;
    for (const [serviceId, rows] of byService) {
      const latest = rows.reduce((a, b) => (b.start > a.start ? b : a)).start;
      const current = rows.filter((r) => r.start === latest);
      const distinct = new Map(current.map((r) => [r.id ?? `${r.start}/${r.end}/${r.units}`, r]));
      if (distinct.size > 1) {
        const periods = [...distinct.values()].map((r) => `${r.start}–${r.end}: ${r.units} units`).join('; ');
        throw new KmspError(`Contract ${id} has ${distinct.size} service periods for service ${serviceId} that contain ${day}`, {
          kind: 'vendor',
          cause: `ContractServiceUnits rows ${periods}; kmsp does not know which one holds the units and never adds them up`,
          remedy: `Check contract ${id}'s service ${serviceId} and its billing periods in Autotask. Billing skips this contract until it has one period containing ${day}.`,
        });
      }
      const row = current[0]!;
      // A period that only touches the day with its endDate (no period starts on it) may be the
      // previous period under the "endDate = next start" convention: decided by the contract dates.
      if (row.start < day && row.end === day) touchesOnlyByEnd ??= row;
      chosen.push(row);
    }

    if (chosen.length === 0 || touchesOnlyByEnd) {
      const contract = await this.client.getItem('Contracts', id, `read contract ${id}`);
      if (!contract) {
        throw new KmspError(`Contract ${id} does not exist in Autotask`, {
          kind: 'not-found',
          cause: `GET Contracts/${id} found nothing`,
          remedy: 'The contract may have been deleted in Autotask; choose the contract again in kmsp.',
        });
      }
      const cStart = calendarPart(optStr(contract, 'startDate', `contract ${id}`));
      const cEnd = calendarPart(optStr(contract, 'endDate', `contract ${id}`));
      const dates = `contract dates ${cStart ?? '?'} – ${cEnd ?? '?'}`;
      if (cStart === null || cEnd === null) throw noServicePeriod(id, day, dates, 'Autotask gives the contract no start or end date');
      if (day < cStart) throw noServicePeriod(id, day, dates, 'the contract has not started');
      if (day > cEnd) throw noServicePeriod(id, day, dates, 'the contract has ended');
      if (touchesOnlyByEnd) {
        // Inside the contract: the row holds the day only if its endDate is its last day. Under the
        // "endDate = next start" convention the previous period ends on this row's startDate.
        const previous = await this.client.count(
          'ContractServiceUnits',
          [q.eq('contractID', id), q.eq('serviceID', Number(touchesOnlyByEnd.serviceId)), q.eq('endDate', dateOnly(touchesOnlyByEnd.start))],
          what,
        );
        if (previous > 0) {
          throw noServicePeriod(
            id,
            day,
            dates,
            `the period ${touchesOnlyByEnd.start} – ${touchesOnlyByEnd.end} ends where the next one would start, and Autotask has no period starting ${day} (it may not have been created yet)`,
            `Open contract ${id} in Autotask and check its services' billing periods around ${day}; billing skips the contract until a period contains the date.`,
          );
        }
      }
      if (chosen.length === 0) {
        // Running contract, no period for the day: no services at all (0 units, honestly), or periods not created yet.
        const rows = await this.client.count('ContractServiceUnits', [q.eq('contractID', id)], what);
        if (rows > 0) {
          throw noServicePeriod(
            id,
            day,
            dates,
            'Autotask has no service period for this date although the contract runs (its periods may not have been created yet)',
            `Open contract ${id} in Autotask and check its services' billing periods around ${day}; billing skips the contract until a period contains the date.`,
          );
        }
        return [];
      }
    }

    return chosen.map((r) => ({ billingItemId: r.serviceId, units: r.units, periodStart: r.start, periodEnd: r.end }));
  }

  /**
   * POST ContractServiceAdjustments {contractID, serviceID, unitChange: after − before, effectiveDate}.
   * Autotask keeps no settable quantity, so only delta postings exist here. Never retried on failure.
   */
  async postUsage(posting: UsagePosting): Promise<{ id: string | null }> {
    const contractID = toInt(posting.contractId, 'contract id');
    const serviceID = toInt(posting.billingItemId, 'service id');
    const unitChange = posting.after - posting.before;
    if (posting.mode !== 'delta') {
      throw new KmspError(`Autotask takes usage as signed adjustments, not as a quantity to set (posting mode "${posting.mode}")`, {
        kind: 'internal',
        remedy: 'Report this to the kmsp maintainers.',
      });
    }
    if (!Number.isInteger(unitChange) || unitChange === 0) {
      throw new KmspError(`A usage posting needs a whole, non-zero unit change (got ${unitChange})`, {
        kind: 'internal',
        remedy: 'Report this to the kmsp maintainers.',
      });
    }
    const effectiveDate = dateOnly(checkDate(posting.effectiveDate, 'effective date'));
    const change = `${unitChange > 0 ? '+' : ''}${unitChange}`;
    const id = await this.client.create(
      'ContractServiceAdjustments',
      { contractID, serviceID, unitChange, effectiveDate },
      `post ${change} units of service ${serviceID} to contract ${contractID}`,
      // What to look for when the outcome is unknown (adjustments cannot be queried, README §4.4).
      `Look at contract ${contractID}, service ${serviceID} in Autotask (its units for the period containing ${posting.effectiveDate}, or the service's adjustment history) for a change of ${change} units effective ${posting.effectiveDate}; only if it is not there may the posting be repeated.`,
    );
    return { id: id > 0 ? String(id) : null };
  }
}
